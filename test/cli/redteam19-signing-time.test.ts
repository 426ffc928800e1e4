// Red-team round 19: the moment a signature is judged at. gitguard took an OpenPGP signature's own
// creation time, which the signer writes (`gpg --faked-system-time`), alone: Bob, retired by the
// policy, signed a commit made today with his signature dated before his retirement and passed
// signers-not-retired; an expired key signing today with a backdated signature was "valid when it
// signed" (git says Y); a `revoked_keys` entry with `since` let the stolen key sign today with a
// signature dated before `since`. The commit carries its own date too, which commit-dates-plausible
// holds in order: a signature now counts as made at the later of the two. Clean twins: the same
// signatures on commits dated when they were made pass.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { makeGpg, type Gpg } from '../helpers/gpg.js';
import { commitAsPerson, configureSshSigning, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

const DAY = 86400;
const NOW = Math.floor(Date.now() / 1000);
const day = (t: number): string => new Date(t * 1000).toISOString().slice(0, 10);

let gpg: Gpg;
let alice: SshTestKey;
let bob: string; // his OpenPGP fingerprint, made 60 days ago
beforeAll(() => {
  gpg = makeGpg(tempDir('gg-rt19t-'));
  alice = makeSshKey(tempDir('gg-rt19s-'), 'ed25519', 'alice');
  bob = gpg.genKey('Bob <bob@example.com>', 'ed25519', { at: NOW - 60 * DAY });
  gpg.trust(bob);
});
afterAll(() => {
  gpg.kill();
  cleanupTemp();
});

/** Alice's policy (Bob a signer, `bobExtra` added to his entry; `extra` at the end), committed 50 days ago. */
function repo(bobExtra = '', extra = ''): TestRepo {
  const r = makeRepo();
  configureSshSigning(r, alice);
  const policy = `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\n${bobExtra}maintainers: [Alice]\n${extra}`;
  commitAsPerson(
    r,
    alice,
    'alice@example.com',
    'policy',
    {
      '.gitguard/policy.yml': policy,
      '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\n`,
      '.gitguard/keys/bob.asc': gpg.run(['--armor', '--export', bob]).toString(),
    },
    [`--date=@${NOW - 50 * DAY}`],
  );
  return r;
}

/** Bob's commit: his signature made at `signedAt`, the commit dated `dated`. */
function bobCommits(r: TestRepo, signedAt: number, dated: number): void {
  r.write({ 'b.txt': `b ${signedAt} ${dated}\n` });
  const date = `@${dated} +0000`;
  r.addAllAndRun(
    [
      '-c',
      `user.signingkey=${bob}`,
      '-c',
      `gpg.program=${gpg.wrapper}`,
      '-c',
      'gpg.format=openpgp',
      'commit',
      '-q',
      '-S',
      '-m',
      'bob works',
    ],
    {
      env: {
        GNUPGHOME: gpg.home,
        GG_GPG_ARGS: `--faked-system-time ${signedAt}!`,
        GIT_AUTHOR_NAME: 'Bob',
        GIT_AUTHOR_EMAIL: 'bob@example.com',
        GIT_COMMITTER_NAME: 'Bob',
        GIT_COMMITTER_EMAIL: 'bob@example.com',
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
      },
    },
  );
}

async function outcomes(r: TestRepo, rules: string[], args: string[] = []): Promise<Record<string, string | number>> {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', rules.join(','), ...args], {
    env: r.env,
  });
  const report = parseJson(res);
  const out: Record<string, string | number> = { code: res.code };
  for (const id of rules) out[id] = resultOf(report, id).outcome;
  return out;
}

describe('a retired signer', () => {
  const retiredOn = NOW - 10 * DAY;
  const RETIRED = `    retired: ${day(retiredOn)}\n`;

  test('Bob, retired 10 days ago, commits today with his signature dated before: fails (before: pass)', async () => {
    const r = repo(RETIRED);
    bobCommits(r, retiredOn - 5 * DAY, NOW);
    expect(await outcomes(r, ['signers-not-retired'])).toEqual({ code: 1, 'signers-not-retired': 'fail' });
  });

  test('twin: his commit made before his retirement (signature and date) passes', async () => {
    const r = repo(RETIRED);
    bobCommits(r, retiredOn - 5 * DAY, retiredOn - 5 * DAY);
    expect(await outcomes(r, ['signers-not-retired'])).toEqual({ code: 0, 'signers-not-retired': 'pass' });
  });
});

describe('a revoked_keys entry with since', () => {
  const since = NOW - 10 * DAY;
  const REVOKED = () =>
    `revoked_keys:\n  - key: ${bob}\n    reason: laptop stolen\n    since: ${new Date(since * 1000).toISOString().replace('.000Z', 'Z')}\n`;

  test('the stolen key signs a commit dated today with a signature dated before since: fails (before: pass)', async () => {
    const r = repo('', REVOKED());
    bobCommits(r, since - 5 * DAY, NOW);
    const got = await outcomes(r, ['signing-keys-valid']);
    expect(got).toEqual({ code: 1, 'signing-keys-valid': 'fail' });
  });

  test('twin: a commit Bob made before since (signature and date) passes', async () => {
    const r = repo('', REVOKED());
    bobCommits(r, since - 5 * DAY, since - 5 * DAY);
    expect(await outcomes(r, ['signing-keys-valid'])).toEqual({ code: 0, 'signing-keys-valid': 'pass' });
  });
});

describe('an expired key', () => {
  let carol: string;
  let keyring: string;
  beforeAll(() => {
    carol = gpg.genKey('Carol <carol@example.com>', 'ed25519', { at: NOW - 40 * DAY, expire: '10d' });
    gpg.trust(carol);
    keyring = join(tempDir('gg-rt19k-'), 'carol.asc');
    writeFileSync(keyring, gpg.exportPublic(carol));
  });

  function carolCommits(signedAt: number, dated: number): TestRepo {
    const r = makeRepo();
    r.commit('base', { 'a.txt': 'a\n' }, ['--no-gpg-sign', `--date=@${NOW - 45 * DAY}`]);
    r.write({ 'c.txt': 'c\n' });
    const date = `@${dated} +0000`;
    r.addAllAndRun(
      ['-c', `user.signingkey=${carol}`, '-c', `gpg.program=${gpg.wrapper}`, 'commit', '-q', '-S', '-m', 'carol works'],
      {
        env: {
          GNUPGHOME: gpg.home,
          GG_GPG_ARGS: `--faked-system-time ${signedAt}!`,
          GIT_COMMITTER_NAME: 'Carol',
          GIT_COMMITTER_EMAIL: 'carol@example.com',
          GIT_AUTHOR_DATE: date,
          GIT_COMMITTER_DATE: date,
        },
      },
    );
    return r;
  }

  test('it signs a commit dated today with a signature dated while it was valid: fails (before: pass)', async () => {
    const r = carolCommits(NOW - 35 * DAY, NOW);
    const letter = r.run(['log', '-1', '--format=%G?'], { env: { ...r.env, GNUPGHOME: gpg.home } });
    expect(letter).toBe('Y');
    expect(await outcomes(r, ['signing-keys-valid'], ['--keyring', keyring])).toEqual({
      code: 1,
      'signing-keys-valid': 'fail',
    });
  });

  test('twin: the commit it made while valid (signature and date) passes', async () => {
    const r = carolCommits(NOW - 35 * DAY, NOW - 35 * DAY);
    expect(await outcomes(r, ['signing-keys-valid'], ['--keyring', keyring])).toEqual({
      code: 0,
      'signing-keys-valid': 'pass',
    });
  });
});

describe('a tag by a retired signer', () => {
  const retiredOn = NOW - 10 * DAY;
  const RETIRED = `    retired: ${day(retiredOn)}\n`;

  /** Bob's signed tag v1 on HEAD, tagger date and signature both `dated`. */
  function bobTags(r: TestRepo, dated: number): void {
    r.run(
      [
        '-c',
        `user.signingkey=${bob}`,
        '-c',
        `gpg.program=${gpg.wrapper}`,
        '-c',
        'gpg.format=openpgp',
        'tag',
        '-s',
        '-m',
        'release',
        'v1',
      ],
      {
        env: {
          GNUPGHOME: gpg.home,
          GG_GPG_ARGS: `--faked-system-time ${dated}!`,
          GIT_COMMITTER_NAME: 'Bob',
          GIT_COMMITTER_EMAIL: 'bob@example.com',
          GIT_COMMITTER_DATE: `@${dated} +0000`,
        },
      },
    );
  }

  test('tagging a commit made today, tag and signature dated before his retirement: fails (before: pass)', async () => {
    const r = repo(RETIRED);
    r.write({ 'c.txt': 'c\n' });
    r.addAllAndRun(['commit', '-q', '-S', '-m', 'today'], {
      env: { GIT_COMMITTER_EMAIL: 'alice@example.com', GIT_COMMITTER_DATE: `@${NOW} +0000` },
    });
    bobTags(r, retiredOn - 5 * DAY);
    expect(await outcomes(r, ['tags-signed'])).toEqual({ code: 1, 'tags-signed': 'fail' });
  });

  test('twin: his tag of a commit older than it, made before his retirement, passes', async () => {
    const r = repo(RETIRED);
    bobTags(r, retiredOn - 5 * DAY);
    expect(await outcomes(r, ['tags-signed'])).toEqual({ code: 0, 'tags-signed': 'pass' });
  });
});
