// Clean workflows 21: the signing-time and identity reading red team 19 made stricter (a signature
// counts as made at the later of its own time and the commit's committer date, for a tag no earlier
// than the commit it tags; e-mails fold ASCII case only; a user ID's address read as gpg reads it),
// on the flows of a normal project: a maintainer who extended an expired OpenPGP key, a key rotated
// while a pull request made before is merged after, `git commit --date`, a signed tag made today on
// an old commit and one on a commit whose committer date is a little in the future (a CI runner's
// clock ahead), policy e-mails written in another case than git's, and user IDs in gpg's forms.
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { makeGpg, type Gpg } from '../helpers/gpg.js';
import { commitAsPerson, configureSshSigning, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

const DAY = 86400;
const NOW = Math.floor(Date.now() / 1000);
const day = (t: number): string => new Date(t * 1000).toISOString().slice(0, 10);
const at = (t: number): string => `@${t} +0000`;

let gpg: Gpg;
let alice: SshTestKey;
beforeAll(() => {
  gpg = makeGpg(tempDir('gg-cw21-'));
  alice = makeSshKey(tempDir('gg-cw21s-'), 'ed25519', 'alice');
});
afterAll(() => {
  gpg.kill();
  cleanupTemp();
});

const armored = (fpr: string): string => gpg.run(['--armor', '--export', fpr]).toString();

/** Alice (SSH, the maintainer) commits `files` at `t`. */
function aliceCommits(r: TestRepo, message: string, files: Record<string, string>, t: number): string {
  const date = at(t);
  r.write(files);
  r.addAllAndRun(['-c', `user.signingkey=${alice.path}`, 'commit', '-q', '-S', '-m', message], {
    env: { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
  });
  return r.head();
}

/** A repository whose first commit (Alice's, at `t`) holds the policy, Alice's SSH key and `files`. */
function project(policy: string, files: Record<string, string>, t: number): TestRepo {
  const r = makeRepo();
  configureSshSigning(r, alice);
  commitAsPerson(
    r,
    alice,
    'alice@example.com',
    'policy',
    { '.gitguard/policy.yml': policy, '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\n`, ...files },
    [`--date=${at(t)}`],
  );
  return r;
}

/** `email` commits with OpenPGP key `fpr`, the signature made at `signedAt`, the commit dated `dated`. */
function gpgCommits(
  r: TestRepo,
  fpr: string,
  email: string,
  signedAt: number,
  dated = signedAt,
  extra: string[] = [],
): string {
  r.write({ [`work-${email}-${signedAt}.txt`]: `${signedAt}\n` });
  r.addAllAndRun(
    ['-c', `user.signingkey=${fpr}`, '-c', `gpg.program=${gpg.wrapper}`, '-c', 'gpg.format=openpgp'].concat([
      'commit',
      '-q',
      '-S',
      ...extra,
      '-m',
      `work of ${email}`,
    ]),
    {
      env: {
        GNUPGHOME: gpg.home,
        GG_GPG_ARGS: `--faked-system-time ${signedAt}!`,
        GIT_AUTHOR_NAME: email,
        GIT_AUTHOR_EMAIL: email,
        GIT_COMMITTER_NAME: email,
        GIT_COMMITTER_EMAIL: email,
        GIT_AUTHOR_DATE: at(dated),
        GIT_COMMITTER_DATE: at(dated),
      },
    },
  );
  return r.head();
}

async function outcomes(r: TestRepo, rules: string[]): Promise<Record<string, string | number>> {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', rules.join(',')], {
    env: r.env,
  });
  const report = parseJson(res);
  const out: Record<string, string | number> = { code: res.code };
  for (const id of rules) out[id] = resultOf(report, id).outcome;
  return out;
}

const SIGNING = ['signing-keys-valid', 'signers-authorized', 'signers-not-retired', 'commits-signed'];
const allPass = (rules: string[]): Record<string, string | number> => ({
  code: 0,
  ...Object.fromEntries(rules.map((id) => [id, 'pass'])),
});

describe('a maintainer whose OpenPGP key expired and who extended it', () => {
  test('old commits (signed while valid) and new ones (after the extension, key updated by Alice) pass', async () => {
    const carol = gpg.genKey('Carol <carol@example.com>', 'ed25519', { at: NOW - 60 * DAY, expire: '20d' });
    const policy =
      'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Carol\n    emails: [carol@example.com]\nmaintainers: [Alice]\n';
    const r = project(policy, { '.gitguard/keys/carol.asc': armored(carol) }, NOW - 55 * DAY);
    gpgCommits(r, carol, 'carol@example.com', NOW - 50 * DAY);
    gpg.setExpire(carol, '1y', NOW - 10 * DAY); // a new self-signature, 30 days after it expired
    aliceCommits(r, 'carol extended her key', { '.gitguard/keys/carol.asc': armored(carol) }, NOW - 9 * DAY);
    gpgCommits(r, carol, 'carol@example.com', NOW - 5 * DAY);
    expect(await outcomes(r, [...SIGNING, 'policy-changes-authorized'])).toEqual(
      allPass([...SIGNING, 'policy-changes-authorized']),
    );
  });
});

describe('a key rotated while a pull request was open', () => {
  test("Bob's commits made before revoked_keys' since, merged after it by Alice: pass", async () => {
    const since = NOW - 10 * DAY;
    const bobOld = gpg.genKey('Bob <bob@example.com>', 'ed25519', { at: NOW - 60 * DAY });
    const bobNew = gpg.genKey('Bob (new laptop) <bob@example.com>', 'ed25519', { at: since - DAY });
    const policy = (revoked: string): string =>
      `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\nmaintainers: [Alice]\n${revoked}`;
    const r = project(policy(''), { '.gitguard/keys/bob.asc': armored(bobOld) }, NOW - 50 * DAY);
    r.run(['checkout', '-q', '-b', 'feature']);
    gpgCommits(r, bobOld, 'bob@example.com', since - 5 * DAY);
    gpgCommits(r, bobOld, 'bob@example.com', since - 4 * DAY);
    r.run(['checkout', '-q', 'main']);
    const rotated = `revoked_keys:\n  - key: ${bobOld}\n    reason: rotated to a new key\n    since: ${day(since)}\n`;
    aliceCommits(
      r,
      'rotate bob',
      { '.gitguard/policy.yml': policy(rotated), '.gitguard/keys/bob-2.asc': armored(bobNew) },
      since,
    );
    const merged = at(NOW - DAY);
    r.run(['-c', `user.signingkey=${alice.path}`, 'merge', '-q', '--no-ff', '-S', '-m', 'merge feature', 'feature'], {
      env: { ...r.env, GIT_AUTHOR_DATE: merged, GIT_COMMITTER_DATE: merged },
    });
    gpgCommits(r, bobNew, 'bob@example.com', NOW - DAY / 2);
    expect(await outcomes(r, SIGNING)).toEqual(allPass(SIGNING));
  });
});

describe('a retired signer', () => {
  const retiredOn = NOW - 10 * DAY;
  const policy = `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\n    retired: ${day(retiredOn)}\nmaintainers: [Alice]\n`;
  let bob: string;
  beforeAll(() => {
    bob = gpg.genKey('Bob Retired <bob@example.com>', 'ed25519', { at: NOW - 90 * DAY });
  });

  test('his commit made before, with an author date set back further (git commit --date): pass', async () => {
    const r = project(policy, { '.gitguard/keys/bob.asc': armored(bob) }, NOW - 50 * DAY);
    r.write({ 'b.txt': 'b\n' });
    gpgCommits(r, bob, 'bob@example.com', retiredOn - 3 * DAY, retiredOn - 3 * DAY, [`--date=${at(NOW - 40 * DAY)}`]);
    expect(await outcomes(r, SIGNING)).toEqual(allPass(SIGNING));
  });

  test('twin: his commit made after his retirement with --date set back: fail', async () => {
    const r = project(policy, { '.gitguard/keys/bob.asc': armored(bob) }, NOW - 50 * DAY);
    gpgCommits(r, bob, 'bob@example.com', NOW - DAY, NOW - DAY, [`--date=${at(retiredOn - 5 * DAY)}`]);
    expect((await outcomes(r, ['signers-not-retired']))['signers-not-retired']).toBe('fail');
  });
});

describe('signed tags', () => {
  const policy =
    'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Dave\n    emails: [dave@example.com]\nmaintainers: [Alice]\n';
  let dave: string;
  beforeAll(() => {
    dave = gpg.genKey('Dave <dave@example.com>', 'ed25519', { at: NOW - 90 * DAY });
  });

  function daveTags(r: TestRepo, name: string, t: number): void {
    r.run(
      ['-c', `user.signingkey=${dave}`, '-c', `gpg.program=${gpg.wrapper}`, '-c', 'gpg.format=openpgp'].concat([
        'tag',
        '-s',
        '-m',
        `release ${name}`,
        name,
      ]),
      {
        env: {
          ...r.env,
          GNUPGHOME: gpg.home,
          GG_GPG_ARGS: `--faked-system-time ${t}!`,
          GIT_COMMITTER_NAME: 'Dave',
          GIT_COMMITTER_EMAIL: 'dave@example.com',
          GIT_COMMITTER_DATE: at(t),
        },
      },
    );
  }

  test('a tag made today on a commit of 40 days ago, and one on a commit dated 2 minutes ahead: pass', async () => {
    const r = project(policy, { '.gitguard/keys/dave.asc': armored(dave) }, NOW - 40 * DAY);
    daveTags(r, 'v1.0', NOW - 60);
    aliceCommits(r, 'from the CI runner', { 'c.txt': 'c\n' }, NOW + 120 - DAY); // its clock 2 minutes ahead
    daveTags(r, 'v1.1', NOW - DAY);
    expect(await outcomes(r, ['tags-signed', 'signing-keys-valid'])).toEqual(
      allPass(['tags-signed', 'signing-keys-valid']),
    );
  });
});

describe('addresses as people write them', () => {
  test('policy e-mails in another case than git config, user IDs with a comment, bare, in brackets: pass', async () => {
    const erin = gpg.genKey('Erin Example (work) <erin@example.com>', 'ed25519', { at: NOW - 30 * DAY });
    const frank = gpg.genKey('frank@example.com', 'ed25519', { at: NOW - 30 * DAY });
    const gina = gpg.genKey('<gina@example.com>', 'ed25519', { at: NOW - 30 * DAY });
    const policy =
      'version: 1\nsigners:\n  - name: Alice\n    emails: [Alice@Example.com]\n  - name: Erin\n    emails: [Erin@Example.COM]\n' +
      '  - name: Frank\n    emails: [FRANK@example.com]\n  - name: Gina\n    emails: [gina@example.com]\nmaintainers: [Alice]\n';
    const r = project(
      policy,
      {
        '.gitguard/keys/erin.asc': armored(erin),
        '.gitguard/keys/frank.asc': armored(frank),
        '.gitguard/keys/gina.asc': armored(gina),
      },
      NOW - 20 * DAY,
    );
    gpgCommits(r, erin, 'erin@example.com', NOW - 10 * DAY);
    gpgCommits(r, frank, 'frank@example.com', NOW - 9 * DAY);
    gpgCommits(r, gina, 'Gina@Example.com', NOW - 8 * DAY);
    const rules = [...SIGNING, 'signer-matches-committer'];
    expect(await outcomes(r, rules)).toEqual(allPass(rules));
  });
});
