// opts102: a CI step whose --trust-root (or --base) the change itself names. The trust root is the
// one commit judged by its own policy, so `--trust-root HEAD` (`$GITHUB_SHA`, `${{ github.sha }}`,
// a value read from the checkout) lets a change that hands the policy to its author judge itself:
// the real CLI exits 0 on it (checked below), so such a step gates nothing and ci-gate-kept fails.
// `--base "$(cat .ci/base)"` is the change's file naming HEAD: `--base HEAD` judges nothing (gate83).
// The twins name a fixed commit (a full id in the workflow, a forge variable) and keep the gate.
import { cleanupTemp, tempDir } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { commitAsPerson, makeSshKey, sharedSshKey } from '../helpers/ssh.js';
import { runCliBatch } from '../helpers/cli-batch.js';

afterAll(cleanupTemp);

test('the real CLI: a policy takeover passes as its own --trust-root, fails from a fixed one', () => {
  const alice = sharedSshKey('alice');
  const mallory = makeSshKey(tempDir(), 'ed25519', 'mallory');
  const r = sshSigningRepo(alice);
  const root = r.head();
  commitAsPerson(r, mallory, 'mallory@example.com', 'take over', {
    '.gitguard/policy.yml':
      'version: 1\nsigners:\n  - name: Mallory\n    emails: [mallory@example.com]\nmaintainers: [Mallory]\n',
    '.gitguard/allowed_signers': `mallory@example.com ${mallory.pub}\n`,
  });
  // The four runs in one node process of the built code (runCliBatch), each its exit code.
  const runs = [['--trust-root', 'HEAD'], ['--trust-root', r.head()], ['--trust-root', root], []].map((extra) => ({
    args: ['audit', '-C', r.dir, '--threat', 'impersonation', '--no-cache', ...extra],
    env: r.env,
  }));
  const [head, tip, fixed, none] = runCliBatch(runs).map((res) => res.code);
  expect(head).toBe(0);
  expect(tip).toBe(0);
  expect(fixed).toBe(1);
  expect(none).toBe(1);
});

const WF = '.github/workflows/ci.yml';
const GH = (step: string): string =>
  `on:\n  push:\n  pull_request:\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${JSON.stringify(step)}\n`;
const KEPT = GH('npx gitguard audit');

// Every gate case judged by one audit of its chain (gate-batch.ts), each test reading its own.
const batch = gateBatch();

const lost: Array<[string, string]> = [
  ['--trust-root HEAD', 'npx gitguard audit --trust-root HEAD'],
  ['--trust-root=HEAD', 'npx gitguard audit --trust-root=HEAD'],
  ['--trust-root "$GITHUB_SHA"', 'npx gitguard audit --trust-root "$GITHUB_SHA"'],
  ['--trust-root ${{ github.sha }}', 'npx gitguard audit --trust-root ${{ github.sha }}'],
  ['--trust-root $(cat .gitguard/root)', 'npx gitguard audit --trust-root $(cat .gitguard/root)'],
  ['--trust-root main (a branch the push moves)', 'npx gitguard audit --trust-root main'],
  ['--trust-root "$(git rev-parse HEAD)"', 'npx gitguard audit --trust-root "$(git rev-parse HEAD)"'],
  ['--base "$(cat .ci/base)"', 'npx gitguard audit --base "$(cat .ci/base)"'],
  ['--base "$(< .ci/base)"', 'npx gitguard audit --base "$(< .ci/base)"'],
  ['verify --trust-root HEAD', 'npx gitguard verify --trust-root HEAD'],
  // On a push to main, actions/checkout sets origin/main to the pushed commit: the merge base is HEAD (base210).
  ['--base "$(git merge-base origin/main HEAD)"', 'npx gitguard audit --base "$(git merge-base origin/main HEAD)"'],
];
for (const [name, step] of lost)
  test(
    `a trust root or base the change names: ${name}: ci-gate-kept fails`,
    batch.add({ [WF]: KEPT }, { [WF]: GH(step) }, false),
  );

const kept: Array<[string, string]> = [
  ['--trust-root <full id>', `npx gitguard audit --trust-root ${'a1'.repeat(20)}`],
  ['--trust-root ${{ vars.TRUST_ROOT }}', 'npx gitguard audit --trust-root ${{ vars.TRUST_ROOT }}'],
  ['verify', 'npx gitguard verify'],
];
for (const [name, step] of kept)
  test(`twin: ${name} keeps the gate`, batch.add({ [WF]: KEPT }, { [WF]: GH(step) }, true));
