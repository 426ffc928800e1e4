// git's clean verdict on a commit-graph, remembered by the exact bytes git would load, so that an
// unchanged graph is not verified again on every audit (`commit-graph verify` reads every commit of
// the graph: ~1 CPU-s and 140 MB at 200,000 commits). Sound because the verdict is a function of
// the graph's bytes and the objects it names, and an object's bytes are fixed by its id (a file
// that no longer hashes to its id is objects-intact's finding). Only a graph git found nothing
// wrong with, and none of whose commits were missing, is kept: a graph entry for a commit the store
// lacks was never compared, and git would read it once that commit arrives. The file sits in
// .git/gitguard/, sealed with the per-user secret (a hostile repository could ship a forged one).
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { mkdirNoFollow, readStateFile } from './safe-fs.js';
import { writeFileSafe } from './safe-write.js';
import { openSealed, sealState, userSecret } from './state-secret.js';

// v2: verdicts reading the topological levels too, with every store's chain layers in the key.
const VERSION = 'gitguard-commit-graph-v2';
const FILE_NAME = 'commit-graph-verified.json';
/** A few stores' keys; anything larger was not written by us. */
const MAX_BYTES = 64 * 1024;
const CHUNK = 1024 * 1024;

/** The sha256 of a regular file's bytes, read in chunks (a graph of a million commits is ~60 MB); undefined when unreadable. */
function fileHash(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK); // a FIFO swapped in cannot block us
    if (!fstatSync(fd).isFile()) return undefined;
    const hash = createHash('sha256');
    const buf = Buffer.alloc(CHUNK);
    for (let n = readSync(fd, buf, 0, CHUNK, null); n > 0; n = readSync(fd, buf, 0, CHUNK, null))
      hash.update(buf.subarray(0, n));
    return hash.digest('hex');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * What identifies one store's graph to git: the store, the git that verified it, and the bytes of
 * every graph file git may load there, in `files`' order (git's order of the stores decides which of
 * two same-named chain layers it loads). Undefined when a file cannot be read (verify then, uncached).
 */
export function graphKey(store: string, files: readonly string[], gitVersion: string): string | undefined {
  const hash = createHash('sha256').update(`${store}\0${gitVersion}\0`);
  for (const f of files) {
    const h = fileHash(f);
    if (h === undefined) return undefined;
    hash.update(`${f}\0${h}\0`);
  }
  return hash.digest('hex');
}

/** The graphs verified clean by an earlier run of this user, keyed by graphKey. */
export class CommitGraphCache {
  private readonly clean = new Set<string>();
  private dirty = false;

  private constructor(
    private readonly commonDir: string,
    private readonly file: string,
    private readonly secret: Buffer,
  ) {}

  /** Undefined when no per-user secret can be kept (then every graph is verified). */
  static open(commonDir: string, env: NodeJS.ProcessEnv): CommitGraphCache | undefined {
    const secret = userSecret(env);
    if (!secret) return undefined;
    const cache = new CommitGraphCache(commonDir, join(commonDir, 'gitguard', FILE_NAME), secret);
    try {
      const bytes = readStateFile(commonDir, cache.file, MAX_BYTES);
      const body = bytes && openSealed(secret, VERSION, bytes.toString('utf8'));
      const keys: unknown = body === undefined ? [] : JSON.parse(body);
      if (Array.isArray(keys)) for (const k of keys) if (typeof k === 'string') cache.clean.add(k);
    } catch {
      // a link, a folder, too large or not ours: verify everything, and write a fresh file
    }
    return cache;
  }

  has(key: string): boolean {
    return this.clean.has(key);
  }

  /** Remembers a clean verdict; only the keys of this run are kept (graphs rewritten since drop out). */
  keep(keys: readonly string[]): void {
    const next = new Set(keys);
    if (next.size === this.clean.size && [...next].every((k) => this.clean.has(k))) return;
    this.clean.clear();
    for (const k of next) this.clean.add(k);
    this.dirty = true;
  }

  save(): void {
    if (!this.dirty) return;
    try {
      mkdirNoFollow(this.commonDir, dirname(this.file));
      writeFileSafe(this.file, sealState(this.secret, VERSION, JSON.stringify([...this.clean])), { mode: 0o600 });
      this.dirty = false;
    } catch {
      /* read-only repository: verify again next time */
    }
  }
}
