// A pack index (objects/pack/*.idx) as git reads it (packfile.c load_idx, gitformat-pack(5)): version 1
// is 256 big-endian fan-out counts, then per object a 4-byte offset and its id; version 2 starts with
// the magic \377tOc and a version word, then the fan-out, then the ids alone (offsets and CRCs follow
// in tables of their own). Ids are 20 bytes (sha1) or 32 (sha256), sorted; fan-out[b] counts the ids
// whose first byte is <= b. The one reader of these files: the duplicate-id check reads every id of
// every index, objectHeld looks one id up in place.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { listDir } from './safe-fs.js';

const IDX_V2_MAGIC = 0xff744f63;
/** The most id bytes read into memory from one index (~107 million sha1 ids); a larger one is refused. */
const IDX_MAX_BYTES = 2 * 1024 ** 3;
const FANOUT_BYTES = 256 * 4;

/** Where an index keeps its ids: `count` of `len` bytes, `stride` apart from byte `first`, with its fan-out. */
interface Layout {
  fanout: Uint32Array;
  len: number;
  stride: number;
  first: number;
}

/** A pack index's ids, read whole, sorted: id `i` is `names[i * stride, i * stride + len)`. */
export interface PackIndex extends Layout {
  idx: string;
  /** The pack it indexes (the same name, `.pack`). */
  pack: string;
  names: Buffer;
}

function readAt(fd: number, pos: number, len: number): Buffer {
  const b = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const n = readSync(fd, b, got, len - got, pos + got);
    if (n === 0) break;
    got += n;
  }
  return b.subarray(0, got);
}

/** The header and fan-out of the index open as `fd`; undefined when too short to hold them. */
function layout(fd: number, len: number): Layout | undefined {
  const head = readAt(fd, 0, 8);
  if (head.length < 8) return undefined;
  const v2 = head.readUInt32BE(0) === IDX_V2_MAGIC;
  const base = v2 ? 8 : 0;
  const table = readAt(fd, base, FANOUT_BYTES);
  if (table.length < FANOUT_BYTES) return undefined;
  const fanout = new Uint32Array(256);
  for (let i = 0; i < 256; i += 1) fanout[i] = table.readUInt32BE(i * 4);
  // Version 1 puts a 4-byte offset before each id.
  return { fanout, len, stride: v2 ? len : len + 4, first: base + FANOUT_BYTES + (v2 ? 0 : 4) };
}

/** Opens without blocking (a FIFO planted as an index cannot hang the run); undefined when it cannot be opened. */
function withIndex<T>(path: string, f: (fd: number) => T): T | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    return f(fd);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The index files of a pack folder whose pack is beside them (git loads no other), in the folder's order. */
export function indexedPacks(packDir: string): string[] {
  const names = listDir(packDir);
  return names.filter((n) => n.endsWith('.idx') && names.includes(n.replace(/\.idx$/, '.pack')));
}

/** The ids of bucket `b` (first byte `b`): indexes `[start, end)`. */
export const bucket = (l: Layout, b: number): [number, number] => [b === 0 ? 0 : l.fanout[b - 1]!, l.fanout[b]!];

/** The number of ids an index lists (its last fan-out count). */
export const idCount = (l: Layout): number => l.fanout[255]!;

/** Where id `i` starts in `PackIndex.names`. */
export const nameAt = (p: PackIndex, i: number): number => i * p.stride;

/** Whether an index lists `oid`: binary search within its fan-out bucket, `cmp(i)` comparing id `i` with `oid`. */
function search(l: Layout, oid: Buffer, cmp: (i: number) => number): boolean {
  let [lo, hi] = bucket(l, oid[0]!);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = cmp(mid);
    if (c === 0) return true;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return false;
}

/**
 * Every id the index at `idx` lists (version 1 or 2, ids of `len` bytes); undefined when it is not an
 * index git could read this way (too short for its header or the ids its fan-out counts: git's
 * load_idx refuses it, so nothing of the claimed size is allocated); `tooLarge` (its count) when it
 * holds over 2 GiB of ids: git loads it, so the caller refuses rather than leave its ids out.
 */
export function readPackIndex(idx: string, len: number): PackIndex | { tooLarge: number } | undefined {
  return withIndex(idx, (fd) => {
    const l = layout(fd, len);
    if (!l) return undefined;
    const count = idCount(l);
    if (count && fstatSync(fd).size < l.first + (count - 1) * l.stride + len) return undefined;
    if (count * l.stride > IDX_MAX_BYTES) return { tooLarge: count };
    const names = readAt(fd, l.first, count * l.stride);
    if (count && names.length < (count - 1) * l.stride + len) return undefined;
    return { ...l, idx, pack: idx.replace(/\.idx$/, '.pack'), names };
  });
}

/** Whether `p` lists `oid`. */
export const indexHolds = (p: PackIndex, oid: Buffer): boolean =>
  search(p, oid, (i) => p.names.compare(oid, 0, oid.length, nameAt(p, i), nameAt(p, i) + oid.length));

/** Whether the index at `path` lists `oid`, its ids read in place (one lookup need not read a large index whole). */
export function packIndexHolds(path: string, oid: Buffer): boolean {
  return (
    withIndex(path, (fd) => {
      const l = layout(fd, oid.length);
      return !!l && search(l, oid, (i) => readAt(fd, l.first + i * l.stride, oid.length).compare(oid));
    }) ?? false
  );
}

/**
 * The last bytes of the index at `path`: the checksum of its pack and its own (`2 * len` bytes, each
 * index writer's), or undefined when it cannot be read. git checks the first against the pack's
 * trailer when it opens the pack, so a pack rewritten under an old index is no longer loaded.
 */
export function indexTrailer(path: string, len: number): Buffer | undefined {
  return withIndex(path, (fd) => {
    const size = fstatSync(fd).size;
    return size < 2 * len ? undefined : readAt(fd, size - 2 * len, 2 * len);
  });
}
