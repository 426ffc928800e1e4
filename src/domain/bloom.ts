// git's changed-path Bloom filters (bloom.c), the reading half: a commit-graph keeps, per commit, a
// filter of the paths it changes against its first parent (each with its leading folders), and
// `git log -- PATH` skips a commit whose filter says PATH is not there. A key is "maybe" only if
// every one of its bits is set.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

const rotl = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0;

/**
 * git's murmur3_seeded. Version 1 (every git before 2.46, and the filters it wrote) reads the
 * bytes as C's signed char: a byte of 0x80 or more is sign-extended before it is shifted in.
 */
export function murmur3(seed: number, data: Uint8Array, version: 1 | 2): number {
  const byte = (i: number): number => {
    const b = data[i]!;
    return version === 1 && b >= 0x80 ? (b | 0xffffff00) >>> 0 : b;
  };
  let h = seed >>> 0;
  const len4 = Math.floor(data.length / 4);
  for (let i = 0; i < len4; i++) {
    let k = (byte(4 * i) | (byte(4 * i + 1) << 8) | (byte(4 * i + 2) << 16) | (byte(4 * i + 3) << 24)) >>> 0;
    k = Math.imul(k, C1) >>> 0;
    k = rotl(k, 15);
    k = Math.imul(k, C2) >>> 0;
    h = (h ^ k) >>> 0;
    h = (Math.imul(rotl(h, 13), 5) + 0xe6546b64) >>> 0;
  }
  const tail = 4 * len4;
  const rest = data.length & 3;
  if (rest) {
    // C's switch falling through from case 3 to case 1.
    let k1 = 0;
    if (rest === 3) k1 ^= byte(tail + 2) << 16;
    if (rest >= 2) k1 ^= byte(tail + 1) << 8;
    k1 ^= byte(tail);
    k1 = Math.imul(k1 >>> 0, C1) >>> 0;
    k1 = rotl(k1, 15);
    k1 = Math.imul(k1, C2) >>> 0;
    h = (h ^ k1) >>> 0;
  }
  h = (h ^ data.length) >>> 0;
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
 * Whether `filter` may hold `path` (bloom.c fill_bloom_key, bloom_filter_contains): an empty filter
 * holds anything (git computes none and does not skip).
 */
export function filterMayHold(filter: Uint8Array, path: Uint8Array, s: BloomSettings): boolean {
  const bits = filter.length * 8;
  if (!bits) return true;
  const h0 = murmur3(0x293ae76f, path, s.version);
  const h1 = murmur3(0x7e646e2c, path, s.version);
  for (let i = 0; i < s.numHashes; i++) {
    const pos = ((h0 + Math.imul(i, h1)) >>> 0) % bits;
    if (!(filter[pos >>> 3]! & (1 << (pos & 7)))) return false;
  }
  return true;
}

/** A changed path and each of its leading folders ("a/b/c", "a/b", "a"): the keys git adds for it. */
export function pathKeys(path: Buffer): Buffer[] {
  const keys: Buffer[] = [];
  for (let end = path.length; end > 0; end = path.lastIndexOf(0x2f, end - 1)) keys.push(path.subarray(0, end));
  return keys;
}
