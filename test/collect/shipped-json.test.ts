// rules/*.json read once per process while its files stay the same (collect/shipped-json.ts): the
// catalog and the checkpoint keys read and hashed every file on every run. A file changed between
// two runs of one process (a new rule text, an updated database) must be read again, even one of the
// same size written back within the same second, and a file added or removed changes the listing.
import { rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inRun } from '../../src/collect/run-context.js';
import { shippedJsonFiles, shippedJsonHash } from '../../src/collect/shipped-json.js';
import { dataDirHash } from '../../src/collect/checkpoint.js';
import { cleanupTemp, tempDir } from '../helpers/repo.js';

afterAll(() => cleanupTemp());

/** One run of gitguard as main() makes it: a context of its own. */
const aRun = <T>(f: () => T): T => inRun({ secrets: new Set() }, f);

test('a file rewritten between runs with bytes of the same size and the same times is read again', () => {
  const dir = tempDir('gg-shipped-');
  const file = join(dir, 'a.json');
  writeFileSync(file, '{"v":1}');
  writeFileSync(join(dir, 'notes.txt'), 'not json');
  utimesSync(file, 1_700_000_000, 1_700_000_000);
  const first = aRun(() => shippedJsonHash(dir));
  expect(aRun(() => shippedJsonHash(dir))).toBe(first); // unchanged: the same answer
  expect(aRun(() => dataDirHash(dir))).toBe(first);
  writeFileSync(file, '{"v":2}');
  utimesSync(file, 1_700_000_000, 1_700_000_000); // same size and mtime: the change time and inode tell
  const second = aRun(() => shippedJsonHash(dir));
  expect(second).not.toBe(first);
  expect(aRun(() => shippedJsonFiles(dir)).map((f) => f.bytes.toString())).toEqual(['{"v":2}']);
});

test('a file added or removed between runs changes the files and the hash', () => {
  const dir = tempDir('gg-shipped-');
  writeFileSync(join(dir, 'a.json'), '{}');
  const one = aRun(() => shippedJsonHash(dir));
  writeFileSync(join(dir, 'b.json'), '{}');
  expect(aRun(() => shippedJsonFiles(dir)).map((f) => f.name)).toEqual(['a.json', 'b.json']);
  const two = aRun(() => shippedJsonHash(dir));
  expect(two).not.toBe(one);
  rmSync(join(dir, 'b.json'));
  expect(aRun(() => shippedJsonHash(dir))).toBe(one);
});
