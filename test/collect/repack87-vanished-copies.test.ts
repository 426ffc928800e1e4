// Repack 87: an audit run right after a large commit, while git's background `gc --auto` repacked,
// once failed with exit 2 "object ... stored 2 times with different bytes ... a copy does not hash to
// its id"; a second run passed. The duplicate-id check listed a pack and loose objects, then git's
// repack deleted the pack it merged (repack -d) and prune-packed the loose objects it had packed:
// the copies it then read were gone, and a copy it could not read counted as one with other bytes.
// git itself, missing an object it listed, reads its pack folder again once (reprepare_packed_git);
// so does the check now. No timing: the listing is taken, real git repacks to the end, then the
// check reads with the listing it took. What git leaves mid-write (tmp_pack_*, tmp_obj_*, a .pack
// without its .idx yet, repack's .tmp-<pid>-pack-* pair before its rename) is ignored as git ignores
// it, or read as the honest copy it is. The attack twins: a copy with other bytes that is still
// there is refused, with or without a file vanished beside it.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { RepositoryInfo } from '../../src/domain/model.js';
import { assertCopiesSound, duplicatedIds } from '../../src/collect/duplicate-objects.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { inRun } from '../../src/collect/run-context.js';
import { ExpectedError } from '../../src/errors.js';
import { looseCopy } from '../helpers/forged-pack.js';
import { madeOnce } from '../helpers/made-once.js';
import { cleanupTemp, copyRepo, makeRepo, type TestRepo } from '../helpers/repo.js';

afterAll(cleanupTemp);

const HARMLESS = 'nothing secret here, honestly\n';
const FORGED = 'token = "not what the tree says"\n';

/** A packed history, then a larger commit left loose: what gc --auto finds after a big commit. */
const template = madeOnce(() => {
  const r = makeRepo();
  r.commit('one', { 'cfg.txt': HARMLESS, 'README.md': '# demo\n' });
  r.run(['repack', '-adq']);
  const files: Record<string, string> = {};
  for (let i = 0; i < 200; i += 1) files[`src/f${i}.txt`] = `file ${i}\n`;
  r.commit('big', files);
  return { r };
});

interface Setup {
  r: TestRepo;
  objects: string;
  blob: string;
  repo: RepositoryInfo;
}

async function setup(): Promise<Setup> {
  const r = copyRepo(template().r);
  const repo = await inRun({ env: r.env }, () => discoverRepository(r.dir));
  return { r, objects: join(r.dir, '.git', 'objects'), blob: r.run(['rev-parse', 'HEAD:cfg.txt']), repo };
}

/** The check with a listing taken before (`listed`), run as an audit runs it: 'clean' or the refusal. */
async function check(s: Setup, listed?: Map<string, string[]>): Promise<string> {
  try {
    await inRun({ env: s.r.env }, () => assertCopiesSound(s.objects, 20, s.repo, listed));
    return 'clean';
  } catch (err) {
    if (!(err instanceof ExpectedError)) throw err;
    return err.message;
  }
}

/** What gc's repack has written and not yet cleaned: a second pack of everything, loose objects still there. */
function midRepack(s: Setup): Map<string, string[]> {
  s.r.run(['repack', '-aq']); // no -d: the old pack and the loose objects stay, every id held twice or more
  const listed = duplicatedIds(s.objects, 20);
  expect(listed.size).toBeGreaterThan(200);
  return listed;
}

const refused = (id: string): RegExp => new RegExp(`^object ${id} is stored \\d times with different bytes`);

const packDir = (s: Setup): string => join(s.objects, 'pack');

test('git repack -a -d and prune-packed finish between the listing and the reading: clean (before: refused)', async () => {
  const s = await setup();
  const listed = midRepack(s);
  expect(await check(s, listed)).toBe('clean'); // the same state, read at once: honest copies
  s.r.run(['repack', '-adq']); // deletes both packs it merged and the loose objects (prune-packed)
  expect(s.r.run(['fsck', '--strict'])).toBe('');
  expect(await check(s, listed)).toBe('clean');
});

test('only the loose objects pruned since the listing (git prune-packed): clean (before: refused)', async () => {
  const s = await setup();
  const listed = midRepack(s);
  s.r.run(['prune-packed']);
  expect(await check(s, listed)).toBe('clean');
});

test('a copy with other bytes still there beside the vanished ones: refused on the fresh listing', async () => {
  const s = await setup();
  const listed = midRepack(s);
  s.r.run(['repack', '-adq']);
  looseCopy(s.objects, s.blob, FORGED); // git reads the pack first; cat-file of a fresh lookup may not
  expect(await check(s, listed)).toMatch(refused(s.blob));
  expect(await check(s)).toMatch(refused(s.blob));
});

test('a copy with other bytes and nothing vanished: refused at once, listed or not', async () => {
  const s = await setup();
  s.r.run(['repack', '-aq']);
  looseCopy(s.objects, s.blob, FORGED);
  const listed = duplicatedIds(s.objects, 20);
  expect(await check(s, listed)).toMatch(refused(s.blob));
  expect(await check(s)).toMatch(refused(s.blob));
});

test("what git leaves mid-write in the pack folder is ignored as git ignores it: clean, git's answer alike", async () => {
  const s = await setup();
  s.r.run(['repack', '-adq']);
  const [pack] = readdirSync(packDir(s)).filter((n) => n.endsWith('.pack'));
  const src = join(packDir(s), pack!);
  const size = readFileSync(src).length;
  // pack-objects' temp files (a truncated copy: a pack half written), a pack whose .idx is not renamed in yet.
  for (const [name, cut] of [
    ['tmp_pack_Ab12Cd', size >> 1],
    ['tmp_idx_Ab12Cd', 100],
    ['pack-0000000000000000000000000000000000000000.pack', size >> 1],
  ] as const) {
    copyFileSync(src, join(packDir(s), name));
    truncateSync(join(packDir(s), name), cut);
  }
  // A loose object written to its temp file, not yet renamed (object-file.c create_tmpfile).
  mkdirSync(join(s.objects, s.blob.slice(0, 2)), { recursive: true });
  writeFileSync(join(s.objects, s.blob.slice(0, 2), 'tmp_obj_Xy34Zw'), deflateSync(Buffer.from(`blob 3\0ab`)));
  expect(s.r.run(['cat-file', 'blob', s.blob])).toBe(HARMLESS.trim());
  expect(s.r.run(['count-objects', '-v'])).toMatch(/^packs: 1$/m);
  expect(await check(s)).toBe('clean');
});

test("repack's renamed-to-be pair (.tmp-<pid>-pack-<hash>.pack/.idx, complete, same objects): clean", async () => {
  const s = await setup();
  s.r.run(['repack', '-adq']);
  const [pack] = readdirSync(packDir(s)).filter((n) => n.endsWith('.pack'));
  for (const ext of ['pack', 'idx'])
    copyFileSync(
      join(packDir(s), pack!.replace(/pack$/, ext)),
      join(packDir(s), `.tmp-4242-${pack!.replace(/pack$/, ext)}`),
    );
  expect(s.r.run(['fsck', '--strict'])).toBe('');
  expect(await check(s)).toBe('clean');
});
