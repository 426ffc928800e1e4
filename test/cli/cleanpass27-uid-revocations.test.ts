// A user ID's certification and revocation as gpg 2.2 weighs them (getkey.c merge_selfsigs_main):
// of the user ID's valid self-signatures, certifications and revocations alike, the newest counts,
// and of two made in the same second the later in the key's packets (`>=`). The user ID is revoked
// only when that one is a revocation. gpg itself never writes such a tie (--quick-revoke-uid dates
// the revocation a second after the certification), openpgp.js does with the key's own secret, and
// gpg reads it. Also a user ID that carries only a revocation, next to a certified one.
// Real commits signed by real gpg; git's %G?/%GS on a fresh keyring against gitguard's verdict.
import fc from 'fast-check';
import * as openpgp from 'openpgp';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { signedCommitAt, type Gpg } from '../helpers/gpg.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJson, runMain, type JsonReport, type VerifyRow } from '../helpers/cli.js';
import { keysDifferential, type KeysDifferential } from '../helpers/keys-differential.js';
import { appendHashed, signAt, sub } from '../helpers/openpgp-build.js';

afterAll(cleanupTemp);

const { enums } = openpgp;
const DAY = 86400;
const NOW = Math.floor(Date.now() / 1000);
const [KEYS_AT, WORK_AT, SIGNED_AT] = [NOW - 30 * DAY, NOW - 29 * DAY, NOW - 20 * DAY];
const WORK = 'Alice Work <alice@work.example>';

let diff: KeysDifferential;
let r: TestRepo;
let gpg: Gpg;
let primary: string;
let secret: openpgp.PrivateKey;
/** Commits signed by Alice's primary key, committed as her home and her work address. */
let atHome: string;
let atWork: string;

beforeAll(async () => {
  diff = keysDifferential();
  ({ r, gpg } = diff);
  primary = gpg.genKey('Alice <alice@example.com>', 'ed25519', { usage: 'sign', at: KEYS_AT });
  gpg.run(['--quick-add-uid', primary, WORK], { at: WORK_AT });
  atHome = signedCommitAt(r, gpg, 'at home', primary, 'alice@example.com', SIGNED_AT);
  atWork = signedCommitAt(r, gpg, 'at work', primary, 'alice@work.example', SIGNED_AT);
  secret = await openpgp.readPrivateKey({ binaryKey: gpg.run(['--export-secret-keys', primary]) });
}, 60_000);

afterAll(() => diff?.kill());

const workUser = (): openpgp.User => secret.users.find((u) => u.userID?.userID === WORK)!;

/** A revocation of Alice's work user ID, made `at` by her primary key. */
async function revocation(at: number): Promise<openpgp.SignaturePacket> {
  const sp = new openpgp.SignaturePacket();
  sp.signatureType = enums.signature.certRevocation;
  sp.publicKeyAlgorithm = secret.keyPacket.algorithm;
  sp.hashAlgorithm = enums.hash.sha256;
  sp.reasonForRevocationFlag = enums.reasonForRevocation.userIDInvalid;
  sp.reasonForRevocationString = '';
  await signAt(sp, secret.keyPacket, { userID: workUser().userID, key: secret.keyPacket }, at);
  return sp;
}

/** Alice's public key, the work user ID followed by exactly `workSigs`, in that order. */
async function alice(workSigs: (cert: openpgp.SignaturePacket) => openpgp.SignaturePacket[]): Promise<Buffer> {
  const pub = await openpgp.readKey({ binaryKey: gpg.exportPublic(primary) });
  const home = pub.users.find((u) => u.userID?.userID !== WORK)!;
  const work = pub.users.find((u) => u.userID?.userID === WORK)!;
  const list = new openpgp.PacketList<openpgp.AnyPacket>();
  list.push(
    pub.keyPacket,
    home.userID!,
    ...home.selfCertifications,
    work.userID!,
    ...workSigs(work.selfCertifications[0]!),
  );
  return Buffer.from(list.write());
}

/** git's [%G?, %GS] and gitguard's row for `oid` with `k` as the keys. */
async function both(k: Buffer, oid: string): Promise<[{ letter: string; signer: string }, VerifyRow]> {
  return [diff.git(k, primary, oid), await diff.ours(k, oid)];
}

describe('a certification and a revocation of a user ID made in the same second', () => {
  test('the certification later in the key: the user ID is valid, authorized as git (before: not, a false failure)', async () => {
    const rev = await revocation(WORK_AT);
    const k = await alice((cert) => [rev, cert]);
    const [theirs, row] = await both(k, atWork);
    expect(theirs.letter).toBe('G');
    expect(row).toMatchObject({ letter: 'G', status: 'authorized' });
    // gpg lists the user ID as valid: not revoked.
    const listed = diff.gpg.run(['--with-colons', '--import-options', 'show-only', '--import'], { input: k });
    expect(listed.toString()).toMatch(/^uid:[^r]:.*Alice Work/m);
  });

  test('twin, the revocation later in the key: revoked, it does not authorize, as gpg reads it', async () => {
    const rev = await revocation(WORK_AT);
    const k = await alice((cert) => [cert, rev]);
    const listed = diff.gpg.run(['--with-colons', '--import-options', 'show-only', '--import'], { input: k });
    expect(listed.toString()).toMatch(/^uid:r:.*Alice Work/m);
    const [theirs, row] = await both(k, atWork);
    expect(theirs.letter).toBe('G');
    expect(row.letter).toBe('G');
    expect(row.status).not.toBe('authorized');
  });

  test('twin, the revocation a second later, either order: revoked, it does not authorize', async () => {
    const rev = await revocation(WORK_AT + 1);
    for (const order of [(c: openpgp.SignaturePacket) => [rev, c], (c: openpgp.SignaturePacket) => [c, rev]]) {
      const [theirs, row] = await both(await alice(order), atWork);
      expect(theirs.letter).toBe('G');
      expect(row.letter).toBe('G');
      expect(row.status).not.toBe('authorized');
    }
  });

  /** A certification of Alice's work user ID made `at` by her primary key, as gpg's (sign). */
  async function certification(at: number): Promise<openpgp.SignaturePacket> {
    const sp = new openpgp.SignaturePacket();
    sp.signatureType = enums.signature.certPositive;
    sp.publicKeyAlgorithm = secret.keyPacket.algorithm;
    sp.hashAlgorithm = enums.hash.sha256;
    sp.keyFlags = new Uint8Array([enums.keyFlags.signData]);
    await signAt(sp, secret.keyPacket, { userID: workUser().userID, key: secret.keyPacket }, at);
    return sp;
  }

  test("re-certified in the revocation's second, after it in the key: valid again, authorized as git (before: not)", async () => {
    const [rev, again] = [await revocation(WORK_AT + 1), await certification(WORK_AT + 1)];
    const [theirs, row] = await both(await alice((c) => [c, rev, again]), atWork);
    // No user ID carries the primary flag: gpg names the one certified last, valid again.
    expect(theirs).toEqual({ letter: 'G', signer: WORK });
    expect(row).toMatchObject({ letter: 'G', status: 'authorized' });
  });

  test('twins: re-certified a second after the revocation: authorized; before it in the key: revoked', async () => {
    const rev = await revocation(WORK_AT + 1);
    const again = await certification(WORK_AT + 2);
    const [theirs, row] = await both(await alice((c) => [c, rev, again]), atWork);
    expect(theirs.letter).toBe('G');
    expect(row).toMatchObject({ letter: 'G', status: 'authorized' });
    const before = await certification(WORK_AT + 1);
    const [theirs2, row2] = await both(await alice((c) => [c, before, rev]), atWork);
    expect(theirs2.letter).toBe('G');
    expect(row2.letter).toBe('G');
    expect(row2.status).not.toBe('authorized');
  });
});

test('the verify cache keeps the verdict: a cached run, and a run from the cache, say what an uncached one says', async () => {
  const rev = await revocation(WORK_AT);
  const k = await alice((cert) => [rev, cert]);
  const keyring = join(mkdtempSync(join(tmpdir(), 'gg-')), 'keys.gpg');
  writeFileSync(keyring, k);
  const cached = async (): Promise<VerifyRow | undefined> => {
    const res = await runMain(['verify', '-C', r.dir, '--format', 'json', '--keyring', keyring], { env: r.env });
    return parseJson<{ commits: VerifyRow[] }>(res).commits.find((c) => c.commit === atWork);
  };
  const [first, second] = [await cached(), await cached()];
  expect(first).toMatchObject({ letter: 'G', status: 'authorized' });
  expect(second).toEqual(first);
  expect(second).toEqual(await diff.ours(k, atWork));
});

describe('a user ID that carries only a revocation, next to a certified one', () => {
  test('the certified one signs: G, authorized as git', async () => {
    const rev = await revocation(WORK_AT);
    const k = await alice(() => [rev]);
    const [theirs, row] = await both(k, atHome);
    expect(theirs).toEqual({ letter: 'G', signer: 'Alice <alice@example.com>' });
    expect(row).toMatchObject({ letter: 'G', status: 'authorized' });
  });

  test('every user ID only revoked: the key still signs, G as git (before: E, "no valid user-ID self-signature")', async () => {
    const k = await withUids([
      { text: HOME, certs: [], revokedAt: WORK_AT },
      { text: WORK, certs: [], revokedAt: WORK_AT },
    ]);
    const [theirs, row] = await both(k, atHome);
    expect(theirs).toEqual({ letter: 'G', signer: `[uncertain] ${HOME}` });
    expect(row).toMatchObject({ letter: 'G', signerUserId: `[uncertain] ${HOME}` });
    expect(row.status).not.toBe('authorized'); // a revoked user ID speaks for nobody
  });

  test('twin: no self-signature at all on any user ID: E as git', async () => {
    const k = await withUids([{ text: HOME, certs: [] }]);
    const [theirs, row] = await both(k, atHome);
    expect(theirs.letter).toBe('E');
    expect(row).toMatchObject({ letter: 'E', status: 'cannot-check' });
  });

  test('twin: the revoked one does not authorize', async () => {
    const rev = await revocation(WORK_AT);
    const [theirs, row] = await both(await alice(() => [rev]), atWork);
    expect(theirs.letter).toBe('G');
    expect(row.letter).toBe('G');
    expect(row.status).not.toBe('authorized');
  });
});

// ---- the signer gpg names (git's %GS) -------------------------------------------------------
// gpg names the key's primary user ID (getkey.c merge_selfsigs_main): of the live user IDs (neither
// revoked nor expired), the one certified last with the primary-user-ID flag, else the one certified
// last; a tie goes to the longer, then the greater bytes (cmp_user_ids). None live: the first user ID,
// "[uncertain]" (mainproc.c). gitguard said no name at all; its verdict now carries gpg's.

interface UidSigs {
  text: string;
  certs: { at: number; primary?: boolean; lifetime?: number; hashed?: Buffer }[];
  revokedAt?: number;
  /** The revocation before the certifications in the key (default: after). */
  revocationFirst?: boolean;
}

/** A self-signature by Alice's primary key over `uid`, made `at`. */
async function uidSig(
  uid: openpgp.UserIDPacket,
  type: openpgp.enums.signature,
  at: number,
  extra: { primary?: boolean; lifetime?: number; hashed?: Buffer } = {},
): Promise<openpgp.SignaturePacket> {
  const sp = new openpgp.SignaturePacket();
  sp.signatureType = type;
  sp.publicKeyAlgorithm = secret.keyPacket.algorithm;
  sp.hashAlgorithm = enums.hash.sha256;
  if (type === enums.signature.certPositive) sp.keyFlags = new Uint8Array([enums.keyFlags.signData]);
  if (extra.primary !== undefined) sp.isPrimaryUserID = extra.primary;
  if (extra.hashed) appendHashed(sp, extra.hashed);
  if (extra.lifetime) {
    sp.signatureExpirationTime = extra.lifetime;
    sp.signatureNeverExpires = false;
  }
  await signAt(sp, secret.keyPacket, { userID: uid, key: secret.keyPacket }, at);
  return sp;
}

/** Alice's key with exactly these user IDs and self-signatures, in this order. */
async function withUids(uids: UidSigs[]): Promise<Buffer> {
  const list = new openpgp.PacketList<openpgp.AnyPacket>();
  list.push((await openpgp.readKey({ binaryKey: gpg.exportPublic(primary) })).keyPacket);
  for (const u of uids) {
    const packet = new openpgp.UserIDPacket();
    packet.read(Buffer.from(u.text));
    const certs = await Promise.all(u.certs.map((c) => uidSig(packet, enums.signature.certPositive, c.at, c)));
    const rev = u.revokedAt === undefined ? [] : [await uidSig(packet, enums.signature.certRevocation, u.revokedAt)];
    list.push(packet, ...(u.revocationFirst ? [...rev, ...certs] : [...certs, ...rev]));
  }
  return Buffer.from(list.write());
}

const HOME = 'Alice <alice@example.com>';
const LONGER = 'Alice Longer <alice@example.com>';

describe("the signer gpg names is gitguard's signerUserId", () => {
  test.each<[string, UidSigs[], string]>([
    [
      'two user IDs with the primary flag: the one certified last',
      [
        { text: HOME, certs: [{ at: WORK_AT + 60, primary: true }] },
        { text: WORK, certs: [{ at: WORK_AT, primary: true }] },
      ],
      HOME,
    ],
    [
      'two with the flag certified in the same second: the longer',
      [
        { text: WORK, certs: [{ at: WORK_AT, primary: true }] },
        { text: HOME, certs: [{ at: WORK_AT, primary: true }] },
      ],
      WORK,
    ],
    [
      'none with the flag: the one certified last, even before a flagged-less older one',
      [
        { text: HOME, certs: [{ at: WORK_AT }] },
        { text: WORK, certs: [{ at: WORK_AT + 60 }] },
      ],
      WORK,
    ],
    [
      'none with the flag, the same second, the same length: the greater bytes',
      [
        { text: LONGER, certs: [{ at: WORK_AT }] },
        { text: 'Alice Lunger <alice@example.com>', certs: [{ at: WORK_AT }] },
      ],
      'Alice Lunger <alice@example.com>',
    ],
    [
      'the flagged one revoked: the other',
      [
        { text: HOME, certs: [{ at: WORK_AT }] },
        { text: WORK, certs: [{ at: WORK_AT + 60, primary: true }], revokedAt: WORK_AT + 61 },
      ],
      HOME,
    ],
    [
      'the flagged one expired (its certification): the other',
      [
        { text: HOME, certs: [{ at: WORK_AT }] },
        { text: WORK, certs: [{ at: WORK_AT + 60, primary: true, lifetime: DAY }] },
      ],
      HOME,
    ],
    [
      'every user ID revoked or expired: the first, uncertain',
      [
        { text: WORK, certs: [{ at: WORK_AT, primary: true }], revokedAt: WORK_AT + 1 },
        { text: HOME, certs: [{ at: WORK_AT, lifetime: DAY }] },
      ],
      `[uncertain] ${WORK}`,
    ],
    [
      'a user ID with only a revocation first: the certified one',
      [
        { text: WORK, certs: [], revokedAt: WORK_AT },
        { text: HOME, certs: [{ at: WORK_AT }] },
      ],
      HOME,
    ],
    [
      'only revoked user IDs, one with no certification: the first, uncertain',
      [
        { text: WORK, certs: [], revokedAt: WORK_AT },
        { text: HOME, certs: [{ at: WORK_AT }], revokedAt: WORK_AT + 1 },
      ],
      `[uncertain] ${WORK}`,
    ],
    [
      'the primary-user-ID flag twice, "no" first: gpg reads the first, not flagged: the one certified last',
      [
        { text: HOME, certs: [{ at: WORK_AT + 60 }] },
        { text: WORK, certs: [{ at: WORK_AT, primary: false, hashed: sub(25, Buffer.from([1])) }] },
      ],
      HOME,
    ],
    [
      'and "yes" first: flagged, as gpg reads it',
      [
        { text: HOME, certs: [{ at: WORK_AT + 60 }] },
        { text: WORK, certs: [{ at: WORK_AT, primary: true, hashed: sub(25, Buffer.from([0])) }] },
      ],
      WORK,
    ],
  ])('%s (before: no name)', async (_, uids, expected) => {
    const [theirs, row] = await both(await withUids(uids), atHome);
    expect(theirs).toEqual({ letter: 'G', signer: expected });
    expect(row.signerUserId).toBe(expected);
  });
});

// ---- generated user IDs: ties, revocations, the primary flag, expired certifications ---------

const seed = Number(process.env.GITGUARD_UID_SEED ?? 20261206);
const count = Number(process.env.GITGUARD_UID_CASES ?? 16);
const TIMES = [WORK_AT, WORK_AT + 1, WORK_AT + 60];
const uidShape = (text: string) =>
  fc.record({
    text: fc.constant(text),
    certs: fc.array(
      fc.record({
        at: fc.constantFrom(...TIMES),
        primary: fc.boolean(),
        lifetime: fc.constantFrom(undefined, DAY, 1000 * DAY),
      }),
      { minLength: 0, maxLength: 2 },
    ),
    revokedAt: fc.constantFrom(undefined, ...TIMES),
    revocationFirst: fc.boolean(),
  });

test(`generated user IDs: git's letter and %GS, and authorized only where gpg holds the user ID valid (seed ${seed}, ${count} cases)`, async () => {
  const cases = fc.sample(fc.tuple(uidShape(HOME), uidShape(WORK), uidShape(LONGER)), { seed, numRuns: count });
  const divergences: string[] = [];
  for (const uids of cases) {
    const k = await withUids(uids);
    const [theirs, row] = await both(k, atWork);
    const listed = diff.gpg.run(['--with-colons', '--import-options', 'show-only', '--import'], { input: k });
    const workValid = new RegExp(`^uid:[^re]:[^\\n]*${WORK}`, 'm').test(listed.toString());
    const named = ['G', 'X', 'Y', 'R'].includes(theirs.letter) ? theirs.signer : undefined;
    if (
      row.letter !== theirs.letter ||
      (row.signerUserId ?? undefined) !== named ||
      (row.status === 'authorized') !== (theirs.letter === 'G' && workValid)
    )
      divergences.push(
        `${JSON.stringify(uids)}: git ${theirs.letter} "${theirs.signer}" work ${workValid}, ours ${row.letter} "${row.signerUserId}" ${row.status}`,
      );
  }
  expect(divergences).toEqual([]);
}, 600_000);

// ---- a policy's key whose user IDs carry only revocations, audited in full and incrementally ---

test('a policy key whose user IDs are all revoked: the history passes, in full and incremental audits alike (before: signatures-valid failed, E)', async () => {
  const policyKey = await withUids([
    { text: HOME, certs: [], revokedAt: WORK_AT },
    { text: WORK, certs: [], revokedAt: WORK_AT },
  ]);
  const armored = openpgp.armor(enums.armor.publicKey, policyKey);
  const repo = makeRepo();
  repo.run(['config', 'gpg.program', gpg.wrapper]);
  const signed = (message: string, files: Record<string, string>): void => {
    repo.write(files);
    repo.run(['add', '-A']);
    repo.run(['-c', `user.signingkey=${primary}`, 'commit', '-q', '-S', '-m', message], {
      env: { GNUPGHOME: gpg.home, GG_GPG_ARGS: `--faked-system-time ${SIGNED_AT}!` },
    });
  };
  signed('policy: alice signs', {
    '.gitguard/policy.yml': `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n    openpgp: ["${primary}"]\nmaintainers: [Alice]\n`,
    '.gitguard/keys/alice.asc': armored,
  });
  signed('work', { 'a.txt': 'a\n' });
  const run = async (...extra: string[]) => {
    const res = await runMain(
      ['audit', repo.dir, '--format', 'json', '--no-ledger', '-r', 'signers-authorized,signatures-valid', ...extra],
      {
        env: repo.env,
      },
    );
    const report = parseJson<JsonReport & { walk?: { incremental: boolean } }>(res);
    return { code: res.code, walk: report.walk, results: report.results.map((x) => [x.meta.id, x.outcome]) };
  };
  const full = await run();
  expect(full.results).toEqual([
    ['signatures-valid', 'pass'],
    ['signers-authorized', 'pass'],
  ]);
  signed('more work', { 'b.txt': 'b\n' });
  const incremental = await run();
  expect(incremental.walk?.incremental).toBe(true);
  expect(incremental.results).toEqual(full.results);
  expect((await run('--no-cache')).results).toEqual(full.results);
  // git's G for this key: 'every user ID only revoked' above.
});
