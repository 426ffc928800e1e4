// The reading half of git's changed-path Bloom filters (src/domain/bloom.ts), on hand-made data; the
// collector's check is compared with git's own filters in test/cli/redteam40-changed-path-filters.test.ts.
import { bloomFilter } from '../helpers/commit-graph.js';
import { filterMayHold, hiddenKey, murmur3, type BloomSettings } from '../../src/domain/bloom.js';

const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');

test("murmur3 gives MurmurHash3's x86_32 values on ASCII, in both of git's versions", () => {
  for (const v of [1, 2] as const) {
    expect(murmur3(0, bytes(''), v)).toBe(0);
    expect(murmur3(0, bytes('Hello world!'), v)).toBe(0x627b0c2c);
    expect(murmur3(0, bytes('The quick brown fox jumps over the lazy dog'), v)).toBe(0x2e4ff723);
  }
});

test("version 1 reads bytes of 0x80 and more as C's signed char; version 2 does not", () => {
  const high = Buffer.from([0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xef]);
  expect(murmur3(0, high, 1)).not.toBe(murmur3(0, high, 2));
});

test('murmur3 over a part of a buffer is murmur3 of that part alone, high bytes too', () => {
  const all = Buffer.from([0x61, 0x99, 0x2f, 0xaa, 0xbb, 0x62, 0xcc, 0xdd, 0xee, 0x63]);
  for (const v of [1, 2] as const)
    for (let from = 0; from <= all.length; from++)
      for (let to = from; to <= all.length; to++)
        expect(murmur3(0x293ae76f, all, v, from, to)).toBe(murmur3(0x293ae76f, all.subarray(from, to), v));
});

const filterOf = (keys: string[], s: BloomSettings): Buffer => bloomFilter(keys, s, 64);

test('a path is keyed with each of its leading folders; the first one missing is named by its length', () => {
  const s = { numHashes: 7, version: 1 as const };
  expect(hiddenKey(filterOf(['a/b/c.txt', 'a/b', 'a'], s), bytes('a/b/c.txt'), s)).toBe(-1);
  expect(hiddenKey(filterOf(['a/b/c.txt', 'a'], s), bytes('a/b/c.txt'), s)).toBe(3);
  expect(hiddenKey(filterOf(['a/b/c.txt', 'a/b'], s), bytes('a/b/c.txt'), s)).toBe(1);
  expect(hiddenKey(filterOf(['a/b', 'a'], s), bytes('a/b/c.txt'), s)).toBe(9);
  expect(hiddenKey(filterOf(['top'], s), bytes('top'), s)).toBe(-1);
  expect(hiddenKey(filterOf([], s), bytes('top'), s)).toBe(3);
});

test('the folders a path shares with the path before it are not checked again; the rest are', () => {
  const s = { numHashes: 7, version: 1 as const };
  // 'a/b' was checked with a/b/c.txt: a/b/d.txt's own key is still checked, its folders are not.
  const f = filterOf(['a/b/d.txt'], s);
  expect(hiddenKey(f, bytes('a/b/d.txt'), s, bytes('a/b/c.txt'))).toBe(-1);
  expect(hiddenKey(filterOf(['a/b/c.txt'], s), bytes('a/b/d.txt'), s, bytes('a/b/c.txt'))).toBe(9);
  // 'a/bc' shares the bytes "a/b" with a/b/x but not the folder a/b: its own key is checked, 'a' is not.
  expect(hiddenKey(filterOf(['a/bc'], s), bytes('a/bc'), s, bytes('a/b/x'))).toBe(-1);
  expect(hiddenKey(filterOf(['a'], s), bytes('a/bc'), s, bytes('a/b/x'))).toBe(4);
  // A folder after a file of its name ('a' then 'a/b'): "a" is no folder of the path before, checked.
  expect(hiddenKey(filterOf(['a/b'], s), bytes('a/b'), s, bytes('a'))).toBe(1);
});

test('a filter holds a key only when all its bits are set; an empty filter holds anything', () => {
  const s = { numHashes: 7, version: 1 as const };
  expect(filterMayHold(Buffer.alloc(0), bytes('x'), s)).toBe(true);
  expect(filterMayHold(Buffer.alloc(2, 0xff), bytes('x'), s)).toBe(true);
  expect(filterMayHold(Buffer.alloc(2, 0), bytes('x'), s)).toBe(false);
});
