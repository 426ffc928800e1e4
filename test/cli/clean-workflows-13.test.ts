// Thirteenth round of clean set-ups that must pass (see clean-workflows.test.ts to -12): a work tree
// made by `git clone`, the way nearly every maintainer has one. An audit records the local tips;
// amending (or resetting away) a commit no remote ever had, then auditing again, failed
// protected-refs-not-rewritten (critical) in a clone, while it passed in a repository whose remote was
// added by hand: `git clone` writes the remote-tracking refs without a reflog (only
// refs/remotes/origin/HEAD gets one, "clone: from ..."), and a missing reflog told "nothing is known
// of what the remote had". With git logging every update there (core.logAllRefUpdates, on in a work
// tree), a missing reflog on a ref still as the clone wrote it (packed-refs alone) says the ref held
// only that since the clone (round 17: not a reflog starting from the cloned value, see
// redteam17-remote-record.test.ts). Twins: a pushed commit reset away, a reflog whose older entries
// were deleted, and a clone with logging off still fail.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cleanupTemp, tempDir, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { auditRules, HISTORY_RULES, runMain, resultOf } from '../helpers/cli.js';

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(tempDir(), 'ed25519', 'alice');
});
afterAll(() => cleanupTemp());

interface Clone {
  dir: string;
  upstream: string;
  git(args: string[], cwd?: string): string;
}

/** Alice's history on a bare upstream with a second branch, and her work tree cloned from it. */
function cloned(extraClone: string[] = []): { r: TestRepo; c: Clone } {
  const r = sshSigningRepo(alice);
  r.commit('work', { 'src/a.txt': 'a\n' });
  r.run(['branch', 'feature']);
  const upstream = join(tempDir(), 'origin.git');
  r.run(['clone', '-q', '--bare', r.dir, upstream]);
  const dir = join(tempDir(), 'clone');
  r.run([...extraClone, 'clone', '-q', upstream, dir]);
  const git = (args: string[], cwd = dir): string =>
    execFileSync(
      'git',
      ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${alice.path}`, '-c', 'commit.gpgSign=true', ...args],
      { cwd, env: r.env, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] },
    ).trim();
  return { r, c: { dir, upstream, git } };
}

const ledgerRules = async (r: TestRepo, dir: string) => {
  const { code, report } = await auditRules(dir, r.env, HISTORY_RULES);
  return {
    code,
    rewritten: resultOf(report, 'protected-refs-not-rewritten').outcome,
    reflog: resultOf(report, 'reflog-no-forced-updates').outcome,
    moved: resultOf(report, 'tags-not-moved').outcome,
    ledger: report.ledger?.updated,
  };
};
const PASS = { code: 0, rewritten: 'pass', reflog: 'pass', moved: 'pass', ledger: true };

test('a fresh clone: commit, audit, amend, audit; commit, audit, reset, audit: all pass', async () => {
  const { r, c } = cloned();
  c.git(['commit', '-q', '--allow-empty', '-m', 'wip']);
  expect((await ledgerRules(r, c.dir)).ledger).toBe(true);
  c.git(['commit', '-q', '--amend', '--allow-empty', '-m', 'wip, reworded']);
  expect(await ledgerRules(r, c.dir)).toEqual(PASS);
  c.git(['commit', '-q', '--allow-empty', '-m', 'a mistake']);
  expect((await ledgerRules(r, c.dir)).ledger).toBe(true);
  c.git(['reset', '-q', '--hard', 'HEAD~1']);
  expect(await ledgerRules(r, c.dir)).toEqual(PASS);
});

test('the same after a fetch moved another branch of the clone (someone force-pushed their pull request)', async () => {
  const { r, c } = cloned();
  // the other branch moves on the remote, forced, and the clone fetches it: that reflog starts at
  // the value the clone wrote
  r.run(['commit', '-q', '--allow-empty', '-m', 'pr v2']);
  execFileSync('git', ['push', '-q', '-f', c.upstream, 'HEAD:refs/heads/feature'], { cwd: r.dir, env: r.env });
  c.git(['fetch', '-q', 'origin']);
  c.git(['commit', '-q', '--allow-empty', '-m', 'wip']);
  expect((await ledgerRules(r, c.dir)).ledger).toBe(true);
  c.git(['commit', '-q', '--amend', '--allow-empty', '-m', 'wip, reworded']);
  expect(await ledgerRules(r, c.dir)).toEqual(PASS);
});

test('twin: a commit pushed from the clone, then reset away, fails', async () => {
  const { r, c } = cloned();
  c.git(['commit', '-q', '--allow-empty', '-m', 'pushed']);
  c.git(['push', '-q', 'origin', 'main']);
  expect((await ledgerRules(r, c.dir)).ledger).toBe(true);
  c.git(['reset', '-q', '--hard', 'HEAD~1']);
  const after = await ledgerRules(r, c.dir);
  expect([after.code, after.rewritten, after.ledger]).toEqual([1, 'fail', false]);
});

test("twin: a fetched ref's reflog no longer starting at the cloned value (older entries gone) tells nothing before it: an amend fails", async () => {
  const { r, c } = cloned();
  c.git(['commit', '-q', '--allow-empty', '-m', 'wip']);
  expect((await ledgerRules(r, c.dir)).ledger).toBe(true);
  // feature moves twice upstream and is fetched each time, after the audit (reflog times are the
  // committer date's); then the first entry, the one from the cloned value, goes (an expiry, a hand)
  for (const m of ['pr v2', 'pr v3']) {
    r.run(['commit', '-q', '--allow-empty', '-m', m]);
    execFileSync('git', ['push', '-q', '-f', c.upstream, 'HEAD:refs/heads/feature'], { cwd: r.dir, env: r.env });
    execFileSync('git', ['fetch', '-q', 'origin'], {
      cwd: c.dir,
      env: { ...r.env, GIT_COMMITTER_DATE: '2035-01-01T00:00:00Z' },
    });
  }
  c.git(['reflog', 'delete', 'refs/remotes/origin/feature@{1}']);
  c.git(['commit', '-q', '--amend', '--allow-empty', '-m', 'wip, reworded']);
  const after = await ledgerRules(r, c.dir);
  expect([after.code, after.rewritten]).toEqual([1, 'fail']);
});

test('twin: a clone with core.logAllRefUpdates=false (nothing records a push): an amend after an audit fails', async () => {
  const { r, c } = cloned(['-c', 'core.logAllRefUpdates=false']);
  c.git(['config', 'core.logAllRefUpdates', 'false']);
  c.git(['commit', '-q', '--allow-empty', '-m', 'wip']);
  expect((await ledgerRules(r, c.dir)).ledger).toBe(true);
  c.git(['commit', '-q', '--amend', '--allow-empty', '-m', 'wip, reworded']);
  const after = await ledgerRules(r, c.dir);
  expect([after.code, after.rewritten]).toEqual([1, 'fail']);
});

describe('a release tag made again before it was pushed (forgot the changelog), in a fresh clone', () => {
  const tagRules = async (r: TestRepo, dir: string) => {
    const { code, moved } = await ledgerRules(r, dir);
    return { code, moved };
  };
  const retag = (c: Clone): void => {
    c.git(['commit', '-q', '--allow-empty', '-m', 'add the changelog']);
    c.git(['-c', 'tag.gpgSign=true', 'tag', '-f', '-m', 'v1.0', 'v1.0']);
  };

  // Round 17: a tag pushed alone leaves no remote-tracking record, so nothing tells that it was
  // never pushed (redteam17-remote-record.test.ts): it fails, and `gitguard ledger accept` records it.
  test('fails, and passes once `gitguard ledger accept` records the re-tag', async () => {
    const { r, c } = cloned();
    c.git(['commit', '-q', '--allow-empty', '-m', 'release prep']);
    c.git(['-c', 'tag.gpgSign=true', 'tag', '-m', 'v1.0', 'v1.0']);
    expect((await tagRules(r, c.dir)).code).toBe(0);
    retag(c);
    expect(await tagRules(r, c.dir)).toEqual({ code: 1, moved: 'fail' });
    const accepted = await runMain(
      ['ledger', 'accept', '-C', c.dir, 'refs/tags/v1.0', '--reason', 'retagged before the push'],
      {
        env: r.env,
      },
    );
    expect(accepted.code).toBe(0);
    expect(await tagRules(r, c.dir)).toEqual({ code: 0, moved: 'pass' });
  });

  test('twin: the tag pushed, then made again, fails', async () => {
    const { r, c } = cloned();
    c.git(['commit', '-q', '--allow-empty', '-m', 'release prep']);
    c.git(['-c', 'tag.gpgSign=true', 'tag', '-m', 'v1.0', 'v1.0']);
    c.git(['push', '-q', 'origin', 'main', 'v1.0']);
    expect((await tagRules(r, c.dir)).code).toBe(0);
    retag(c);
    expect(await tagRules(r, c.dir)).toEqual({ code: 1, moved: 'fail' });
  });
});
