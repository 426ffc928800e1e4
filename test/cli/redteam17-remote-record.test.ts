// Red-team round 17: the fresh-clone evidence of what the remotes had (remote-record.ts). A commit
// that WAS pushed, then taken away (force-push, reset), must fail protected-refs-not-rewritten
// however the remote-tracking record was made to look like "nothing moved since the clone".
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cleanupTemp, tempDir, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { auditRules, HISTORY_RULES, resultOf } from '../helpers/cli.js';

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(tempDir(), 'ed25519', 'alice');
});
afterAll(() => cleanupTemp());

// Reflog entries take the committer date: what happens after the audit is dated after it.
const LATER = { GIT_COMMITTER_DATE: '2035-01-01T00:00:00Z' };

function cloned(extraClone: string[] = []) {
  const r = sshSigningRepo(alice);
  r.commit('work', { 'src/a.txt': 'a\n' });
  r.run(['branch', 'feature']);
  const upstream = join(tempDir(), 'origin.git');
  r.run(['clone', '-q', '--bare', r.dir, upstream]);
  const dir = join(tempDir(), 'clone');
  r.run(['clone', '-q', ...extraClone, upstream, dir]);
  const git = (args: string[], env: Record<string, string> = {}): string =>
    execFileSync(
      'git',
      ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${alice.path}`, '-c', 'commit.gpgSign=true', ...args],
      { cwd: dir, env: { ...r.env, ...env }, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] },
    ).trim();
  /** Someone else moves `branch` on the upstream (a commit on top of it). */
  const upstreamMoves = (branch: string): void => {
    r.run(['commit', '-q', '--allow-empty', '-m', `upstream ${branch}`]);
    execFileSync('git', ['push', '-q', '-f', upstream, `HEAD:refs/heads/${branch}`], { cwd: r.dir, env: r.env });
  };
  return { r, dir, git, upstreamMoves };
}

const audit = async (r: TestRepo, dir: string) => {
  const { code, report } = await auditRules(dir, r.env, HISTORY_RULES, true);
  return {
    code,
    rewritten: resultOf(report, 'protected-refs-not-rewritten').outcome,
    moved: resultOf(report, 'tags-not-moved').outcome,
  };
};

/** A commit on main, audited, then pushed (after the audit): published. */
async function pushedAfterAudit(extraClone: string[] = []) {
  const c = cloned(extraClone);
  c.git(['commit', '-q', '--allow-empty', '-m', 'published']);
  expect((await audit(c.r, c.dir)).code).toBe(0);
  return c;
}

test('pushed, force-pushed away, the remote-tracking reflog expired, the upstream moved and fetched: fails', async () => {
  const c = await pushedAfterAudit();
  c.git(['push', '-q', 'origin', 'main'], LATER);
  c.git(['reset', '-q', '--hard', 'HEAD~1']);
  c.git(['push', '-q', '-f', 'origin', 'main'], LATER);
  c.git(['reflog', 'expire', '--expire=now', 'refs/remotes/origin/main']);
  c.upstreamMoves('main');
  c.git(['fetch', '-q', 'origin'], LATER);
  c.git(['merge', '-q', '--ff-only', 'origin/main'], LATER);
  expect(await audit(c.r, c.dir)).toMatchObject({ code: 1, rewritten: 'fail' });
});

test('pushed to another branch of a --single-branch clone (no remote-tracking ref records it), reset away: fails', async () => {
  const c = await pushedAfterAudit(['--single-branch']);
  c.git(['push', '-q', 'origin', 'main:refs/heads/release'], LATER);
  c.git(['reset', '-q', '--hard', 'HEAD~1']);
  expect(await audit(c.r, c.dir)).toMatchObject({ code: 1, rewritten: 'fail' });
});

test('held: a negative refspec (^refs/heads/release) narrows fetches, not the record of a push there: reset away, fails', async () => {
  const c = cloned();
  c.git(['config', '--add', 'remote.origin.fetch', '^refs/heads/release']);
  c.git(['commit', '-q', '--allow-empty', '-m', 'published']);
  expect((await audit(c.r, c.dir)).code).toBe(0);
  c.git(['push', '-q', 'origin', 'main:refs/heads/release'], LATER);
  c.git(['reset', '-q', '--hard', 'HEAD~1']);
  expect(await audit(c.r, c.dir)).toMatchObject({ code: 1, rewritten: 'fail' });
});

test('pushed and force-pushed away with logging off for those commands (git -c core.logAllRefUpdates=false): fails', async () => {
  const c = await pushedAfterAudit();
  c.git(['-c', 'core.logAllRefUpdates=false', 'push', '-q', 'origin', 'main'], LATER);
  c.git(['reset', '-q', '--hard', 'HEAD~1']);
  c.git(['-c', 'core.logAllRefUpdates=false', 'push', '-q', '-f', 'origin', 'main'], LATER);
  expect(await audit(c.r, c.dir)).toMatchObject({ code: 1, rewritten: 'fail' });
});

test('the origin remote renamed after the push (git remote rename), pushed commit reset away: fails', async () => {
  const c = await pushedAfterAudit();
  c.git(['push', '-q', 'origin', 'main'], LATER);
  c.git(['reset', '-q', '--hard', 'HEAD~1']);
  c.git(['push', '-q', '-f', 'origin', 'main'], LATER);
  c.git(['remote', 'rename', 'origin', 'upstream'], LATER);
  expect(await audit(c.r, c.dir)).toMatchObject({ code: 1, rewritten: 'fail' });
});

test('a release tag pushed alone (git push origin v1.0), then made again: fails', async () => {
  const c = cloned();
  c.git(['commit', '-q', '--allow-empty', '-m', 'release prep']);
  c.git(['-c', 'tag.gpgSign=true', 'tag', '-m', 'v1.0', 'v1.0']);
  expect((await audit(c.r, c.dir)).code).toBe(0);
  c.git(['push', '-q', 'origin', 'v1.0'], LATER);
  c.git(['commit', '-q', '--allow-empty', '-m', 'add the changelog']);
  c.git(['-c', 'tag.gpgSign=true', 'tag', '-f', '-m', 'v1.0', 'v1.0']);
  expect(await audit(c.r, c.dir)).toMatchObject({ code: 1, moved: 'fail' });
});

test('clean twin: amended before the push in a fresh clone, after git pack-refs --all (refs packed again): passes', async () => {
  const c = cloned();
  c.git(['commit', '-q', '--allow-empty', '-m', 'wip']);
  expect((await audit(c.r, c.dir)).code).toBe(0);
  c.git(['pack-refs', '--all'], LATER);
  c.git(['commit', '-q', '--amend', '--allow-empty', '-m', 'wip, reworded'], LATER);
  expect(await audit(c.r, c.dir)).toMatchObject({ code: 0, rewritten: 'pass' });
});

test('clean twin: a full clone with a second remote tracking every branch: an amend before the push passes', async () => {
  const c = cloned();
  c.git(['remote', 'add', 'fork', c.r.dir]);
  c.git(['fetch', '-q', 'fork']);
  c.git(['commit', '-q', '--allow-empty', '-m', 'wip']);
  expect((await audit(c.r, c.dir)).code).toBe(0);
  c.git(['commit', '-q', '--amend', '--allow-empty', '-m', 'wip, reworded'], LATER);
  expect(await audit(c.r, c.dir)).toMatchObject({ code: 0, rewritten: 'pass' });
});
