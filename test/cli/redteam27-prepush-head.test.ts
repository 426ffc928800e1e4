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
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, tempDir } from '../helpers/repo.js';
import { commitAsPerson, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { ALICE_POLICY, sshSigningRepo } from '../helpers/signing-repo.js';
import { runMain } from '../helpers/cli.js';

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-rt27-')), 'ed25519', 'alice');
});
afterAll(() => cleanupTemp());

const Z = '0'.repeat(40);

function setUp() {
  const r = sshSigningRepo(alice);
  const first = r.head();
  const published = commitAsPerson(r, alice, 'alice@example.com', 'two', { 'src/two.txt': '2\n' });
  const remote = join(tempDir(), 'remote.git');
  r.run(['init', '-q', '--bare', remote]);
  r.run(['remote', 'add', 'origin', remote]);
  r.run(['push', '-q', 'origin', 'main']);
  r.run(['checkout', '-q', '-b', 'wip', published]);
  const m0 = commitAsPerson(r, undefined, 'mallory@example.com', 'mallory work', { 'src/x.txt': 'x\n' });
  r.run(['checkout', '-q', '-b', 'feature', published]);
  const feature = commitAsPerson(r, alice, 'alice@example.com', 'feature', { 'src/f.txt': 'f\n' });
  r.run(['checkout', '-q', '-b', 'policy-update', published]);
  commitAsPerson(r, alice, 'alice@example.com', 'policy: note', {
    '.gitguard/policy.yml': `${ALICE_POLICY}protected:\n  refs: [refs/heads/main, refs/tags/*]\n`,
  });
  r.run(['checkout', '-q', '-b', 'pr', published]);
  commitAsPerson(r, undefined, 'mallory@example.com', 'policy: tidy', {
    '.gitguard/policy.yml': `${ALICE_POLICY}goodlist:\n  - commit: ${m0}\n    reason: reviewed\nprotected:\n  refs: [refs/heads/nothing]\n`,
  });
  const prePush = async (input: string) => {
    const res = await runMain(['hook', 'run', 'pre-push', 'origin', remote, '-C', r.dir], { env: r.env, input });
    return { code: res.code, stderr: res.stderr };
  };
  return { r, first, published, m0, feature, prePush };
}

test('HEAD on an unpushed branch whose policy no maintainer made: its goodlist and protected refs do not count', async () => {
  const { r, first, published, m0, prePush } = setUp();
  for (const remoteHead of [false, true]) {
    if (remoteHead) r.run(['remote', 'set-head', 'origin', 'main']);
    const goodlisted = await prePush(`refs/heads/wip ${m0} refs/heads/feature ${Z}\n`);
    expect(goodlisted.code).toBe(1);
    expect(goodlisted.stderr).toContain(`${m0.slice(0, 12)} no signature: "mallory work"`);
    const rewound = await prePush(`refs/heads/old ${first} refs/heads/main ${published}\n`);
    expect(rewound.code).toBe(1);
    expect(rewound.stderr).toContain('refused: non-fast-forward update of protected ref refs/heads/main');
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
