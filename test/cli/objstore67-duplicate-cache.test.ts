// `gitguard audit` keeps the duplicate-id check's clean verdict (one-copy-cache.ts) and still refuses
// the red team 58 attack made after it: a second pack holding a committed blob's id with other bytes,
// added once a clean audit has been kept. `--no-cache` keeps nothing. The honest twin (a second pack
// of the same objects, added after the clean audit) passes, and is kept in turn.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, copyRepo, makeRepo, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain, type CliResult } from '../helpers/cli.js';
import { extraPack, refusedForCopies } from '../helpers/forged-pack.js';
import { madeOnce } from '../helpers/made-once.js';

afterAll(cleanupTemp);

const template = madeOnce(() => {
  const r = makeRepo();
  r.commit('one', { 'cfg.txt': 'nothing secret here, honestly\n' });
  r.run(['repack', '-adq']);
  return { r };
});

const kept = (r: TestRepo): string => join(r.dir, '.git', 'gitguard', 'one-copy-per-id.json');

const audit = (r: TestRepo, ...extra: string[]): Promise<CliResult> =>
  runMain(['audit', '-C', r.dir, '-r', 'secrets-not-in-history', '--format', 'json', '--no-ledger', ...extra], {
    env: r.env,
  });

async function passes(r: TestRepo, ...extra: string[]): Promise<void> {
  const res = await audit(r, ...extra);
  expect(res.code).toBe(0);
  expect(resultOf(parseJson(res), 'secrets-not-in-history').outcome).toBe('pass');
}

test('a forged second pack added after a clean, kept audit: refused, as on a first run', async () => {
  const r = copyRepo(template().r);
  await passes(r, '--no-cache');
  expect(existsSync(kept(r))).toBe(false);
  await passes(r);
  expect(existsSync(kept(r))).toBe(true);
  const blob = r.run(['rev-parse', 'HEAD:cfg.txt']);
  extraPack(r, undefined, { id: blob, text: 'token = "other bytes"\n' }, undefined, { only: [blob] });
  await refusedForCopies(r, blob, '-r', 'secrets-not-in-history');
  await refusedForCopies(r, blob, '-r', 'secrets-not-in-history'); // a refusal is not kept
});

test('twin: an honest second pack added after a clean, kept audit passes, and is kept in turn', async () => {
  const r = copyRepo(template().r);
  await passes(r);
  const first = readFileSync(kept(r), 'utf8');
  extraPack(r, undefined, undefined, undefined, { year: 2020 });
  expect(r.run(['fsck', '--strict'])).toBe('');
  await passes(r);
  expect(readFileSync(kept(r), 'utf8')).not.toBe(first);
});
