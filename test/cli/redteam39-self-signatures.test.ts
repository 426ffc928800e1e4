// A primary key's self-signatures as gpg 2.2 merges them (getkey.c merge_selfsigs_main,
// fixup_uidnode; sig-check.c check_signature_metadata_validity), on one key and one commit it signed:
// - a self-signature whose own signature expiration has passed: an expired direct-key signature is
//   ignored (an older live one speaks instead); an expired user-ID certification leaves the user ID
//   expired (no address, flags or key expiry from it; an older one does not take over), the key valid;
// - a key signature dated before the key that made it is a time conflict: it counts for nothing
//   (a self-certification, a direct-key signature, a revocation);
// - a key dated after the clock signs nothing.
// gpg cannot write such signatures: openpgp.js makes them with the key's own secret, gpg reads them.
// Real commits signed by real gpg, git's %G? on a fresh keyring against gitguard's verdict; then
// fast-check draws keys of such self-signatures (GITGUARD_SELFSIG_SEED / GITGUARD_SELFSIG_CASES run
// other seeds and more cases; scripts/differential.mjs --self-sigs N does it with random seeds).
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import * as openpgp from 'openpgp';
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { commitSignature, signedCommitAt, type Gpg } from '../helpers/gpg.js';
import type { VerifyRow } from '../helpers/cli.js';
import { keysDifferential, type KeysDifferential } from '../helpers/keys-differential.js';
import { loadKeyring } from '../../src/collect/signatures/openpgp.js';
import { appendHashed, signAt, sub } from '../helpers/openpgp-build.js';

afterAll(cleanupTemp);

const { enums } = openpgp;
const DAY = 86400;
// The key made 30 days ago, the commit signed 20 days ago.
const NOW = Math.floor(Date.now() / 1000);
const [KEYS_AT, SIGNED_AT] = [NOW - 30 * DAY, NOW - 20 * DAY];
const [FIRST, SECOND, BEFORE_KEY] = [KEYS_AT + 120, KEYS_AT + 180, KEYS_AT - 100];

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

/** The signature's own expiration and the key expiration `extra` asks for. */
function setLifetimes(sp: openpgp.SignaturePacket, extra: Extra): void {
  if (extra.lifetime) {
    sp.signatureExpirationTime = extra.lifetime;
    sp.signatureNeverExpires = false;
  }
  if (extra.keyLife) {
    sp.keyExpirationTime = extra.keyLife;
    sp.keyNeverExpires = false;
  }
}

/** A self-signature of `type` by Alice's primary made `at`: over her user ID, else over the key. */
async function selfSig(type: openpgp.enums.signature, at: number, extra: Extra = {}): Promise<openpgp.SignaturePacket> {
  const sp = new openpgp.SignaturePacket();
  sp.signatureType = type;
  sp.publicKeyAlgorithm = secret.keyPacket.algorithm;
  sp.hashAlgorithm = enums.hash.sha256;
  const revocation = type === enums.signature.keyRevocation || type === enums.signature.certRevocation;
  if (!revocation) sp.keyFlags = new Uint8Array([extra.flags ?? enums.keyFlags.signData | enums.keyFlags.certifyKeys]);
  setLifetimes(sp, extra);
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

describe('a user-ID self-certification whose own signature expiration has passed', () => {
  test.each<[string, () => Promise<Buffer>]>([
    ['the only certification', async () => alice({ certs: [await cert(FIRST, { lifetime: DAY })] })],
    [
      'newer than a live one (gpg takes the newest, expired or not)',
      async () => alice({ certs: [await cert(FIRST), await cert(SECOND, { lifetime: DAY })] }),
    ],
  ])('%s: the user ID is expired, G but speaks for nobody (before: authorized)', async (_, keys) => {
    const k = await keys();
    // git's G with gpg's "[uncertain]" user ID: the key still signs, the address is not vouched for.
    expect(git(k)).toEqual({ letter: 'G', signer: '[uncertain] Alice <alice@example.com>' });
    const row = await ours(k);
    expect(row.letter).toBe('G');
    expect(row.status).not.toBe('authorized');
    expect(row.detail).toMatch(/speaks for nobody/);
  });

  test('its key expiration is not read: G, as git (before: Y, a false failure)', async () => {
    const k = await alice({ certs: [await cert(FIRST, { lifetime: DAY, keyLife: 2 * DAY })] });
    expect(git(k).letter).toBe('G');
    expect((await ours(k)).letter).toBe('G');
  });

  test('twins: a live certification newer than an expired one, or one expiring later: authorized as git', async () => {
    for (const certs of [
      [await cert(FIRST, { lifetime: DAY }), await cert(SECOND)],
      [await cert(FIRST, { lifetime: 1000 * DAY })],
    ]) {
      const k = await alice({ certs });
      expect(git(k)).toEqual({ letter: 'G', signer: 'Alice <alice@example.com>' });
      expect(await ours(k)).toMatchObject({ letter: 'G', status: 'authorized' });
    }
  });
});

test('the verdict says when the user ID expires (keyFactsChangeAt); from then on the address is gone', async () => {
  const until = FIRST + 100 * DAY;
  const k = await alice({ certs: [await cert(FIRST, { lifetime: 100 * DAY })] });
  const raw = execFileSync('git', ['cat-file', 'commit', commit], { cwd: r.dir, env: r.env });
  const { payload, signature } = commitSignature(commit, raw);
  const at = (t: number) => loadKeyring([{ file: 'alice.gpg', data: k }], { now: () => new Date(t * 1000) });
  const before = await (await at(until - 1)).verify(payload, signature!);
  expect(before).toMatchObject({ letter: 'G', identities: ['alice@example.com'], keyFactsChangeAt: until });
  const after = await (await at(until)).verify(payload, signature!);
  expect(after).toMatchObject({ letter: 'G', identities: [] });
  expect(after.keyFactsChangeAt).toBeUndefined();
});

describe('a direct-key signature whose own signature expiration has passed is ignored', () => {
  test('one that set a far expiry, over a certification whose expiry has passed: Y as git (before: G)', async () => {
    const k = await alice({
      certs: [await cert(FIRST, { keyLife: 2 * DAY })],
      directs: [await direct(SECOND, { lifetime: DAY, keyLife: 1000 * DAY })],
    });
    expect(git(k).letter).toBe('Y');
    expect(await ours(k)).toMatchObject({ letter: 'Y' });
  });

  test('an older live one speaks instead, with its passed expiry: Y as git (before: G)', async () => {
    const k = await alice({
      certs: [await cert(FIRST)],
      directs: [await direct(FIRST, { keyLife: 2 * DAY }), await direct(SECOND, { lifetime: DAY })],
    });
    expect(git(k).letter).toBe('Y');
    expect(await ours(k)).toMatchObject({ letter: 'Y' });
  });

  test('its key flags without "sign" are not read: G, authorized as git (before: E, a false failure)', async () => {
    const k = await alice({
      certs: [await cert(FIRST)],
      directs: [await direct(SECOND, { lifetime: DAY, flags: enums.keyFlags.certifyKeys })],
    });
    expect(git(k).letter).toBe('G');
    expect(await ours(k)).toMatchObject({ letter: 'G', status: 'authorized' });
  });

  test('twin: the same direct-key signature still live rules: E and Y as git', async () => {
    const flags = await alice({
      certs: [await cert(FIRST)],
      directs: [await direct(SECOND, { lifetime: 1000 * DAY, flags: enums.keyFlags.certifyKeys })],
    });
    expect(git(flags).letter).toBe('E');
    expect(await ours(flags)).toMatchObject({ letter: 'E' });
    const expiry = await alice({ certs: [await cert(FIRST)], directs: [await direct(SECOND, { keyLife: 2 * DAY })] });
    expect(git(expiry).letter).toBe('Y');
    expect(await ours(expiry)).toMatchObject({ letter: 'Y' });
  });
});

describe('a key signature dated before its key is a time conflict: it counts for nothing', () => {
  test('the only self-certification: the key has none, E as git (before: G, authorized)', async () => {
    const k = await alice({ certs: [await cert(BEFORE_KEY)] });
    expect(git(k).letter).toBe('E');
    expect(await ours(k)).toMatchObject({ letter: 'E', status: 'cannot-check' });
  });

  test("the same with a valid direct-key signature: gpg still wants a user ID's, E as git (before: G)", async () => {
    const k = await alice({ certs: [await cert(BEFORE_KEY)], directs: [await direct(FIRST)] });
    expect(git(k).letter).toBe('E');
    expect(await ours(k)).toMatchObject({ letter: 'E', status: 'cannot-check' });
  });

  test("a direct-key signature's far expiry does not lift the certification's: Y as git (before: G)", async () => {
    const k = await alice({
      certs: [await cert(FIRST, { keyLife: 2 * DAY })],
      directs: [await direct(BEFORE_KEY, { keyLife: 1000 * DAY })],
    });
    expect(git(k).letter).toBe('Y');
    expect(await ours(k)).toMatchObject({ letter: 'Y' });
  });

  test('a key revocation: the key is not revoked, G as git (before: R, a false failure)', async () => {
    const k = await alice({
      certs: [await cert(FIRST)],
      keyRevocations: [await selfSig(enums.signature.keyRevocation, BEFORE_KEY)],
    });
    expect(git(k).letter).toBe('G');
    expect(await ours(k)).toMatchObject({ letter: 'G', status: 'authorized' });
  });

  test('twins: the same signatures dated at the key: as they say, as git', async () => {
    const certified = await alice({ certs: [await cert(KEYS_AT)] });
    expect(git(certified).letter).toBe('G');
    expect(await ours(certified)).toMatchObject({ letter: 'G', status: 'authorized' });
    const revoked = await alice({
      certs: [await cert(FIRST)],
      keyRevocations: [await selfSig(enums.signature.keyRevocation, KEYS_AT)],
    });
    expect(git(revoked).letter).toBe('R');
    expect(await ours(revoked)).toMatchObject({ letter: 'R' });
  });
});

/** A four-octet time field. */
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

// gpg reads the first hashed subpacket of a type (parse_sig_subpkt); openpgp.js the last.
describe('a self-signature with a subpacket twice: gpg reads the first', () => {
  test('a passed key expiration, then "never": Y as git (before: G)', async () => {
    const k = await alice({ certs: [await cert(FIRST, { keyLife: 2 * DAY, hashed: sub(9, u32(0)) })] });
    expect(git(k).letter).toBe('Y');
    expect(await ours(k)).toMatchObject({ letter: 'Y' });
  });

  test('a creation time before the key, then one after: a time conflict, E as git (before: G)', async () => {
    const k = await alice({ certs: [await cert(BEFORE_KEY, { hashed: sub(2, u32(FIRST)) })] });
    expect(git(k).letter).toBe('E');
    expect(await ours(k)).toMatchObject({ letter: 'E' });
  });

  test('twins, the other way round: G, authorized as git', async () => {
    for (const c of [
      await cert(FIRST, { hashed: Buffer.concat([sub(9, u32(0)), sub(9, u32(2 * DAY))]) }),
      await cert(FIRST, { hashed: sub(2, u32(BEFORE_KEY)) }),
    ]) {
      const k = await alice({ certs: [c] });
      expect(git(k).letter).toBe('G');
      expect(await ours(k)).toMatchObject({ letter: 'G', status: 'authorized' });
    }
  });
});

test('a key dated after the clock, and its signature after it: E as git (before: G, authorized)', async () => {
  const later = gpg.genKey('Alice Later <alice@example.com>', 'ed25519', { usage: 'sign', at: NOW + 10 * DAY });
  const oid = signedCommitAt(r, gpg, 'from the future', later, 'alice@example.com', NOW + 20 * DAY);
  const k = gpg.exportPublic(later);
  expect(git(k, later, oid).letter).toBe('E');
  expect(await ours(k, oid)).toMatchObject({ letter: 'E', status: 'cannot-check' });
  expect((await ours(k, oid)).detail).toMatch(/future/);
});

// ---- generated keys: every shape above, mixed ------------------------------------------------

const seed = Number(process.env.GITGUARD_SELFSIG_SEED ?? 20261206);
const count = Number(process.env.GITGUARD_SELFSIG_CASES ?? 24);
const TIMES = [BEFORE_KEY, KEYS_AT, FIRST, SECOND, SECOND + 60];
const shape = fc.record({
  lifetime: fc.constantFrom(undefined, DAY, 1000 * DAY),
  keyLife: fc.constantFrom(undefined, 2 * DAY, 1000 * DAY),
  flags: fc.constantFrom(undefined, enums.keyFlags.certifyKeys),
  // A second creation time or key expiration after openpgp.js's own.
  twice: fc.constantFrom<Buffer | undefined>(undefined, sub(2, u32(BEFORE_KEY)), sub(2, u32(SECOND)), sub(9, u32(0))),
});
// Times may tie: gpg then takes the later of the key's packets (the same-second tests below).
const sigs = (max: number, min: number) =>
  fc.array(fc.record({ at: fc.constantFrom(...TIMES), extra: shape }), { minLength: min, maxLength: max });

test(`generated self-signatures: git's letter, and authorized only where gpg's user ID is certain (seed ${seed}, ${count} cases)`, async () => {
  const cases = fc.sample(
    fc.record({ certs: sigs(3, 1), directs: sigs(2, 0), revoked: fc.constantFrom(undefined, BEFORE_KEY, FIRST) }),
    { seed, numRuns: count },
  );
  const divergences: string[] = [];
  const letters = new Set<string>();
  for (const c of cases) {
    const make = (f: typeof cert, list: typeof c.certs) =>
      Promise.all(list.map(({ at, extra }) => f(at, { ...extra, ...(extra.twice ? { hashed: extra.twice } : {}) })));
    const k = await alice({
      certs: await make(cert, c.certs),
      directs: await make(direct, c.directs),
      keyRevocations: c.revoked === undefined ? [] : [await selfSig(enums.signature.keyRevocation, c.revoked)],
    });
    const theirs = git(k);
    const row = await ours(k);
    letters.add(theirs.letter);
    const certain = theirs.signer === 'Alice <alice@example.com>';
    if (row.letter !== theirs.letter || (row.status === 'authorized') !== (theirs.letter === 'G' && certain))
      divergences.push(
        `${JSON.stringify(c)}: git ${theirs.letter} "${theirs.signer}", ours ${row.letter} ${row.status}`,
      );
  }
  expect(divergences).toEqual([]);
  // Not vacuous: the draws reach good, expired and unusable keys.
  if (count >= 24) expect([...letters].sort()).toEqual(expect.arrayContaining(['E', 'G', 'Y']));
}, 600_000);

// ---- self-signatures made in the same second (redteam44) ------------------------------------
// Self-signatures made in the same second: gpg takes the one dated at or after the one it holds
// (getkey.c merge_selfsigs_main for user-ID certifications and direct-key signatures, import.c
// chk_self_sigs for subkey bindings, all `>=`), so the later in the key's packets wins a tie.
// gitguard took the earlier: a key whose last certification or binding of the second says "expired",
// "not for signing" or has itself expired was G and authorized where git says Y, E or [uncertain].
// Real commits signed by real gpg; git's %G? on a fresh keyring against gitguard's verdict.

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
    setLifetimes(sp, extra);
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
