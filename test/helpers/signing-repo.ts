// The clean set-ups of test/cli/clean-workflows*.test.ts: a work tree whose every commit and tag git
// signs with one SSH key, governed by a policy naming that key's owner, and git run without throwing.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { copyRepo, makeRepo, tempDir, type TestRepo } from './repo.js';
import { configureSshSigning, type SshTestKey } from './ssh.js';

/** alice alone signs and maintains. */
export const ALICE_POLICY =
  'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\nmaintainers: [Alice]\n';

// Each (key, policy) repository made once per test file (a git add, a git commit and an ssh-keygen
// forked from the jest worker; files call this up to twenty times) and copied for every call: the same
// files, config and signed commit (the same commit id), at a path of its own. Made anew when a test
// removed the one made before (cleanupTemp).
const made = new WeakMap<SshTestKey, Map<string, TestRepo>>();

/** A work tree whose every commit and tag git signs with `key` (as `commit.gpgSign` does), its policy committed first. */
export function sshSigningRepo(key: SshTestKey, policy = ALICE_POLICY): TestRepo {
  const byPolicy = made.get(key) ?? new Map<string, TestRepo>();
  made.set(key, byPolicy);
  let source = byPolicy.get(policy);
  if (!source || !existsSync(join(source.dir, '.git', 'HEAD')))
    byPolicy.set(policy, (source = makeSigningRepo(key, policy)));
  return copyRepo(source);
}

function makeSigningRepo(key: SshTestKey, policy: string): TestRepo {
  const r = makeRepo();
  configureSshSigning(r, key);
  r.config({ 'commit.gpgSign': 'true', 'tag.gpgSign': 'true' });
  r.commit('policy: alice signs', {
    '.gitguard/policy.yml': policy,
    '.gitguard/allowed_signers': `alice@example.com ${key.pub}\n`,
  });
  return r;
}

/** git without throwing: exit code, stdout and stderr. */
export function tryGit(r: TestRepo, args: string[], cwd = r.dir): { code: number; stdout: string; stderr: string } {
  const res = spawnSync('git', args, { cwd, env: r.env, encoding: 'utf8', timeout: 60_000 });
  return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}

/** A signing repository's history (`sshSigningRepo(key)` with `more` done to it) on a bare upstream,
 *  and a work tree `git clone`d from it, whose `git` signs every commit with `key`. */
export function signingClone(
  key: SshTestKey,
  more: (r: TestRepo) => void = () => undefined,
): { r: TestRepo; upstream: string; dir: string; git: (args: string[], env?: Record<string, string>) => string } {
  const r = sshSigningRepo(key);
  more(r);
  const upstream = join(tempDir(), 'origin.git');
  r.run(['clone', '-q', '--bare', r.dir, upstream]);
  const dir = join(tempDir(), 'clone');
  r.run(['clone', '-q', upstream, dir]);
  const git = (args: string[], env: Record<string, string> = {}): string =>
    execFileSync(
      'git',
      ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${key.path}`, '-c', 'commit.gpgSign=true', ...args],
      { cwd: dir, env: { ...r.env, ...env }, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] },
    ).trim();
  return { r, upstream, dir, git };
}
