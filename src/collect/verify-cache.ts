// Signature verdicts cached in .git/gitguard/, keyed by commit id and the trusted key set (policy
// tree id, or a hash of the user's key files), so a second run verifies only what is new.
// The cache sits inside a repository that may be hostile (a downloaded archive can carry a forged
// .git/gitguard/), so the file is authenticated with an HMAC under a per-user secret kept outside
// the repository; a file that does not authenticate is ignored, never trusted.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Verdict } from './signatures/verify.js';
import type { HardRevocation } from './signatures/openpgp.js';

const VERSION = 'gitguard-verify-cache-v2';

function secretFile(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'gitguard', 'cache-secret');
}

function userSecret(env: NodeJS.ProcessEnv): Buffer | undefined {
  const file = secretFile(env);
  try {
    if (existsSync(file)) {
      const s = readFileSync(file);
      if (s.length >= 32) return s;
    }
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const s = randomBytes(32);
    writeFileSync(file, s, { mode: 0o600 });
    chmodSync(file, 0o600);
    return s;
  } catch {
    return undefined; // no writable home: run without a cache
  }
}

/** A verdict without its signing time: the part that repeats across a signer's commits. */
type Shape = Omit<Verdict, 'signedAt'>;

/**
 * On disk: the distinct verdict shapes once, then per key set one line per commit ("oid shape
 * signedAt"). Thousands of commits signed by a few keys share a few shapes, so the file stays small
 * and a warm run decodes only the key sets it asks about.
 */
interface CacheFile {
  version: string;
  shapes: Shape[];
  groups: Record<string, string>;
  keysets?: string[];
  revocations?: Record<string, HardRevocation[]>;
}

interface Entry {
  shape: number;
  signedAt?: number;
}

export class VerifyCache {
  private shapes: Shape[] = [];
  private readonly shapeIndex = new Map<string, number>();
  /** Entries per trust id; a group read from disk is decoded on first use. */
  private readonly groups = new Map<string, Map<string, Entry>>();
  private readonly encoded = new Map<string, string>();
  /** Ids (content hashes) of key sets that parsed cleanly in an earlier run. */
  private readonly keysets = new Set<string>();
  /** Hard-revoked keys found in a policy's keyring, by the policy's tree id (a content hash). */
  private readonly revocations = new Map<string, HardRevocation[]>();
  private dirty = false;
  private constructor(private readonly file: string, private readonly secret: Buffer) {}

  /** Opens the cache in `<commonDir>/gitguard/`; undefined when no per-user secret can be kept. */
  static open(commonDir: string, env: NodeJS.ProcessEnv = process.env): VerifyCache | undefined {
    const secret = userSecret(env);
    if (!secret) return undefined;
    const cache = new VerifyCache(join(commonDir, 'gitguard', 'verify-cache.json'), secret);
    cache.load();
    return cache;
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.secret).update(VERSION).update('\0').update(body).digest();
  }

  private load(): void {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return;
    }
    const nl = text.indexOf('\n');
    if (nl === -1) return;
    const given = Buffer.from(text.slice(0, nl), 'hex');
    const body = text.slice(nl + 1);
    const want = this.mac(body);
    if (given.length !== want.length || !timingSafeEqual(given, want)) return; // forged or damaged: ignore
    try {
      const data = JSON.parse(body) as CacheFile;
      if (data.version !== VERSION || !Array.isArray(data.shapes)) return;
      this.shapes = data.shapes;
      this.shapes.forEach((shape, i) => this.shapeIndex.set(JSON.stringify(shape), i));
      for (const [trustId, lines] of Object.entries(data.groups ?? {})) if (typeof lines === 'string') this.encoded.set(trustId, lines);
      for (const k of data.keysets ?? []) this.keysets.add(k);
      for (const [k, v] of Object.entries(data.revocations ?? {})) this.revocations.set(k, v);
    } catch {
      /* unreadable: start afresh */
    }
  }

  private group(trustId: string): Map<string, Entry> {
    let g = this.groups.get(trustId);
    if (g) return g;
    g = new Map();
    const lines = this.encoded.get(trustId);
    if (lines) {
      for (const line of lines.split('\n')) {
        const [oid, shape, at] = line.split(' ');
        if (!oid || shape === undefined || !this.shapes[Number(shape)]) continue;
        g.set(oid, at ? { shape: Number(shape), signedAt: Number(at) } : { shape: Number(shape) });
      }
      this.encoded.delete(trustId);
    }
    this.groups.set(trustId, g);
    return g;
  }

  get(commit: string, trustId: string): Verdict | undefined {
    const e = this.group(trustId).get(commit);
    if (!e) return undefined;
    const v: Verdict = e.signedAt === undefined ? { ...this.shapes[e.shape]! } : { ...this.shapes[e.shape]!, signedAt: e.signedAt };
    // git's Y/X letters depend on the clock: a verdict whose key or signature has since expired is redone.
    const now = Date.now() / 1000;
    if ((v.keyExpiresAt && v.keyExpiresAt <= now && v.letter === 'G') || (v.signatureExpiresAt && v.signatureExpiresAt <= now && v.letter === 'G')) return undefined;
    return v;
  }

  set(commit: string, trustId: string, v: Verdict): void {
    const { signedAt, ...shape } = v;
    const key = JSON.stringify(shape);
    let index = this.shapeIndex.get(key);
    if (index === undefined) {
      index = this.shapes.length;
      this.shapes.push(shape);
      this.shapeIndex.set(key, index);
    }
    this.group(trustId).set(commit, signedAt === undefined ? { shape: index } : { shape: index, signedAt });
    this.dirty = true;
  }

  /** Whether this exact key set (by content hash) was parsed without error before. */
  knownGoodKeys(id: string): boolean {
    return this.keysets.has(id);
  }

  markGoodKeys(id: string): void {
    if (!this.keysets.has(id)) {
      this.keysets.add(id);
      this.dirty = true;
    }
  }

  /** The hard revocations recorded for a keyring (by content id) in an earlier run. */
  hardRevocations(id: string): HardRevocation[] | undefined {
    return this.revocations.get(id);
  }

  setHardRevocations(id: string, list: HardRevocation[]): void {
    this.revocations.set(id, list);
    this.dirty = true;
  }

  get size(): number {
    let n = 0;
    for (const lines of this.encoded.values()) n += lines.split('\n').length;
    for (const g of this.groups.values()) n += g.size;
    return n;
  }

  /** Writes the cache atomically (temp file + rename); failures only cost the next run time. */
  save(): void {
    if (!this.dirty) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const groups: Record<string, string> = Object.fromEntries(this.encoded);
      for (const [trustId, g] of this.groups) {
        const lines: string[] = [];
        for (const [oid, e] of g) lines.push(e.signedAt === undefined ? `${oid} ${e.shape}` : `${oid} ${e.shape} ${e.signedAt}`);
        if (lines.length) groups[trustId] = lines.join('\n');
      }
      const file: CacheFile = { version: VERSION, shapes: this.shapes, groups, keysets: [...this.keysets], revocations: Object.fromEntries(this.revocations) };
      const body = JSON.stringify(file);
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${this.mac(body).toString('hex')}\n${body}`);
      renameSync(tmp, this.file);
      this.dirty = false;
    } catch {
      /* read-only repository: no cache */
    }
  }
}
