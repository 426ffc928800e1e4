// The quick path judges a key once per clock second and hash for all the good signatures it made
// (openpgp.ts quickVerify), and copies that verdict with each signature's time. Each copy must be
// what judging it alone gives: openpgp.js's path (quick: false, judged every time) and git with gpg
// at the same clock, for signatures by one key with other hashes, one dated before the key, and a
// clock that passes the key's expiry while the keyring is in use.
import { execFileSync } from 'node:child_process';
import { loadKeyring } from '../../src/collect/signatures/openpgp.js';
import { keyringWork } from '../../src/collect/signatures/openpgp-keyfile.js';
import type { Keyring } from '../../src/domain/keys.js';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { makeGpg, commitSignature, type Gpg } from '../helpers/gpg.js';

const DAY = 86400;
const KEYS_AT = 1_700_000_000;
const EXPIRES = KEYS_AT + 15 * DAY; // gpg --quick-gen-key ... 15d
const BEFORE = KEYS_AT + 10 * DAY; // the key valid
const AFTER = KEYS_AT + 20 * DAY; // the key expired

afterAll(cleanupTemp);

let repo: TestRepo;
let gpg: Gpg;
let key: string;
const c: Record<string, string> = {};

function signed(name: string, at: number, gpgArgs = ''): string {
  repo.run(['-c', `user.signingkey=${key}`, 'commit', '-q', '--allow-empty', '-S', '-m', name], {
    env: { GG_GPG_ARGS: `--faked-system-time ${at}! ${gpgArgs}` },
  });
  return repo.head();
}

/** git's letter with gpg's clock at `at`. */
function gitLetter(oid: string, at: number): string {
  // git log: gpg then runs at the faked clock (rev-list's %G? ran it at the real one here).
  return repo.run(['log', '--no-walk', '--format=%G?', oid], { env: { GG_GPG_ARGS: `--faked-system-time ${at}!` } });
}

function sig(oid: string): { payload: Buffer; signature: string } {
  const raw = execFileSync('git', ['cat-file', 'commit', oid], { cwd: repo.dir, env: repo.env });
  const { payload, signature } = commitSignature(oid, raw);
  return { payload, signature: signature! };
}

async function keyring(clock: () => number, quick = true): Promise<Keyring> {
  return loadKeyring([{ data: gpg.exportPublic(key), file: 'k.gpg' }], {
    now: () => new Date(clock() * 1000),
    quick,
  });
}

beforeAll(() => {
  repo = makeRepo();
  gpg = makeGpg(repo.env.GNUPGHOME!, repo.env);
  repo.run(['config', 'gpg.program', gpg.wrapper]);
  key = gpg.genKey('Ed Edwards <ed@example.com>', 'ed25519', { expire: '15d', at: KEYS_AT });
  gpg.trust(key);
  c.first = signed('sha512, day 1', KEYS_AT + DAY, '--digest-algo SHA512');
  c.second = signed('sha512, day 2', KEYS_AT + 2 * DAY, '--digest-algo SHA512');
  c.sha256 = signed('sha256, day 3', KEYS_AT + 3 * DAY, '--digest-algo SHA256');
  c.sha1 = signed('sha1, day 4', KEYS_AT + 4 * DAY, '--digest-algo SHA1');
  c.beforeKey = signed('sha512, before the key', KEYS_AT - DAY, '--digest-algo SHA512 --ignore-time-conflict');
  c.third = signed('sha512, day 5', KEYS_AT + 5 * DAY, '--digest-algo SHA512');
});

// The order puts a copy of a judged verdict right beside each case it must not be copied to.
const ORDER = ['first', 'second', 'sha256', 'beforeKey', 'third', 'sha1', 'first', 'beforeKey', 'sha256'];

test('each verdict copied from a judged one is the verdict judged alone, and what git says', async () => {
  const quick = await keyring(() => BEFORE);
  const full = await keyring(() => BEFORE, false);
  for (const name of ORDER) {
    const { payload, signature } = sig(c[name]!);
    const ours = await quick.verify(payload, signature);
    const alone = await full.verify(payload, signature);
    // Field order too: reports print verdicts as they are built.
    expect([name, JSON.stringify(ours)]).toEqual([name, JSON.stringify(alone)]);
    expect([name, ours.letter]).toEqual([name, gitLetter(c[name]!, BEFORE)]);
  }
  // Each copy carries its own signature's time.
  for (const [name, at] of [
    ['first', KEYS_AT + DAY],
    ['third', KEYS_AT + 5 * DAY],
  ] as const) {
    const { payload, signature } = sig(c[name]!);
    expect((await quick.verify(payload, signature)).signedAt).toBe(at);
  }
  expect(gitLetter(c.beforeKey!, BEFORE)).toBe('E');
  expect(gitLetter(c.first!, BEFORE)).toBe('G');
});

test('a clock that passes the key expiry while the keyring is in use: Y from then on, as git says', async () => {
  let now = EXPIRES - 1;
  const quick = await keyring(() => now);
  const full = await keyring(() => now, false);
  for (const at of [EXPIRES - 1, AFTER, EXPIRES - 2]) {
    now = at;
    for (const name of ['first', 'third']) {
      const { payload, signature } = sig(c[name]!);
      const ours = await quick.verify(payload, signature);
      expect([at, name, JSON.stringify(ours)]).toEqual([
        at,
        name,
        JSON.stringify(await full.verify(payload, signature)),
      ]);
      expect([at, name, ours.letter]).toEqual([at, name, gitLetter(c[name]!, at)]);
    }
  }
  expect(gitLetter(c.first!, AFTER)).toBe('Y');
});

test('good signatures by one key with one hash at one clock second: the key is judged once', async () => {
  const quick = await keyring(() => BEFORE);
  const before = keyringWork.goodJudged;
  for (const name of ['first', 'second', 'third', 'first', 'second', 'third']) {
    const { payload, signature } = sig(c[name]!);
    expect((await quick.verify(payload, signature)).letter).toBe('G');
  }
  expect(keyringWork.goodJudged - before).toBe(1);
});
