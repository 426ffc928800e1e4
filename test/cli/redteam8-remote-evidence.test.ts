// Red-team round 8: amending or resetting a commit after an audit recorded it is no rewrite when no
// remote ever had it (clean-workflows-6), and what a remote had is read from the remote-tracking refs
// and their reflogs. When those reflogs no longer tell (expired, deleted, a remote removed and added
// again), a commit the remote had and then lost (a compromised
// remote force-pushed main, the victim fetched and reset onto it) counted as never published:
// protected-refs-not-rewritten passed. Without an unbroken record since the ledger's, it fails again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, tempDir, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { sshSigningRepo, tryGit } from '../helpers/signing-repo.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-rt8r-')), 'ed25519', 'alice');
});
afterAll(cleanupTemp);

const RULES = ['protected-refs-not-rewritten', 'protected-refs-present', 'tags-not-moved', 'reflog-no-forced-updates'];
async function rewritten(r: TestRepo): Promise<{ outcome: string; main: number; ledger: boolean | undefined }> {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', RULES.join(',')], {
    env: r.env,
  });
  const report = parseJson(res);
  const rule = resultOf(report, 'protected-refs-not-rewritten');
  return {
    outcome: rule.outcome,
    main: rule.findings.filter((f) => f.ref === 'refs/heads/main').length,
    ledger: report.ledger?.updated,
  };
}

/**
 * main pushed to origin, an audit recording main at a new commit, that commit pushed, then the
 * remote rewound (a compromised remote's force-push) and fetched here: origin/main lost the commit.
 */
async function remoteLostIt(): Promise<{ r: TestRepo; remote: string; lost: string }> {
  const r = sshSigningRepo(alice);
  r.commit('work', { 'src/a.txt': 'a\n' });
  const remote = join(tempDir(), 'origin.git');
  r.run(['init', '-q', '--bare', remote]);
  r.run(['remote', 'add', 'origin', remote]);
  r.run(['push', '-q', '-u', 'origin', 'main']);
  const base = r.head();
  const lost = r.commit('pushed after the audit', { 'src/b.txt': 'b\n' });
  expect((await rewritten(r)).ledger).toBe(true);
  r.run(['push', '-q', 'origin', 'main']);
  expect(tryGit(r, ['update-ref', 'refs/heads/main', base], remote).code).toBe(0);
  r.run(['fetch', '-q', 'origin']);
  return { r, remote, lost };
}
const resetToOrigin = (r: TestRepo) => r.run(['reset', '-q', '--hard', 'origin/main']);

describe('a published commit the remote lost, reset away here, once the reflogs no longer show it', () => {
  test('control: with the reflogs intact it fails', async () => {
    const { r } = await remoteLostIt();
    resetToOrigin(r);
    expect(await rewritten(r)).toMatchObject({ outcome: 'fail', main: 1 });
  });

  test('git reflog expire --expire=now --all: still fails (before: pass)', async () => {
    const { r } = await remoteLostIt();
    r.run(['reflog', 'expire', '--expire=now', '--all']);
    resetToOrigin(r);
    expect(await rewritten(r)).toMatchObject({ outcome: 'fail', main: 1 });
  });

  test("origin/main's reflog deleted (core.logAllRefUpdates=false keeps none): still fails (before: pass)", async () => {
    const { r } = await remoteLostIt();
    rmSync(join(r.dir, '.git', 'logs', 'refs', 'remotes', 'origin', 'main'));
    r.run(['config', 'core.logAllRefUpdates', 'false']);
    resetToOrigin(r);
    expect(await rewritten(r)).toMatchObject({ outcome: 'fail', main: 1 });
  });

  test('git remote remove and add again, then fetch: still fails (before: pass)', async () => {
    const { r, remote } = await remoteLostIt();
    r.run(['remote', 'remove', 'origin']);
    r.run(['remote', 'add', 'origin', remote]);
    // A reflog entry's time is git's committer date: a minute on, in whole seconds after the audit's.
    const later = `${Math.floor(Date.now() / 1000) + 60} +0000`;
    r.run(['fetch', '-q', 'origin'], { env: { GIT_COMMITTER_DATE: later } });
    resetToOrigin(r);
    expect(await rewritten(r)).toMatchObject({ outcome: 'fail', main: 1 });
  });

  test('twin: a branch first fetched after the audit does not stop an amend before any push from passing', async () => {
    const r = sshSigningRepo(alice);
    r.commit('work', { 'src/a.txt': 'a\n' });
    const remote = join(tempDir(), 'origin.git');
    r.run(['init', '-q', '--bare', remote]);
    r.run(['remote', 'add', 'origin', remote]);
    r.run(['push', '-q', '-u', 'origin', 'main']);
    r.run(['push', '-q', remote, 'HEAD:refs/heads/feature']); // a colleague's branch, as seen by fetch
    expect((await rewritten(r)).ledger).toBe(true);
    r.commit('wip', { 'src/c.txt': 'c\n' });
    expect((await rewritten(r)).ledger).toBe(true);
    r.run(['fetch', '-q', 'origin']);
    r.run(['commit', '-q', '--amend', '-m', 'wip, reworded']);
    expect(await rewritten(r)).toMatchObject({ outcome: 'pass', main: 0 });
  });

  test('twin: a topic branch force-fetched long ago, its unreachable entries pruned by git, does not stop an amend from passing', async () => {
    const r = sshSigningRepo(alice);
    r.commit('work', { 'src/a.txt': 'a\n' });
    const remote = join(tempDir(), 'origin.git');
    r.run(['init', '-q', '--bare', remote]);
    r.run(['remote', 'add', 'origin', remote]);
    r.run(['push', '-q', '-u', 'origin', 'main']);
    const old = { GIT_COMMITTER_DATE: `${Math.floor(Date.now() / 1000) - 90 * 86400} +0000` };
    const topic = r.run(['commit-tree', '--no-gpg-sign', '-p', 'HEAD', '-m', 'topic', 'HEAD^{tree}']);
    const rebased = r.run(['commit-tree', '--no-gpg-sign', '-p', 'HEAD', '-m', 'topic, rebased', 'HEAD^{tree}']);
    r.run(['push', '-q', remote, `${topic}:refs/heads/topic`]);
    r.run(['fetch', '-q', 'origin'], { env: old });
    r.run(['push', '-q', '-f', remote, `${rebased}:refs/heads/topic`]);
    r.run(['fetch', '-q', 'origin'], { env: old });
    r.run(['push', '-q', '-f', remote, `HEAD:refs/heads/topic`]);
    r.run(['fetch', '-q', 'origin']);
    r.run(['reflog', 'expire', '--expire=never', '--expire-unreachable=now', 'refs/remotes/origin/topic']);
    const log = tryGit(r, ['reflog', 'show', '--format=%H', 'refs/remotes/origin/topic']).stdout.trim().split('\n');
    expect(log).not.toContain(rebased);
    r.commit('wip', { 'src/c.txt': 'c\n' });
    expect((await rewritten(r)).ledger).toBe(true);
    r.run(['commit', '-q', '--amend', '-m', 'wip, reworded']);
    expect(await rewritten(r)).toMatchObject({ outcome: 'pass', main: 0 });
  });

  test('a commit pushed to a push-only remote (no fetch refspec: no remote-tracking ref records it), reset away: fails (before: pass)', async () => {
    const r = sshSigningRepo(alice);
    r.commit('work', { 'src/a.txt': 'a\n' });
    const origin = join(tempDir(), 'origin.git');
    const backup = join(tempDir(), 'backup.git');
    r.run(['init', '-q', '--bare', origin]);
    r.run(['init', '-q', '--bare', backup]);
    r.run(['remote', 'add', 'origin', origin]);
    r.run(['push', '-q', '-u', 'origin', 'main']);
    r.run(['remote', 'add', '--mirror=push', 'backup', backup]);
    r.commit('published to the backup', { 'src/b.txt': 'b\n' });
    expect((await rewritten(r)).ledger).toBe(true);
    r.run(['push', '-q', 'backup']);
    expect(tryGit(r, ['rev-parse', 'main'], backup).stdout).toBe(tryGit(r, ['rev-parse', 'main']).stdout);
    r.run(['reset', '-q', '--hard', 'HEAD~1']);
    expect(await rewritten(r)).toMatchObject({ outcome: 'fail', main: 1 });
  });

  test('a remote whose refspec keeps its refs outside refs/remotes (no reflog there): a lost published commit still fails (before: pass)', async () => {
    const r = sshSigningRepo(alice);
    r.commit('work', { 'src/a.txt': 'a\n' });
    const origin = join(tempDir(), 'origin.git');
    const pub = join(tempDir(), 'pub.git');
    for (const dir of [origin, pub]) r.run(['init', '-q', '--bare', dir]);
    r.run(['remote', 'add', 'origin', origin]);
    r.run(['push', '-q', '-u', 'origin', 'main']);
    r.run(['remote', 'add', 'pub', pub]);
    r.run(['config', 'remote.pub.fetch', '+refs/heads/*:refs/pub/*']);
    r.run(['push', '-q', 'pub', 'main']);
    const base = r.head();
    r.commit('published on pub', { 'src/b.txt': 'b\n' });
    expect((await rewritten(r)).ledger).toBe(true);
    r.run(['push', '-q', 'pub', 'main']);
    expect(tryGit(r, ['update-ref', 'refs/heads/main', base], pub).code).toBe(0);
    r.run(['fetch', '-q', 'pub']);
    r.run(['reset', '-q', '--hard', 'refs/pub/main']);
    expect(await rewritten(r)).toMatchObject({ outcome: 'fail', main: 1 });
  });
});
