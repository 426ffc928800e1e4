// The duplicate-id check's clean verdict, cached (one-copy-cache.ts): an unchanged store is not read
// again (no git cat-file of its copies), and every change of what the check read makes it read again:
// a pack added, removed or rewritten (its modification time set back), a loose copy added or rewritten
// in place, a store borrowed. The attacks after a clean run are refused as on a first run; their
// honest twins pass. A cache file forged, or sealed for another repository, is not believed.
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { discoverRepository } from '../../src/collect/repository.js';
import { OneCopyCache, stateKey, storeState } from '../../src/collect/one-copy-cache.js';
import { inRun } from '../../src/collect/run-context.js';
import { ExpectedError } from '../../src/errors.js';
import { extraPack, forgedStore } from '../helpers/forged-pack.js';
import { madeOnce } from '../helpers/made-once.js';
import { cleanupTemp, copyRepo, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';

afterAll(cleanupTemp);

const HARMLESS = 'nothing secret here, honestly\n';
const FORGED = 'token = "not what the tree says"\n';
const SECOND = new Date('2024-01-01T00:00:00Z');

/** A loose blob of other text than HARMLESS, of its length, compressed to `size` bytes as a forger would write it. */
function sameSizeForgery(size: number): Buffer {
  for (let i = 0; i < 1000; i += 1) {
    const text = `${createHash('sha256')
      .update(String(i))
      .digest('base64')
      .slice(0, HARMLESS.length - 1)}\n`;
    for (const level of [1, 6, 9]) {
      const file = deflateSync(Buffer.concat([Buffer.from(`blob ${text.length}\0`), Buffer.from(text)]), { level });
      if (file.length === size) return file;
    }
  }
  throw new Error(`no forgery of ${size} bytes`);
}

/** A repository whose HEAD is packed twice (an honest second pack): the check reads both copies of every id. */
const template = madeOnce(() => {
  const r = makeRepo();
  r.commit('one', { 'README.md': '# demo\n' });
  r.commit('two', { 'cfg.txt': HARMLESS, 'notes.txt': 'notes\n' });
  r.run(['repack', '-adq']);
  extraPack(r, 'pack-second', undefined, undefined, { year: 2020 });
  return { r };
});

function setup(): { r: TestRepo; blob: string; objects: string; log: string; git: string } {
  const r = copyRepo(template().r);
  const dir = tempDir();
  const log = join(dir, 'git.log');
  const git = join(dir, 'git');
  // Every git the check runs, logged: a cat-file means the copies were read.
  writeFileSync(git, `#!/bin/sh\necho "$*" >> '${log}'\nexec git "$@"\n`, { mode: 0o755 });
  return { r, blob: r.run(['rev-parse', 'HEAD:cfg.txt']), objects: join(r.dir, '.git', 'objects'), log, git };
}

type Setup = ReturnType<typeof setup>;

/** One check as `gitguard audit` runs it (the cache on); 'clean', or the refusal's message. */
async function check(s: Setup, cache = true): Promise<string> {
  writeFileSync(s.log, '');
  try {
    await inRun({ env: s.r.env, gitBinary: s.git }, () => discoverRepository(s.r.dir, { cache }));
    return 'clean';
  } catch (err) {
    if (!(err instanceof ExpectedError)) throw err;
    return err.message;
  }
}

/** Whether the last check read the copies (git cat-file of each pack's shared ids). */
const readCopies = (s: Setup): boolean => readFileSync(s.log, 'utf8').includes('cat-file --batch --buffer');

const refused = (blob: string): RegExp => new RegExp(`^object ${blob} is stored \\d times with different bytes`);

const cacheFile = (s: Setup): string => join(s.r.dir, '.git', 'gitguard', 'one-copy-per-id.json');

/** A clean run, then one that reads nothing again. */
async function cleanTwice(s: Setup): Promise<void> {
  expect(await check(s)).toBe('clean');
  expect(readCopies(s)).toBe(true);
  expect(await check(s)).toBe('clean');
  expect(readCopies(s)).toBe(false);
}

/** The loose file of `id`, or where it would be. */
const loosePath = (objects: string, id: string): string => join(objects, id.slice(0, 2), id.slice(2));

/**
 * A loose object of `text` written by git in a scratch store (git only freshens the pack of an object
 * it holds already), then copied under `id` (its own id when not given; git does not re-hash what it reads).
 */
function looseUnder(s: Setup, objects: string, text: string, id?: string): string {
  const scratch = join(tempDir(), 'scratch.git');
  s.r.run(['init', '-q', '--bare', scratch]);
  const own = s.r.run([`--git-dir=${scratch}`, 'hash-object', '-w', '--stdin'], { input: text });
  const to = loosePath(objects, id ?? own);
  mkdirSync(join(objects, (id ?? own).slice(0, 2)), { recursive: true });
  copyFileSync(loosePath(join(scratch, 'objects'), own), to);
  return to;
}

test('an unchanged store is read once; --no-cache reads it every time and keeps nothing', async () => {
  const s = setup();
  expect(await check(s, false)).toBe('clean');
  expect(readCopies(s)).toBe(true);
  expect(() => statSync(cacheFile(s))).toThrow();
  await cleanTwice(s);
  expect(await check(s, false)).toBe('clean');
  expect(readCopies(s)).toBe(true);
});

describe('after a clean run', () => {
  test('a pack added holding the harmless id with other bytes: refused; an honest one: read again, clean', async () => {
    const s = setup();
    await cleanTwice(s);
    extraPack(s.r, 'pack-honest', undefined, undefined, { year: 2020 });
    expect(await check(s)).toBe('clean');
    expect(readCopies(s)).toBe(true);
    extraPack(s.r, 'pack-third', { id: s.blob, text: FORGED }, undefined, { year: 2020 });
    expect(await check(s)).toMatch(refused(s.blob));
    expect(await check(s)).toMatch(refused(s.blob)); // a refusal is never kept
  });

  test('a pack removed: read again', async () => {
    const s = setup();
    await cleanTwice(s);
    extraPack(s.r, 'pack-honest', undefined, undefined, { year: 2020 });
    await cleanTwice(s);
    for (const ext of ['pack', 'idx']) rmSync(join(s.objects, 'pack', `pack-honest.${ext}`));
    expect(await check(s)).toBe('clean');
    expect(readCopies(s)).toBe(true);
  });

  test('a pack rewritten in place with its own bytes, or other bytes, its times set back: read again; refused', async () => {
    const s = setup();
    const own = (ext: string): string => join(s.objects, 'pack', `pack-second.${ext}`);
    // Whole seconds, so that they can be set back exactly (its size, inode and last bytes stay too).
    for (const ext of ['pack', 'idx']) utimesSync(own(ext), SECOND, SECOND);
    await cleanTwice(s);
    const rewrite = (from: (ext: string) => string): void => {
      for (const ext of ['pack', 'idx']) {
        chmodSync(own(ext), 0o644);
        writeFileSync(own(ext), readFileSync(from(ext)));
        utimesSync(own(ext), SECOND, SECOND);
      }
    };
    rewrite(own);
    expect(await check(s)).toBe('clean');
    expect(readCopies(s)).toBe(true);
    const { dir, hash } = forgedStore(s.r, { id: s.blob, text: FORGED });
    rewrite((ext) => join(dir, 'objects', 'pack', `pack-${hash}.${ext}`));
    expect(await check(s)).toMatch(refused(s.blob));
  });

  test('a loose copy with other bytes added: refused; an honest one: read again, clean', async () => {
    const s = setup();
    await cleanTwice(s);
    const notes = s.r.run(['rev-parse', 'HEAD:notes.txt']);
    expect(looseUnder(s, s.objects, 'notes\n')).toBe(loosePath(s.objects, notes)); // an honest loose copy of a packed blob
    expect(await check(s)).toBe('clean');
    expect(readCopies(s)).toBe(true);
    expect(await check(s)).toBe('clean');
    expect(readCopies(s)).toBe(false);
    looseUnder(s, s.objects, FORGED, s.blob);
    expect(await check(s)).toMatch(refused(s.blob));
  });

  test('a loose copy found sound, rewritten in place with other bytes of its size, its times set back: refused', async () => {
    const s = setup();
    // The packed copies of cfg.txt's blob and a loose one (git's own bytes), all sound.
    const file = looseUnder(s, s.objects, HARMLESS);
    expect(file).toBe(loosePath(s.objects, s.blob));
    const folder = join(s.objects, s.blob.slice(0, 2));
    utimesSync(file, SECOND, SECOND);
    expect(await check(s)).toBe('clean');
    expect(await check(s)).toBe('clean');
    expect(readCopies(s)).toBe(false);
    const forged = sameSizeForgery(statSync(file).size);
    chmodSync(file, 0o644);
    const before = statSync(folder, { bigint: true });
    writeFileSync(file, forged);
    utimesSync(file, SECOND, SECOND);
    const after = statSync(folder, { bigint: true });
    expect([after.mtimeNs, after.ctimeNs]).toEqual([before.mtimeNs, before.ctimeNs]); // the same name: its folder unchanged
    expect(statSync(file).size).toBe(forged.length);
    expect(await check(s)).toMatch(refused(s.blob));
  });

  test('a borrowed store holding a forged copy: refused', async () => {
    const s = setup();
    await cleanTwice(s);
    const store = join(tempDir(), 'objects');
    looseUnder(s, store, FORGED, s.blob);
    writeFileSync(join(s.objects, 'info', 'alternates'), `${store}\n`);
    expect(await check(s)).toMatch(refused(s.blob));
  });
});

// A file system keeping whole seconds (ext4 with 128-byte inodes, FAT) gives a change made while a run
// reads the store the same times as the honest change just before it: on a 1-second ext4, a loose
// copy with other bytes written half a second after one (the run reading between) was believed by the
// next run (--no-cache refused it). Any clock tick is the same case: a stamp that changed at or after
// the run's start is not trusted. Here the change comes after start(), as it would within one tick.
test('a store changed at or after the start of the run (the same tick on a coarse clock): nothing kept; one changed before: kept', async () => {
  const s = setup();
  const commonDir = join(s.r.dir, '.git');
  const cache = OneCopyCache.open(commonDir, s.r.env)!;
  const before = cache.start()!;
  expect(before).toBeGreaterThan(0n);
  // an honest loose copy of a packed blob: its folder made (or changed) after the start
  looseUnder(s, s.objects, 'notes\n');
  const racy = storeState(s.objects, 20)!;
  cache.keep(stateKey(racy, []), [], racy, before);
  expect(() => statSync(cacheFile(s))).toThrow();
  // the twin: the same state, stamped after a later start, is kept and believed
  const since = cache.start()!;
  const state = storeState(s.objects, 20)!;
  expect(state).toBe(racy);
  cache.keep(stateKey(state, []), [], state, since);
  expect(OneCopyCache.open(commonDir, s.r.env)!.clean(state)).toBe(true);
});

test('a cache file forged, or sealed for another repository, is not believed', async () => {
  const clean = setup();
  await cleanTwice(clean);
  const s = setup();
  extraPack(s.r, 'pack-third', { id: s.blob, text: FORGED }, undefined, { year: 2020 });
  mkdirSync(join(s.r.dir, '.git', 'gitguard'), { recursive: true });
  // Sealed under the same user's secret (one HOME), for the clean repository's store.
  writeFileSync(cacheFile(s), readFileSync(cacheFile(clean)));
  s.r.env.HOME = clean.r.env.HOME;
  s.r.env.XDG_CACHE_HOME = clean.r.env.XDG_CACHE_HOME;
  expect(await check(s)).toMatch(refused(s.blob));
  const body = readFileSync(cacheFile(clean), 'utf8').split('\n').slice(1).join('\n');
  writeFileSync(cacheFile(clean), `${'0'.repeat(64)}\n${body}`);
  expect(await check(clean)).toBe('clean');
  expect(readCopies(clean)).toBe(true);
});
