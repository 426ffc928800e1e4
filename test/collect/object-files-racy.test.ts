// The checkpoint's object files (collect/object-files.ts) reuse a pack's recorded digest only while
// its size, inode and ctime are as recorded. On a file system that keeps whole seconds (ext3, HFS+,
// FAT's two), a pack rewritten in place in the same second as it was hashed keeps its ctime, and the
// forged bytes would be taken for the hashed ones. So, as git's racy-clean rule does for the index, a
// file changed within two seconds of the hashing is recorded without its ctime and hashed again on
// the next run. The clock is passed in: the file's real ctime against a chosen "now".
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { objectFiles, objectsChangedSince, type ObjectFile, type ObjectFiles } from '../../src/collect/object-files.js';
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

// Red team 60: a loose object over LOOSE_HASHED_BYTES (1 MiB) has no digest, only its size, inode and
// ctime; it was recorded with its ctime however soon after a write it was read, so a same-second
// rewrite in place (its id's bytes forged) kept every recorded field and was trusted on resume.
describe('a loose object too large to hash (over 1 MiB)', () => {
  async function bigLoose(): Promise<{ repo: RepositoryInfo; key: string; path: string; ctimeMs: number }> {
    const r = makeRepo();
    r.commit('one', { 'a.txt': 'a\n' });
    // 2 MiB that zlib cannot shrink below 1 MiB: the loose file stays over the hashed size.
    const oid = r.run(['hash-object', '-w', '--stdin'], { input: randomBytes(2 * 1024 * 1024) });
    const key = `${oid.slice(0, 2)}/${oid.slice(2)}`;
    const repo = await discoverRepository(r.dir);
    const path = join(repo.commonDir, 'objects', key);
    return { repo, key, path, ctimeMs: Number(statSync(path).ctimeMs) };
  }
  const looseEntry = (files: ObjectFiles, key: string): ObjectFile => files.loose.find((f) => f[0] === key)!;
  /** Other bytes in place: same size and inode, no longer its id's object. */
  function forge(path: string): void {
    chmodSync(path, 0o644);
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(64, 0x55), 0, 64, 4096);
    closeSync(fd);
  }

  test('read a second after it changed: recorded without its ctime (before: with it, so nothing would hash it again)', async () => {
    const { repo, key, ctimeMs } = await bigLoose();
    const racy = looseEntry(objectFiles(repo, undefined, ctimeMs + 1_000), key);
    expect([racy[3], racy[4]]).toEqual(['', '']);
    expect(looseEntry(objectFiles(repo, undefined, ctimeMs + 60_000), key)[4]).toMatch(/^[0-9]+$/);
  });

  test('a racy record is checked against its id whenever it is read again, racy or not: forged bytes are named', async () => {
    const { repo, key, path, ctimeMs } = await bigLoose();
    const recorded = objectFiles(repo, undefined, ctimeMs + 1_000);
    forge(path);
    const forgedAt = Number(statSync(path).ctimeMs);
    for (const later of [forgedAt + 1_000, forgedAt + 60_000]) {
      const now = objectFiles(repo, recorded, later);
      expect(await objectsChangedSince(repo, recorded, now)).toContain(
        `does not hash to its id, or is too large to check (${key})`,
      );
    }
  });

  test('twin: the same object untouched resumes, whether its record was racy or settled', async () => {
    const { repo, ctimeMs } = await bigLoose();
    for (const at of [ctimeMs + 1_000, ctimeMs + 60_000]) {
      const recorded = objectFiles(repo, undefined, at);
      expect(await objectsChangedSince(repo, recorded, objectFiles(repo, recorded, at + 1_000))).toBeUndefined();
    }
  });
});
