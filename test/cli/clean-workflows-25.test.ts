// Clean workflows 25: the sole maintainer's OpenPGP key expired, and they extended it (gpg
// --quick-set-expire) and committed the new export. That commit fails policy-changes-authorized by
// design: the parent's policy holds the expired key, and a key nobody could renew in time vouches
// for nothing (whoever holds an old key could "extend" it). The finding said only "signed with a key
// that had already expired"; it now says what to do. Twins: the failure stays a failure; another
// maintainer committing the updated key passes, as does an audit from a later --trust-root.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeGpg, type Gpg } from '../helpers/gpg.js';
import { commitSeries } from '../helpers/commit-series.js';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

let gpg: Gpg;
beforeAll(() => {
  gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-cw25-')));
});
afterAll(() => {
  gpg.kill();
  cleanupTemp();
});

const RULE = 'policy-changes-authorized';
const DAY = 86_400;
const NOW = Math.floor(Date.now() / 1000);
const POLICY = (maintainers: string): string =>
  `version: 1\nsigners:\n  - name: alice\n    emails: [alice@example.com]\n  - name: bob\n    emails: [bob@example.com]\nmaintainers: [${maintainers}]\n`;
const armored = (...fprs: string[]): string => gpg.run(['--armor', '--export', ...fprs]).toString();

/** A commit of `files` by `email`, signed with `key` by gpg at `at` (also the commit's dates). */
function signed(r: TestRepo, key: string, email: string, files: Record<string, string>, at = NOW): string {
  const date = `@${at} +0000`;
  return commitSeries(r, [
    {
      message: 'keys',
      files,
      signWith: '',
      gitArgs: ['-c', `gpg.program=${gpg.wrapper}`, '-c', `user.signingkey=${key}`],
      env: {
        GNUPGHOME: gpg.home,
        GG_GPG_ARGS: `--faked-system-time ${at}!`,
        GIT_COMMITTER_EMAIL: email,
        GIT_AUTHOR_EMAIL: email,
        GIT_COMMITTER_DATE: date,
        GIT_AUTHOR_DATE: date,
      },
    },
  ])[0]!;
}

/** Alice's key made 10 days ago expiring after 2, the policy (`maintainers`) signed then, and Bob's key. */
function team(maintainers: string, n: number): { r: TestRepo; alice: string; bob: string } {
  const alice = gpg.genKey(`alice ${n} <alice@example.com>`, 'ed25519', { at: NOW - 10 * DAY, expire: '2d' });
  const bob = gpg.genKey(`bob ${n} <bob@example.com>`, 'ed25519', { at: NOW - 10 * DAY });
  const r = makeRepo();
  signed(
    r,
    alice,
    'alice@example.com',
    { '.gitguard/policy.yml': POLICY(maintainers), '.gitguard/keys/team.asc': armored(alice, bob) },
    NOW - 9 * DAY,
  );
  gpg.setExpire(alice, 'never'); // extended 8 days after it expired
  return { r, alice, bob };
}

async function audit(r: TestRepo, extra: string[] = []): Promise<{ outcome: string; messages: string[] }> {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', RULE, ...extra], {
    env: r.env,
  });
  const result = resultOf(parseJson(res), RULE);
  return { outcome: result.outcome, messages: result.findings.map((f) => f.message) };
}

test('the sole maintainer commits the key they extended after it expired: fails, saying what to do', async () => {
  const { r, alice, bob } = team('alice', 1);
  signed(r, alice, 'alice@example.com', { '.gitguard/keys/team.asc': armored(alice, bob) });
  const got = await audit(r);
  expect(got.outcome).toBe('fail');
  expect(got.messages).toEqual([expect.stringContaining('signed with a key that had already expired')]);
  expect(got.messages[0]).toMatch(
    /extend a key before it expires, have another maintainer commit the updated key, or audit from a later trust root with --trust-root/,
  );
});

test('twin: another maintainer commits the updated key: passes', async () => {
  const { r, alice, bob } = team('alice, bob', 2);
  signed(r, bob, 'bob@example.com', { '.gitguard/keys/team.asc': armored(alice, bob) });
  expect(await audit(r)).toEqual({ outcome: 'pass', messages: [] });
});

test('twin: --trust-root at the commit of the extended key: passes', async () => {
  const { r, alice, bob } = team('alice', 3);
  const extended = signed(r, alice, 'alice@example.com', { '.gitguard/keys/team.asc': armored(alice, bob) });
  expect((await audit(r, ['--trust-root', extended])).outcome).not.toBe('fail');
});
