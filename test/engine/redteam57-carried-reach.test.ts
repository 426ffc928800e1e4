// Red team 57 on --base and pre-receive carrying the sealed checkpoint's reaches
// (collect/checkpoint.ts carriedReaches): nothing is carried when the run's clock is before the
// checkpoint was written (a clock set back), when a grafts file appeared since (the parents git
// reads differ), or when a forged pack was linked into objects/pack since (git reads a linked pack:
// before, a link was not an object file to the checkpoint and the reach was carried). Twins: the same
// repository untouched, and an honest pack linked in, carry the tip's reach.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { carriedReaches, readCheckpoint } from '../../src/collect/checkpoint.js';
import { collectHistory } from '../../src/collect/refs.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { audit } from '../helpers/incremental.js';
import { linkedPack } from '../helpers/forged-pack.js';

afterAll(cleanupTemp);

async function carried(r: TestRepo, now = Date.now()): Promise<Map<string, number>> {
  const repo = await discoverRepository(r.dir);
  return carriedReaches(repo, r.env, await collectHistory(repo), now);
}

async function audited(): Promise<TestRepo> {
  const r = makeRepo();
  r.commit('one', { 'a.txt': 'a\n' });
  r.commit('two', { 'cfg.txt': 'harmless\n' });
  r.run(['repack', '-q', '-a', '-d']);
  await audit(r, '-r', 'commits-signed');
  expect((await carried(r)).size).toBe(1);
  return r;
}

test('a clock set back before the checkpoint was written: nothing carried', async () => {
  const r = await audited();
  const read = readCheckpoint(await discoverRepository(r.dir), r.env);
  const writtenAt = 'checkpoint' in read ? read.checkpoint.writtenAt : NaN;
  expect(await carried(r, writtenAt - 1)).toEqual(new Map());
  expect((await carried(r, writtenAt)).size).toBe(1);
});

test('a grafts file since: nothing carried', async () => {
  const r = await audited();
  writeFileSync(join(r.dir, '.git', 'info', 'grafts'), `${r.head()}\n`);
  expect(r.run(['rev-list', '--count', 'HEAD'])).toBe('1');
  expect(await carried(r)).toEqual(new Map());
});

test('a forged pack linked into objects/pack since: nothing carried (before: the reach was carried)', async () => {
  const r = await audited();
  const blob = r.run(['rev-parse', 'HEAD:cfg.txt']);
  linkedPack(r, { id: blob, text: 'other bytes\n' });
  expect(r.run(['cat-file', 'blob', blob])).toBe('other bytes');
  // Since red team 58 the repository is not even opened: the id has two copies with other bytes.
  await expect(carried(r)).rejects.toThrow(`object ${blob} is stored 2 times with different bytes`);
});

test('twin: an honest pack linked in since carries the reach', async () => {
  const r = await audited();
  linkedPack(r);
  expect(r.run(['fsck', '--strict'])).toBe('');
  expect((await carried(r)).size).toBe(1);
});
