// git's own defaults are not findings: a fresh `git init` fails no protections rule; the rules about
// hardening git leaves off (fsckObjects, gitguard's hook...) warn and say which command adds it.
import { cleanupTemp, makeRepo } from '../helpers/repo.js';
import { parseJson, runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

test('the whole protections threat on a fresh git init: no rule fails, and every warning names the command that adds the hardening', async () => {
  const repo = makeRepo();
  const res = await runMain(['audit', repo.dir, '--threat', 'protections', '--format', 'json', '--no-cache'], {
    env: repo.env,
  });
  const report = parseJson(res);
  expect(report.results.length).toBeGreaterThanOrEqual(12);
  expect(
    report.results
      .filter((r) => r.outcome === 'fail' || r.outcome === 'error')
      .map((r) => `${r.meta.id}: ${r.outcome} ${r.findings[0]?.message ?? r.note ?? ''}`),
  ).toEqual([]);
  const warned = report.results.filter((r) => r.outcome === 'warn');
  expect(warned.map((r) => r.meta.id)).toEqual(
    expect.arrayContaining(['fsck-objects-enabled', 'gitguard-hook-installed']),
  );
  for (const r of warned)
    expect(`${r.note ?? ''} ${r.findings.map((f) => f.message).join(' ')}`).toMatch(/git config|gitguard hook install/);
  expect(res.code).toBe(0);
});
