// A key's expiry as gpg 2.2 reads it (getkey.c merge_selfsigs_main): the direct-key signature's,
// else that of the user ID certified last WITH an expiry. gitguard took the primary user ID's newest
// certification (else the newest of all), so a newer certification without an expiry, marked
// primary, lifted the expiry gpg still applies: G where git says Y (expired key).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { makeGpg, type Gpg } from '../helpers/gpg.js';
import { runMain } from '../helpers/cli.js';
import { signAt } from '../helpers/openpgp-build.js';

afterAll(cleanupTemp);

const HOUR = 3600;
const T0 = Math.floor(Date.now() / 1000) - 30 * 86400; // the key is made 30 days ago, to expire a day later

let r: TestRepo;
let gpg: Gpg;

/** A new certification of the user ID containing `match`, made at `at`: primary, may sign, no key expiry. */
async function certifyWithoutExpiry(secret: Buffer, match: string, at: number): Promise<Uint8Array> {
  const key = await openpgp.readPrivateKey({ binaryKey: secret });
  const kp = key.keyPacket;
  const user = key.users.find((u) => u.userID?.userID.includes(match))!;
  const sp = new openpgp.SignaturePacket();
  sp.signatureType = openpgp.enums.signature.certPositive;
  sp.publicKeyAlgorithm = kp.algorithm;
  sp.hashAlgorithm = openpgp.enums.hash.sha256;
  sp.keyFlags = new Uint8Array([openpgp.enums.keyFlags.certifyKeys | openpgp.enums.keyFlags.signData]);
  sp.isPrimaryUserID = true;
  sp.issuerKeyID = kp.getKeyID();
  sp.issuerFingerprint = kp.getFingerprintBytes();
  sp.issuerKeyVersion = kp.version;
  await signAt(sp, kp, { userID: user.userID, key: kp }, at);
  user.selfCertifications.push(sp);
  return key.toPublic().write();
}

beforeAll(() => {
  r = makeRepo();
  gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-')));
  r.run(['config', 'gpg.program', gpg.wrapper]);
}, 30_000);
afterAll(() => gpg?.kill());

test('a newer primary certification without an expiry does not lift the older one: Y, as git says (before: G)', async () => {
  const k = gpg.genKey('Ann <ann@example.com>', 'ed25519', { expire: '1d', at: T0 });
  gpg.trust(k);
  gpg.run(['--quick-add-uid', k, 'Ann B <ann.b@example.com>'], { at: T0 + HOUR });
  r.run(['-c', `user.signingkey=${k}`, 'commit', '-q', '--allow-empty', '-S', '-m', 'while the key was valid'], {
    env: {
      GNUPGHOME: gpg.home,
      GG_GPG_ARGS: `--faked-system-time ${T0 + 2 * HOUR}!`,
      GIT_COMMITTER_EMAIL: 'ann@example.com',
    },
  });
  const pub = await certifyWithoutExpiry(gpg.run(['--export-secret-keys', k]), 'ann.b@', T0 + 3 * HOUR);
  gpg.run(['--import'], { input: Buffer.from(pub) });
  // gpg itself still calls the key expired, and git's letter is Y.
  expect(gpg.run(['--list-keys', '--with-colons', k]).toString()).toMatch(/^pub:e:/m);
  const git = execFileSync('git', ['log', '-1', '--format=%G?'], { cwd: r.dir, env: { ...r.env, ...gpg.env } })
    .toString()
    .trim();
  expect(git).toBe('Y');
  const keyring = join(r.home, 'ann.gpg');
  writeFileSync(keyring, pub);
  const res = await runMain(['verify', '-C', r.dir, '--format', 'json', '--no-cache', '--keyring', keyring], {
    env: r.env,
  });
  const [row] = (JSON.parse(res.stdout) as { commits: Array<{ letter: string; status: string }> }).commits;
  // Signed while the key was valid: authorized, with git's letter.
  expect(row).toMatchObject({ letter: 'Y', status: 'authorized' });
});
