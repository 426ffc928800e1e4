// Seventeenth round of clean set-ups that must pass (see clean-workflows.test.ts to -16): the
// bare-repository-and-worktrees layout many developers keep (`git clone --bare URL proj/.bare`, a
// `proj/.git` file saying `gitdir: ./.bare`, then `git worktree add` for each branch). Audited from
// the top folder (or the bare git dir), the repository is bare, so it was judged as a server:
// server-receive-hardened (high) and server-hook-installed failed, and gitguard-hook-installed called
// the pre-push hook a server's business; an amend after an audit failed protected-refs-not-rewritten
// from there, as a bare repository's remote-tracking reflogs were never read. A bare repository with
// live linked worktrees is a clone people commit in and push from. Twins: once its worktree is gone
// (git would prune it) it is a server again, --server still judges it as one, and a pushed commit
// reset away still fails.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, tempDir, type TestRepo } from '../helpers/repo.js';
import { sharedSshKey, type SshTestKey } from '../helpers/ssh.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { gitAsync, inProcessHooks, stopHookBridge } from '../helpers/hook-bridge.js';
import { runMain, parseJson, resultOf, type JsonReport } from '../helpers/cli.js';

let alice: SshTestKey;
beforeAll(() => {
  alice = sharedSshKey('alice');
});
afterAll(async () => {
  await stopHookBridge();
  cleanupTemp();
});

interface Layout {
  r: TestRepo;
  /** proj/: its .git is a file naming .bare */
  top: string;
  bare: string;
  /** proj/main, the worktree of main */
  main: string;
  upstream: string;
  git(args: string[], cwd?: string): string;
}

/** Alice's signed history on a bare upstream, and her bare clone with a worktree for main. */
function layout(): Layout {
  const r = sshSigningRepo(alice);
  r.commit('work', { 'src/a.txt': 'a\n', 'SECURITY.md': 'Report to security@example.com\n' });
  const upstream = join(tempDir(), 'origin.git');
  r.run(['clone', '-q', '--bare', r.dir, upstream]);
  const top = join(tempDir(), 'proj');
  const bare = join(top, '.bare');
  const git = (args: string[], cwd = top): string =>
    execFileSync('git', args, { cwd, env: r.env, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }).trim();
  r.run(['clone', '-q', '--bare', upstream, bare]);
  writeFileSync(join(top, '.git'), 'gitdir: ./.bare\n');
  for (const [k, v] of Object.entries({
    'gpg.format': 'ssh',
    'user.signingkey': alice.path,
    'commit.gpgSign': 'true',
    'tag.gpgSign': 'true',
  }))
    git(['config', k, v]);
  // What the layout's guides add: remote-tracking refs (a bare clone has none), logged (off by default when bare).
  git(['config', 'remote.origin.fetch', '+refs/heads/*:refs/remotes/origin/*']);
  git(['config', 'core.logAllRefUpdates', 'true']);
  git(['fetch', '-q', 'origin']);
  const main = join(top, 'main');
  git(['worktree', 'add', '-q', main, 'main']);
  return { r, top, bare, main, upstream, git };
}

const THREATS = ['--threat', 'impersonation,history,protections'];
async function audit(l: Layout, dir: string, extra: string[] = []): Promise<{ code: number; report: JsonReport }> {
  const res = await runMain(['audit', '-C', dir, '--format', 'json', ...THREATS, ...extra], { env: l.r.env });
  return { code: res.code, report: parseJson(res) };
}
const failing = (report: JsonReport): string[] =>
  report.results.filter((x) => x.outcome === 'fail' || x.outcome === 'error').map((x) => x.meta.id);

test('audited from the top folder, the bare git dir and a worktree: no rule fails; the server rules say why they do not apply', async () => {
  const l = layout();
  for (const dir of [l.top, l.bare, l.main]) {
    const { code, report } = await audit(l, dir);
    expect({ dir, failing: failing(report) }).toEqual({ dir, failing: [] });
    expect(code).toBe(0);
    if (dir !== l.main) {
      for (const id of ['server-receive-hardened', 'server-hook-installed']) {
        expect(resultOf(report, id).outcome).toBe('not-applicable');
        expect(resultOf(report, id).note).toMatch(/bare repository with 1 linked worktree\(s\)/);
      }
    }
  }
});

test("the pre-push hook installed from the top runs for the worktrees' pushes; twin: an unsigned commit is refused", async () => {
  const l = layout();
  const bridge = await inProcessHooks();
  expect((await runMain(['hook', 'install', '-C', l.top], { env: l.r.env, ...bridge })).code).toBe(0);
  expect(resultOf((await audit(l, l.top)).report, 'gitguard-hook-installed').outcome).toBe('pass');
  l.git(['commit', '-q', '--allow-empty', '-m', 'signed work'], l.main);
  const ok = await gitAsync(l.r, ['push', '-q', 'origin', 'main'], l.main);
  expect(ok.stderr).toMatch(/1 new commit\(s\) checked, 0 rule\(s\) failed/);
  expect(ok.code).toBe(0);
  l.git(['-c', 'commit.gpgSign=false', 'commit', '-q', '--allow-empty', '-m', 'unsigned'], l.main);
  const refused = await gitAsync(l.r, ['push', '-q', 'origin', 'main'], l.main);
  expect(refused.stderr).toMatch(/commits-signed/);
  expect(refused.code).not.toBe(0);
});

test('an amend after an audit, audited from the top, passes; twin: a pushed commit reset away fails', async () => {
  const l = layout();
  expect((await audit(l, l.top)).code).toBe(0);
  l.git(['commit', '-q', '--allow-empty', '-m', 'not pushed yet'], l.main);
  expect((await audit(l, l.top)).code).toBe(0);
  l.git(['commit', '-q', '--amend', '--allow-empty', '-m', 'not pushed yet, reworded'], l.main);
  const amended = await audit(l, l.top);
  expect(failing(amended.report)).toEqual([]);
  expect(resultOf(amended.report, 'protected-refs-not-rewritten').outcome).toBe('pass');

  l.git(['push', '-q', 'origin', 'main'], l.main);
  expect((await audit(l, l.top)).code).toBe(0);
  l.git(['reset', '-q', '--hard', 'HEAD~1'], l.main);
  expect(failing((await audit(l, l.top)).report)).toEqual(['protected-refs-not-rewritten']);
});

test('twins: with its worktree deleted (git would prune it) the bare repository is a server again; --server judges the layout as one', async () => {
  const l = layout();
  const server = ['server-hook-installed', 'server-receive-hardened'];
  expect(failing((await audit(l, l.top, ['--server'])).report)).toEqual(server);
  rmSync(l.main, { recursive: true, force: true });
  const pruned = await audit(l, l.top);
  expect(failing(pruned.report)).toEqual(server);
  expect(resultOf(pruned.report, 'gitguard-hook-installed').outcome).toBe('not-applicable');
});

test('twin: a worktrees/<id>/gitdir that is no regular file (a FIFO) is not handed to git: a server, at once', async () => {
  const l = layout();
  const gitdir = join(l.bare, 'worktrees', 'main', 'gitdir');
  rmSync(gitdir);
  execFileSync('mkfifo', [gitdir]);
  const { report } = await audit(l, l.top);
  expect(failing(report)).toEqual(['server-hook-installed', 'server-receive-hardened']);
});
