// The reading half of git's changed-path Bloom filters (src/domain/bloom.ts), on hand-made data; the
// collector's check is compared with git's own filters in test/cli/redteam40-changed-path-filters.test.ts.
import { filterMayHold, murmur3, pathKeys } from '../../src/domain/bloom.js';

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

test('a path is keyed with each of its leading folders', () => {
  expect(pathKeys(bytes('a/b/c.txt')).map(String)).toEqual(['a/b/c.txt', 'a/b', 'a']);
  expect(pathKeys(bytes('top')).map(String)).toEqual(['top']);
});

test('a filter holds a key only when all its bits are set; an empty filter holds anything', () => {
  const s = { numHashes: 7, version: 1 as const };
  expect(filterMayHold(Buffer.alloc(0), bytes('x'), s)).toBe(true);
  expect(filterMayHold(Buffer.alloc(2, 0xff), bytes('x'), s)).toBe(true);
  expect(filterMayHold(Buffer.alloc(2, 0), bytes('x'), s)).toBe(false);
});
