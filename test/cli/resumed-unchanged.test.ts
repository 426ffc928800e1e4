// A repository audited again with nothing new: the walk's and the secrets scan's lists are `tip ^tip`,
// empty whatever the history, so neither is sorted nor read by git (processes-per-audit.test.ts counts
// them). What the first audit found must still be found: the verdicts come from the checkpoint, and a
// commit made after it is walked and scanned as before.
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { parseJson, runMain, type JsonReport } from '../helpers/cli.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const token = (seed: number): string => new TokenFactory(seed).checksummed(`gh${'p'}_`);
const audit = async (r: TestRepo, rules: string[] = []): Promise<JsonReport> => {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', ...rules.flatMap((x) => ['-r', x])], {
    env: r.env,
  });
  expect(res.code).not.toBe(2);
  return parseJson(res);
};
const outcome = (report: JsonReport, id: string): string | undefined =>
  report.results.find((x) => x.meta.id === id)?.outcome;
const leaks = (report: JsonReport): string =>
  report.results
    .find((x) => x.meta.id === 'secrets-not-in-history')!
    .findings.map((f) => f.message)
    .join('\n');

test('a token committed before the first audit is still reported by the second and third, nothing new between', async () => {
  const r = makeRepo();
  r.commit('one', { 'a.txt': 'a\n' });
  r.commit('config', { 'deploy.env': `GITHUB_TOKEN=${token(1480)}\n` });
  const first = await audit(r);
  expect(outcome(first, 'secrets-not-in-history')).toBe('fail');
  for (const again of [await audit(r), await audit(r)]) {
    expect(outcome(again, 'secrets-not-in-history')).toBe('fail');
    expect(leaks(again)).toBe(leaks(first));
    expect(outcome(again, 'commits-signed')).toBe(outcome(first, 'commits-signed'));
  }
});

test('twin: a clean history stays clean when audited again, and a token committed after it is found', async () => {
  const r = makeRepo();
  r.commit('one', { 'a.txt': 'a\n' });
  expect(outcome(await audit(r), 'secrets-not-in-history')).toBe('pass');
  expect(outcome(await audit(r), 'secrets-not-in-history')).toBe('pass');
  r.commit('config', { 'deploy.env': `GITHUB_TOKEN=${token(1481)}\n` });
  expect(outcome(await audit(r), 'secrets-not-in-history')).toBe('fail');
  expect(outcome(await audit(r), 'secrets-not-in-history')).toBe('fail');
});

test('a rule selection audited again with nothing new keeps its verdicts (-r secrets-not-in-history, then every rule)', async () => {
  const r = makeRepo();
  r.commit('config', { 'deploy.env': `GITHUB_TOKEN=${token(1482)}\n` });
  expect(outcome(await audit(r, ['secrets-not-in-history']), 'secrets-not-in-history')).toBe('fail');
  expect(outcome(await audit(r, ['secrets-not-in-history']), 'secrets-not-in-history')).toBe('fail');
  expect(outcome(await audit(r), 'secrets-not-in-history')).toBe('fail');
});
