// Red-team round 10: a release tag moved after an audit recorded it but before it was pushed (a
// retag to fix its message or its commit) failed tags-not-moved, a false failure; a branch's commits
// amended before the push were already exempt (protected-refs.ts). Tags now are, on the same
// evidence: the remotes' record whole since the ledger recorded the tag, and the recorded tag's
// commit in none of what they had. Twins: a tag whose commit a remote had, a record that no longer
// tells (reflog deleted), and a repository with no remote at all still fail.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';

afterAll(cleanupTemp);

// The ledger rules together: the first audit records the tips (a run of tags-not-moved alone has nothing to compare yet).
const RULES = ['protected-refs-not-rewritten', 'protected-refs-present', 'tags-not-moved', 'reflog-no-forced-updates'];

async function tagsRule(r: TestRepo): Promise<{ outcome: string; recorded: boolean | undefined }> {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', RULES.join(',')], {
    env: r.env,
  });
  const report = parseJson(res);
  return { outcome: resultOf(report, 'tags-not-moved').outcome, recorded: report.ledger?.updated };
}

/** main pushed to origin; a new commit (pushed or not) tagged v1.0 and recorded by an audit. */
async function tagged(opts: { remote: boolean; pushCommit: boolean }): Promise<TestRepo> {
  const r = makeRepo();
  r.commit('one', { a: '1\n' });
  if (opts.remote) {
    const remote = join(tempDir(), 'origin.git');
    r.run(['init', '-q', '--bare', remote]);
    r.run(['remote', 'add', 'origin', remote]);
    r.run(['push', '-q', '-u', 'origin', 'main']);
  }
  r.commit('release', { a: '2\n' });
  if (opts.pushCommit) r.run(['push', '-q', 'origin', 'main']);
  r.run(['tag', '-a', '-m', 'v1.0', 'v1.0']);
  expect(await tagsRule(r)).toMatchObject({ recorded: true });
  return r;
}

const retag = (r: TestRepo): void => void r.run(['tag', '-f', '-a', '-m', 'v1.0, with the right notes', 'v1.0']);

// Round 17 took that exemption back: a tag pushed alone (`git push origin v1.0`) updates no
// remote-tracking ref, so nothing here can tell that the remote never had it
// (redteam17-remote-record.test.ts). A re-tag before the push is recorded with `ledger accept`.
test('retagged before its commit was pushed anywhere: fails until `gitguard ledger accept` records the re-tag', async () => {
  const r = await tagged({ remote: true, pushCommit: false });
  retag(r);
  expect(await tagsRule(r)).toMatchObject({ outcome: 'fail' });
  const accepted = await runMain(
    ['ledger', 'accept', '-C', r.dir, 'refs/tags/v1.0', '--reason', 'retagged before the push'],
    {
      env: r.env,
    },
  );
  expect(accepted.code).toBe(0);
  expect(await tagsRule(r)).toMatchObject({ outcome: 'pass' });
});

test('twin: its commit is on the remote (origin/main): the moved tag fails', async () => {
  const r = await tagged({ remote: true, pushCommit: true });
  retag(r);
  expect(await tagsRule(r)).toMatchObject({ outcome: 'fail' });
});

test('twin: the commit pushed after the audit, then the tag moved: fails', async () => {
  const r = await tagged({ remote: true, pushCommit: false });
  r.run(['push', '-q', 'origin', 'main']);
  retag(r);
  expect(await tagsRule(r)).toMatchObject({ outcome: 'fail' });
});

test("twin: origin/main's reflog deleted (the record no longer tells): fails", async () => {
  const r = await tagged({ remote: true, pushCommit: false });
  rmSync(join(r.dir, '.git', 'logs', 'refs', 'remotes', 'origin', 'main'));
  retag(r);
  expect(await tagsRule(r)).toMatchObject({ outcome: 'fail' });
});

test('twin: no remote at all (nothing tells what was published): fails', async () => {
  const r = await tagged({ remote: false, pushCommit: false });
  retag(r);
  expect(await tagsRule(r)).toMatchObject({ outcome: 'fail' });
});

test('twin: a tag pushed alone (its commit on no branch, here or there), then moved: fails', async () => {
  const r = makeRepo();
  r.commit('one', { a: '1\n' });
  const remote = join(tempDir(), 'origin.git');
  r.run(['init', '-q', '--bare', remote]);
  r.run(['remote', 'add', 'origin', remote]);
  r.run(['push', '-q', '-u', 'origin', 'main']);
  r.run(['checkout', '-q', '-b', 'hotfix']);
  r.commit('hotfix', { a: '3\n' });
  r.run(['tag', '-a', '-m', 'v1.0', 'v1.0']);
  r.run(['push', '-q', 'origin', 'v1.0']);
  r.run(['checkout', '-q', 'main']);
  r.run(['branch', '-q', '-D', 'hotfix']);
  expect(await tagsRule(r)).toMatchObject({ recorded: true });
  retag(r);
  expect(await tagsRule(r)).toMatchObject({ outcome: 'fail' });
});
