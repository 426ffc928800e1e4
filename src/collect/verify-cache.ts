// Signature verdicts cached in .git/gitguard/, keyed by commit id and the trusted key set (policy
// tree id, or a hash of the user's key files), so a second run verifies only what is new.
// The cache sits inside a repository that may be hostile (a downloaded archive can carry a forged
// .git/gitguard/), so the file is authenticated with an HMAC under a per-user secret kept outside
// the repository; a file that does not authenticate is ignored, never trusted.
import { dirname, join } from 'node:path';
import { UnsafeFileError, mkdirNoFollow, readStateFile, assertNoLinkBelow, assertNotLink } from './safe-fs.js';
import { writeFileSafe } from './safe-write.js';
import { openSealed, sealState, userSecret } from './state-secret.js';
import type { Verdict } from '../domain/signature.js';
import { runEnv } from './run-context.js';
import type { HardRevocation } from '../domain/keys.js';
import { ShapeTable, withTime, type Shape } from './signatures/verdict-shapes.js';
import { zoneIdentity } from './signatures/local-time.js';

// v5: OpenPGP critical subpackets, armor CRCs, area sizes and the issuer read as gpg does (a v4 verdict may be G where gpg says B)
// v6: SSH certificates verified against cert-authority lines (a v5 verdict for one is E)
// v7: a signature header git does not take ("gpgsig" alone, text before the armor) and two armored
//     OpenPGP blocks in one signature are E, and so is a signature by a primary key whose key flags
//     lack "sign"; a key's expiry read as gpg reads it (a v6 verdict may be G where git says N, E or Y)
// v8: a revoked user ID's certification no longer gives the key its flags or expiry, and EdDSA self-signatures
//     over SHA-1 verify (a v7 verdict may be Y where git says G, or name other identities)
// v10: an SSH principal speaks for the e-mail it folds to only where the line admits that too (a v9
//      verdict may name `Alice@example.com` under `*,!alice@example.com`)
// v11: an SSH certificate's verdict carries when it expires (certValidBefore), judged at the signing time
//      (a v10 verdict for one lacks it: a certificate expired before the parents' dates would pass)
// v12: a key revoked by its designated revoker is R, ECDSA on secp256k1 and brainpool is checked, and a
//      tag's gpgsig headers are cut from its payload (a v11 verdict may be G where git says R or B, or E
//      where git says G)
// v13: a signing subkey whose latest binding signature has expired (its own signature expiration) is E,
//      and a verdict carries when that binding expires; a self-signature with a critical subpacket gpg
//      does not handle counts for nothing (a v12 verdict may be G where git says E)
// v14: self-signatures as gpg merges them (expired user-ID certifications and direct-key signatures,
//      time conflicts, the first of two subpackets, RIPEMD-160), and keyFactsChangeAt (a v13 verdict
//      may be G, authorized, where git says E or Y)
// v15: of two self-signatures made in the same second the later counts, RFC 9580 v6 keys and
//      signatures are left out, and a key in two files is merged as gpg merges it (a v14 verdict may
//      be G, authorized, where git says Y, E or N)
// v16: a user ID's certification and revocation made in the same second: the later in the key counts,
//      a key whose user IDs are all revoked signs, and verdicts name gpg's signer (signerUserId): a v15
//      verdict may leave out an address gpg holds valid, be E where git says G, or lack the name
// v17: a user ID that is not valid UTF-8 is hashed as its bytes (a v16 verdict by such a key is E
//      where git says G)
// v18: a key's self-signatures are read after the part they are over, and a subkey listed twice as
//      its first kept copy, as gpg's import reads them (a v17 verdict may be G where git says R, or
//      E or R where git says G)
// v19: an SSH allowed_signers time without Z and the commit time are read as git + ssh-keygen read
//      them (glibc mktime, tm_isdst 0), in the zone the file records (a v18 verdict may be G where git
//      says U in Europe/Dublin)
// v20: an Ed25519 signature's S is read mod L (an OpenPGP RSA s mod n), as OpenSSH and libgcrypt do, and a
//      legacy EdDSA r or s gpg calls a bad MPI is E (a v19 verdict may be B where git says G or E), and
//      an SSH signature dated in the local year 10000 or later is B (a v19 verdict may be G)
// v21: an OpenPGP signature with an MPI over 16384 bits is E, as gpg reads no packet from it (git: N);
//      an RSA s moved by a multiple of n past that read mod n was G (a v20 verdict may be G)
// v22: key and subkey packets are read as gpg 2.2's parser reads them (refused ones stop the key file,
//      MPIs read as numbers) and v4 Ed25519/Ed448 keys sign nothing, local signatures are dropped and the
//      back-signature is gpg's (a v21 verdict may be G where git says E)
// v23: a local binding or subkey revocation newer than the exportable one displaces it, as gpg's import
//      weighs local self-signatures before it drops them (a v22 verdict may be G where git says E)
const VERSION = 'gitguard-verify-cache-v23';
/** ~60 bytes a commit per key set: a million commits under a few key sets. Larger: run uncached. */
const CACHE_MAX_BYTES = 256 * 1024 * 1024;

/**
 * On disk: the distinct verdict shapes once, then per key set one fixed-width line per commit,
 * sorted by commit id ("<oid> <shape, base 36, 4> <signedAt, 11>"). Thousands of commits signed by
 * a few keys share a few shapes, so the file stays small, and a lookup is a binary search in the
 * string as read: a warm run decodes nothing it is not asked about.
 */
interface CacheFile {
  version: string;
  shapes: Shape[];
  groups: Record<string, string>;
  keysets?: string[];
  revocations?: Record<string, HardRevocation[]>;
  /** The local zone the verdicts were reached in (signatures/local-time.ts zoneIdentity). */
  zone?: string;
}

interface Entry {
  shape: number;
  signedAt?: number;
}

const SHAPE_WIDTH = 4;
const TIME_WIDTH = 11;
const lineWidth = (oidLength: number): number => oidLength + 1 + SHAPE_WIDTH + 1 + TIME_WIDTH + 1;

// A cold run writes one line per commit checked (100,000 for a large history): the few shapes'
// digits are made once, and the time padded by slicing.
const shapeDigits: string[] = [];
const PAD = ' '.repeat(TIME_WIDTH);
function encodeLine(oid: string, e: Entry): string {
  const shape = (shapeDigits[e.shape] ??= e.shape.toString(36).padStart(SHAPE_WIDTH, '0'));
  const time = e.signedAt === undefined ? '-' : String(e.signedAt);
  return `${oid} ${shape} ${time.length < TIME_WIDTH ? PAD.slice(time.length) + time : time}\n`;
}

/** The entry for `oid` in a sorted fixed-width group, by binary search; undefined when absent. */
function findLine(group: string, oid: string): Entry | undefined {
  const width = lineWidth(oid.length);
  if (group.length % width !== 0 || group.charCodeAt(oid.length) !== 32) return undefined;
  let lo = 0;
  let hi = group.length / width - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = mid * width;
    let cmp = 0;
    for (let i = 0; i < oid.length && cmp === 0; i += 1) cmp = group.charCodeAt(at + i) - oid.charCodeAt(i);
    if (cmp < 0) lo = mid + 1;
    else if (cmp > 0) hi = mid - 1;
    else {
      const shape = parseInt(group.slice(at + oid.length + 1, at + oid.length + 1 + SHAPE_WIDTH), 36);
      const time = group.slice(at + width - 1 - TIME_WIDTH, at + width - 1).trim();
      return time === '-' ? { shape } : { shape, signedAt: Number(time) };
    }
  }
  return undefined;
}

export class VerifyCache {
  private shapes = new ShapeTable();
  /** Per trust id: the sorted fixed-width lines as read from disk, and what this run added. */
  private readonly encoded = new Map<string, string>();
  private readonly added = new Map<string, Map<string, Entry>>();
  /** Ids (content hashes) of key sets that parsed cleanly in an earlier run. */
  private readonly keysets = new Set<string>();
  /** Hard-revoked keys found in a policy's keyring, by the policy's tree id (a content hash). */
  private readonly revocations = new Map<string, HardRevocation[]>();
  private dirty = false;
  /** The clock, read once per run (expiry is judged against it). */
  private readonly now = Date.now() / 1000;
  private constructor(
    private readonly commonDir: string,
    private readonly file: string,
    private readonly secret: Buffer,
  ) {}

  /**
   * Opens the cache in `<commonDir>/gitguard/`; undefined when no per-user secret can be kept.
   * Throws UnsafeFileError when the state folder or the cache file is a link or not a regular file:
   * someone tampered with gitguard's own state, and the user should know (or pass --no-cache).
   */
  static open(commonDir: string, env: NodeJS.ProcessEnv = runEnv()): VerifyCache | undefined {
    const file = join(commonDir, 'gitguard', 'verify-cache.json');
    try {
      assertNoLinkBelow(commonDir, file);
      assertNotLink(file);
    } catch (err) {
      if (err instanceof UnsafeFileError)
        throw new UnsafeFileError(err.path, err.reason, err.detail, `remove ${err.path}, or run with --no-cache`);
      throw err;
    }
    const secret = userSecret(env);
    if (!secret) return undefined;
    const cache = new VerifyCache(commonDir, file, secret);
    cache.load();
    return cache;
  }

  private load(): void {
    let text: string;
    try {
      const bytes = readStateFile(this.commonDir, this.file, CACHE_MAX_BYTES);
      if (!bytes) return;
      text = bytes.toString('utf8');
    } catch {
      return; // swapped for something else since open(), or too large: run uncached
    }
    const body = openSealed(this.secret, VERSION, text);
    if (body === undefined) return; // forged or damaged: ignore
    try {
      const data = JSON.parse(body) as CacheFile;
      if (data.version !== VERSION || !Array.isArray(data.shapes) || data.zone !== zoneIdentity()) return;
      this.shapes = ShapeTable.from(data.shapes);
      for (const [trustId, lines] of Object.entries(data.groups ?? {}))
        if (typeof lines === 'string') this.encoded.set(trustId, lines);
      for (const k of data.keysets ?? []) this.keysets.add(k);
      for (const [k, v] of Object.entries(data.revocations ?? {})) this.revocations.set(k, v);
    } catch {
      /* unreadable: start afresh */
    }
  }

  get(commit: string, trustId: string): Verdict | undefined {
    const added = this.added.get(trustId)?.get(commit);
    const stored = this.encoded.get(trustId);
    const e = added ?? (stored === undefined ? undefined : findLine(stored, commit));
    const shape = e && Number.isInteger(e.shape) ? this.shapes.shapes[e.shape] : undefined;
    if (!e || !shape) return undefined;
    // git's Y/X letters depend on the clock: a verdict whose key or signature has since expired is redone,
    // and so is any verdict whose key's self-signatures read differently since.
    if (
      (shape.letter === 'G' &&
        ((shape.keyExpiresAt && shape.keyExpiresAt <= this.now) ||
          (shape.signatureExpiresAt && shape.signatureExpiresAt <= this.now) ||
          (shape.bindingExpiresAt && shape.bindingExpiresAt <= this.now))) ||
      (shape.keyFactsChangeAt && shape.keyFactsChangeAt <= this.now)
    )
      return undefined;
    return withTime(shape, e.signedAt);
  }

  set(commit: string, trustId: string, v: Verdict): void {
    const index = this.shapes.number(v, 36 ** SHAPE_WIDTH);
    if (index === undefined) return; // no room: just not cached
    const signedAt = v.signedAt;
    let added = this.added.get(trustId);
    if (!added) this.added.set(trustId, (added = new Map<string, Entry>()));
    added.set(commit, signedAt === undefined ? { shape: index } : { shape: index, signedAt });
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
    for (const [trustId, lines] of this.encoded) {
      const width = lines.indexOf(' ') === -1 ? 0 : lineWidth(lines.indexOf(' '));
      n += width ? lines.length / width : 0;
      for (const oid of this.added.get(trustId)?.keys() ?? []) if (findLine(lines, oid)) n -= 1;
    }
    for (const g of this.added.values()) n += g.size;
    return n;
  }

  /** One trust id's lines, stored and added merged, sorted by commit id. */
  private merged(trustId: string): string {
    const stored = this.encoded.get(trustId) ?? '';
    const added = this.added.get(trustId);
    if (!added?.size) return stored;
    // The default sort orders strings by UTF-16 code units, as `<` does, without a comparator's calls.
    const fresh = [...added.keys()].sort();
    const line = (oid: string): string => encodeLine(oid, added.get(oid)!);
    const width = fresh.length ? lineWidth(fresh[0]!.length) : 0;
    const out: string[] = [];
    let i = 0;
    const count = stored.length % width === 0 ? stored.length / width : 0;
    for (let k = 0; k < count; k += 1) {
      const kept = stored.slice(k * width, (k + 1) * width);
      const oid = kept.slice(0, width - 2 - SHAPE_WIDTH - TIME_WIDTH - 1);
      while (i < fresh.length && fresh[i]! < oid) out.push(line(fresh[i++]!));
      if (i < fresh.length && fresh[i] === oid) out.push(line(fresh[i++]!));
      else out.push(kept);
    }
    while (i < fresh.length) out.push(line(fresh[i++]!));
    return out.join('');
  }

  /** Writes the cache atomically (temp file + rename); failures only cost the next run time. */
  save(): void {
    if (!this.dirty) return;
    try {
      mkdirNoFollow(this.commonDir, dirname(this.file));
      const groups: Record<string, string> = {};
      for (const trustId of new Set([...this.encoded.keys(), ...this.added.keys()])) {
        const lines = this.merged(trustId);
        if (lines) groups[trustId] = lines;
      }
      const file: CacheFile = {
        version: VERSION,
        zone: zoneIdentity(),
        shapes: this.shapes.shapes,
        groups,
        keysets: [...this.keysets],
        revocations: Object.fromEntries(this.revocations),
      };
      const body = JSON.stringify(file);
      const text = sealState(this.secret, VERSION, body);
      if (Buffer.byteLength(text) > CACHE_MAX_BYTES) return; // the next run could not read it
      writeFileSafe(this.file, text, { mode: 0o600 });
      this.dirty = false;
    } catch {
      /* read-only repository: no cache */
    }
  }
}
