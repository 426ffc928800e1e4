// Clean workflows 36: the signing-time floor (a signature counts as made no earlier than its commit's
// parents were committed, red team 26) on honest work that writes old dates. Bob retires at midnight R
// (the policy says so weeks ahead). Before it he rebases his feature branch onto main with
// `git rebase -S --committer-date-is-author-date` (his commits keep their three-hours-old dates, under
// main's tip of an hour before R) and commits with `git commit --date` of last week: each signature is
// read at most at main's tip's date, before R, and passes, as git says G. Twin: the same rebase after
// main moved past R (Bob signing after his retirement, whatever his dates say) fails.
// (A parent dated ahead by a wrong clock is the one case the floor judges late: README, Signatures.)
import { join } from 'node:path';
import { cleanupTemp, makeRepo, personEnv } from '../helpers/repo.js';
import { configureSshSigning, gitLetter, sharedSshKey, writeAllowedSigners, type SshTestKey } from '../helpers/ssh.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

const DAY = 86400;
const HOUR = 3600;
const R = Math.floor(Date.now() / 1000 / DAY - 10) * DAY; // midnight UTC ten days ago
const alice = sharedSshKey('alice');
const bob = sharedSshKey('bob');
const SIGNERS = `alice@example.com ${alice.pub}\nbob@example.com ${bob.pub}\n`;
const POLICY =
  'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\n' +
  `    retired: ${new Date(R * 1000).toISOString().slice(0, 10)}\nmaintainers: [Alice]\n`;

const r = makeRepo();
configureSshSigning(r, alice);
const envOf = (who: string, at: number) => personEnv(`${who}@example.com`, `@${at} +0000`);
const as = (key: SshTestKey, args: string[], env: NodeJS.ProcessEnv) =>
  r.run(['-c', `user.signingkey=${key.path}`, '-c', 'commit.gpgSign=true', ...args], { env });
const commitAt = (key: SshTestKey, who: string, at: number, files: Record<string, string>, extra: string[] = []) => {
  r.write(files);
  r.run(['add', '-A']);
  as(key, ['commit', '-q', '-m', `${who} works`, ...extra], envOf(who, at));
  return r.head();
};

const RULES = ['signers-not-retired', 'signatures-valid'];
async function audit(): Promise<Record<string, string | number>> {
  const res = await runMain(
    ['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '--no-cache', '-r', RULES.join(',')],
    {
      env: r.env,
    },
  );
  const report = parseJson(res);
  return { code: res.code, ...Object.fromEntries(RULES.map((id) => [id, resultOf(report, id).outcome])) };
}

test('a rebase keeping old dates and a commit --date of last week, before the retirement, pass; the rebase after it fails', async () => {
  const base = commitAt(alice, 'alice', R - 40 * DAY, {
    '.gitguard/policy.yml': POLICY,
    '.gitguard/allowed_signers': SIGNERS,
  });
  r.run(['branch', '-q', '-M', 'main']);
  r.run(['checkout', '-q', '-b', 'feature', base]);
  commitAt(bob, 'bob', R - 3 * HOUR, { 'bob.txt': 'one\n' });
  r.run(['checkout', '-q', 'main']);
  const before = commitAt(alice, 'alice', R - HOUR, { 'a.txt': 'a\n' });
  r.run(['checkout', '-q', 'feature']);
  // The rebase signs at R - 30 min; its commits keep R - 3 h.
  as(bob, ['rebase', '-q', '-S', '--committer-date-is-author-date', 'main'], envOf('bob', R - HOUR / 2));
  expect(r.run(['log', '-1', '--format=%ct %P'])).toBe(`${R - 3 * HOUR} ${before}`);
  commitAt(bob, 'bob', R - HOUR / 4, { 'bob.txt': 'two\n' }, [`--date=@${R - 7 * DAY} +0000`]);
  const signers = writeAllowedSigners(join(r.home, 'signers'), SIGNERS.trim().split('\n'));
  expect([gitLetter(r, 'HEAD~1', signers), gitLetter(r, 'HEAD', signers)]).toEqual(['G', 'G']);
  expect(await audit()).toEqual({ code: 0, 'signers-not-retired': 'pass', 'signatures-valid': 'pass' });

  // Twin: main moved past R; Bob's rebase signs after his retirement, whatever dates it keeps.
  r.run(['checkout', '-q', 'main']);
  commitAt(alice, 'alice', R + HOUR, { 'a.txt': 'b\n' });
  r.run(['checkout', '-q', 'feature']);
  as(bob, ['rebase', '-q', '-S', '--committer-date-is-author-date', 'main'], envOf('bob', R + 2 * HOUR));
  expect(gitLetter(r, 'HEAD', signers)).toBe('G');
  expect(await audit()).toEqual({ code: 1, 'signers-not-retired': 'fail', 'signatures-valid': 'pass' });
});
