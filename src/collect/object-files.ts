// The object files the walk checkpoint's verdicts were read from, and whether old objects still read
// as they did. git never re-hashes what it reads, so a verdict carried over holds only while every
// object the judged history used gives git the same bytes. Three ways it may not, each met here:
// a file that held them changed (a loose object's or a pack's bytes, compared by sha256; a pack's is
// taken again only when its ctime moved, as git's freshening of a pack moves it on most commits);
// a file added since that git reads first (a newer pack holds the same ids and wins, packfile.c
// sort_pack; a loose object in the repository's own store outranks a borrowed store's); or a store
// git borrows from (objects/info/alternates, as deep as git follows them) changed any of these. Each
// pack added since is checked by git's own `verify-pack` (every object re-hashed against its id, the
// index against the pack), each new loose object by its hash: an honest fetch's pack passes, a pack
// slipped in with other bytes under an old id does not, and the walk then starts over, reading what
// git reads.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import type { RepositoryInfo } from '../domain/model.js';
import { createShadow, runGit } from './git.js';
import { objectStores } from './object-store.js';
import { readBounded, readBoundedParts } from './safe-fs.js';

/**
 * An object file as the checkpoint knows it: its path under objects/ (a borrowed store's: absolute),
 * size, inode, the sha256 of its bytes (a pack's; a loose object's of at most LOOSE_HASHED_BYTES; ''
 * otherwise), and its ctime in nanoseconds (any write to the file moves it; absent in checkpoints
 * written before).
 */
export type ObjectFile = [path: string, size: string, ino: string, digest: string, ctime?: string];

/** The loose objects and packs of the object stores git reads when the checkpoint was written. */
export interface ObjectFiles {
  loose: ObjectFile[];
  packs: ObjectFile[];
}

/** Commits, trees and policy files are far smaller; a larger loose object is known by size, inode and ctime. */
const LOOSE_HASHED_BYTES = 1024 * 1024;
/** A new loose object is inflated to check its id up to this size; a larger one cannot be vouched for. */
const LOOSE_CHECKED_BYTES = 64 * 1024 * 1024;
/** git verify-pack re-hashes every object of a pack: minutes for a whole large history, seconds for a fetch. */
const VERIFY_TIMEOUT_MS = 30 * 60_000;

/** The sha256 of a file's bytes, read a MiB at a time (a pack may be gigabytes). */
function digestOf(path: string): string {
  return readBoundedParts(path, Number.MAX_SAFE_INTEGER, { follow: true }, (size, read) => {
    const h = createHash('sha256');
    for (let at = 0; at < size; at += CHUNK) h.update(read(at, Math.min(CHUNK, size - at)));
    return h.digest('hex');
  });
}
const CHUNK = 1024 * 1024;
/** Two seconds: the coarsest ctime a file system git runs on keeps (FAT), with a second for a clock step. */
const RACY_NS = 2_000_000_000n;

/**
 * `hashed`: 'small' hashes a file of at most LOOSE_HASHED_BYTES, 'all' every file, unless `was` (its
 * record in the checkpoint) has a digest and the same size, inode and ctime: nothing wrote to it since.
 * A symbolic link is read through, as git's open() and stat() read it (a linked pack or loose object is
 * one git reads); its digest is taken afresh each time, since the link may be pointed elsewhere
 * without a write to anything in the store. A file changed within RACY_NS of `nowNs` is recorded
 * without its ctime (git's racy-clean rule): on a file system that keeps whole seconds, a write in
 * the same second as the hashing leaves the ctime as it was, so the next run hashes it again (a
 * loose object too large to hash: checks it against its id, objectFilesAdded).
 */
function fileState(
  path: string,
  key: string,
  hashed: 'small' | 'all',
  nowNs: bigint,
  was?: ObjectFile,
): ObjectFile | undefined {
  try {
    const linked = lstatSync(path).isSymbolicLink();
    const st = statSync(path, { bigint: true });
    if (!st.isFile()) return undefined;
    const [size, ino, ctime] = [String(st.size), String(st.ino), String(st.ctimeNs)];
    const digest =
      !linked && was?.[3] && was[1] === size && was[2] === ino && was[4] === ctime
        ? was[3]
        : hashed === 'all' || st.size <= BigInt(LOOSE_HASHED_BYTES)
          ? digestOf(path)
          : '';
    return [key, size, ino, digest, st.ctimeNs > nowNs - RACY_NS ? '' : ctime];
  } catch {
    return undefined;
  }
}

const list = (dir: string): string[] => {
  try {
    return readdirSync(dir);
  } catch {
    return []; // no such folder: nothing to record
  }
};

/**
 * The object stores' files: every loose object and every pack file (git opens any `<name>.idx` beside
 * its `<name>.pack`) of the repository's store, keyed by their path under it, and of each store it
 * borrows from, keyed by their absolute path. `nowMs`: when they are hashed (the racy-clean window, fileState).
 */
export function objectFiles(repo: RepositoryInfo, recorded?: ObjectFiles, nowMs = Date.now()): ObjectFiles {
  const nowNs = BigInt(Math.floor(nowMs)) * 1_000_000n;
  const was = new Map([...(recorded?.loose ?? []), ...(recorded?.packs ?? [])].map((f) => [f[0], f]));
  const own = join(repo.commonDir, 'objects');
  const loose: ObjectFile[] = [];
  const packs: ObjectFile[] = [];
  const stores = [own, ...objectStores(own).slice(1)];
  stores.forEach((store, i) => {
    const key = (rel: string): string => (i === 0 ? rel : join(store, rel));
    for (const d of list(store)) {
      if (!/^[0-9a-f]{2}$/.test(d)) continue;
      for (const n of list(join(store, d))) {
        if (!/^[0-9a-f]{38,62}$/.test(n)) continue;
        const f = fileState(join(store, d, n), key(`${d}/${n}`), 'small', nowNs, was.get(key(`${d}/${n}`)));
        if (f) loose.push(f);
      }
    }
    for (const n of list(join(store, 'pack'))) {
      if (!n.endsWith('.pack') && !n.endsWith('.idx')) continue;
      const f = fileState(join(store, 'pack', n), key(`pack/${n}`), 'all', nowNs, was.get(key(`pack/${n}`)));
      if (f) packs.push(f);
    }
  });
  return { loose, packs };
}

/** Why the recorded object files no longer hold the judged history (against `now`, taken by objectFiles), or undefined when each is as it was. */
function objectFilesChanged(recorded: ObjectFiles, now: ObjectFiles): string | undefined {
  for (const [kind, files, current] of [
    ['loose object', recorded.loose, now.loose],
    ['pack', recorded.packs, now.packs],
  ] as const) {
    const byPath = new Map(current.map((f) => [f[0], f]));
    for (const want of files) {
      const got = byPath.get(want[0]);
      if (!got)
        return `a ${kind} that held the judged history is gone (${want[0]}; a repack or gc, or someone removed it)`;
      if (got[1] !== want[1] || got[2] !== want[2] || got[3] !== want[3])
        return `a ${kind} that held the judged history was rewritten (${want[0]})`;
    }
  }
  return undefined;
}

/** Files of `now` that are new since `recorded`, or may have been written since without a digest to
 *  compare: their ctime moved, or was not recorded (racy: fileState; '' then and '' now is no proof). */
function touched(recorded: readonly ObjectFile[], now: readonly ObjectFile[]): ObjectFile[] {
  const before = new Map(recorded.map((f) => [f[0], f]));
  return now.filter((f) => {
    const was = before.get(f[0]);
    return !was || (!f[3] && (!was[4] || was[4] !== f[4]));
  });
}

/** Where a key of objectFiles is: under the repository's store, or absolute (a borrowed store's). */
const located = (repo: RepositoryInfo, key: string): string =>
  key.startsWith('/') ? key : join(repo.commonDir, 'objects', key);

/** The hash of a loose object's inflated bytes (its id when honest), or '' when it is not zlib or larger than we check. */
export function looseDigest(path: string, format: RepositoryInfo['objectFormat']): string {
  try {
    const raw = inflateSync(readBounded(path, LOOSE_CHECKED_BYTES, { follow: true }), {
      maxOutputLength: LOOSE_CHECKED_BYTES,
    });
    return createHash(format === 'sha256' ? 'sha256' : 'sha1')
      .update(raw)
      .digest('hex');
  } catch {
    return ''; // git may read it, we cannot vouch for it
  }
}

/** Whether a loose object's file inflates to bytes whose hash is the id its path names. */
const looseHashOk = (path: string, id: string, format: RepositoryInfo['objectFormat']): boolean =>
  looseDigest(path, format) === id;

/**
 * Why objects the judged history used may read differently now through files added or written since
 * the checkpoint (`recorded`), or undefined when every such file holds what its names say: each such
 * pack passes `git verify-pack`, each such loose object hashes to its id.
 */
async function objectFilesAdded(
  repo: RepositoryInfo,
  recorded: ObjectFiles,
  now: ObjectFiles,
): Promise<string | undefined> {
  for (const [key] of touched(recorded.loose, now.loose)) {
    const m = /([0-9a-f]{2})\/([0-9a-f]{38,62})$/.exec(key);
    if (!m || !looseHashOk(located(repo, key), m[1]! + m[2]!, repo.objectFormat))
      return `a loose object written since the checkpoint does not hash to its id, or is too large to check (${key})`;
  }
  const packs = [
    ...new Set(touched(recorded.packs, now.packs).map(([key]) => key.replace(/\.(?:pack|idx)$/, '.idx'))),
  ].filter((idx) => ['.idx', '.pack'].every((ext) => now.packs.some((f) => f[0] === idx.replace(/\.idx$/, ext))));
  if (!packs.length) return undefined;
  const shadow = createShadow(repo.commonDir, repo.objectFormat);
  try {
    for (const idx of packs) {
      const res = await runGit(['verify-pack', '--', located(repo, idx)], {
        gitDir: shadow.gitDir,
        timeoutMs: VERIFY_TIMEOUT_MS,
        okCodes: [1, 128],
      }).catch((err: Error) => ({ code: -1, stderr: err.message }));
      if (res.code !== 0)
        return `a pack added or written since the checkpoint does not hold what its index names (${idx}; git verify-pack: ${res.stderr.split('\n').find(Boolean) ?? `exit ${res.code}`})`;
    }
  } finally {
    shadow.dispose();
  }
  return undefined;
}

/** Why old objects may read otherwise now than when `recorded` was taken (undefined: as then). */
export async function objectsChangedSince(
  repo: RepositoryInfo,
  recorded: ObjectFiles | undefined,
  now: ObjectFiles,
): Promise<string | undefined> {
  if (!recorded) return 'the checkpoint records no object files';
  return objectFilesChanged(recorded, now) ?? (await objectFilesAdded(repo, recorded, now));
}
