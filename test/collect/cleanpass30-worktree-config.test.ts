// Clean pass 30: red team 54's other-worktree config on a user with several linked worktrees (one for
// review on another branch, one for a hotfix) set up honestly: the built-in fsmonitor, a sparse
// checkout, per-worktree identity and signing, an onbranch include of display settings, and Watchman's
// hook named from the global config. Every worktree's audit passes both config rules. Twin: Watchman's
// hook named in a worktree's config.worktree (git runs it on every status there) fails from the main
// worktree, as it does in .git/config (README troubleshooting).
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAudit } from '../../src/engine/audit.js';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';

afterAll(cleanupTemp);

const RULES = ['no-code-execution-in-local-config', 'signing-programs-not-overridden-locally'];
const WATCHMAN = '/usr/share/git-core/templates/hooks/fsmonitor-watchman.sample';

async function outcomes(r: TestRepo, dir: string): Promise<Record<string, string>> {
  const report = await runAudit({ path: dir, rules: RULES, failOn: 'low', env: r.env, trust: { cache: false } });
  return Object.fromEntries(report.results.map((x) => [x.meta.id, x.outcome]));
}

function worktrees(): { r: TestRepo; review: string; hotfix: string } {
  const r = makeRepo();
  r.commit('base', { 'src/a.txt': 'a\n', 'docs/b.txt': 'b\n', 'tools/c.txt': 'c\n' });
  r.run(['branch', 'feature']);
  const review = join(r.home, 'review');
  const hotfix = join(r.home, 'hotfix');
  r.run(['worktree', 'add', '-q', review, 'feature']);
  r.run(['worktree', 'add', '-q', '-b', 'hotfix', hotfix]);
  r.run(['-C', review, 'sparse-checkout', 'set', '--cone', 'src', 'docs']);
  r.run(['config', 'extensions.worktreeConfig', 'true']);
  r.run(['config', 'core.fsmonitor', 'true']);
  r.run(['config', 'core.untrackedCache', 'true']);
  r.run(['-C', review, 'config', '--worktree', 'core.fsmonitor', 'true']);
  r.run(['-C', review, 'config', '--worktree', 'user.email', 'review@example.org']);
  r.run(['-C', hotfix, 'config', '--worktree', 'core.fsmonitor', 'false']);
  r.run(['-C', hotfix, 'config', '--worktree', 'gpg.format', 'ssh']);
  r.run(['-C', hotfix, 'config', '--worktree', 'user.signingKey', '~/.ssh/id_ed25519.pub']);
  r.run(['-C', hotfix, 'config', '--worktree', 'gpg.ssh.program', 'ssh-keygen']);
  r.run(['-C', hotfix, 'config', '--worktree', 'core.pager', 'less -FRX']);
  writeFileSync(join(r.dir, '.git', 'hotfix.inc'), '[core]\n\tpager = delta\n[delta]\n\tnavigate = true\n');
  r.run(['config', 'includeIf.onbranch:hotfix.path', 'hotfix.inc']);
  // Watchman's hook copied to a folder of the user's and named from the global config.
  mkdirSync(join(r.home, 'bin'), { recursive: true });
  copyFileSync(WATCHMAN, join(r.home, 'bin', 'fsmonitor-watchman'));
  r.run(['config', '--global', 'core.fsmonitor', join(r.home, 'bin', 'fsmonitor-watchman')]);
  return { r, review, hotfix };
}

const PASS = { 'no-code-execution-in-local-config': 'pass', 'signing-programs-not-overridden-locally': 'pass' };

(existsSync(WATCHMAN) ? test : test.skip)('honest settings in several worktrees: every worktree passes', async () => {
  const { r, review, hotfix } = worktrees();
  for (const dir of [r.dir, review, hotfix]) expect([dir, await outcomes(r, dir)]).toEqual([dir, PASS]);
});

(existsSync(WATCHMAN) ? test : test.skip)(
  "twin: Watchman's hook in the review worktree's config.worktree fails from the main worktree",
  async () => {
    const { r, review } = worktrees();
    r.run(['-C', review, 'config', '--worktree', 'core.fsmonitor', '.git/hooks/fsmonitor-watchman']);
    expect(await outcomes(r, r.dir)).toEqual({ ...PASS, 'no-code-execution-in-local-config': 'fail' });
    expect(await outcomes(r, review)).toEqual({ ...PASS, 'no-code-execution-in-local-config': 'fail' });
  },
);
