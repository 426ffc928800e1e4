// Red-team round 11: a plain audit judges a commit forked before the trust root by the policy at HEAD
// unless the ledger's last record already held it (redteam9). The ledger records every protected
// branch's tip after an audit that passed, also a branch the audit never walked (HEAD elsewhere): main
// updated with a removed signer's pre-root branch (git fetch origin main:main, a pull on another
// branch), audited from a topic branch, was then "held" and judged by the root's policy on main.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';

let alice: SshTestKey;
let carol: SshTestKey;

const POLICY = (carolToo: boolean): string =>
  `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n${carolToo ? '  - name: Carol\n    emails: [carol@example.com]\n' : ''}maintainers: [Alice]\n`;
const SIGNERS = (carolToo: boolean): string =>
  `alice@example.com ${alice.pub}\n${carolToo ? `carol@example.com ${carol.pub}\n` : ''}`;

beforeAll(() => {
  const keys = mkdtempSync(join(tmpdir(), 'gg-rt11-'));
  alice = makeSshKey(keys, 'ed25519', 'alice');
  carol = makeSshKey(keys, 'ed25519', 'carol');
});
afterAll(cleanupTemp);

async function audit(r: TestRepo) {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-t', 'impersonation,history'], {
    env: r.env,
  });
  const report = parseJson(res);
  return {
    code: res.code,
    authorized: resultOf(report, 'signers-authorized').outcome,
    recorded: report.ledger?.updated,
  };
}

/** main: a commit before the policy, the policy (Alice and Carol), Carol removed; audited once. */
async function governed(): Promise<{ r: TestRepo; preRoot: string }> {
  const r = makeRepo();
  configureSshSigning(r, alice);
  const preRoot = commitAsPerson(r, undefined, 'alice@example.com', 'before the policy', { 'src/a.txt': 'a\n' });
  commitAsPerson(r, alice, 'alice@example.com', 'gitguard init', {
    '.gitguard/policy.yml': POLICY(true),
    '.gitguard/allowed_signers': SIGNERS(true),
  });
  commitAsPerson(r, alice, 'alice@example.com', 'carol left the project', {
    '.gitguard/policy.yml': POLICY(false),
    '.gitguard/allowed_signers': SIGNERS(false),
  });
  expect(await audit(r)).toMatchObject({ code: 0, authorized: 'pass', recorded: true });
  return { r, preRoot };
}

test("main updated with a removed signer's pre-root branch, recorded by an audit of another branch, then audited: fails (before: pass)", async () => {
  const { r, preRoot } = await governed();
  // The topic branch the user works on, from main as audited.
  r.run(['checkout', '-q', '-b', 'topic']);
  // main moves without being checked out: Carol's branch forked before the root, merged by Alice.
  r.run(['checkout', '-q', '-b', 'side', preRoot]);
  commitAsPerson(r, carol, 'carol@example.com', 'work on side', { 'src/side.txt': 'x\n' });
  r.run(['checkout', '-q', 'main']);
  r.run(['-c', `user.signingkey=${alice.path}`, 'merge', '-q', '--no-ff', '-S', '-m', 'merge side', 'side'], {
    env: { GIT_COMMITTER_NAME: 'alice', GIT_COMMITTER_EMAIL: 'alice@example.com' },
  });
  r.run(['branch', '-q', '-D', 'side']);
  r.run(['checkout', '-q', 'topic']);
  // The audit of topic passes (it never walks main) and records main's tip.
  expect(await audit(r)).toMatchObject({ code: 0, authorized: 'pass', recorded: true });
  r.run(['checkout', '-q', 'main']);
  expect(await audit(r)).toMatchObject({ code: 1, authorized: 'fail' });
});

test('twin: main audited on main after the merge while Carol was still a signer keeps passing once she is removed', async () => {
  const r = makeRepo();
  configureSshSigning(r, alice);
  const preRoot = commitAsPerson(r, undefined, 'alice@example.com', 'before the policy', { 'src/a.txt': 'a\n' });
  commitAsPerson(r, alice, 'alice@example.com', 'gitguard init', {
    '.gitguard/policy.yml': POLICY(true),
    '.gitguard/allowed_signers': SIGNERS(true),
  });
  expect(await audit(r)).toMatchObject({ code: 0, recorded: true });
  r.run(['checkout', '-q', '-b', 'side', preRoot]);
  commitAsPerson(r, carol, 'carol@example.com', 'work on side', { 'src/side.txt': 'x\n' });
  r.run(['checkout', '-q', 'main']);
  r.run(['-c', `user.signingkey=${alice.path}`, 'merge', '-q', '--no-ff', '-S', '-m', 'merge side', 'side'], {
    env: { GIT_COMMITTER_NAME: 'alice', GIT_COMMITTER_EMAIL: 'alice@example.com' },
  });
  expect(await audit(r)).toMatchObject({ code: 0, authorized: 'pass', recorded: true });
  // Then from a topic branch (main not walked): main's judged tip stays the one walked.
  r.run(['checkout', '-q', '-b', 'topic']);
  commitAsPerson(r, alice, 'alice@example.com', 'carol left the project', {
    '.gitguard/policy.yml': POLICY(false),
    '.gitguard/allowed_signers': SIGNERS(false),
  });
  expect(await audit(r)).toMatchObject({ code: 0, authorized: 'pass', recorded: true });
});

test("twin: a first audit run from a topic branch that lacks main's merge judged nothing of main: main then fails", async () => {
  const r = makeRepo();
  configureSshSigning(r, alice);
  const preRoot = commitAsPerson(r, undefined, 'alice@example.com', 'before the policy', { 'src/a.txt': 'a\n' });
  commitAsPerson(r, alice, 'alice@example.com', 'gitguard init', {
    '.gitguard/policy.yml': POLICY(true),
    '.gitguard/allowed_signers': SIGNERS(true),
  });
  commitAsPerson(r, alice, 'alice@example.com', 'carol left the project', {
    '.gitguard/policy.yml': POLICY(false),
    '.gitguard/allowed_signers': SIGNERS(false),
  });
  r.run(['checkout', '-q', '-b', 'topic']);
  r.run(['checkout', '-q', '-b', 'side', preRoot]);
  commitAsPerson(r, carol, 'carol@example.com', 'work on side', { 'src/side.txt': 'x\n' });
  r.run(['checkout', '-q', 'main']);
  r.run(['-c', `user.signingkey=${alice.path}`, 'merge', '-q', '--no-ff', '-S', '-m', 'merge side', 'side'], {
    env: { GIT_COMMITTER_NAME: 'alice', GIT_COMMITTER_EMAIL: 'alice@example.com' },
  });
  r.run(['branch', '-q', '-D', 'side']);
  r.run(['checkout', '-q', 'topic']);
  expect(await audit(r)).toMatchObject({ code: 0, authorized: 'pass', recorded: true });
  r.run(['checkout', '-q', 'main']);
  expect(await audit(r)).toMatchObject({ code: 1, authorized: 'fail' });
});

test('twin: main walked by an audit of --threat history alone (no signature rule ran) then audited in full: fails', async () => {
  const { r, preRoot } = await governed();
  r.run(['checkout', '-q', '-b', 'side', preRoot]);
  commitAsPerson(r, carol, 'carol@example.com', 'work on side', { 'src/side.txt': 'x\n' });
  r.run(['checkout', '-q', 'main']);
  r.run(['-c', `user.signingkey=${alice.path}`, 'merge', '-q', '--no-ff', '-S', '-m', 'merge side', 'side'], {
    env: { GIT_COMMITTER_NAME: 'alice', GIT_COMMITTER_EMAIL: 'alice@example.com' },
  });
  const history = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-t', 'history'], {
    env: r.env,
  });
  expect(parseJson(history).ledger?.updated).toBe(true);
  expect(await audit(r)).toMatchObject({ code: 1, authorized: 'fail' });
});

test('twin: an audit with --fail-on critical (signers-authorized, high, failed but did not fail the run) then a default audit: fails', async () => {
  const { r, preRoot } = await governed();
  r.run(['checkout', '-q', '-b', 'side', preRoot]);
  commitAsPerson(r, carol, 'carol@example.com', 'work on side', { 'src/side.txt': 'x\n' });
  r.run(['checkout', '-q', 'main']);
  r.run(['-c', `user.signingkey=${alice.path}`, 'merge', '-q', '--no-ff', '-S', '-m', 'merge side', 'side'], {
    env: { GIT_COMMITTER_NAME: 'alice', GIT_COMMITTER_EMAIL: 'alice@example.com' },
  });
  const lenient = await runMain(
    ['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-t', 'impersonation,history', '--fail-on', 'critical'],
    { env: r.env },
  );
  expect(resultOf(parseJson(lenient), 'signers-authorized').outcome).toBe('fail');
  expect(lenient.code).toBe(0);
  expect(await audit(r)).toMatchObject({ code: 1, authorized: 'fail' });
});
