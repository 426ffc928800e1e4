// The pre-push hook enforces the policy's client.min_versions like the audit does.
import { prePushCheck } from '../../src/engine/prepush.js';
import { makeRepo, tempDir, cleanupTemp } from '../helpers/repo.js';
import { makeSshKey, signedCommit, type SshTestKey } from '../helpers/ssh.js';

afterAll(cleanupTemp);

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(tempDir(), 'ed25519', 'alice');
});

/**
 * A fresh repository (one per test, so no test depends on another) whose policy, already on origin,
 * makes alice the signer and asks for git `minGit`; then a push of one more commit signed by alice,
 * so every other rule passes and the outcome is client-min-versions' alone.
 */
async function pushUnderMinGit(minGit: string) {
  const repo = makeRepo();
  repo.write({
    '.gitguard/policy.yml': `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\nmaintainers: [Alice]\nclient:\n  min_versions:\n    git: "${minGit}"\n`,
    '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\n`,
  });
  repo.run(['add', '-A']);
  const base = signedCommit(repo, alice, 'policy');
  repo.run(['update-ref', 'refs/remotes/origin/main', base]);
  const tip = signedCommit(repo, alice, 'work');
  return prePushCheck({
    path: repo.dir,
    remote: 'origin',
    url: 'https://example.invalid/r.git',
    input: `refs/heads/main ${tip} refs/heads/main ${base}\n`,
    env: repo.env,
    trust: { cache: false },
  });
}

describe('pre-push and client.min_versions', () => {
  test('blocks a push when the installed git is older than the policy asks', async () => {
    const r = await pushUnderMinGit('99.0.0');
    expect(r.lines.join('\n')).toMatch(/client-min-versions[\s\S]*is older than 99\.0\.0/);
    expect(r.lines).toContain('gitguard pre-push: push to origin (https://example.invalid/r.git) blocked');
    expect(r.exitCode).toBe(1);
  });

  test('lets the push through when the installed git meets the minimum', async () => {
    const r = await pushUnderMinGit('2.0.0');
    expect(r.lines.join('\n')).not.toContain('client-min-versions');
    expect(r.lines).toContain('gitguard pre-push: 1 new commit(s) checked, 0 rule(s) failed');
    expect(r.exitCode).toBe(0);
  });
});
