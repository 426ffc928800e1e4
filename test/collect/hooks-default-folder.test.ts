// core.hooksPath naming the folder git uses without it (`.git/hooks`, however spelled) changes
// nothing: with only git's sample hooks in it, it is judged as the default folder is (pass). git's own
// answer, `git rev-parse --git-path hooks`, names the same folder with and without the setting. The
// twins: another folder holding the same samples, /dev/null, and `.git/hooks` set over a global
// core.hooksPath where gitguard's hook is (git no longer runs it), still fail.
import { cpSync, mkdirSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runAudit } from '../../src/engine/audit.js';
import { withHookMarker } from '../../src/collect/hook-marker.js';
import { hookScript } from '../../src/collect/hook-script.js';
import type { RuleResult } from '../../src/domain/model.js';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';

afterAll(cleanupTemp);

async function audit(repo: TestRepo): Promise<RuleResult> {
  const report = await runAudit({
    path: repo.dir,
    rules: ['hooks-not-disabled'],
    failOn: 'low',
    env: repo.env,
    trust: { cache: false },
  });
  return report.results[0]!;
}

/** The folder git runs hooks from, as git says. */
const gitHooksDir = (repo: TestRepo): string =>
  realpathSync(resolve(repo.dir, repo.run(['rev-parse', '--git-path', 'hooks']).trim()));

test("core.hooksPath naming git's default folder, holding only git's samples, passes as the default does", async () => {
  const repo = makeRepo();
  // git's own template (the helper's leaves the samples out): re-running init copies its samples in.
  repo.run(['init', '-q']);
  const samples = readdirSync(join(repo.dir, '.git', 'hooks'));
  expect(samples.length).toBeGreaterThan(0);
  expect(samples.every((n) => n.endsWith('.sample'))).toBe(true);
  const byDefault = gitHooksDir(repo);
  expect((await audit(repo)).outcome).toBe('pass');
  for (const value of ['.git/hooks', './.git/hooks/', join(repo.dir, '.git', 'hooks')]) {
    repo.run(['config', 'core.hooksPath', value]);
    expect(gitHooksDir(repo)).toBe(byDefault);
    const r = await audit(repo);
    expect([value, r.outcome, r.findings.length]).toEqual([value, 'pass', 0]);
    expect(r.note).toContain("git's default folder");
  }
});

test('the twins: another folder with the same samples, and /dev/null, still fail', async () => {
  const repo = makeRepo();
  repo.run(['init', '-q']);
  cpSync(join(repo.dir, '.git', 'hooks'), join(repo.dir, '.githooks'), { recursive: true });
  for (const value of ['.githooks', '/dev/null']) {
    repo.run(['config', 'core.hooksPath', value]);
    const r = await audit(repo);
    expect([value, r.outcome]).toEqual([value, 'fail']);
    expect(r.findings[0]!.message).toContain('switched off');
  }
});

test("core.hooksPath=.git/hooks over a global core.hooksPath holding gitguard's hook: that hook no longer runs, fails", async () => {
  const repo = makeRepo();
  repo.run(['init', '-q']);
  const shared = join(repo.home, 'shared-hooks');
  mkdirSync(shared);
  writeFileSync(join(shared, 'pre-push'), withHookMarker(hookScript('pre-push')), { mode: 0o755 });
  repo.run(['config', '--global', 'core.hooksPath', shared]);
  expect((await audit(repo)).outcome).toBe('pass');
  repo.run(['config', 'core.hooksPath', '.git/hooks']);
  expect(realpathSync(resolve(repo.dir, repo.run(['rev-parse', '--git-path', 'hooks']).trim()))).toBe(
    realpathSync(join(repo.dir, '.git', 'hooks')),
  );
  const r = await audit(repo);
  expect(r.outcome).toBe('fail');
  expect(r.findings[0]!.message).toContain("points away from gitguard's pre-push hook");
});
