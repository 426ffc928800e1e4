// Red team 27: the pre-push check judges a push with the policy at HEAD (the protected refs, floating
// tags, the goodlist and revocations at the tip, client.min_versions), and its walk takes whatever it
// does not walk as accepted history. In a push only what the remote has is accepted: with HEAD on a
// local branch that is neither published nor pushed (`gh pr checkout` of Mallory's pull request,
// whose unsigned policy change goodlists her unsigned commit and protects no ref), pushing another
// branch holding that commit passed (0 rules failed), and so did a force push rewinding main. HEAD's
// policy now counts only when HEAD is published (held by a remote-tracking tip) or pushed; else the
// remote's own (refs/remotes/<remote>/HEAD) or none (the defaults, the pushed tip's). Clean twins:
// Alice (maintainer) on her own unpushed signed policy branch pushes a signed feature; on the branch
// she pushes; a fast-forward of main.
import { cleanupTemp } from '../helpers/repo.js';
import { commitAsPerson } from '../helpers/ssh.js';
import { ALICE_POLICY } from '../helpers/signing-repo.js';
import { pushedSigningRepo, Z } from '../helpers/pushed-repo.js';

afterAll(() => cleanupTemp());

function setUp() {
  const { r, alice, published, prePush, expectHeadPolicyIgnored } = pushedSigningRepo();
  r.run(['checkout', '-q', '-b', 'feature', published]);
  const feature = commitAsPerson(r, alice, 'alice@example.com', 'feature', { 'src/f.txt': 'f\n' });
  r.run(['checkout', '-q', '-b', 'policy-update', published]);
  commitAsPerson(r, alice, 'alice@example.com', 'policy: note', {
    '.gitguard/policy.yml': `${ALICE_POLICY}protected:\n  refs: [refs/heads/main, refs/tags/*]\n`,
  });
  r.run(['checkout', '-q', 'pr']);
  return { r, published, feature, prePush, expectHeadPolicyIgnored };
}

test('HEAD on an unpushed branch whose policy no maintainer made: its goodlist and protected refs do not count', async () => {
  const { r, expectHeadPolicyIgnored } = setUp();
  for (const remoteHead of [false, true]) {
    if (remoteHead) r.run(['remote', 'set-head', 'origin', 'main']);
    await expectHeadPolicyIgnored();
  }
});

test("clean twins: a maintainer's own unpushed policy branch, the branch pushed, a fast-forward", async () => {
  const { r, published, feature, prePush } = setUp();
  r.run(['checkout', '-q', 'policy-update']);
  const ok = { code: 0, stderr: 'gitguard pre-push: 1 new commit(s) checked, 0 rule(s) failed\n' };
  expect(await prePush(`refs/heads/feature ${feature} refs/heads/feature ${Z}\n`)).toEqual(ok);
  expect(await prePush(`refs/heads/feature ${feature} refs/heads/main ${published}\n`)).toEqual(ok);
  r.run(['checkout', '-q', 'feature']);
  expect(await prePush(`refs/heads/feature ${feature} refs/heads/feature ${Z}\n`)).toEqual(ok);
});
