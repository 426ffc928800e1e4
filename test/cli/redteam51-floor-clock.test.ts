// A signing time's floor (collect/parent-times.ts) takes a committer date after the audit's clock
// once the clock reaches it. For a walked commit, the checkpoint's validUntil came due then; for a
// commit the walk never reads (before the trust root, read from git for the floor) nothing did: an
// audit resumed after the clock passed such a date kept the floors it saved, and passed a signature
// by a signer retired before that date, where a full audit at the same clock fails it. Each audit is
// a real process whose clock starts at a fixed time (test/helpers/fixed-clock.mjs).
import { join } from 'node:path';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, sharedSshKey, type SshTestKey } from '../helpers/ssh.js';
import { ROOT, parseJson, resultOf, runCli } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

const DAY = 86400;
const HOUR = 3600;
const R = Math.floor(Date.now() / 1000 / DAY - 30) * DAY; // midnight UTC thirty days ago: all dates below are past
const day = (t: number): string => new Date(t * 1000).toISOString().slice(0, 10);
const alice = sharedSshKey('alice');
const bob = sharedSshKey('bob');

/** A commit by `who` signed with `key`, author and committer dated `at`. */
const commitAt = (r: TestRepo, key: SshTestKey, who: string, at: number, files: Record<string, string>): string =>
  commitAsPerson(r, key, `${who}@example.com`, `${who} works`, files, [], at);

// Bob retires at the start of R + 1 day.
const POLICY =
  'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\n' +
  `    retired: ${day(R + DAY)}\nmaintainers: [Alice]\n`;
const SIGNERS = `alice@example.com ${alice.pub}\nbob@example.com ${bob.pub}\n`;

/** `gitguard audit` (signers-not-retired) in a process whose clock reads `nowS`; `--no-cache` walks it all. */
function auditAt(r: TestRepo, nowS: number, ...extra: string[]): Record<string, unknown> {
  const res = runCli(['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '-r', 'signers-not-retired', ...extra], {
    env: {
      ...r.env,
      GG_TEST_NOW: String(nowS),
      NODE_OPTIONS: `--import=${join(ROOT, 'test', 'helpers', 'fixed-clock.mjs')}`,
    },
  });
  const report = parseJson<{ walk?: { incremental?: boolean } }>(res);
  return {
    code: res.code,
    outcome: resultOf(report as never, 'signers-not-retired').outcome,
    incremental: report.walk?.incremental,
  };
}

/** Before the trust root (the policy's commit), a commit dated `early`; Bob signs on top at R - 1 hour. */
function history(early: number): TestRepo {
  const r = makeRepo();
  configureSshSigning(r, alice);
  commitAt(r, alice, 'alice', early, { 'early.txt': 'before the policy\n' });
  commitAt(r, alice, 'alice', R - DAY, { '.gitguard/policy.yml': POLICY, '.gitguard/allowed_signers': SIGNERS });
  commitAt(r, bob, 'bob', R - HOUR, { 'bob.txt': 'in time\n' });
  return r;
}

describe('a commit before the trust root dated after the clock, and after Bob retires', () => {
  test('once the clock reaches its date, a resumed audit fails as a full one does (before: it passed)', () => {
    const r = history(R + 2 * DAY);
    // At R the date is ahead of the clock: no evidence, Bob signed in time.
    expect(auditAt(r, R)).toEqual({ code: 0, outcome: 'pass', incremental: false });
    // Twin: before the date comes due the checkpoint stands.
    expect(auditAt(r, R + DAY)).toEqual({ code: 0, outcome: 'pass', incremental: true });
    // At R + 5 days Bob's commit was made after R + 2 days, when he was retired.
    expect(auditAt(r, R + 5 * DAY, '--no-cache')).toEqual({ code: 1, outcome: 'fail', incremental: false });
    expect(auditAt(r, R + 5 * DAY)).toEqual({ code: 1, outcome: 'fail', incremental: false });
  });

  test('twin: dated before the clock from the start, the checkpoint stands at any later clock', () => {
    const r = history(R - 2 * DAY);
    expect(auditAt(r, R)).toEqual({ code: 0, outcome: 'pass', incremental: false });
    expect(auditAt(r, R + 5 * DAY)).toEqual({ code: 0, outcome: 'pass', incremental: true });
  });
});
