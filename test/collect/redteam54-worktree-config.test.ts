// Red team 54: the repository's own config that git reads only in another of its worktrees. A linked
// worktree's config.worktree (extensions.worktreeConfig), the main worktree's seen from a linked one,
// and a file an `includeIf "onbranch:..."` takes in only where that branch is checked out: git runs a
// command set there whenever someone works in that worktree (the marker proves it), and both config
// rules passed when the audit ran in another worktree. Twins: the same key with a value that runs
// nothing (core.fsmonitor=false), and an onbranch include of a branch no worktree has checked out that
// sets nothing that runs (one that does: redteam59-branch-includes.test.ts).
import { existsSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runAudit } from '../../src/engine/audit.js';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';

afterAll(cleanupTemp);

const RULES = ['no-code-execution-in-local-config', 'signing-programs-not-overridden-locally'];

/** A repository on main with a linked worktree `wt` on branch side. */
function twoWorktrees(): { r: TestRepo; wt: string } {
  const r = makeRepo();
  r.commit('base', { f: 'base\n' });
  r.run(['branch', 'side']);
  const wt = join(r.home, 'wt');
  r.run(['worktree', 'add', '-q', wt, 'side']);
  r.run(['config', 'extensions.worktreeConfig', 'true']);
  return { r, wt };
}

async function outcomes(r: TestRepo, dir: string): Promise<Record<string, { outcome: string; keys: string[] }>> {
  const report = await runAudit({ path: dir, rules: RULES, failOn: 'low', env: r.env, trust: { cache: false } });
  return Object.fromEntries(
    report.results.map((x) => [
      x.meta.id,
      { outcome: x.outcome, keys: x.findings.map((f) => String(f.evidence?.key ?? '')) },
    ]),
  );
}

/** Whether `git status` in `dir` ran the fsmonitor command (it writes the marker). */
function statusRuns(r: TestRepo, dir: string, marker: string): boolean {
  spawnSync('git', ['status'], { cwd: dir, env: r.env, stdio: 'ignore', timeout: 60_000 });
  return existsSync(marker);
}

test("a linked worktree's config.worktree, audited from the main worktree: fails where git runs it (before: passed)", async () => {
  const { r, wt } = twoWorktrees();
  const marker = join(r.home, 'ran');
  spawnSync('git', ['config', '--worktree', 'core.fsmonitor', `touch '${marker}'; false`], { cwd: wt, env: r.env });
  spawnSync('git', ['config', '--worktree', 'gpg.ssh.program', join(wt, 'evil')], { cwd: wt, env: r.env });
  const judged = await outcomes(r, r.dir);
  expect(statusRuns(r, r.dir, marker)).toBe(false); // not in the main worktree
  expect(statusRuns(r, wt, marker)).toBe(true); // in the linked one
  expect(judged['no-code-execution-in-local-config']).toEqual({ outcome: 'fail', keys: ['core.fsmonitor'] });
  expect(judged['signing-programs-not-overridden-locally']).toEqual({ outcome: 'fail', keys: ['gpg.ssh.program'] });
});

test("the main worktree's config.worktree, audited from a linked worktree: fails (before: passed)", async () => {
  const { r, wt } = twoWorktrees();
  const marker = join(r.home, 'ran');
  r.run(['config', '--worktree', 'core.fsmonitor', `touch '${marker}'; false`]);
  const judged = await outcomes(r, wt);
  expect(statusRuns(r, wt, marker)).toBe(false);
  expect(statusRuns(r, r.dir, marker)).toBe(true);
  expect(judged['no-code-execution-in-local-config']!.outcome).toBe('fail');
});

test('an onbranch include of the branch a linked worktree has checked out: fails (before: passed)', async () => {
  const { r, wt } = twoWorktrees();
  const marker = join(r.home, 'ran');
  writeFileSync(join(r.dir, '.git', 'side.inc'), `[core]\n\tfsmonitor = touch '${marker}'; false\n`);
  r.run(['config', 'includeIf.onbranch:side.path', 'side.inc']);
  const judged = await outcomes(r, r.dir);
  expect(statusRuns(r, r.dir, marker)).toBe(false);
  expect(statusRuns(r, wt, marker)).toBe(true);
  expect(judged['no-code-execution-in-local-config']).toEqual({ outcome: 'fail', keys: ['core.fsmonitor'] });
});

test('twins: a value that runs nothing there, an onbranch include of a branch no worktree has: pass', async () => {
  const { r, wt } = twoWorktrees();
  const marker = join(r.home, 'ran');
  spawnSync('git', ['config', '--worktree', 'core.fsmonitor', 'false'], { cwd: wt, env: r.env });
  writeFileSync(join(r.dir, '.git', 'other.inc'), `[core]\n\tfsmonitor = false\n[user]\n\temail = o@example.com\n`);
  r.run(['config', 'includeIf.onbranch:other.path', 'other.inc']);
  const judged = await outcomes(r, r.dir);
  expect(statusRuns(r, wt, marker) || statusRuns(r, r.dir, marker)).toBe(false);
  expect(judged['no-code-execution-in-local-config']!.outcome).toBe('pass');
  expect(judged['signing-programs-not-overridden-locally']!.outcome).toBe('pass');
});
