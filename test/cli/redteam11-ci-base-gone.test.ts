// Red-team round 11: CI's --base after a forced push. A --base missing from a complete clone lets a
// branch nothing protects be judged as a whole instead of held to --base; what protects it was read
// from the policy at HEAD, the push's own, and from the default branch's tip only when the clone has
// it (GitLab Runner fetches just the branch it builds). Rewinding a branch the policy protects to a
// commit from before the policy named it made the push its own judge: --base was not applied, pass.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, tempDir, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { ALICE_POLICY, sshSigningRepo, tryGit } from '../helpers/signing-repo.js';
import { runMain } from '../helpers/cli.js';

let alice: SshTestKey;
let r: TestRepo;
let origin: string;
let before: string;
beforeAll(() => {
  alice = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-rt11b-')), 'ed25519', 'alice');
  r = sshSigningRepo(alice);
  const old = r.commit('work', { 'src/a.txt': 'a\n' });
  r.commit('policy: release branches only move forward', {
    '.gitguard/policy.yml': `${ALICE_POLICY}protected:\n  refs: [refs/heads/main, refs/heads/release/*]\n`,
  });
  origin = join(tempDir(), 'origin.git');
  r.run(['init', '-q', '--bare', origin]);
  r.run(['checkout', '-q', '-b', 'release/1.x']);
  before = r.commit('1.0.1', { 'src/a.txt': 'fixed\n' });
  r.run(['push', '-q', origin, 'main', 'release/1.x']);
  // The attacker rewinds release/1.x to a commit from before the policy protected it (the forge does not).
  r.run(['reset', '-q', '--hard', old]);
  r.run(['push', '-q', '-f', origin, 'release/1.x']);
});
afterAll(cleanupTemp);

function runnerClone(refspecs: string[]): string {
  const ci = join(tempDir(), 'ci');
  r.run(['init', '-q', ci]);
  r.run(['-C', ci, 'remote', 'add', 'origin', `file://${origin}`]);
  r.run(['-C', ci, 'fetch', '-q', 'origin', ...refspecs]);
  r.run(['-C', ci, 'checkout', '-q', '--detach', 'refs/remotes/origin/release/1.x']);
  return ci;
}
const gitlabEnv = (ci: string): NodeJS.ProcessEnv => ({
  ...r.env,
  GITLAB_CI: 'true',
  CI_PIPELINE_SOURCE: 'push',
  CI_COMMIT_BRANCH: 'release/1.x',
  CI_COMMIT_SHA: tryGit(r, ['rev-parse', 'HEAD'], ci).stdout.trim(),
  CI_DEFAULT_BRANCH: 'main',
  CI_COMMIT_REF_PROTECTED: 'false',
});
const audit = (ci: string) =>
  runMain(['audit', '-C', ci, '--format', 'json', '--no-ledger', '-t', 'impersonation,history', '--base', before], {
    env: gitlabEnv(ci),
  });

test('GitLab: a policy-protected release branch rewound past its protection, the default branch not fetched: not judged by the push alone (before: pass, --base not applied)', async () => {
  const ci = runnerClone(['+refs/heads/release/1.x:refs/remotes/origin/release/1.x', '+refs/tags/*:refs/tags/*']);
  expect(tryGit(r, ['cat-file', '-e', before], ci).code).not.toBe(0);
  const res = await audit(ci);
  expect(res.stdout).not.toContain('--base not applied');
  expect(res.stderr).toMatch(/^gitguard: --base "[0-9a-f]+" is not a commit in .*git fetch origin main/);
  expect(res.code).toBe(2);
});

test('twin: the default branch fetched too: its policy protects release/*, so --base holds (exit 2)', async () => {
  const ci = runnerClone([
    '+refs/heads/release/1.x:refs/remotes/origin/release/1.x',
    '+refs/heads/main:refs/remotes/origin/main',
  ]);
  const res = await audit(ci);
  expect(res.stderr).toMatch(/^gitguard: --base "[0-9a-f]+" is not a commit in /);
  expect(res.code).toBe(2);
});
