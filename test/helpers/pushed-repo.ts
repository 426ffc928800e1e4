// The pre-push set-up of test/cli/redteam27-prepush-head and redteam29-prepush-forge-refs: Alice's
// signing repository with a second signed commit, its main pushed to a bare remote `origin`; Mallory's
// unsigned work m0 on branch wip and, on branch pr, her unsigned policy change goodlisting m0 and
// protecting no ref; the pre-push hook's check run in-process against that remote.
import { join } from 'node:path';
import { tempDir } from './repo.js';
import { commitAsPerson, sharedSshKey } from './ssh.js';
import { ALICE_POLICY, sshSigningRepo } from './signing-repo.js';
import { runMain } from './cli.js';

export const Z = '0'.repeat(40);

export function pushedSigningRepo() {
  const alice = sharedSshKey('alice');
  const r = sshSigningRepo(alice);
  const first = r.head();
  const published = commitAsPerson(r, alice, 'alice@example.com', 'two', { 'src/two.txt': '2\n' });
  const remote = join(tempDir(), 'remote.git');
  r.run(['init', '-q', '--bare', remote]);
  r.run(['remote', 'add', 'origin', remote]);
  r.run(['push', '-q', 'origin', 'main']);
  r.run(['checkout', '-q', '-b', 'wip', published]);
  const m0 = commitAsPerson(r, undefined, 'mallory@example.com', 'mallory work', { 'src/x.txt': 'x\n' });
  r.run(['checkout', '-q', '-b', 'pr', published]);
  const m1 = commitAsPerson(r, undefined, 'mallory@example.com', 'policy: tidy', {
    '.gitguard/policy.yml': `${ALICE_POLICY}goodlist:\n  - commit: ${m0}\n    reason: reviewed\nprotected:\n  refs: [refs/heads/nothing]\n`,
  });
  r.run(['checkout', '-q', 'main']);
  /** `gitguard hook run pre-push origin <remote>` with git's input lines. */
  const prePush = async (input: string) => {
    const res = await runMain(['hook', 'run', 'pre-push', 'origin', remote, '-C', r.dir], { env: r.env, input });
    return { code: res.code, stderr: res.stderr };
  };
  /** HEAD's policy does not count (Mallory's goodlist of m0, her empty protected refs): both pushes fail. */
  const expectHeadPolicyIgnored = async () => {
    const goodlisted = await prePush(`refs/heads/wip ${m0} refs/heads/feature ${Z}\n`);
    expect(goodlisted.code).toBe(1);
    expect(goodlisted.stderr).toContain(`${m0.slice(0, 12)} no signature: "mallory work"`);
    const rewound = await prePush(`refs/heads/old ${first} refs/heads/main ${published}\n`);
    expect(rewound.code).toBe(1);
    expect(rewound.stderr).toContain('refused: non-fast-forward update of protected ref refs/heads/main');
  };
  return { r, alice, first, published, m0, m1, prePush, expectHeadPolicyIgnored };
}
