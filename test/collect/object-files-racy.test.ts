// The checkpoint's object files (collect/object-files.ts) reuse a pack's recorded digest only while
// its size, inode and ctime are as recorded. On a file system that keeps whole seconds (ext3, HFS+,
// FAT's two), a pack rewritten in place in the same second as it was hashed keeps its ctime, and the
// forged bytes would be taken for the hashed ones. So, as git's racy-clean rule does for the index, a
// file changed within two seconds of the hashing is recorded without its ctime and hashed again on
// the next run. The clock is passed in: the file's real ctime against a chosen "now".
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { objectFiles, type ObjectFile, type ObjectFiles } from '../../src/collect/object-files.js';
import { discoverRepository } from '../../src/collect/repository.js';
import type { RepositoryInfo } from '../../src/domain/model.js';
import { cleanupTemp, makeRepo } from '../helpers/repo.js';

afterAll(cleanupTemp);

async function packed(): Promise<{ repo: RepositoryInfo; pack: string; ctimeMs: number }> {
  const r = makeRepo();
  r.commit('one', { 'a.txt': 'a\n' });
  r.run(['repack', '-q', '-a', '-d']);
  const repo = await discoverRepository(r.dir);
  const files = objectFiles(repo, undefined, Date.now() + 60_000);
  const pack = files.packs.find((f) => f[0].endsWith('.pack'))![0];
  return { repo, pack, ctimeMs: Number(statSync(join(repo.commonDir, 'objects', pack)).ctimeMs) };
}

const entry = (files: ObjectFiles, key: string): ObjectFile => files.packs.find((f) => f[0] === key)!;

test('a pack hashed a second after it last changed is recorded without its ctime; a minute after, with it', async () => {
  const { repo, pack, ctimeMs } = await packed();
  expect(entry(objectFiles(repo, undefined, ctimeMs + 1_000), pack)[4]).toBe('');
  const settled = entry(objectFiles(repo, undefined, ctimeMs + 60_000), pack);
  expect(settled[4]).toMatch(/^[0-9]+$/);
  expect(settled[3]).toMatch(/^[0-9a-f]{64}$/);
});

test('a recorded digest is reused only with the recorded ctime: a racy record (no ctime) is hashed again', async () => {
  const { repo, pack, ctimeMs } = await packed();
  const now = ctimeMs + 60_000;
  const real = entry(objectFiles(repo, undefined, now), pack);
  // A record whose digest is not the file's: what a same-second rewrite would leave behind.
  const stale = (ctime: string): ObjectFiles => ({
    loose: [],
    packs: [[pack, real[1], real[2], 'f'.repeat(64), ctime]],
  });
  expect(entry(objectFiles(repo, stale(real[4]!), now), pack)[3]).toBe('f'.repeat(64)); // trusted: nothing wrote since
  expect(entry(objectFiles(repo, stale(''), now), pack)[3]).toBe(real[3]); // racy: read again
});
