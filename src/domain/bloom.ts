// git's changed-path Bloom filters (bloom.c), the reading half: a commit-graph keeps, per commit, a
// filter of the paths it changes against its first parent (each with its leading folders), and
// `git log -- PATH` skips a commit whose filter says PATH is not there. A key is "maybe" only if
// every one of its bits is set.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

const rotl = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0;

/** The byte at `i`, sign-extended when `ext` is set (C's signed char). */
const at = (data: Uint8Array, i: number, ext: number): number => {
  const b = data[i]!;
  return b >= 0x80 ? (b | ext) >>> 0 : b;
};

/**
 * git's murmur3_seeded over `data[from, to)` (a key read where it lies: no copy per key). Version 1
 * (every git before 2.46, and the filters it wrote) reads the bytes as C's signed char: a byte of
 * 0x80 or more is sign-extended before it is shifted in.
 */
export function murmur3(seed: number, data: Uint8Array, version: 1 | 2, from = 0, to = data.length): number {
  const ext = version === 1 ? 0xffffff00 : 0;
  let h = seed >>> 0;
  const len = to - from;
  const tail = from + (len & ~3);
  for (let i = from; i < tail; i += 4) {
    let k =
      (at(data, i, ext) | (at(data, i + 1, ext) << 8) | (at(data, i + 2, ext) << 16) | (at(data, i + 3, ext) << 24)) >>>
      0;
    k = Math.imul(k, C1) >>> 0;
    k = rotl(k, 15);
    k = Math.imul(k, C2) >>> 0;
    h = (h ^ k) >>> 0;
    h = (Math.imul(rotl(h, 13), 5) + 0xe6546b64) >>> 0;
  }
  const rest = len & 3;
  if (rest) {
    // C's switch falling through from case 3 to case 1.
    let k1 = 0;
    if (rest === 3) k1 ^= at(data, tail + 2, ext) << 16;
    if (rest >= 2) k1 ^= at(data, tail + 1, ext) << 8;
    k1 ^= at(data, tail, ext);
    k1 = Math.imul(k1 >>> 0, C1) >>> 0;
    k1 = rotl(k1, 15);
    k1 = Math.imul(k1, C2) >>> 0;
    h = (h ^ k1) >>> 0;
  }
  h = (h ^ len) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h = (h ^ (h >>> 13)) >>> 0;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export interface BloomSettings {
  numHashes: number;
  version: 1 | 2;
}

/**
 * Whether `filter` may hold the key `path[from, to)` (bloom.c fill_bloom_key,
 * bloom_filter_contains): an empty filter holds anything (git computes none and does not skip).
 */
export function filterMayHold(
  filter: Uint8Array,
  path: Uint8Array,
  s: BloomSettings,
  from = 0,
  to = path.length,
): boolean {
  const bits = filter.length * 8;
  if (!bits) return true;
  const h0 = murmur3(0x293ae76f, path, s.version, from, to);
  const h1 = murmur3(0x7e646e2c, path, s.version, from, to);
  for (let i = 0; i < s.numHashes; i++) {
    const pos = ((h0 + Math.imul(i, h1)) >>> 0) % bits;
    if (!(filter[pos >>> 3]! & (1 << (pos & 7)))) return false;
  }
  return true;
}

/**
 * The first key of a changed path that `filter` cannot hold, as its length (the path itself, then
 * each leading folder: "a/b/c", "a/b", "a", the keys git adds for it), else -1. The folders `path`
 * shares with `prev`, the path checked before it in the same commit, are not hashed again: the
 * same bytes are the same key, and diff-tree lists a commit's paths sorted, so most folders are
 * shared with the path before.
 */
export function hiddenKey(filter: Uint8Array, path: Uint8Array, s: BloomSettings, prev?: Uint8Array): number {
  let same = 0;
  if (prev) while (same < prev.length && same < path.length && prev[same] === path[same]) same++;
  // A folder key path[0, k) with k < same: prev[k] is the same "/", so prev had that key too.
  for (let end = path.length; end > 0; end = path.lastIndexOf(0x2f, end - 1)) {
    if (end < same) break;
    if (!filterMayHold(filter, path, s, 0, end)) return end;
  }
  return -1;
}
