// A --base or pre-receive run carries the reach (collect/parent-times.ts) a sealed checkpoint recorded
// for its tips (engine/carried-reach.ts): the latest committer date among the tip and its ancestors,
// as git's own dates give it. Only while the checkpoint authenticates and the objects mean what they
// meant: an altered checkpoint, a rewritten pack (git repack), another repository's checkpoint or a
// replace ref since carry nothing.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { carriedReaches } from '../../src/collect/checkpoint.js';
import { collectHistory } from '../../src/collect/refs.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { audit, checkpoint } from '../helpers/incremental.js';

afterAll(cleanupTemp);

async function carried(r: TestRepo, dir = r.dir): Promise<Map<string, number>> {
  const repo = await discoverRepository(dir);
  return carriedReaches(repo, r.env, await collectHistory(repo), Date.now());
}

/** A history with one commit dated back (a rebase): the reach is the latest date, not the tip's. */
function history(): TestRepo {
  const r = makeRepo();
  r.commit('one', { 'a.txt': 'a\n' });
  r.run(['commit', '-q', '--allow-empty', '-m', 'late'], { env: { GIT_COMMITTER_DATE: '@1750000000 +0000' } });
  r.run(['commit', '-q', '--allow-empty', '-m', 'dated back'], { env: { GIT_COMMITTER_DATE: '@1600000000 +0000' } });
  r.run(['repack', '-q', '-a', '-d']);
  return r;
}

test("the checkpoint's tip carries git's latest date among its history; nothing without a checkpoint", async () => {
  const r = history();
  expect(await carried(r)).toEqual(new Map());
  await audit(r, '-r', 'commits-signed');
  const dates = r.run(['log', '--format=%ct']).trim().split('\n').map(Number);
  expect(await carried(r)).toEqual(new Map([[r.head(), Math.max(...dates)]]));
  expect(Math.max(...dates)).toBe(1750000000);
});

test('an altered checkpoint, a repack, another repository or a replace ref since: nothing carried', async () => {
  const r = history();
  await audit(r, '-r', 'commits-signed');
  expect((await carried(r)).size).toBe(1);
  // The seal: one byte changed.
  const sealed = readFileSync(checkpoint(r), 'utf8');
  writeFileSync(
    checkpoint(r),
    sealed.replace(/"reach":(\d)/, (_, d: string) => `"reach":${(Number(d) + 1) % 10}`),
  );
  expect(await carried(r)).toEqual(new Map());
  writeFileSync(checkpoint(r), sealed);
  expect((await carried(r)).size).toBe(1);
  // Another repository holding this one's checkpoint (same user): not its own.
  const copy = join(tempDir('gg-carry-'), 'copy');
  cpSync(r.dir, copy, { recursive: true });
  expect(await carried(r, copy)).toEqual(new Map());
  // A replace ref: the environment differs.
  const fake = r.run(['commit-tree', '-m', 'fake', 'HEAD^{tree}'], {
    env: { GIT_COMMITTER_DATE: '@1790000000 +0000' },
  });
  r.run(['replace', 'HEAD~1', fake.trim()]);
  expect(await carried(r)).toEqual(new Map());
  r.run(['replace', '-d', 'HEAD~1']);
  expect((await carried(r)).size).toBe(1);
  // The packs rewritten: the objects the reach was read from are gone.
  r.run(['commit', '-q', '--allow-empty', '-m', 'more']);
  r.run(['repack', '-q', '-a', '-d', '-f']);
  expect(await carried(r)).toEqual(new Map());
});
