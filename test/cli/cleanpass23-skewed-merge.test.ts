// Two machines a minute apart: Bob's clock runs a minute ahead, so his commit is dated 12:01 and
// Alice's merge of it, made on her machine at 12:00, is dated a minute before its own parent. git says
// G for both (ssh-keygen checks a line's validity at the commit's own date). A signature counts as
// made no earlier than its parents were committed (red team 26), so the merge counts as signed at 12:01.
// With every key valid on, the whole audit of the history and signature rules passes (the clean
// case). With Alice's allowed-signers line ending at 12:00:30 it must still fail (no tolerance: a minute
// let through would be a window to date a commit back before an expiry), but it said "key ... belongs
// to no signer", of a key the file lists for her: now it names the valid-before and both dates.
import { join } from 'node:path';
import { cleanupTemp, makeRepo, personEnv, type TestRepo } from '../helpers/repo.js';
import { configureSshSigning, gitLetter, sharedSshKey, writeAllowedSigners, type SshTestKey } from '../helpers/ssh.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { TEAM_POLICY } from '../helpers/team.js';

afterAll(cleanupTemp);

const alice = sharedSshKey('alice');
const bob = sharedSshKey('bob');
const NOON = Math.floor(Date.now() / 1000 / 86400 - 5) * 86400 + 12 * 3600; // five days ago, 12:00 UTC
const at = (t: number): string => `@${t} +0000`;
const stamp = (t: number): string => `${new Date(t * 1000).toISOString().replace(/[-:T]|\.000/g, '')}`;
const iso = (t: number): string => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

/** Alice's policy (her line ending at `aliceUntil`), Bob's commit at 12:01 on a branch, Alice's merge at 12:00. */
function skewedMerge(aliceUntil?: number): { r: TestRepo; merge: string; signers: string } {
  const r = makeRepo();
  configureSshSigning(r, alice);
  const until = aliceUntil === undefined ? '' : `valid-before="${stamp(aliceUntil)}" `;
  const lines = [`alice@example.com ${until}${alice.pub}`, `bob@example.com ${bob.pub}`];
  const sign = (key: SshTestKey, email: string, t: number, args: string[]): void => {
    r.addAllAndRun(['-c', `user.signingkey=${key.path}`, ...args], { env: personEnv(email, at(t)) });
  };
  r.write({
    '.gitguard/policy.yml': TEAM_POLICY,
    '.gitguard/allowed_signers': `${lines.join('\n')}\n`,
    'SECURITY.md': '# Security\n\nMail security@example.com.\n',
  });
  sign(alice, 'alice@example.com', NOON - 3600, ['commit', '-q', '-S', '-m', 'policy']);
  r.run(['checkout', '-q', '-b', 'feature']);
  r.write({ 'feature.txt': 'bob\n' });
  sign(bob, 'bob@example.com', NOON + 60, ['commit', '-q', '-S', '-m', 'feature']);
  r.run(['checkout', '-q', 'main']);
  sign(alice, 'alice@example.com', NOON, ['merge', '-q', '--no-ff', '-S', '-m', 'merge feature', 'feature']);
  return { r, merge: r.head(), signers: writeAllowedSigners(join(r.home, 'signers'), lines) };
}

const HISTORY_AND_SIGNATURES = ['--threat', 'impersonation,history'];

test('the merge a minute before its parent passes every history and signature rule (git: G)', async () => {
  const { r, merge, signers } = skewedMerge();
  expect(gitLetter(r, merge, signers)).toBe('G');
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', ...HISTORY_AND_SIGNATURES], { env: r.env });
  const report = parseJson(res);
  expect(res.code).toBe(0);
  expect(resultOf(report, 'commit-dates-plausible').outcome).toBe('pass');
  expect(resultOf(report, 'signers-authorized').outcome).toBe('pass');
});

test("Alice's line ending between the merge's date and its parent's: fails, naming the valid-before (before: 'belongs to no signer')", async () => {
  const { r, merge, signers } = skewedMerge(NOON + 30);
  expect(gitLetter(r, merge, signers)).toBe('G');
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '-r', 'signers-authorized'], { env: r.env });
  const result = resultOf(parseJson(res), 'signers-authorized');
  expect([res.code, result.outcome]).toEqual([1, 'fail']);
  const message = result.findings.map((f) => f.message).join('\n');
  expect(message).toContain(`its valid-before passed by ${iso(NOON + 60)}, when a parent was committed`);
  expect(message).toContain(`(the commit is dated ${iso(NOON)})`);
  expect(message).not.toContain('belongs to no signer');
});
