// core.hooksPath values whose meaning is easy to get wrong, each checked against what git itself
// runs (a real `git commit` with a pre-commit hook that leaves a mark): an empty value switches
// every hook off, and "~" alone is the home folder.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAudit } from '../../src/engine/audit.js';
import { withHookMarker } from '../../src/collect/hook-marker.js';
import { hookScript } from '../../src/collect/hook-script.js';
import { installHook } from '../../src/engine/hook-install.js';
import type { RuleResult } from '../../src/domain/model.js';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';

afterAll(cleanupTemp);

async function audit(repo: TestRepo, rule: string): Promise<RuleResult> {
  const report = await runAudit({
    path: repo.dir,
    rules: [rule],
    failOn: 'low',
    env: repo.env,
    trust: { cache: false },
  });
  return report.results[0]!;
}

/** gitguard's pre-push and a pre-commit that leaves `mark` when git runs it, in `dir`. */
function installHooks(dir: string, mark: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'pre-push'), withHookMarker(hookScript('pre-push')), {
    mode: 0o755,
  });
  writeFileSync(join(dir, 'pre-commit'), `#!/bin/sh\ntouch '${mark}'\n`, { mode: 0o755 });
}

/** Whether git runs the pre-commit hook now. */
function gitRunsHooks(repo: TestRepo, mark: string): boolean {
  repo.run(['commit', '-q', '--allow-empty', '-m', 'probe']);
  return existsSync(mark);
}

test('an empty core.hooksPath switches every hook off, gitguard reports it', async () => {
  const repo = makeRepo();
  const mark = join(repo.home, 'ran-empty');
  installHooks(join(repo.dir, '.git', 'hooks'), mark);
  repo.run(['config', 'core.hooksPath', '']);
  expect(gitRunsHooks(repo, mark)).toBe(false);
  const r = await audit(repo, 'hooks-not-disabled');
  expect(r.outcome).toBe('fail');
  expect(r.findings[0]!.message).toContain('every hook is switched off');
  expect((await audit(repo, 'gitguard-hook-installed')).outcome).not.toBe('pass');
});

test('core.hooksPath "~" is the home folder, as git expands it', async () => {
  const repo = makeRepo();
  const mark = join(repo.home, 'ran-home');
  installHooks(repo.home, mark);
  repo.run(['config', 'core.hooksPath', '~']);
  expect(gitRunsHooks(repo, mark)).toBe(true);
  expect((await audit(repo, 'hooks-not-disabled')).outcome).toBe('pass');
  const installed = await audit(repo, 'gitguard-hook-installed');
  expect(installed.outcome).toBe('pass');
});

test('hook install refuses an empty core.hooksPath with one line instead of writing where git never looks', async () => {
  const repo = makeRepo();
  repo.run(['config', 'core.hooksPath', '']);
  await expect(installHook({ path: repo.dir, env: repo.env })).rejects.toThrow('core.hooksPath (local) is empty');
  expect(existsSync(join(repo.dir, '.git', 'hooks', 'pre-push'))).toBe(false);
  expect(existsSync(join(repo.dir, 'pre-push'))).toBe(false);
});

// Red team 48: git (2.35+) reads `%(prefix)/x` as x under its own install prefix (/usr here), or x
// itself where absolute. gitguard took it as a folder named "%(prefix)" in the work tree: Bob's hooks
// there (gitguard's among them) passed both rules while git ran none of them.
test('core.hooksPath %(prefix)/x is under git\'s prefix: a work-tree folder named "%(prefix)" holds none git runs', async () => {
  const repo = makeRepo();
  const mark = join(repo.home, 'ran-prefix-decoy');
  installHooks(join(repo.dir, '%(prefix)', 'hooks'), mark);
  repo.run(['config', 'core.hooksPath', '%(prefix)/hooks']);
  expect(gitRunsHooks(repo, mark)).toBe(false);
  expect((await audit(repo, 'hooks-not-disabled')).outcome).toBe('fail');
  expect((await audit(repo, 'gitguard-hook-installed')).outcome).not.toBe('pass');
});

test('twin: core.hooksPath %(prefix)/<absolute path> is that folder, and its hooks run', async () => {
  const repo = makeRepo();
  const mark = join(repo.home, 'ran-prefix');
  const dir = join(repo.home, 'team-hooks');
  installHooks(dir, mark);
  repo.run(['config', 'core.hooksPath', `%(prefix)/${dir}`]);
  expect(gitRunsHooks(repo, mark)).toBe(true);
  expect((await audit(repo, 'hooks-not-disabled')).outcome).toBe('pass');
  expect((await audit(repo, 'gitguard-hook-installed')).outcome).toBe('pass');
});
