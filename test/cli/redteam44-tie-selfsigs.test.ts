// Self-signatures made in the same second: gpg takes the one dated at or after the one it holds
// (getkey.c merge_selfsigs_main for user-ID certifications and direct-key signatures, import.c
// chk_self_sigs for subkey bindings, all `>=`), so the later in the key's packets wins a tie.
// gitguard took the earlier: a key whose last certification or binding of the second says "expired",
// "not for signing" or has itself expired was G and authorized where git says Y, E or [uncertain].
// Real commits signed by real gpg; git's %G? on a fresh keyring against gitguard's verdict.
import * as openpgp from 'openpgp';
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { signedCommitAt, type Gpg } from '../helpers/gpg.js';
import type { VerifyRow } from '../helpers/cli.js';
import { keysDifferential, type KeysDifferential } from '../helpers/keys-differential.js';
import { appendHashed, signAt } from '../helpers/openpgp-build.js';

afterAll(cleanupTemp);

const { enums } = openpgp;
const DAY = 86400;
// The key made 30 days ago, the commit signed 20 days ago.
const NOW = Math.floor(Date.now() / 1000);
const [KEYS_AT, SIGNED_AT] = [NOW - 30 * DAY, NOW - 20 * DAY];
const FIRST = KEYS_AT + 120;

let r: TestRepo;
let gpg: Gpg;
let primary: string;
let commit: string;
let secret: openpgp.PrivateKey;

beforeAll(async () => {
  diff = keysDifferential();
  ({ r, gpg } = diff);
  primary = gpg.genKey('Alice <alice@example.com>', 'ed25519', { usage: 'sign', at: KEYS_AT });
  commit = signedCommitAt(r, gpg, 'by the primary', primary, 'alice@example.com', SIGNED_AT);
  secret = await openpgp.readPrivateKey({ binaryKey: gpg.run(['--export-secret-keys', primary]) });
}, 60_000);

afterAll(() => diff?.kill());

interface Extra {
  /** Its own signature expiration, seconds after it was made (none: never). */
  lifetime?: number;
  /** The key's expiration it states, seconds after the key was made (none: never). */
  keyLife?: number;
  /** Its key flags (default: sign and certify). */
  flags?: number;
  /** Octets appended to openpgp.js's hashed subpackets. */
  hashed?: Buffer;
}

/** A self-signature of `type` by Alice's primary made `at`: over her user ID, else over the key. */
async function selfSig(type: openpgp.enums.signature, at: number, extra: Extra = {}): Promise<openpgp.SignaturePacket> {
  const sp = new openpgp.SignaturePacket();
  sp.signatureType = type;
  sp.publicKeyAlgorithm = secret.keyPacket.algorithm;
  sp.hashAlgorithm = enums.hash.sha256;
  const revocation = type === enums.signature.keyRevocation || type === enums.signature.certRevocation;
  if (!revocation) sp.keyFlags = new Uint8Array([extra.flags ?? enums.keyFlags.signData | enums.keyFlags.certifyKeys]);
  if (extra.lifetime) {
    sp.signatureExpirationTime = extra.lifetime;
    sp.signatureNeverExpires = false;
  }
  if (extra.keyLife) {
    sp.keyExpirationTime = extra.keyLife;
    sp.keyNeverExpires = false;
  }
  if (extra.hashed) appendHashed(sp, extra.hashed);
  const overUserId = type === enums.signature.certPositive || type === enums.signature.certRevocation;
  const data = overUserId ? { userID: secret.users[0]!.userID, key: secret.keyPacket } : { key: secret.keyPacket };
  await signAt(sp, secret.keyPacket, data, at);
  return sp;
}
const cert = (at: number, extra?: Extra) => selfSig(enums.signature.certPositive, at, extra);
const direct = (at: number, extra?: Extra) => selfSig(enums.signature.key, at, extra);

/** Alice's public key with her self-signatures replaced. */
async function alice(sigs: {
  certs: openpgp.SignaturePacket[];
  directs?: openpgp.SignaturePacket[];
  keyRevocations?: openpgp.SignaturePacket[];
}): Promise<Buffer> {
  const pub = await openpgp.readKey({ binaryKey: gpg.exportPublic(primary) });
  pub.users[0]!.selfCertifications = sigs.certs;
  (pub as unknown as { directSignatures: openpgp.SignaturePacket[] }).directSignatures = sigs.directs ?? [];
  pub.revocationSignatures = sigs.keyRevocations ?? [];
  return Buffer.from(pub.write());
}

let diff: KeysDifferential;
/** git's %G? and %GS for `oid` with a fresh GNUPGHOME holding exactly `keys` (`trusted` trusted). */
const git = (keys: Buffer, trusted = primary, oid = commit) => diff.git(keys, trusted, oid);
const ours = (keys: Buffer, oid = commit): Promise<VerifyRow> => diff.ours(keys, oid);

/** git's [%G?, %GS] and gitguard's row for `oid` with `k` as the keys. */
async function both(k: Buffer, oid = commit): Promise<[{ letter: string; signer: string }, VerifyRow]> {
  return [git(k, primary, oid), await ours(k, oid)];
}

describe('two user-ID certifications in the same second: the later in the key counts, as in gpg', () => {
  test('the later sets a passed key expiry: Y as git (before: G, authorized)', async () => {
    const [theirs, row] = await both(
      await alice({ certs: [await cert(FIRST), await cert(FIRST, { keyLife: 2 * DAY })] }),
    );
    expect(theirs).toEqual({ letter: 'Y', signer: 'Alice <alice@example.com>' });
    expect(row).toMatchObject({ letter: 'Y', status: 'key-invalid' });
  });

  test('the later lacks the "sign" flag: E as git (before: G, authorized)', async () => {
    const k = await alice({ certs: [await cert(FIRST), await cert(FIRST, { flags: enums.keyFlags.certifyKeys })] });
    const [theirs, row] = await both(k);
    expect(theirs.letter).toBe('E');
    expect(row).toMatchObject({ letter: 'E', status: 'cannot-check' });
  });

  test('the later has expired itself: G [uncertain], speaks for nobody (before: authorized)', async () => {
    const [theirs, row] = await both(await alice({ certs: [await cert(FIRST), await cert(FIRST, { lifetime: DAY })] }));
    expect(theirs).toEqual({ letter: 'G', signer: '[uncertain] Alice <alice@example.com>' });
    expect(row.letter).toBe('G');
    expect(row.status).not.toBe('authorized');
  });

  test('twin, the other order: G, authorized as git (before: Y, a false failure)', async () => {
    const [theirs, row] = await both(
      await alice({ certs: [await cert(FIRST, { keyLife: 2 * DAY }), await cert(FIRST)] }),
    );
    expect(theirs).toEqual({ letter: 'G', signer: 'Alice <alice@example.com>' });
    expect(row).toMatchObject({ letter: 'G', status: 'authorized' });
  });
});

describe('two direct-key signatures in the same second: the later counts', () => {
  test('the later sets a passed key expiry: Y as git (before: G, authorized)', async () => {
    const k = await alice({
      certs: [await cert(FIRST)],
      directs: [await direct(FIRST), await direct(FIRST, { keyLife: 2 * DAY })],
    });
    const [theirs, row] = await both(k);
    expect(theirs.letter).toBe('Y');
    expect(row).toMatchObject({ letter: 'Y', status: 'key-invalid' });
  });

  test('twin, the other order: G, authorized as git', async () => {
    const k = await alice({
      certs: [await cert(FIRST)],
      directs: [await direct(FIRST, { keyLife: 2 * DAY }), await direct(FIRST)],
    });
    const [theirs, row] = await both(k);
    expect(theirs.letter).toBe('G');
    expect(row).toMatchObject({ letter: 'G', status: 'authorized' });
  });
});

describe('two subkey bindings in the same second: the later counts (gpg keeps only it on import)', () => {
  let subFpr: string;
  let oid: string;
  let subKey: openpgp.Subkey;
  let backsig: openpgp.SignaturePacket;
  beforeAll(async () => {
    subFpr = gpg.addSubkey(primary, 'ed25519', { usage: 'sign', at: KEYS_AT + 60 });
    oid = signedCommitAt(r, gpg, 'by the subkey', `${subFpr}!`, 'alice@example.com', SIGNED_AT);
    const pub = await openpgp.readKey({ binaryKey: gpg.exportPublic(primary) });
    subKey = pub.subkeys.find((s) => s.getFingerprint().toUpperCase() === subFpr)!;
    backsig = subKey.bindingSignatures[0]!.embeddedSignature!;
  }, 60_000);

  /** A binding of the signing subkey made at FIRST, with gpg's own back-signature. */
  async function binding(extra: Extra = {}): Promise<openpgp.SignaturePacket> {
    const sp = new openpgp.SignaturePacket();
    sp.signatureType = enums.signature.subkeyBinding;
    sp.publicKeyAlgorithm = secret.keyPacket.algorithm;
    sp.hashAlgorithm = enums.hash.sha256;
    sp.keyFlags = new Uint8Array([extra.flags ?? enums.keyFlags.signData]);
    if (extra.keyLife) {
      sp.keyExpirationTime = extra.keyLife;
      sp.keyNeverExpires = false;
    }
    if (extra.lifetime) {
      sp.signatureExpirationTime = extra.lifetime;
      sp.signatureNeverExpires = false;
    }
    sp.embeddedSignature = backsig;
    await signAt(sp, secret.keyPacket, { key: secret.keyPacket, bind: subKey.keyPacket }, FIRST);
    return sp;
  }
  async function withBindings(bindings: openpgp.SignaturePacket[]): Promise<Buffer> {
    const pub = await openpgp.readKey({ binaryKey: gpg.exportPublic(primary) });
    pub.subkeys.find((s) => s.getFingerprint().toUpperCase() === subFpr)!.bindingSignatures = bindings;
    return Buffer.from(pub.write());
  }

  test.each<[string, string, () => Promise<openpgp.SignaturePacket>]>([
    ['sets a passed subkey expiry', 'Y', () => binding({ keyLife: 2 * DAY })],
    ['lacks the "sign" flag', 'E', () => binding({ flags: enums.keyFlags.certifyKeys })],
    ['has expired itself', 'E', () => binding({ lifetime: DAY })],
  ])('the later %s: %s as git (before: G, authorized)', async (_, letter, later) => {
    const [theirs, row] = await both(await withBindings([await binding(), await later()]), oid);
    expect(theirs.letter).toBe(letter);
    expect(row.letter).toBe(letter);
    expect(row.status).not.toBe('authorized');
  });

  test('twin, the other order: G, authorized as git', async () => {
    const [theirs, row] = await both(await withBindings([await binding({ keyLife: 2 * DAY }), await binding()]), oid);
    expect(theirs).toEqual({ letter: 'G', signer: 'Alice <alice@example.com>' });
    expect(row).toMatchObject({ letter: 'G', status: 'authorized' });
  });
});
