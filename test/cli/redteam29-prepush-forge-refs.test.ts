// Red team 29: the pre-push walk takes what the remote has as accepted, and HEAD's policy counts when
// HEAD is held by what the remote has; both read every ref under refs/remotes/<remote>/ as published.
// A forge's pull-request heads fetched beside the branches (+refs/pull/*/head:refs/remotes/origin/pr/*,
// GitHub's documented set-up; GitLab's refs/merge-requests/*/head the same way) are no one's vetted
// history: Mallory's unsigned commit on refs/pull/1/head was left out of the walk when a maintainer
// pushed it to a new branch, and HEAD on her pull request (whose unsigned policy change goodlists her
// other commit and protects no ref) named the policy the push was judged with. A remote-tracking ref
// now counts only when the remote's fetch refspecs map it back to a branch or tag (git's refspec
// rules, negative refspecs included), and no other remote's store there.
// Clean twins: the same with ordinary branches (refs/heads/*:refs/remotes/origin/*) passes.
import { cleanupTemp } from '../helpers/repo.js';
import { commitAsPerson } from '../helpers/ssh.js';
import { pushedSigningRepo, Z } from '../helpers/pushed-repo.js';
import { branchTracking } from '../../src/domain/refspec.js';

afterAll(() => cleanupTemp());

/** A remote holding main and Mallory's pull requests (as refs/pull/N/head and refs/merge-requests/N/head):
 *  1, her policy change goodlisting m0 (her unpushed work) and protecting nothing; 2, unsigned work. */
function setUp() {
  const set = pushedSigningRepo();
  const { r, published } = set;
  r.run(['checkout', '-q', '-b', 'pr2', published]);
  const m2 = commitAsPerson(r, undefined, 'mallory@example.com', 'more work', { 'src/y.txt': 'y\n' });
  r.run(['push', '-q', 'origin', 'pr:refs/pull/1/head', 'pr:refs/merge-requests/1/head']);
  r.run(['push', '-q', 'origin', 'pr2:refs/pull/2/head', 'pr2:refs/merge-requests/2/head']);
  r.run(['checkout', '-q', 'main']);
  r.run(['branch', '-q', '-D', 'pr', 'pr2']);
  return { ...set, m2 };
}

test("a pull request's head fetched under refs/remotes/ is neither accepted history nor a published HEAD", async () => {
  const { r, alice, m1, m2, prePush, expectHeadPolicyIgnored } = setUp();
  r.run(['checkout', '-q', '-b', 'x', m2]);
  const onTop = commitAsPerson(r, alice, 'alice@example.com', 'review fixes', { 'src/r.txt': 'r\n' });
  r.run(['checkout', '-q', 'main']);
  for (const spec of [
    '+refs/pull/*/head:refs/remotes/origin/pr/*',
    '+refs/merge-requests/*/head:refs/remotes/origin/mr/*',
  ]) {
    r.run(['config', '--replace-all', 'remote.origin.fetch', spec, 'refs/(pull|merge-requests)']);
    r.run(['fetch', '-q', 'origin']);
    const tracking = spec.includes('pull') ? 'origin/pr/1' : 'origin/mr/1';
    expect(r.run(['rev-parse', tracking])).toBe(m1);
    // A maintainer adds her signed commit to the pull request and pushes it as a branch of the upstream repository.
    const pushed = await prePush(`refs/heads/x ${onTop} refs/heads/contrib ${Z}\n`);
    expect(pushed.code).toBe(1);
    expect(pushed.stderr).toContain(`${m2.slice(0, 12)} no signature: "more work"`);
    // HEAD on the pull request: its goodlist and protected refs do not count.
    r.run(['checkout', '-q', '--detach', tracking]);
    await expectHeadPolicyIgnored();
    r.run(['checkout', '-q', 'main']);
    for (const n of [1, 2]) r.run(['update-ref', '-d', `refs/remotes/${tracking.slice(0, -1)}${n}`]);
  }
  // The pull request's head stored beside the branches (a refspec of every ref) maps back to refs/pull/1/head.
  r.run(['config', '--replace-all', 'remote.origin.fetch', '+refs/*:refs/remotes/origin/*', 'refs/']);
  r.run(['fetch', '-q', 'origin']);
  expect((await prePush(`refs/heads/x ${onTop} refs/heads/contrib ${Z}\n`)).code).toBe(1);
});

test('clean twins: a branch of the remote (also beside pull-request refspecs) is published', async () => {
  const { r, alice, published, m0, m1, prePush } = setUp();
  r.run(['push', '-q', 'origin', `${m0}:refs/heads/legacy`]);
  r.run(['config', '--add', 'remote.origin.fetch', '+refs/pull/*/head:refs/remotes/origin/pr/*']);
  r.run(['config', '--add', 'remote.origin.fetch', '^refs/heads/private/*']);
  r.run(['fetch', '-q', 'origin']);
  expect(r.run(['rev-parse', 'origin/pr/1'])).toBe(m1);
  // An unsigned commit on a branch the remote has is accepted history: a signed commit on it walks only itself.
  r.run(['checkout', '-q', '-b', 'legacy2', m0]);
  const fix = commitAsPerson(r, alice, 'alice@example.com', 'fix', { 'src/x.txt': 'y\n' });
  const ok1 = { code: 0, stderr: 'gitguard pre-push: 1 new commit(s) checked, 0 rule(s) failed\n' };
  expect(await prePush(`refs/heads/legacy2 ${fix} refs/heads/legacy2 ${Z}\n`)).toEqual(ok1);
  // HEAD on the remote's main (its policy counts): a signed feature pushed as a new branch.
  r.run(['checkout', '-q', '-b', 'feature', published]);
  const feature = commitAsPerson(r, alice, 'alice@example.com', 'feature', { 'src/f.txt': 'f\n' });
  r.run(['checkout', '-q', '--detach', 'origin/main']);
  expect(await prePush(`refs/heads/feature ${feature} refs/heads/feature ${Z}\n`)).toEqual(ok1);
  expect(await prePush(`refs/heads/feature ${feature} refs/heads/main ${published}\n`)).toEqual(ok1);
});

test("git's refspec rules: what counts as a branch or tag of the remote pushed to", () => {
  const heads = '+refs/heads/*:refs/remotes/origin/*';
  const main = 'refs/remotes/origin/main';
  // tracking refs asked, every remote's fetch refspecs, the ones that count
  const cases: [string[], Record<string, string[]>, string[]][] = [
    [[main, 'refs/remotes/origin/pr/1'], { origin: [heads, '+refs/pull/*/head:refs/remotes/origin/pr/*'] }, [main]],
    [
      [main, 'refs/remotes/origin/v1'],
      { origin: [heads, 'refs/tags/v1:refs/remotes/origin/v1'] },
      [main, 'refs/remotes/origin/v1'],
    ],
    // a negative refspec: git never stores refs/heads/private/* (a ref there came from elsewhere)
    [[main, 'refs/remotes/origin/private/x'], { origin: [heads, '^refs/heads/private/*'] }, [main]],
    [
      [main, 'refs/remotes/origin/heads/x', 'refs/remotes/origin/pull/1/head'],
      { origin: ['+refs/*:refs/remotes/origin/*'] },
      ['refs/remotes/origin/heads/x'],
    ],
    // a short source: git's DWIM may find refs/pull/..., refs/tags/... or refs/heads/...
    [[main], { origin: ['main:refs/remotes/origin/main'] }, []],
    // another remote stores there too: which one wrote it cannot be told
    [
      [main, 'refs/remotes/origin/pr-1'],
      { origin: [heads], fork: ['+refs/pull/*/head:refs/remotes/origin/pr-*'] },
      [main],
    ],
    // refspecs git refuses (two '*', a pattern on one side), a refspec storing nothing, no refspec
    [
      [main],
      { origin: ['+refs/heads/*:refs/remotes/origin/**', 'refs/heads/*:refs/remotes/origin/main', 'refs/heads/main'] },
      [],
    ],
    [[main], {}, []],
  ];
  for (const [i, [names, fetch, counted]] of cases.entries())
    expect({ i, got: branchTracking(new Map(Object.entries(fetch)), 'origin', names) }).toEqual({ i, got: counted });
});
