// Key files varied one part at a time, each read by gpg 2.2 (`gpg --import` into a fresh GNUPGHOME,
// then git's %G? and %GS) and by gitguard (`verify --keyring`) on the same two real commits: one signed
// by a signing subkey, one by the primary key. The variations are those gpg reads in its own way: the
// armor checksum, v5/v6 signature packets beside v4 ones, the subkey's back-signature (0x19; its class,
// the area gpg finds it in), local (non-exportable) signatures gpg's import drops, digests
// (SHA-1 taken, MD5 refused), key flags, critical unknown subpackets, revocations, expiry, a
// self-signature from the future, an uncertified user ID, a subkey two keys claim. gitguard's letter
// must be git's (E where git prints N: a signature gpg cannot read), and its signer git's %GS.
// GITGUARD_KEYVAR_SEED / GITGUARD_KEYVAR_CASES add random combinations of them (scripts/differential.mjs).
import * as openpgp from 'openpgp';
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { signedCommitAt, type Gpg } from '../helpers/gpg.js';
import { keysDifferential, type KeysDifferential } from '../helpers/keys-differential.js';
import { rng } from '../helpers/secrets.js';
import { packet, signAt, sub } from '../helpers/openpgp-build.js';

afterAll(cleanupTemp);

const { enums } = openpgp;
const DAY = 86400;
// Keys made 30 days ago, the commits signed 20 days ago.
const NOW = Math.floor(Date.now() / 1000);
const [KEYS_AT, SIGNED_AT] = [NOW - 30 * DAY, NOW - 20 * DAY];
const [SIG1, SIG2, SIG3] = [KEYS_AT + 100, KEYS_AT + 200, KEYS_AT + 300];

let diff: KeysDifferential;
let r: TestRepo;
let gpg: Gpg;
const fp = {} as { alice: string; bob: string };
const commit = {} as Record<Commit, string>;
/** The commits each key file is judged on: by gpg, and by hand over digests gpg cannot be made to use. */
type Commit = 'bySubkey' | 'byPrimary' | 'sha1' | 'ripemd160' | 'sha256' | 'sha224';
let alice: openpgp.PrivateKey;
let bob: openpgp.PrivateKey;

beforeAll(async () => {
  diff = keysDifferential();
  ({ r, gpg } = diff);
  // nistp256 primaries: ECDSA signs over any digest (EdDSA refuses SHA-1 and MD5 in openpgp.js).
  fp.alice = gpg.genKey('Alice <alice@example.com>', 'nistp256', { usage: 'sign,cert', at: KEYS_AT });
  gpg.run(['--quick-add-uid', fp.alice, 'Carol <carol@example.com>'], { at: KEYS_AT + 10 });
  const subkey = gpg.addSubkey(fp.alice, 'ed25519', { at: KEYS_AT + 60 });
  fp.bob = gpg.genKey('Bob <bob@example.com>', 'nistp256', { usage: 'sign,cert', at: KEYS_AT });
  commit.bySubkey = signedCommitAt(r, gpg, 'by the subkey', `${subkey}!`, 'alice@example.com', SIGNED_AT);
  commit.byPrimary = signedCommitAt(r, gpg, 'by the primary', `${fp.alice}!`, 'alice@example.com', SIGNED_AT);
  const read = async (f: string) => openpgp.readPrivateKey({ binaryKey: gpg.run(['--export-secret-keys', f]) });
  [alice, bob] = [await read(fp.alice), await read(fp.bob)];
  const { hash } = enums;
  for (const [name, h] of [
    ['sha1', hash.sha1],
    ['ripemd160', hash.ripemd],
    ['sha256', hash.sha256],
    ['sha224', hash.sha224],
  ] as const)
    commit[name] = await handSigned(name, h);
}, 120_000);

/** A commit on HEAD signed by Alice's primary (P-256) over `hash`, made by openpgp.js (gpg picks its own digest). */
async function handSigned(message: string, hash: number): Promise<string> {
  const tree = r.run(['rev-parse', 'HEAD^{tree}']).trim();
  const who = `Alice <alice@example.com> ${SIGNED_AT} +0000`;
  const payload = `tree ${tree}\nparent ${r.head()}\nauthor ${who}\ncommitter ${who}\n\n${message}\n`;
  const sp = new openpgp.SignaturePacket();
  sp.signatureType = enums.signature.binary;
  sp.publicKeyAlgorithm = alice.keyPacket.algorithm;
  sp.hashAlgorithm = hash;
  const literal = new openpgp.LiteralDataPacket();
  (literal as unknown as { setBytes(b: Uint8Array, f: openpgp.enums.literal): void }).setBytes(
    Buffer.from(payload),
    enums.literal.binary,
  );
  await signAt(sp, alice.keyPacket, literal, SIGNED_AT, true, WEAK_OK);
  const armor = openpgp.armor(enums.armor.signature, w(sp), undefined, undefined, undefined, true).trim();
  const body = payload.replace('\n\n', `\ngpgsig ${armor.split('\n').join('\n ')}\n\n`);
  const oid = r.run(['hash-object', '-t', 'commit', '-w', '--stdin'], { input: body }).trim();
  r.run(['update-ref', 'HEAD', oid]);
  return oid;
}

afterAll(() => diff?.kill());

/** The written packet. */
const w = (p: openpgp.AnyPacket): Buffer => {
  const l = new openpgp.PacketList<openpgp.AnyPacket>();
  l.push(p);
  return Buffer.from(l.write());
};

interface SigOpts {
  at?: number;
  hash?: number;
  /** Key flags (undefined: sign, for a binding; certify and sign for a certification); null: none. */
  flags?: number[] | null;
  /** Key expiration, seconds after the key's creation. */
  keyExpires?: number;
  /** Octets appended to the hashed subpackets. */
  hashed?: Buffer;
  /** The back-signature: made (default), left out, or another key's. */
  backsig?: 'good' | 'none' | 'wrong-key' | 'by-other';
  /** The version byte the packet is written with (gpg 2.2 skips 5 and 6). */
  version?: number;
  /** The back-signature's class (0x19, primary key binding, by default). */
  backsigClass?: number;
  /** An honest back-signature added in the unhashed area too. */
  unhashedBacksig?: boolean;
  /** Signatures embedded in the unhashed area after signing (it is not signed). */
  unhashedEmbedded?: openpgp.SignaturePacket[];
}

type Key = openpgp.PrivateKey;
/** openpgp.js signs over any digest, without its salt notation (gpg writes none). */
const WEAK_OK = {
  rejectHashAlgorithms: new Set(),
  nonDeterministicSignaturesViaNotation: false,
} as Partial<openpgp.Config>;

async function sign(
  signer: openpgp.AnyKeyPacket,
  type: number,
  data: unknown,
  o: SigOpts,
  extra?: (sp: openpgp.SignaturePacket) => void,
): Promise<Buffer> {
  const sp = new openpgp.SignaturePacket();
  sp.signatureType = type;
  sp.publicKeyAlgorithm = signer.algorithm;
  sp.hashAlgorithm = o.hash ?? enums.hash.sha256;
  if (o.keyExpires !== undefined) sp.keyExpirationTime = o.keyExpires;
  extra?.(sp);
  if (o.hashed) {
    const s = sp as unknown as { writeHashedSubPackets(): Uint8Array };
    const write = s.writeHashedSubPackets.bind(sp);
    s.writeHashedSubPackets = () => {
      const area = Buffer.concat([Buffer.from(write()).subarray(2), o.hashed!]);
      return Buffer.concat([Buffer.from([area.length >> 8, area.length & 0xff]), area]);
    };
  }
  await signAt(sp, signer, data, o.at ?? SIG1, false, WEAK_OK);
  const unhashed = (sp as unknown as { unhashedSubpackets: { type: number; critical: boolean; body: Uint8Array }[] })
    .unhashedSubpackets;
  for (const e of o.unhashedEmbedded ?? []) unhashed.push({ type: 32, critical: false, body: e.write() });
  const bytes = w(sp);
  if (o.version === undefined) return bytes;
  const body = Buffer.from(sp.write());
  body[0] = o.version;
  return packet(enums.packet.signature, body);
}

const flagsOf = (o: SigOpts, dflt: number[]): Uint8Array | null =>
  o.flags === null ? null : new Uint8Array([(o.flags ?? dflt).reduce((a, b) => a | b, 0)]);

/** `key`'s user `i` (0: its first name, Alice or Bob; 1: Carol) whatever order the export has. */
const user = (key: Key, i: number) =>
  key.users.find((u) => (i === 1) === u.userID!.userID.startsWith('Carol'))!.userID!;

/** A certification of `key`'s user ID `i` (0: Alice, 1: Carol) by the key itself. */
const cert = (key: Key, i: number, o: SigOpts = {}): Promise<Buffer> =>
  sign(key.keyPacket, enums.signature.certPositive, { userID: user(key, i), key: key.keyPacket }, o, (sp) => {
    sp.keyFlags = flagsOf(o, [enums.keyFlags.certifyKeys, enums.keyFlags.signData]);
    if (i === 0) sp.isPrimaryUserID = true;
  });

const uidRevocation = (key: Key, i: number, o: SigOpts = {}): Promise<Buffer> =>
  sign(key.keyPacket, enums.signature.certRevocation, { userID: user(key, i), key: key.keyPacket }, o);

/** The back-signature (0x19) of `subkey` over `primary`, made by `by` (the subkey itself, honestly). */
async function backsig(
  primary: Key,
  subkey: Key['subkeys'][number],
  by: openpgp.AnyKeyPacket,
  type: number = enums.signature.keyBinding,
) {
  const sp = new openpgp.SignaturePacket();
  sp.signatureType = type;
  sp.publicKeyAlgorithm = by.algorithm;
  sp.hashAlgorithm = enums.hash.sha256;
  await signAt(sp, by, { key: primary.keyPacket, bind: subkey.keyPacket }, SIG1, false, WEAK_OK);
  return sp;
}

/** A binding of Alice's signing subkey to `primary` (Alice, or Bob claiming it). */
async function binding(primary: Key, o: SigOpts = {}): Promise<Buffer> {
  const subkey = alice.subkeys[0]!;
  let embedded: openpgp.SignaturePacket | null = null;
  const kind = o.backsig ?? 'good';
  if (kind !== 'none') {
    const by = kind === 'by-other' ? bob.keyPacket : (subkey.keyPacket as openpgp.AnyKeyPacket);
    const over = kind === 'wrong-key' ? (primary === alice ? bob : alice) : primary;
    embedded = await backsig(over, subkey, by, o.backsigClass);
  }
  if (o.unhashedBacksig) o = { ...o, unhashedEmbedded: [await backsig(primary, subkey, subkey.keyPacket)] };
  return sign(
    primary.keyPacket,
    enums.signature.subkeyBinding,
    { key: primary.keyPacket, bind: subkey.keyPacket },
    o,
    (sp) => {
      sp.keyFlags = flagsOf(o, [enums.keyFlags.signData]);
      sp.embeddedSignature = embedded;
    },
  );
}

const subkeyRevocation = (o: SigOpts = {}): Promise<Buffer> =>
  sign(
    alice.keyPacket,
    enums.signature.subkeyRevocation,
    { key: alice.keyPacket, bind: alice.subkeys[0]!.keyPacket },
    o,
  );

const keyRevocation = (key: Key, o: SigOpts = {}): Promise<Buffer> =>
  sign(key.keyPacket, enums.signature.keyRevocation, { key: key.keyPacket }, o);

const pub = (p: openpgp.AnyKeyPacket): Buffer => {
  const q =
    p instanceof openpgp.SecretSubkeyPacket
      ? (
          openpgp.PublicSubkeyPacket as unknown as { fromSecretSubkeyPacket(p: unknown): openpgp.AnyPacket }
        ).fromSecretSubkeyPacket(p)
      : (
          openpgp.PublicKeyPacket as unknown as { fromSecretKeyPacket(p: unknown): openpgp.AnyPacket }
        ).fromSecretKeyPacket(p);
  return w(q);
};

/** Alice's key: primary, [its own signatures], Alice's user ID and its signatures, Carol's and hers, the subkey and its. */
interface Parts {
  direct?: Buffer[];
  alice?: Buffer[];
  carol?: Buffer[];
  subkey?: Buffer[];
  /** No subkey at all. */
  noSubkey?: boolean;
}
async function aliceKey(p: Parts = {}): Promise<Buffer> {
  return Buffer.concat([
    pub(alice.keyPacket),
    ...(p.direct ?? []),
    w(user(alice, 0)),
    ...(p.alice ?? [await cert(alice, 0)]),
    w(user(alice, 1)),
    ...(p.carol ?? [await cert(alice, 1, { at: SIG1 + 1 })]),
    ...(p.noSubkey ? [] : [pub(alice.subkeys[0]!.keyPacket), ...(p.subkey ?? [await binding(alice)])]),
  ]);
}

/** Bob's key, claiming Alice's subkey with a binding of his (and a back-signature `backsig`). */
async function bobKey(backsig: SigOpts['backsig'] = 'good'): Promise<Buffer> {
  return Buffer.concat([
    pub(bob.keyPacket),
    w(user(bob, 0)),
    await cert(bob, 0),
    pub(alice.subkeys[0]!.keyPacket),
    await binding(bob, { backsig }),
  ]);
}

/** The key file armored, then `edit`ed as text. */
const armored = (bytes: Buffer, edit: (lines: string[]) => string[]): Buffer => {
  const lines = openpgp.armor(enums.armor.publicKey, bytes, undefined, undefined, undefined, true).split('\n');
  return Buffer.from(edit(lines).join('\n'));
};
const crcAt = (lines: string[]): number => lines.findIndex((l) => /^=[A-Za-z0-9+/]{4}$/.test(l));

interface Scenario {
  name: string;
  keys: () => Promise<Buffer>;
}

const V = enums.keyFlags;
/** A self-signature made at `at`, marked local (exportable-certification 0). */
const LOCAL_AT = (at: number): SigOpts => ({ at, hashed: sub(4, Buffer.from([0])) });
const SCENARIOS: Scenario[] = [
  { name: 'the honest key', keys: () => aliceKey() },
  // Armor.
  { name: 'armored as gpg writes it', keys: async () => armored(await aliceKey(), (l) => l) },
  {
    name: 'armored with a wrong CRC24',
    keys: async () =>
      armored(await aliceKey(), (l) => l.map((x, i) => (i === crcAt(l) ? (x === '=AAAA' ? '=AAAB' : '=AAAA') : x))),
  },
  {
    name: 'armored without a CRC24',
    keys: async () => armored(await aliceKey(), (l) => l.filter((_, i) => i !== crcAt(l))),
  },
  {
    name: 'armored with the CRC24 a line early',
    keys: async () =>
      armored(await aliceKey(), (l) => {
        const i = crcAt(l);
        return [...l.slice(0, i - 1), l[i]!, l[i - 1]!, ...l.slice(i + 1)];
      }),
  },
  // v5 and v6 signature packets.
  {
    name: 'a v5 certification beside the v4 one',
    keys: async () => aliceKey({ alice: [await cert(alice, 0), await cert(alice, 0, { at: SIG2, version: 5 })] }),
  },
  {
    name: 'a v6 certification beside the v4 one',
    keys: async () => aliceKey({ alice: [await cert(alice, 0), await cert(alice, 0, { at: SIG2, version: 6 })] }),
  },
  {
    name: 'only a v5 certification',
    keys: async () =>
      aliceKey({ alice: [await cert(alice, 0, { version: 5 })], carol: [await cert(alice, 1, { version: 5 })] }),
  },
  {
    name: 'a v5 binding beside the v4 one',
    keys: async () => aliceKey({ subkey: [await binding(alice), await binding(alice, { at: SIG2, version: 5 })] }),
  },
  { name: 'only a v5 binding', keys: async () => aliceKey({ subkey: [await binding(alice, { version: 5 })] }) },
  {
    name: 'a v5 subkey revocation',
    keys: async () => aliceKey({ subkey: [await binding(alice), await subkeyRevocation({ at: SIG2, version: 5 })] }),
  },
  {
    name: 'a v6 key revocation',
    keys: async () => aliceKey({ direct: [await keyRevocation(alice, { at: SIG2, version: 6 })] }),
  },
  // The back-signature.
  {
    name: 'a binding without a back-signature',
    keys: async () => aliceKey({ subkey: [await binding(alice, { backsig: 'none' })] }),
  },
  {
    name: 'a binding whose back-signature is over another primary',
    keys: async () => aliceKey({ subkey: [await binding(alice, { backsig: 'wrong-key' })] }),
  },
  {
    name: "a binding whose back-signature is another key's",
    keys: async () => aliceKey({ subkey: [await binding(alice, { backsig: 'by-other' })] }),
  },
  // gpg takes the first embedded signature of class 0x19, the hashed area's before the unhashed one's.
  {
    name: 'a binding whose back-signature is of class 0x18 (a subkey binding)',
    keys: async () => aliceKey({ subkey: [await binding(alice, { backsigClass: enums.signature.subkeyBinding })] }),
  },
  {
    name: 'a bad back-signature in the hashed area, a good one in the unhashed area',
    keys: async () => aliceKey({ subkey: [await binding(alice, { backsig: 'wrong-key', unhashedBacksig: true })] }),
  },
  {
    name: 'twin: no back-signature in the hashed area, a good one in the unhashed area',
    keys: async () => aliceKey({ subkey: [await binding(alice, { backsig: 'none', unhashedBacksig: true })] }),
  },
  // A local signature (exportable-certification 0), which gpg's import drops.
  {
    name: 'a binding marked local',
    keys: async () => aliceKey({ subkey: [await binding(alice, { hashed: sub(4, Buffer.from([0]), true) })] }),
  },
  {
    name: 'twin: a binding marked exportable',
    keys: async () => aliceKey({ subkey: [await binding(alice, { hashed: sub(4, Buffer.from([1])) })] }),
  },
  {
    name: 'certifications marked local',
    keys: async () =>
      aliceKey({
        alice: [await cert(alice, 0, { hashed: sub(4, Buffer.from([0])) })],
        carol: [await cert(alice, 1, { hashed: sub(4, Buffer.from([0]), true) })],
      }),
  },
  {
    name: 'twin: certifications whose exportable octet is 2 (gpg: not local)',
    keys: async () =>
      aliceKey({
        alice: [await cert(alice, 0, { hashed: sub(4, Buffer.from([2])) })],
        carol: [await cert(alice, 1, { hashed: sub(4, Buffer.from([2])) })],
      }),
  },
  {
    name: 'a subkey revocation marked local',
    keys: async () =>
      aliceKey({
        subkey: [await binding(alice), await subkeyRevocation({ at: SIG2, hashed: sub(4, Buffer.from([0])) })],
      }),
  },
  // gpg's import weighs a local signature before it drops it (keys144): of a subkey's valid bindings,
  // and of its revocations, only the newest stays, a local one too; a user ID or subkey with a valid
  // local self-signature stays in the keyring without it (and keeps its key from another's claim).
  {
    name: 'an exportable binding, then a local one made in the same second (generated key 356539508 before this part list grew)',
    keys: async () =>
      aliceKey({
        subkey: [await binding(alice, { at: SIG3, hash: enums.hash.sha384 }), await binding(alice, LOCAL_AT(SIG3))],
      }),
  },
  {
    name: 'an exportable binding, then a newer local one',
    keys: async () => aliceKey({ subkey: [await binding(alice), await binding(alice, LOCAL_AT(SIG2))] }),
  },
  {
    name: 'twin: a local binding, then a newer exportable one',
    keys: async () => aliceKey({ subkey: [await binding(alice, LOCAL_AT(SIG1)), await binding(alice, { at: SIG2 })] }),
  },
  {
    name: 'twin: a local binding, then an exportable one made in the same second',
    keys: async () => aliceKey({ subkey: [await binding(alice, LOCAL_AT(SIG2)), await binding(alice, { at: SIG2 })] }),
  },
  {
    name: 'an exportable subkey revocation, then a newer local one',
    keys: async () =>
      aliceKey({
        subkey: [await binding(alice), await subkeyRevocation({ at: SIG2 }), await subkeyRevocation(LOCAL_AT(SIG3))],
      }),
  },
  {
    name: 'twin: a local subkey revocation, then a newer exportable one',
    keys: async () =>
      aliceKey({
        subkey: [await binding(alice), await subkeyRevocation(LOCAL_AT(SIG2)), await subkeyRevocation({ at: SIG3 })],
      }),
  },
  {
    name: "Alice's key certified only locally, then Bob's claiming her subkey",
    keys: async () =>
      Buffer.concat([
        await aliceKey({
          alice: [await cert(alice, 0, LOCAL_AT(SIG1))],
          carol: [await cert(alice, 1, LOCAL_AT(SIG1))],
        }),
        await bobKey(),
      ]),
  },
  {
    name: "Alice's key with her subkey bound only locally, then Bob's claiming it",
    keys: async () =>
      Buffer.concat([await aliceKey({ subkey: [await binding(alice, LOCAL_AT(SIG1))] }), await bobKey()]),
  },
  {
    name: "Alice's key with her subkey only revoked, locally, then Bob's claiming it (generated key 1000026)",
    keys: async () =>
      Buffer.concat([await aliceKey({ subkey: [await subkeyRevocation(LOCAL_AT(SIG1))] }), await bobKey()]),
  },
  {
    name: "Alice's user ID certified only locally, Carol's revoked",
    keys: async () =>
      aliceKey({
        alice: [await cert(alice, 0, LOCAL_AT(SIG1))],
        carol: [await cert(alice, 1), await uidRevocation(alice, 1, { at: SIG2 })],
      }),
  },
  {
    name: "Alice's key with a newer local binding, then the same key with only the exportable one",
    keys: async () =>
      Buffer.concat([
        await aliceKey({ subkey: [await binding(alice), await binding(alice, LOCAL_AT(SIG2))] }),
        await aliceKey(),
      ]),
  },
  {
    name: "Alice's key with a subkey revocation, then the same key with a newer local one",
    keys: async () =>
      Buffer.concat([
        await aliceKey({ subkey: [await binding(alice), await subkeyRevocation({ at: SIG2 })] }),
        await aliceKey({ subkey: [await binding(alice), await subkeyRevocation(LOCAL_AT(SIG3))] }),
      ]),
  },
  // Digests.
  {
    name: 'a binding over SHA-1',
    keys: async () => aliceKey({ subkey: [await binding(alice, { hash: enums.hash.sha1 })] }),
  },
  {
    name: 'a binding over MD5',
    keys: async () => aliceKey({ subkey: [await binding(alice, { hash: enums.hash.md5 })] }),
  },
  {
    name: 'a binding over RIPEMD-160',
    keys: async () => aliceKey({ subkey: [await binding(alice, { hash: enums.hash.ripemd })] }),
  },
  {
    name: 'certifications over SHA-1',
    keys: async () =>
      aliceKey({
        alice: [await cert(alice, 0, { hash: enums.hash.sha1 })],
        carol: [await cert(alice, 1, { hash: enums.hash.sha1 })],
      }),
  },
  {
    name: 'certifications over MD5',
    keys: async () =>
      aliceKey({
        alice: [await cert(alice, 0, { hash: enums.hash.md5 })],
        carol: [await cert(alice, 1, { hash: enums.hash.md5 })],
      }),
  },
  {
    name: "Alice's certification over MD5, Carol's over SHA-256",
    keys: async () => aliceKey({ alice: [await cert(alice, 0, { hash: enums.hash.md5 })] }),
  },
  // Key flags.
  {
    name: 'a binding without key flags',
    keys: async () => aliceKey({ subkey: [await binding(alice, { flags: null })] }),
  },
  {
    name: 'a binding for encryption only',
    keys: async () =>
      aliceKey({ subkey: [await binding(alice, { flags: [V.encryptCommunication, V.encryptStorage] })] }),
  },
  {
    name: 'a binding for certification only',
    keys: async () => aliceKey({ subkey: [await binding(alice, { flags: [V.certifyKeys] })] }),
  },
  {
    name: 'a binding with empty key flags',
    keys: async () => aliceKey({ subkey: [await binding(alice, { hashed: sub(27, Buffer.alloc(0)), flags: null })] }),
  },
  {
    name: 'certifications without key flags',
    keys: async () =>
      aliceKey({ alice: [await cert(alice, 0, { flags: null })], carol: [await cert(alice, 1, { flags: null })] }),
  },
  {
    name: 'certifications for certification only',
    keys: async () =>
      aliceKey({
        alice: [await cert(alice, 0, { flags: [V.certifyKeys] })],
        carol: [await cert(alice, 1, { flags: [V.certifyKeys] })],
      }),
  },
  // Critical subpackets gpg does not know.
  {
    name: 'a critical unknown subpacket in a certification',
    keys: async () => aliceKey({ alice: [await cert(alice, 0, { hashed: sub(101, 'x', true) })] }),
  },
  {
    name: 'critical unknown subpackets in both certifications',
    keys: async () =>
      aliceKey({
        alice: [await cert(alice, 0, { hashed: sub(101, 'x', true) })],
        carol: [await cert(alice, 1, { hashed: sub(101, 'x', true) })],
      }),
  },
  {
    name: 'a critical unknown subpacket in the binding',
    keys: async () => aliceKey({ subkey: [await binding(alice, { hashed: sub(101, 'x', true) })] }),
  },
  {
    name: 'a critical unknown subpacket in the key revocation',
    keys: async () => aliceKey({ direct: [await keyRevocation(alice, { at: SIG2, hashed: sub(101, 'x', true) })] }),
  },
  {
    name: 'a critical unknown subpacket in the subkey revocation',
    keys: async () =>
      aliceKey({ subkey: [await binding(alice), await subkeyRevocation({ at: SIG2, hashed: sub(101, 'x', true) })] }),
  },
  // Revocations.
  {
    name: 'a revoked subkey',
    keys: async () => aliceKey({ subkey: [await binding(alice), await subkeyRevocation({ at: SIG2 })] }),
  },
  {
    name: 'a subkey revocation over MD5',
    keys: async () =>
      aliceKey({ subkey: [await binding(alice), await subkeyRevocation({ at: SIG2, hash: enums.hash.md5 })] }),
  },
  { name: 'a revoked key', keys: async () => aliceKey({ direct: [await keyRevocation(alice, { at: SIG2 })] }) },
  {
    name: 'a key revocation over MD5',
    keys: async () => aliceKey({ direct: [await keyRevocation(alice, { at: SIG2, hash: enums.hash.md5 })] }),
  },
  {
    name: "Alice's user ID revoked",
    keys: async () => aliceKey({ alice: [await cert(alice, 0), await uidRevocation(alice, 0, { at: SIG2 })] }),
  },
  {
    name: 'both user IDs revoked',
    keys: async () =>
      aliceKey({
        alice: [await cert(alice, 0), await uidRevocation(alice, 0, { at: SIG2 })],
        carol: [await cert(alice, 1), await uidRevocation(alice, 1, { at: SIG2 })],
      }),
  },
  {
    name: "Alice's user ID revoked over MD5",
    keys: async () =>
      aliceKey({ alice: [await cert(alice, 0), await uidRevocation(alice, 0, { at: SIG2, hash: enums.hash.md5 })] }),
  },
  // Expiry and time.
  {
    name: 'the primary expired before the signatures, its subkey without expiry',
    keys: async () =>
      aliceKey({
        alice: [await cert(alice, 0, { keyExpires: 2 * DAY })],
        carol: [await cert(alice, 1, { keyExpires: 2 * DAY })],
      }),
  },
  {
    name: 'the primary expired after the signatures',
    keys: async () =>
      aliceKey({
        alice: [await cert(alice, 0, { keyExpires: 15 * DAY })],
        carol: [await cert(alice, 1, { keyExpires: 15 * DAY })],
      }),
  },
  {
    name: 'the subkey expired before its signature',
    keys: async () => aliceKey({ subkey: [await binding(alice, { keyExpires: 2 * DAY })] }),
  },
  {
    name: 'a certification from the future',
    keys: async () =>
      aliceKey({
        alice: [await cert(alice, 0, { at: NOW + 10 * DAY })],
        carol: [await cert(alice, 1, { at: NOW + 10 * DAY })],
      }),
  },
  {
    name: 'a newer certification from the future beside a past one',
    keys: async () =>
      aliceKey({ alice: [await cert(alice, 0), await cert(alice, 0, { at: NOW + 10 * DAY, flags: [V.certifyKeys] })] }),
  },
  {
    name: 'a binding from the future',
    keys: async () => aliceKey({ subkey: [await binding(alice, { at: NOW + 10 * DAY })] }),
  },
  {
    name: 'a key revocation from the future',
    keys: async () => aliceKey({ direct: [await keyRevocation(alice, { at: NOW + 10 * DAY })] }),
  },
  {
    name: 'a subkey revocation from the future',
    keys: async () => aliceKey({ subkey: [await binding(alice), await subkeyRevocation({ at: NOW + 10 * DAY })] }),
  },
  // User IDs.
  { name: "only Carol's user ID certified", keys: async () => aliceKey({ alice: [] }) },
  { name: "only Alice's user ID certified", keys: async () => aliceKey({ carol: [] }) },
  { name: 'no user ID certified', keys: async () => aliceKey({ alice: [], carol: [] }) },
  // A subkey two keys claim.
  {
    name: "Alice's key, then Bob's claiming her subkey",
    keys: async () => Buffer.concat([await aliceKey(), await bobKey()]),
  },
  {
    name: "Bob's key claiming Alice's subkey, then Alice's",
    keys: async () => Buffer.concat([await bobKey(), await aliceKey()]),
  },
  {
    name: "Bob's key claiming Alice's subkey without a back-signature, then Alice's",
    keys: async () => Buffer.concat([await bobKey('none'), await aliceKey()]),
  },
  {
    name: "Bob's key claiming Alice's subkey, then Alice's without it",
    keys: async () => Buffer.concat([await bobKey(), await aliceKey({ noSubkey: true })]),
  },
  // gpg's import stops at a packet it refuses, or a block whose checksum is wrong: the keys before stay.
  {
    name: "Bob's key claiming Alice's subkey, then Alice's with a v5 certification",
    keys: async () =>
      Buffer.concat([
        await bobKey(),
        await aliceKey({ alice: [await cert(alice, 0), await cert(alice, 0, { at: SIG2, version: 5 })] }),
      ]),
  },
  {
    name: "Alice's key with a v5 certification, then Bob's claiming her subkey",
    keys: async () =>
      Buffer.concat([
        await aliceKey({ alice: [await cert(alice, 0), await cert(alice, 0, { at: SIG2, version: 5 })] }),
        await bobKey(),
      ]),
  },
  {
    name: "Bob's key claiming Alice's subkey, armored, then Alice's armored with a wrong CRC24",
    keys: async () =>
      Buffer.concat([
        armored(await bobKey(), (l) => l),
        armored(await aliceKey(), (l) => l.map((x, i) => (i === crcAt(l) ? (x === '=AAAA' ? '=AAAB' : '=AAAA') : x))),
      ]),
  },
  {
    name: "Alice's key armored with a wrong CRC24, then Bob's claiming her subkey, armored",
    keys: async () =>
      Buffer.concat([
        armored(await aliceKey(), (l) => l.map((x, i) => (i === crcAt(l) ? (x === '=AAAA' ? '=AAAB' : '=AAAA') : x))),
        armored(await bobKey(), (l) => l),
      ]),
  },
  // The first key holding the subkey is one gpg's import leaves out, or leaves the subkey out of.
  {
    name: "Alice's key with no valid user ID (MD5 certifications), then Bob's claiming her subkey",
    keys: async () =>
      Buffer.concat([
        await aliceKey({
          alice: [await cert(alice, 0, { hash: enums.hash.md5 })],
          carol: [await cert(alice, 1, { hash: enums.hash.md5 })],
        }),
        await bobKey(),
      ]),
  },
  {
    name: "Alice's key with her subkey unbound, then Bob's claiming it",
    keys: async () => Buffer.concat([await aliceKey({ subkey: [] }), await bobKey()]),
  },
  {
    name: "Alice's key with her subkey bound over MD5, then Bob's claiming it",
    keys: async () =>
      Buffer.concat([await aliceKey({ subkey: [await binding(alice, { hash: enums.hash.md5 })] }), await bobKey()]),
  },
  {
    name: "twin: Alice's key with her subkey only revoked (gpg keeps it, invalid), then Bob's claiming it",
    keys: async () =>
      Buffer.concat([await aliceKey({ subkey: [await subkeyRevocation({ at: SIG2 })] }), await bobKey()]),
  },
  {
    name: "twin: Alice's key with her subkey bound without a back-signature, then Bob's claiming it",
    keys: async () =>
      Buffer.concat([await aliceKey({ subkey: [await binding(alice, { backsig: 'none' })] }), await bobKey()]),
  },
];

/** Where gitguard and git disagree on `keys`, one line per commit (keys-differential.ts). */
const disagreements = (keys: Buffer): Promise<string[]> => diff.disagreements(keys, [fp.alice, fp.bob], commit);

test.each(SCENARIOS.map((s) => [s.name, s] as const))('%s: gitguard reads it as gpg', async (_, s) => {
  expect(await disagreements(await s.keys())).toEqual([]);
});

test('twins: the honest key is G on what gpg signed and on SHA-256, E on the digests gpg refuses for P-256', async () => {
  const git = diff.gitMany(await aliceKey(), [fp.alice], Object.values(commit));
  const ours = await diff.oursAll(await aliceKey());
  const letters = (m: Map<string, { letter: string }>) =>
    Object.fromEntries(Object.entries(commit).map(([k, oid]) => [k, m.get(oid)!.letter]));
  const expected = { bySubkey: 'G', byPrimary: 'G', sha256: 'G', sha1: 'E', ripemd160: 'E', sha224: 'E' };
  expect(letters(git)).toEqual(expected);
  expect(letters(ours)).toEqual(expected);
  expect(ours.get(commit.sha1)!.detail).toMatch(/requires a 256 bit or larger hash/);
});

// Random combinations of the same parts (GITGUARD_KEYVAR_SEED, GITGUARD_KEYVAR_CASES; `npm test`: 6).
const SEED = Number(process.env.GITGUARD_KEYVAR_SEED ?? 74);
const CASES = Number(process.env.GITGUARD_KEYVAR_CASES ?? 6);

const H = enums.hash;
const TIMES = [SIG1, SIG2, SIG3, NOW + 10 * DAY];
type Part = (at: number) => Promise<Buffer>;
const uidParts = (i: number): [string, Part][] => [
  ['cert', (at) => cert(alice, i, { at })],
  ['cert sha1', (at) => cert(alice, i, { at, hash: H.sha1 })],
  ['cert md5', (at) => cert(alice, i, { at, hash: H.md5 })],
  ['cert no flags', (at) => cert(alice, i, { at, flags: null })],
  ['cert certify only', (at) => cert(alice, i, { at, flags: [V.certifyKeys] })],
  ['cert expires 2d', (at) => cert(alice, i, { at, keyExpires: 2 * DAY })],
  ['cert expires 15d', (at) => cert(alice, i, { at, keyExpires: 15 * DAY })],
  ['cert critical', (at) => cert(alice, i, { at, hashed: sub(101, 'x', true) })],
  ['cert local', (at) => cert(alice, i, { at, hashed: sub(4, Buffer.from([0])) })],
  ['uid revocation', (at) => uidRevocation(alice, i, { at })],
  ['uid revocation md5', (at) => uidRevocation(alice, i, { at, hash: H.md5 })],
];
const SUBKEY_PARTS: [string, Part][] = [
  ['binding', (at) => binding(alice, { at })],
  ['binding sha1', (at) => binding(alice, { at, hash: H.sha1 })],
  ['binding sha384', (at) => binding(alice, { at, hash: H.sha384 })],
  ['binding md5', (at) => binding(alice, { at, hash: H.md5 })],
  ['binding no flags', (at) => binding(alice, { at, flags: null })],
  ['binding encrypt', (at) => binding(alice, { at, flags: [V.encryptCommunication] })],
  ['binding no backsig', (at) => binding(alice, { at, backsig: 'none' })],
  ["binding bob's backsig", (at) => binding(alice, { at, backsig: 'by-other' })],
  ['binding expires 2d', (at) => binding(alice, { at, keyExpires: 2 * DAY })],
  ['binding critical', (at) => binding(alice, { at, hashed: sub(101, 'x', true) })],
  ['binding local', (at) => binding(alice, { at, hashed: sub(4, Buffer.from([0])) })],
  ['binding backsig 0x18', (at) => binding(alice, { at, backsigClass: enums.signature.subkeyBinding })],
  ['binding bad backsig, good unhashed', (at) => binding(alice, { at, backsig: 'wrong-key', unhashedBacksig: true })],
  ['subkey revocation', (at) => subkeyRevocation({ at })],
  ['subkey revocation md5', (at) => subkeyRevocation({ at, hash: H.md5 })],
  ['subkey revocation critical', (at) => subkeyRevocation({ at, hashed: sub(101, 'x', true) })],
  ['subkey revocation local', (at) => subkeyRevocation(LOCAL_AT(at))],
];
const DIRECT_PARTS: [string, Part][] = [
  ['key revocation', (at) => keyRevocation(alice, { at })],
  ['key revocation sha1', (at) => keyRevocation(alice, { at, hash: H.sha1 })],
  ['key revocation critical', (at) => keyRevocation(alice, { at, hashed: sub(101, 'x', true) })],
];

/** Up to `max` parts picked from `pool`, each at a time picked from TIMES. */
async function pick(next: () => number, pool: [string, Part][], max: number, names: string[]): Promise<Buffer[]> {
  const out: Buffer[] = [];
  const n = Math.floor(next() * (max + 1));
  for (let i = 0; i < n; i += 1) {
    const [name, make] = pool[Math.floor(next() * pool.length)]!;
    const at = TIMES[Math.floor(next() * TIMES.length)]!;
    names.push(`${name}@${TIMES.indexOf(at)}`);
    out.push(await make(at));
  }
  return out;
}

test.each(Array.from({ length: CASES }, (_, i) => [SEED + i]))(
  'generated key %i: gitguard reads it as gpg',
  async (seed) => {
    const next = rng(seed);
    const names: string[] = [];
    const parts: Parts = {
      direct: next() < 0.2 ? await pick(next, DIRECT_PARTS, 1, names) : [],
      alice: await pick(next, uidParts(0), 2, names),
      carol: await pick(next, uidParts(1), 2, names),
      subkey: await pick(next, SUBKEY_PARTS, 3, names),
    };
    let keys = await aliceKey(parts);
    const bob = next();
    if (bob < 0.15) keys = Buffer.concat([await bobKey(), keys]);
    else if (bob < 0.3) keys = Buffer.concat([keys, await bobKey()]);
    if (next() < 0.5) keys = armored(keys, (l) => l);
    expect({ parts: names, bob, disagreements: await disagreements(keys) }).toEqual({
      parts: names,
      bob,
      disagreements: [],
    });
  },
);
