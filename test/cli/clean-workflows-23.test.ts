// Clean workflows 23: client-min-versions and signing-enabled-when-required ask the walk whether the
// policy at HEAD was vouched for (red team round: a policy no maintainer made lowered a minimum).
// In a shallow clone (actions/checkout's default depth 1, GitLab's GIT_DEPTH) the walk cannot be
// done, and a run of the client rules (`--threat client`, a gate on one rule) stopped with exit 2
// where it passed before. Such a policy is now not vouched for: what it relaxes is not-available,
// naming the fix, the run goes on; what it asks for still fails. Real shallow clones by git.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cleanupTemp, tempDir, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, sharedSshKey } from '../helpers/ssh.js';
import { aliceAndBob } from '../helpers/team.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

const POLICY = (extra: string): string =>
  `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\nmaintainers: [Alice]\n${extra}`;
const RULES = ['client-min-versions', 'signing-enabled-when-required'];

/** Alice's repository with `extra` in the policy and two more commits of hers, cloned at depth 1. */
function shallowClone(extra: string): { r: TestRepo; clone: string } {
  const { r } = aliceAndBob({ '.gitguard/policy.yml': POLICY(extra) });
  const alice = sharedSshKey('alice');
  commitAsPerson(r, alice, 'alice@example.com', 'one', { 'a.txt': '1\n' });
  commitAsPerson(r, alice, 'alice@example.com', 'two', { 'a.txt': '2\n' });
  const clone = join(tempDir('gg-cw23-'), 'shallow');
  execFileSync('git', ['clone', '-q', '--depth', '1', `file://${r.dir}`, clone], { env: r.env });
  for (const k of ['commit.gpgSign', 'tag.gpgSign'])
    execFileSync('git', ['-C', clone, 'config', k, 'true'], { env: r.env });
  return { r, clone };
}

async function audit(r: TestRepo, dir: string): Promise<Record<string, string | number>> {
  const res = await runMain(['audit', '-C', dir, '--format', 'json', '--no-cache', '-r', RULES.join(',')], {
    env: r.env,
  });
  const report = parseJson(res);
  const out: Record<string, string | number> = { code: res.code };
  for (const id of RULES) out[id] = resultOf(report, id).outcome;
  return out;
}

test('a shallow clone of a clean project: the client rules run (before: exit 2), the minimum not vouched for', async () => {
  const { r, clone } = shallowClone('client:\n  min_versions:\n    git: "1.0"\n');
  const res = await runMain(['audit', '-C', clone, '--no-cache', '-r', RULES.join(',')], { env: r.env });
  expect(res.stdout).toContain('fetch-depth: 0');
  expect(await audit(r, clone)).toEqual({
    code: 0,
    'client-min-versions': 'not-available',
    'signing-enabled-when-required': 'pass',
  });
});

test('held: the full clone passes both', async () => {
  const { r } = shallowClone('client:\n  min_versions:\n    git: "1.0"\n');
  r.config({ 'commit.gpgSign': 'true', 'tag.gpgSign': 'true' });
  expect(await audit(r, r.dir)).toEqual({
    code: 0,
    'client-min-versions': 'pass',
    'signing-enabled-when-required': 'pass',
  });
});

test('twin: what the shallow policy asks for still fails (git 99.0; commit.gpgSign=false while it requires signatures)', async () => {
  const { r, clone } = shallowClone('client:\n  min_versions:\n    git: "99.0"\n');
  execFileSync('git', ['-C', clone, 'config', 'commit.gpgSign', 'false'], { env: r.env });
  expect(await audit(r, clone)).toEqual({
    code: 1,
    'client-min-versions': 'fail',
    'signing-enabled-when-required': 'fail',
  });
});

test('twin: Bob (no maintainer) switches signatures off and the clone is shallow: not vouched for, never a pass', async () => {
  const { r } = aliceAndBob({ '.gitguard/policy.yml': POLICY('') });
  commitAsPerson(r, sharedSshKey('bob'), 'bob@example.com', 'policy', {
    '.gitguard/policy.yml': POLICY('require_signatures: false\n'),
  });
  const clone = join(tempDir('gg-cw23-'), 'shallow');
  execFileSync('git', ['clone', '-q', '--depth', '1', `file://${r.dir}`, clone], { env: r.env });
  execFileSync('git', ['-C', clone, 'config', 'commit.gpgSign', 'false'], { env: r.env });
  const got = await audit(r, clone);
  expect(got['signing-enabled-when-required']).toBe('not-available');
  expect(got.code).toBe(2); // nothing passed: every rule not available or not applicable
});
