// Red team: a commit forked before the trust root is also judged by the policy where it landed on
// HEAD's first-parent line. Mallory (no signer) puts a policy naming herself on main, then merges her
// own branch forked before the root: "the policy where it landed" is then her unauthorized one. It
// must never judge: policy-changes-authorized fails, and her pre-root commit fails signers-authorized
// too, however it came in (a merge, a fast-forward onto her policy, two paths to it).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';

let alice: SshTestKey;
let mallory: SshTestKey;
beforeAll(() => {
  const keys = mkdtempSync(join(tmpdir(), 'gg-rt13-'));
  alice = makeSshKey(keys, 'ed25519', 'alice');
  mallory = makeSshKey(keys, 'ed25519', 'mallory');
});
afterAll(() => cleanupTemp());

const POLICY = (malloryToo: boolean): string =>
  `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n${malloryToo ? '  - name: Mallory\n    emails: [mallory@example.com]\n' : ''}maintainers: [Alice]\n`;
const SIGNERS = (malloryToo: boolean): string =>
  `alice@example.com ${alice.pub}\n${malloryToo ? `mallory@example.com ${mallory.pub}\n` : ''}`;
const asMallory = (r: TestRepo, m: string, f: Record<string, string>) =>
  commitAsPerson(r, mallory, 'mallory@example.com', m, f);

/** Alice's root over a pre-root commit; Mallory's branch `side` forked before the root, one commit on it. */
function setUp(): { r: TestRepo; side: string } {
  const r = makeRepo();
  configureSshSigning(r, alice);
  const preRoot = commitAsPerson(r, undefined, 'alice@example.com', 'before the policy', { 'src/a.txt': 'a\n' });
  commitAsPerson(r, alice, 'alice@example.com', 'gitguard init', {
    '.gitguard/policy.yml': POLICY(false),
    '.gitguard/allowed_signers': SIGNERS(false),
  });
  r.run(['checkout', '-q', '-b', 'side', preRoot]);
  const side = asMallory(r, 'work on side', { 'src/side.txt': 'x\n' });
  r.run(['checkout', '-q', 'main']);
  return { r, side };
}

const mergeSide = (r: TestRepo, extra: string[] = []) =>
  r.run(['-c', `user.signingkey=${mallory.path}`, 'merge', '-q', '-S', ...extra, '-m', 'merge side', 'side'], {
    env: {
      GIT_AUTHOR_NAME: 'mallory',
      GIT_AUTHOR_EMAIL: 'mallory@example.com',
      GIT_COMMITTER_NAME: 'mallory',
      GIT_COMMITTER_EMAIL: 'mallory@example.com',
    },
  });

async function verdicts(r: TestRepo, side: string) {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-t', 'impersonation,history'], {
    env: r.env,
  });
  const report = parseJson(res);
  const authorized = resultOf(report, 'signers-authorized');
  return {
    code: res.code,
    policy: resultOf(report, 'policy-changes-authorized').outcome,
    sideFails: authorized.findings.some((f) => JSON.stringify(f).includes(side.slice(0, 12))),
  };
}

test("twin: Mallory's pre-root commit merged under Alice's policy fails signers-authorized", async () => {
  const { r, side } = setUp();
  mergeSide(r, ['--no-ff']);
  expect(await verdicts(r, side)).toEqual({ code: 1, policy: 'pass', sideFails: true });
});

// Was open (redteam13): HEAD's policy (hers, unauthorized) judged the pre-root commit as 'accepted',
// and the landing commit's policyOk was read before that commit was walked. Such a commit is now
// judged again after the walk, by the policies then known to pass on (TrustCollector.settle).
test('merged on top of her own policy change: the policy where it landed never judges it', async () => {
  const { r, side } = setUp();
  asMallory(r, 'policy: mallory signs', {
    '.gitguard/policy.yml': POLICY(true),
    '.gitguard/allowed_signers': SIGNERS(true),
  });
  mergeSide(r, ['--no-ff']);
  expect(await verdicts(r, side)).toEqual({ code: 1, policy: 'fail', sideFails: true });
});

test('her policy change made on the pre-root branch itself and fast-forwarded in', async () => {
  const { r } = setUp();
  r.run(['checkout', '-q', 'side']);
  r.run(['merge', '-q', '--no-edit', '--no-gpg-sign', 'main'], {
    env: { GIT_COMMITTER_NAME: 'mallory', GIT_COMMITTER_EMAIL: 'mallory@example.com' },
  });
  const side = r.head();
  asMallory(r, 'policy: mallory signs', {
    '.gitguard/policy.yml': POLICY(true),
    '.gitguard/allowed_signers': SIGNERS(true),
  });
  r.run(['checkout', '-q', 'main']);
  r.run(['merge', '-q', '--ff-only', 'side']);
  const v = await verdicts(r, side);
  expect([v.code, v.policy]).toEqual([1, 'fail']);
});

test('reachable by two paths: merged under her policy and again through a second branch', async () => {
  const { r, side } = setUp();
  asMallory(r, 'policy: mallory signs', {
    '.gitguard/policy.yml': POLICY(true),
    '.gitguard/allowed_signers': SIGNERS(true),
  });
  r.run(['branch', '-q', 'second', 'side']);
  mergeSide(r, ['--no-ff']);
  r.run(['checkout', '-q', 'second']);
  asMallory(r, 'more', { 'src/more.txt': 'm\n' });
  r.run(['checkout', '-q', 'main']);
  r.run(['-c', `user.signingkey=${alice.path}`, 'merge', '-q', '-S', '--no-ff', '-m', 'merge second', 'second'], {
    env: { GIT_COMMITTER_NAME: 'alice', GIT_COMMITTER_EMAIL: 'alice@example.com' },
  });
  expect(await verdicts(r, side)).toEqual({ code: 1, policy: 'fail', sideFails: true });
});

test("her policy change taken back after the merge: HEAD's policy is Alice's, only the landing policy is hers", async () => {
  const { r, side } = setUp();
  asMallory(r, 'policy: mallory signs', {
    '.gitguard/policy.yml': POLICY(true),
    '.gitguard/allowed_signers': SIGNERS(true),
  });
  mergeSide(r, ['--no-ff']);
  asMallory(r, 'policy back', { '.gitguard/policy.yml': POLICY(false), '.gitguard/allowed_signers': SIGNERS(false) });
  expect(await verdicts(r, side)).toEqual({ code: 1, policy: 'fail', sideFails: true });
});
