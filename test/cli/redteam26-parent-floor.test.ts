// Red team 26: a signature counts as made no earlier than its commit's parents were committed. The
// signing time was the later of the signature's own time and the committer date, both the signer's to
// write, and commit-dates-plausible lets a committer date lie up to a day before its parent's without a
// word (and only warns beyond). Bob, retired at midnight, committed (SSH: no signature time at all) on
// Alice's retirement commit of 02:00 with his date set to 23:00 the day before: signers-not-retired
// passed, as did a key revoked `since` midnight signing the same way (signing-keys-valid); git says G
// for both (it knows no retirement). A commit names its parents' ids, so it was written after them:
// its signature is now judged at the latest of its parents' committer dates too, read from the object
// store when the walk does not reach the parent (--base, a resumed checkpoint), so every run agrees.
// Twins: the same three-hour clock skew with a retirement still to come passes; Bob's commit made
// before his retirement on the older policy, merged after it, passes.
import { join } from 'node:path';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { configureSshSigning, gitLetter, sharedSshKey, writeAllowedSigners, type SshTestKey } from '../helpers/ssh.js';
import { DAY, HOUR, POLICY, R, SIGNERS, alice, bob, carol, commitAt, iso } from '../helpers/retirement.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { caLine, issueCert } from '../helpers/ssh-cert.js';

afterAll(() => cleanupTemp());

const RULES = ['signers-not-retired', 'signing-keys-valid', 'commit-dates-plausible'];

async function audit(
  r: TestRepo,
  extra: string[] = ['--no-cache'],
  rules = RULES,
): Promise<Record<string, string | number>> {
  const res = await runMain(
    ['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '-r', rules.join(','), ...extra],
    {
      env: r.env,
    },
  );
  const report = parseJson(res);
  const out: Record<string, string | number> = { code: res.code };
  for (const id of rules) out[id] = resultOf(report, id).outcome;
  if ((report as { walk?: { incremental?: boolean } }).walk?.incremental) out.incremental = 'yes';
  return out;
}

let r: TestRepo;
let base: string; // Alice's first policy, 40 days before R
let retiring: string; // Alice retires Bob and revokes Carol's key from midnight R, committed at 02:00
beforeAll(() => {
  r = makeRepo();
  configureSshSigning(r, alice);
  base = commitAt(r, alice, 'alice', R - 40 * DAY, {
    '.gitguard/policy.yml': POLICY(''),
    '.gitguard/allowed_signers': SIGNERS,
  });
  retiring = commitAt(r, alice, 'alice', R + 2 * HOUR, {
    '.gitguard/policy.yml': POLICY(
      `revoked_keys:\n  - key: ${carol.fingerprint}\n    reason: laptop stolen\n    since: ${iso(R)}\n`,
      `    retired: ${iso(R).slice(0, 10)}\n`,
    ),
  });
});

describe.each([
  ['bob', bob, 'signers-not-retired'],
  ['carol', carol, 'signing-keys-valid'],
])('%s signs on the retirement commit with his date three hours before it', (who, key, rule) => {
  let attack: string;
  beforeAll(() => {
    r.run(['checkout', '-q', '--detach', retiring]);
    attack = commitAt(r, key, who, R - HOUR, { [`${who}.txt`]: 'late\n' });
  });

  test(`${rule} fails, commit-dates-plausible is silent (before: pass); git says G`, async () => {
    r.run(['checkout', '-q', '--detach', attack]);
    const signers = writeAllowedSigners(join(r.home, 'signers'), SIGNERS.trim().split('\n'));
    expect(gitLetter(r, attack, signers)).toBe('G');
    expect(await audit(r)).toMatchObject({ code: 1, [rule]: 'fail', 'commit-dates-plausible': 'pass' });
  });

  test('the same with the parent outside the walk: --base at it, and a run resumed from a checkpoint at it', async () => {
    r.run(['checkout', '-q', '--detach', attack]);
    expect(await audit(r, ['--no-cache', '--base', retiring])).toMatchObject({ code: 1, [rule]: 'fail' });
    r.run(['checkout', '-q', '--detach', retiring]);
    expect(await audit(r, [])).toMatchObject({ code: 0, [rule]: 'pass' });
    r.run(['checkout', '-q', '--detach', attack]);
    expect(await audit(r, [])).toMatchObject({ code: 1, [rule]: 'fail', incremental: 'yes' });
  });
});

describe('an allowed_signers line valid-before midnight', () => {
  const stamp = iso(R).slice(0, 10).replace(/-/g, '');
  let ending: string;
  beforeAll(() => {
    r.run(['checkout', '-q', '--detach', base]);
    ending = commitAt(r, alice, 'alice', R + 2 * HOUR, {
      '.gitguard/allowed_signers': SIGNERS.replace('bob@example.com ', `bob@example.com valid-before="${stamp}Z" `),
    });
  });

  test('Bob signs on the commit that ends his line, dated three hours before it: signers-authorized fails (before: pass); git says G', async () => {
    r.run(['checkout', '-q', '--detach', ending]);
    const attack = commitAt(r, bob, 'bob', R - HOUR, { 'bob.txt': 'late\n' });
    const signers = writeAllowedSigners(join(r.home, 'signers-vb'), [
      SIGNERS.split('\n')[0]!,
      `bob@example.com valid-before="${stamp}Z" ${bob.pub}`,
    ]);
    expect(gitLetter(r, attack, signers)).toBe('G');
    expect(await audit(r, ['--no-cache'], ['signers-authorized'])).toEqual({ code: 1, 'signers-authorized': 'fail' });
  });

  test('the same when the policy names his key (ssh: [fingerprint]): signers-authorized fails (before: pass)', async () => {
    r.run(['checkout', '-q', '--detach', base]);
    commitAt(r, alice, 'alice', R + 2 * HOUR, {
      '.gitguard/policy.yml': POLICY('', `    ssh: ["${bob.fingerprint}"]\n`),
      '.gitguard/allowed_signers': SIGNERS.replace('bob@example.com ', `bob@example.com valid-before="${stamp}Z" `),
    });
    commitAt(r, bob, 'bob', R - HOUR, { 'bob.txt': 'late\n' });
    expect(await audit(r, ['--no-cache'], ['signers-authorized'])).toEqual({ code: 1, 'signers-authorized': 'fail' });
  });

  test('twin: his commit made before midnight, three hours behind his own parent, passes', async () => {
    r.run(['checkout', '-q', '--detach', base]);
    const before = commitAt(r, alice, 'alice', R - 3 * HOUR, {
      '.gitguard/allowed_signers': SIGNERS.replace('bob@example.com ', `bob@example.com valid-before="${stamp}Z" `),
    });
    commitAt(r, bob, 'bob', R - 5 * HOUR, { 'bob.txt': 'in time\n' });
    expect(r.run(['rev-parse', 'HEAD~1'])).toBe(before);
    expect(await audit(r, ['--no-cache'], ['signers-authorized'])).toEqual({ code: 0, 'signers-authorized': 'pass' });
  });
});

test('twin: the same three-hour skew on a policy that retires Bob and revokes Carol later passes', async () => {
  r.run(['checkout', '-q', '--detach', base]);
  const later = commitAt(r, alice, 'alice', R + 2 * HOUR, {
    '.gitguard/policy.yml': POLICY(
      `revoked_keys:\n  - key: ${carol.fingerprint}\n    reason: leaving\n    since: ${iso(R + 20 * DAY)}\n`,
      `    retired: ${iso(R + 20 * DAY).slice(0, 10)}\n`,
    ),
  });
  commitAt(r, bob, 'bob', R - HOUR, { 'bob.txt': 'skewed\n' });
  commitAt(r, carol, 'carol', R - HOUR, { 'carol.txt': 'skewed\n' });
  expect(r.run(['rev-list', '--count', `${later}..HEAD`])).toBe('2');
  expect(await audit(r)).toEqual({
    code: 0,
    'signers-not-retired': 'pass',
    'signing-keys-valid': 'pass',
    'commit-dates-plausible': 'pass',
  });
});

test("twin: Bob's and Carol's commits made before midnight on the old policy, merged by Alice after it, pass", async () => {
  r.run(['checkout', '-q', '--detach', base]);
  commitAt(r, bob, 'bob', R - 2 * DAY, { 'bob.txt': 'early\n' });
  const early = commitAt(r, carol, 'carol', R - DAY, { 'carol.txt': 'early\n' });
  r.run(['checkout', '-q', '--detach', retiring]);
  commitAt(r, alice, 'alice', R + 3 * HOUR, {}, early);
  expect(await audit(r)).toEqual({
    code: 0,
    'signers-not-retired': 'pass',
    'signing-keys-valid': 'pass',
    'commit-dates-plausible': 'pass',
  });
});

describe("Bob's SSH certificate, valid until midnight", () => {
  const stamp = (t: number): string => iso(t).replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  const ca = sharedSshKey('ca');
  let c: TestRepo;
  let cert: SshTestKey;
  let start: string;
  const CERT_SIGNERS = `alice@example.com ${alice.pub}\n${caLine('*@example.com', ca)}\n`;
  beforeAll(() => {
    c = makeRepo();
    configureSshSigning(c, alice);
    cert = issueCert(ca, bob, c.home, {
      principals: ['bob@example.com'],
      validity: `${stamp(R - 2 * DAY)}:${stamp(R)}`,
    });
    start = commitAt(c, alice, 'alice', R - DAY, {
      '.gitguard/policy.yml': POLICY(''),
      '.gitguard/allowed_signers': CERT_SIGNERS,
    });
  });
  const run = () => audit(c, [], ['signing-keys-valid', 'signers-authorized']);

  test('signs on a commit of 02:00 with his date at 23:00 the day before: signing-keys-valid fails (before: pass); git says G', async () => {
    c.run(['checkout', '-q', '--detach', start]);
    commitAt(c, alice, 'alice', R + 2 * HOUR, { 'a.txt': 'after midnight\n' });
    const attack = commitAt(c, cert, 'bob', R - HOUR, { 'bob.txt': 'late\n' });
    const signers = writeAllowedSigners(join(c.home, 'signers-ca'), CERT_SIGNERS.trim().split('\n'));
    expect(gitLetter(c, attack, signers)).toBe('G');
    expect(await run()).toEqual({ code: 1, 'signing-keys-valid': 'fail', 'signers-authorized': 'pass' });
    expect(await run()).toEqual({
      code: 1,
      'signing-keys-valid': 'fail',
      'signers-authorized': 'pass',
      incremental: 'yes',
    });
  });

  test('a cert-authority line valid-before midnight, a certificate for ever: signed the same way, signers-authorized fails (before: pass)', async () => {
    c.run(['checkout', '-q', '--detach', start]);
    const ending = CERT_SIGNERS.replace('cert-authority', `cert-authority,valid-before="${stamp(R)}"`);
    commitAt(c, alice, 'alice', R + 2 * HOUR, { '.gitguard/allowed_signers': ending });
    const forever = issueCert(ca, bob, c.home, { principals: ['bob@example.com'] });
    const attack = commitAt(c, forever, 'bob', R - HOUR, { 'bob.txt': 'late\n' });
    expect(gitLetter(c, attack, writeAllowedSigners(join(c.home, 'signers-ca-vb'), ending.trim().split('\n')))).toBe(
      'G',
    );
    expect(await run()).toEqual({ code: 1, 'signing-keys-valid': 'pass', 'signers-authorized': 'fail' });
  });

  test('twin: signed before midnight on a commit of the evening before (three hours ahead of his clock) passes', async () => {
    c.run(['checkout', '-q', '--detach', start]);
    commitAt(c, alice, 'alice', R - 2 * HOUR, { 'a.txt': 'before midnight\n' });
    commitAt(c, cert, 'bob', R - 5 * HOUR, { 'bob.txt': 'in time\n' });
    expect(await run()).toEqual({ code: 0, 'signing-keys-valid': 'pass', 'signers-authorized': 'pass' });
  });
});
