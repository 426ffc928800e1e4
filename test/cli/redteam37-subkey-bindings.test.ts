// Subkey bindings as gpg 2.2 reads them, on one key and one commit signed by its subkey:
// - a binding whose own signature expiration has passed: gpg keeps only the newest valid binding on
//   import (import.c chk_self_sigs) and ignores it once expired against the clock (parse_signature,
//   merge_selfsigs_subkey); the subkey then signs nothing;
// - a binding with a critical subpacket gpg does not handle (can_handle_critical, either area): gpg
//   calls it bad (check_signature_end_simple), a signer's user ID (28) or key-server preferences (23)
//   included, which openpgp.js reads; a critical notation gpg knows it takes, which openpgp.js refuses.
// gpg cannot write such bindings: openpgp.js makes them with the key's own secret primary, gpg reads
// them. Real commits signed by real gpg, git's %G? on a fresh keyring against gitguard's verdict.
import * as openpgp from 'openpgp';
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { signedCommitAt, type Gpg } from '../helpers/gpg.js';
import type { VerifyRow } from '../helpers/cli.js';
import { keysDifferential, type KeysDifferential } from '../helpers/keys-differential.js';
import { appendHashed, notation, signAt, sub } from '../helpers/openpgp-build.js';

afterAll(cleanupTemp);

const { enums } = openpgp;
const DAY = 86400;
// Keys made 30 days ago, the commit signed 20 days ago.
const NOW = Math.floor(Date.now() / 1000);
const [KEYS_AT, SIGNED_AT] = [NOW - 30 * DAY, NOW - 20 * DAY];

let r: TestRepo;
let gpg: Gpg;
let primary: string;
let commit: string;
let secret: openpgp.PrivateKey;

beforeAll(async () => {
  diff = keysDifferential();
  ({ r, gpg } = diff);
  primary = gpg.genKey('Alice <alice@example.com>', 'ed25519', { usage: 'cert', at: KEYS_AT });
  const subkey = gpg.addSubkey(primary, 'ed25519', { at: KEYS_AT + 60 });
  commit = signedCommitAt(r, gpg, 'by the subkey', `${subkey}!`, 'alice@example.com', SIGNED_AT);
  secret = await openpgp.readPrivateKey({ binaryKey: gpg.run(['--export-secret-keys', primary]) });
}, 60_000);

afterAll(() => diff?.kill());

interface Extra {
  /** Its own signature expiration, seconds after it was made (none: never). */
  lifetime?: number;
  /** Octets appended to openpgp.js's hashed subpackets. */
  hashed?: Buffer;
  /** A subpacket added to the unhashed area. */
  unhashed?: { type: number; critical: boolean; body: Buffer };
}

/** A subkey binding by the primary made `at`, for signing, cross-certified as gpg's was. */
async function binding(at: number, extra: Extra = {}): Promise<openpgp.SignaturePacket> {
  const subkey = secret.subkeys[0]!;
  const sp = new openpgp.SignaturePacket();
  sp.signatureType = enums.signature.subkeyBinding;
  sp.publicKeyAlgorithm = secret.keyPacket.algorithm;
  sp.hashAlgorithm = enums.hash.sha256;
  sp.keyFlags = new Uint8Array([enums.keyFlags.signData]);
  sp.embeddedSignature = subkey.bindingSignatures[0]!.embeddedSignature;
  if (extra.lifetime) {
    sp.signatureExpirationTime = extra.lifetime;
    sp.signatureNeverExpires = false;
  }
  const s = sp as unknown as { unhashedSubpackets: Array<{ type: number; critical: boolean; body: Uint8Array }> };
  if (extra.hashed) appendHashed(sp, extra.hashed);
  await signAt(sp, secret.keyPacket, { key: secret.keyPacket, bind: subkey.keyPacket }, at);
  if (extra.unhashed) s.unhashedSubpackets.push(extra.unhashed);
  return sp;
}

/** Alice's public key with the subkey's bindings replaced by `bindings`. */
async function aliceWith(...bindings: openpgp.SignaturePacket[]): Promise<Buffer> {
  const pub = await openpgp.readKey({ binaryKey: gpg.exportPublic(primary) });
  pub.subkeys[0]!.bindingSignatures = bindings;
  return Buffer.from(pub.write());
}

let diff: KeysDifferential;
/** git's letter for the commit with a fresh GNUPGHOME holding exactly `keys` (trusted). */
const gitLetter = (keys: Buffer): string => diff.git(keys, primary, commit).letter;
const ours = (keys: Buffer): Promise<VerifyRow> => diff.ours(keys, commit);

const [FIRST, SECOND] = [KEYS_AT + 120, KEYS_AT + 180];

describe('a binding whose own signature expiration has passed', () => {
  test('the only binding: E and not authorized, as git says E (before: G, authorized)', async () => {
    const keys = await aliceWith(await binding(FIRST, { lifetime: DAY }));
    expect(gitLetter(keys)).toBe('E');
    const row = await ours(keys);
    expect(row).toMatchObject({ letter: 'E', status: 'cannot-check' });
    expect(row.detail).toMatch(/binding signature has expired/);
  });

  test('newer than a live one: gpg keeps only the newest (import), so E as git (before: G)', async () => {
    const keys = await aliceWith(await binding(FIRST), await binding(SECOND, { lifetime: DAY }));
    expect(gitLetter(keys)).toBe('E');
    expect(await ours(keys)).toMatchObject({ letter: 'E' });
  });

  test('twins: a binding that expires in the future, or a live binding newer than an expired one: G as git', async () => {
    const live = await aliceWith(await binding(FIRST, { lifetime: 1000 * DAY }));
    expect(gitLetter(live)).toBe('G');
    expect(await ours(live)).toMatchObject({ letter: 'G', status: 'authorized' });
    const renewed = await aliceWith(await binding(FIRST, { lifetime: DAY }), await binding(SECOND));
    expect(gitLetter(renewed)).toBe('G');
    expect(await ours(renewed)).toMatchObject({ letter: 'G', status: 'authorized' });
  });
});

describe('a binding with a critical subpacket', () => {
  test.each<[string, Extra]>([
    ["a signer's user ID (28) in the hashed area", { hashed: sub(28, 'alice@example.com', true) }],
    ['key-server preferences (23) in the hashed area', { hashed: sub(23, Buffer.from([0x80]), true) }],
    [
      "a signer's user ID (28) in the unhashed area",
      { unhashed: { type: 28, critical: true, body: Buffer.from('a') } },
    ],
    ['an unknown type (100) in the hashed area', { hashed: sub(100, 'x', true) }],
  ])('%s is bad to gpg: E, as git (before: G, authorized)', async (_, extra) => {
    const keys = await aliceWith(await binding(FIRST, extra));
    expect(gitLetter(keys)).toBe('E');
    expect(await ours(keys)).toMatchObject({ letter: 'E', status: 'cannot-check' });
  });

  test.each<[string, Extra]>([
    [
      'the same subpackets, not critical',
      { hashed: Buffer.concat([sub(28, 'alice@example.com'), sub(23, Buffer.from([0x80]))]) },
    ],
    [
      'a notation gpg knows (pka-address@gnupg.org)',
      { hashed: sub(20, notation('pka-address@gnupg.org', 'alice@example.com'), true) },
    ],
  ])('twin: %s: the subkey signs, G as git', async (_, extra) => {
    const keys = await aliceWith(await binding(FIRST, extra));
    expect(gitLetter(keys)).toBe('G');
    expect(await ours(keys)).toMatchObject({ letter: 'G', status: 'authorized' });
  });
});
