// Red-team round 6: a protected.paths pattern that starts with a wildcard (`**/CODEOWNERS`,
// `*.yml`) was watched nowhere: the walk watches each pattern at its literal folder, and such a
// pattern has none. A contributor's change to a file the policy named passed. It is refused now.
import { cleanupTemp } from '../helpers/repo.js';
import { sharedSshKey } from '../helpers/ssh.js';
import { sshSigningRepo, ALICE_POLICY } from '../helpers/signing-repo.js';
import { runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

test.each([
  ['**/CODEOWNERS', 'CODEOWNERS'],
  ['*.yml', 'ci.yml'],
])(
  'protected.paths [%s]: the audit stops naming the pattern, instead of passing a change to %s',
  async (pattern, file) => {
    // The run's alice: no test here compares keys with another.
    const alice = sharedSshKey('alice');
    const r = sshSigningRepo(alice, `${ALICE_POLICY}protected:\n  paths: ['${pattern}']\n`);
    r.commit('change', { [file]: 'x\n' });
    const res = await runMain(['audit', '-C', r.dir, '-r', 'protected-paths-changed-by-maintainers'], { env: r.env });
    expect([res.code, res.stderr.trim().split('\n')]).toEqual([
      2,
      [expect.stringMatching(/protected\.paths\[0\].*starts with a wildcard/)],
    ]);
  },
);

test('twin: a pattern with a literal folder is watched (a maintainer-less change to it fails)', async () => {
  const alice = sharedSshKey('alice');
  const r = sshSigningRepo(
    alice,
    `${ALICE_POLICY.replace('maintainers: [Alice]', 'maintainers: []')}protected:\n  paths: ['.github/*.yml']\n`,
  );
  r.commit('change', { '.github/ci.yml': 'x\n' });
  const res = await runMain(['audit', '-C', r.dir, '-r', 'protected-paths-changed-by-maintainers'], { env: r.env });
  expect(res.code).toBe(1);
});

test('a folder named with a trailing "/" is that folder: a maintainer-less change under it fails; "a//b" is refused', async () => {
  const alice = sharedSshKey('alice');
  const noMaintainers = ALICE_POLICY.replace('maintainers: [Alice]', 'maintainers: []');
  const r = sshSigningRepo(alice, `${noMaintainers}protected:\n  paths: ['.github/workflows/']\n`);
  r.commit('change', { '.github/workflows/ci.yml': 'x\n' });
  const res = await runMain(['audit', '-C', r.dir, '-r', 'protected-paths-changed-by-maintainers'], { env: r.env });
  expect([res.code, res.stdout]).toEqual([1, expect.stringContaining('.github/workflows')]);
  const twin = sshSigningRepo(alice, `${noMaintainers}protected:\n  paths: ['.github//workflows']\n`);
  const refused = await runMain(['audit', '-C', twin.dir, '-r', 'protected-paths-changed-by-maintainers'], {
    env: twin.env,
  });
  expect([refused.code, refused.stderr.trim().split('\n')]).toEqual([
    2,
    [expect.stringMatching(/protected\.paths\[0\].*must not contain.*"\/\/"/)],
  ]);
});
