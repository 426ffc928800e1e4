// The duplicate-id check's clean verdict (duplicate-objects.ts), remembered by everything it read, so
// that an unchanged object store is not read again on every run: 300,000 objects packed twice cost
// ~7 CPU-seconds, node and git, each time (every index's ids merged, every shared copy read by git and hashed).
// The verdict is a function of the stores git reads (alternates followed), each pack index's ids,
// the loose objects' names and, for an id held twice, the bytes of each copy. The key is made of
// the files holding those: each store's real path; each index git would load (its name, device,
// inode, size, modification and change times in nanoseconds, and its last bytes: the checksums of
// its pack and of itself) and its pack (the same times); each loose object folder (a name added or
// removed changes its times); each loose copy of an id held twice. A change time cannot be set back
// by the repository's owner, as a modification time can (touch -d), so a file rewritten to its old
// size and time still changes the key. Only a clean verdict is kept: a refusal is read again, every
// run. The file sits in .git/gitguard/, sealed with the per-user secret (state-secret.ts): a hostile
// repository could ship a forged one. A time is only as fine as its file system keeps it (ext4 with
// 128-byte inodes, FAT, older kernels' clock ticks): a loose copy written in the same second as the
// honest change before it, while a run read the store, left every stamp as it was, and the next run
// believed the kept verdict (red team 68, measured on a 1-second ext4). So, as git treats an index
// entry changed in its own second as racily clean, a state holding a change time not older than the
// run's start (the file system's own time, read from a file written then) is checked, never kept.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { objectStores } from './object-store.js';
import { indexedPacks, indexTrailer } from './pack-index.js';
import { listDir, mkdirNoFollow, readStateFile } from './safe-fs.js';
import { writeFileSafe } from './safe-write.js';
import { openSealed, sealState, userSecret } from './state-secret.js';

const VERSION = 'gitguard-one-copy-v1';
const FILE_NAME = 'one-copy-per-id.json';
/** Written at a run's start: its change time is the file system's time then. */
const START_NAME = 'one-copy-per-id.start';
/** A key and the loose copies it covers; a store of more loose duplicates is checked every run. */
const MAX_FILES = 10_000;
const MAX_BYTES = 4 * 1024 * 1024;

/** A file's identity and times as `stat` follows links to it (git's open() follows them too); '-' when it is gone. */
function stamp(path: string): string {
  try {
    const st = statSync(path, { bigint: true });
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  } catch {
    return '-';
  }
}

/**
 * What the check reads in the stores git reads from `objectsDir`, as text: undefined when an index's
 * last bytes cannot be read (the check then runs, uncached).
 */
export function storeState(objectsDir: string, len: number): string | undefined {
  const lines: string[] = [];
  for (const store of objectStores(objectsDir)) {
    lines.push(`store ${store}`);
    const packDir = join(store, 'pack');
    for (const n of indexedPacks(packDir).sort()) {
      const idx = join(packDir, n);
      const trailer = indexTrailer(idx, len);
      if (!trailer) return undefined;
      const pack = idx.replace(/\.idx$/, '.pack');
      lines.push(`idx ${n} ${stamp(idx)} ${trailer.toString('hex')} ${stamp(pack)}`);
    }
    for (const d of listDir(store).sort())
      if (/^[0-9a-f]{2}$/.test(d)) lines.push(`loose ${d} ${stamp(join(store, d))}`);
  }
  return lines.join('\n');
}

/** The change times (nanoseconds) of the stamps in `text` (stamp's format: dev:ino:size:mtime:ctime). */
const changeTimes = (text: string): bigint[] =>
  [...text.matchAll(/\b\d+:\d+:\d+:\d+:(\d+)\b/g)].map((m) => BigInt(m[1]!));

/** The key of a store state and the loose copies of ids held twice (their bytes are read too): stamped before they are read. */
export const stateKey = (state: string, files: readonly string[]): string => {
  const hash = createHash('sha256').update(state);
  for (const f of files) hash.update(`\nfile ${f} ${stamp(f)}`);
  return hash.digest('hex');
};

interface Entry {
  key: string;
  files: string[];
}

/** The store an earlier run of this user found clean, if any. */
export class OneCopyCache {
  private constructor(
    private readonly commonDir: string,
    private readonly file: string,
    private readonly secret: Buffer,
    private readonly entry: Entry | undefined,
  ) {}

  /** Undefined when no per-user secret can be kept (then the check runs every time). */
  static open(commonDir: string, env: NodeJS.ProcessEnv): OneCopyCache | undefined {
    const secret = userSecret(env);
    if (!secret) return undefined;
    const file = join(commonDir, 'gitguard', FILE_NAME);
    let entry: Entry | undefined;
    try {
      const bytes = readStateFile(commonDir, file, MAX_BYTES);
      const body = bytes && openSealed(secret, VERSION, bytes.toString('utf8'));
      const e = (body === undefined ? undefined : JSON.parse(body)) as Partial<Entry> | undefined;
      if (typeof e?.key === 'string' && Array.isArray(e.files) && e.files.every((f) => typeof f === 'string'))
        entry = { key: e.key, files: e.files };
    } catch {
      // a link, a folder, too large or not ours: check, and write a fresh file
    }
    return new OneCopyCache(commonDir, file, secret, entry);
  }

  /** Whether `state` (storeState now) is the one found clean, its loose copies unchanged. */
  clean(state: string): boolean {
    return !!this.entry && stateKey(state, this.entry.files) === this.entry.key;
  }

  /**
   * The file system's time now, read from a file written in .git/gitguard/ (stamps are then taken);
   * undefined when it cannot be written (then nothing is kept).
   */
  start(): bigint | undefined {
    try {
      const file = join(dirname(this.file), START_NAME);
      mkdirNoFollow(this.commonDir, dirname(file));
      writeFileSafe(file, '', { mode: 0o600 });
      return statSync(file, { bigint: true }).ctimeNs;
    } catch {
      return undefined;
    }
  }

  /**
   * Remembers a clean verdict on `state` (its loose copies `files`, together named by `key`), stamped
   * after `since` (start()): unless a stamped file changed at `since` or later, in the same tick of
   * its file system's clock as the stamp maybe, so that a later change could leave its stamp as it was.
   */
  keep(key: string, files: readonly string[], state: string, since: bigint): void {
    if (files.length > MAX_FILES || (this.entry?.key === key && this.entry.files.join('\n') === files.join('\n')))
      return;
    const stamps = `${state}\n${files.map(stamp).join('\n')}`;
    if (changeTimes(stamps).some((t) => t >= since)) return;
    try {
      mkdirNoFollow(this.commonDir, dirname(this.file));
      writeFileSafe(this.file, sealState(this.secret, VERSION, JSON.stringify({ key, files })), { mode: 0o600 });
    } catch {
      /* read-only repository: check again next time */
    }
  }
}
