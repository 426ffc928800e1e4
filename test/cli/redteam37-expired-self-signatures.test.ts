// Self-signatures whose own signature-expiration time has passed, as gpg 2.2 reads them: gpg's
// parse_signature marks such a signature expired against the clock, and merge_selfsigs ignores an
// expired subkey binding or direct-key signature (the newest one still live counts). A signing
// subkey whose only binding expired is no signing subkey for gpg, whatever its signatures say.
// gpg cannot write such bindings; openpgp.js makes them with the key's own secret primary, gpg
// reads them: real commits signed by real gpg, git's letter on each keyring against gitguard's.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { makeGpg, signedCommitAt, type Gpg } from '../helpers/gpg.js';
import { verifyRows, type VerifyRow } from '../helpers/cli.js';

afterAll(cleanupTemp);

const { enums } = openpgp;
const DAY = 86400;
// Keys made 30 days ago, the commit signed 20 days ago.
const NOW = Math.floor(Date.now() / 1000);
const [KEYS_AT, SIGNED_AT] = [NOW - 30 * DAY, NOW - 20 * DAY];

let r: TestRepo;
let gpg: Gpg;
const homes: Gpg[] = [];
let primary: string;
let commit: string;
let secret: openpgp.PrivateKey;

beforeAll(async () => {
  r = makeRepo();
  gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-')));
  r.run(['config', 'gpg.program', gpg.wrapper]);
  primary = gpg.genKey('Alice <alice@example.com>', 'ed25519', { usage: 'cert', at: KEYS_AT });
  const subkey = gpg.addSubkey(primary, 'ed25519', { at: KEYS_AT + 60 });
  commit = signedCommitAt(r, gpg, 'by the subkey', `${subkey}!`, 'alice@example.com', SIGNED_AT);
  secret = await openpgp.readPrivateKey({ binaryKey: gpg.run(['--export-secret-keys', primary]) });
}, 60_000);

afterAll(() => {
  gpg?.kill();
  for (const h of homes) h.kill();
});

/** A subkey binding by the primary made at `at`, expiring `lifetime` seconds later (0: never), cross-certified as gpg's was. */
async function binding(at: number, lifetime: number): Promise<openpgp.SignaturePacket> {
  const sub = secret.subkeys[0]!;
  const sp = new openpgp.SignaturePacket();
  sp.signatureType = enums.signature.subkeyBinding;
  sp.publicKeyAlgorithm = secret.keyPacket.algorithm;
  sp.hashAlgorithm = enums.hash.sha256;
  sp.keyFlags = new Uint8Array([enums.keyFlags.signData]);
  sp.embeddedSignature = sub.bindingSignatures[0]!.embeddedSignature;
  if (lifetime) {
    sp.signatureExpirationTime = lifetime;
    sp.signatureNeverExpires = false;
  }
  const sign = sp.sign.bind(sp) as unknown as (
    k: unknown,
    d: unknown,
    at: Date,
    detached: boolean,
    config: openpgp.Config,
  ) => Promise<void>;
  await sign(
    secret.keyPacket,
    { key: secret.keyPacket, bind: sub.keyPacket },
    new Date(at * 1000),
    false,
    openpgp.config,
  );
  return sp;
}

/** Alice's public key with the subkey's bindings replaced by `bindings`. */
async function aliceWith(...bindings: openpgp.SignaturePacket[]): Promise<Buffer> {
  const pub = await openpgp.readKey({ binaryKey: gpg.exportPublic(primary) });
  pub.subkeys[0]!.bindingSignatures = bindings;
  return Buffer.from(pub.write());
}

/** git's letter for the commit with a fresh GNUPGHOME holding exactly `keys` (trusted). */
function gitLetter(keys: Buffer): string {
  const home = makeGpg(mkdtempSync(join(tmpdir(), 'gg-')));
  homes.push(home);
  home.run(['--import'], { input: keys });
  home.trust(primary);
  return execFileSync('git', ['rev-list', '--no-walk', '--format=%G?', commit], {
    cwd: r.dir,
    env: { ...r.env, ...home.env },
  })
    .toString()
    .split('\n')[1]!;
}

async function ours(keys: Buffer): Promise<VerifyRow> {
  const keyring = join(mkdtempSync(join(tmpdir(), 'gg-')), 'keys.gpg');
  writeFileSync(keyring, keys);
  return (await verifyRows(r.dir, r.env, keyring)).get(commit)!;
}

test('a signing subkey whose only binding signature has expired: E and refused, as git says E (before: G, authorized)', async () => {
  const expired = await aliceWith(await binding(KEYS_AT + 120, DAY));
  expect(gitLetter(expired)).toBe('E');
  const row = await ours(expired);
  expect(row).toMatchObject({ letter: 'E', status: 'cannot-check' });
  expect(row.detail).toMatch(/binding signature has expired/);
});

test('an expired binding newer than a live one: gpg keeps only the newest (import), so E as git (and G before)', async () => {
  const both = await aliceWith(await binding(KEYS_AT + 120, 0), await binding(KEYS_AT + 180, DAY));
  expect(gitLetter(both)).toBe('E');
  expect(await ours(both)).toMatchObject({ letter: 'E' });
});

test('twins: a binding that expires in the future, or a live binding newer than an expired one, signs: G as git', async () => {
  const live = await aliceWith(await binding(KEYS_AT + 120, 1000 * DAY));
  expect(gitLetter(live)).toBe('G');
  expect(await ours(live)).toMatchObject({ letter: 'G', status: 'authorized' });
  const renewed = await aliceWith(await binding(KEYS_AT + 120, DAY), await binding(KEYS_AT + 180, 0));
  expect(gitLetter(renewed)).toBe('G');
  expect(await ours(renewed)).toMatchObject({ letter: 'G', status: 'authorized' });
});
