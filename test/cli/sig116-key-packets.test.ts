// Key and subkey packets of real gpg keys (Ed25519, RSA-2048, NIST P-256 primaries) with their key
// material's length fields changed, each key file read by gpg 2.2 (`gpg --import` into a fresh
// GNUPGHOME, then git's %G? and %GS) and by gitguard (`verify --keyring`) on commits the primaries and
// their subkeys signed. gpg reads an MPI as a number (the bit count only tells how many octets follow)
// and hashes the key with it written back in its shortest form; a key packet its parser refuses (a
// field past the packet's end, an OID length out of range, a subkey of a version other than 4) fails
// its import there, the key block still pending with it; a primary key of another version is skipped
// with what follows it. gitguard's letter must be git's (E where git prints N), its signer git's %GS.
// GITGUARD_KEYPKT_SEED / GITGUARD_KEYPKT_CASES add random mutations (scripts/differential.mjs).
import * as openpgp from 'openpgp';
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { signedCommitAt, type GpgAlgo } from '../helpers/gpg.js';
import { keysDifferential, type KeysDifferential } from '../helpers/keys-differential.js';
import { packet } from '../helpers/openpgp-build.js';
import { rng } from '../helpers/secrets.js';
import { packetFrames } from '../../src/collect/signatures/openpgp-critical.js';

afterAll(cleanupTemp);
const DAY = 86400;
const NOW = Math.floor(Date.now() / 1000);
const [KEYS_AT, SIGNED_AT] = [NOW - 30 * DAY, NOW - 20 * DAY];

type Name = 'ed' | 'rsa' | 'p256';
let diff: KeysDifferential;
let r: TestRepo;
const keys = {} as Record<Name, { fpr: string; commits: string[]; bytes: Buffer }>;

beforeAll(() => {
  diff = keysDifferential();
  r = diff.r;
  const { gpg } = diff;
  for (const [name, algo, subAlgo] of [
    ['ed', 'ed25519', 'ed25519'],
    ['rsa', 'rsa2048', 'rsa2048'],
    ['p256', 'nistp256', 'ed25519'],
  ] as [Name, GpgAlgo, GpgAlgo][]) {
    const fpr = gpg.genKey(`${name} <${name}@example.com>`, algo, { usage: 'sign,cert', at: KEYS_AT });
    const sub = gpg.addSubkey(fpr, subAlgo, { at: KEYS_AT + 60 });
    const commits = [
      signedCommitAt(r, gpg, `${name}: by the subkey`, `${sub}!`, `${name}@example.com`, SIGNED_AT),
      signedCommitAt(r, gpg, `${name}: by the primary`, `${fpr}!`, `${name}@example.com`, SIGNED_AT),
    ];
    keys[name] = { fpr, commits, bytes: gpg.exportPublic(fpr) };
  }
}, 120_000);
afterAll(() => diff?.kill());

// The key material's fields (v4: version, creation time, algorithm, then these), as gpg reads them.
const OID_FIRST = new Set([18, 19, 22]);
const MPI_COUNT: Record<number, number> = { 1: 2, 17: 4, 18: 1, 19: 1, 22: 1 };
/** Where each MPI of a v4 key packet body starts, and its curve OID's length octet (ECC). */
function fields(body: Buffer): { mpis: number[]; oid?: number } {
  const algo = body[5]!;
  let p = 6;
  const oid = OID_FIRST.has(algo) ? p : undefined;
  if (oid !== undefined) p += 1 + body[p]!;
  const mpis: number[] = [];
  for (let i = 0; i < (MPI_COUNT[algo] ?? 0) && p + 2 <= body.length; i += 1) {
    mpis.push(p);
    p += 2 + Math.ceil(body.readUInt16BE(p) / 8);
  }
  return { mpis, oid };
}

type Mutation = (body: Buffer) => Buffer | undefined;
/** The MPI `i`'s bit count set to f(bits), its octets left as they are. */
const bits =
  (i: number, f: (bits: number) => number): Mutation =>
  (b) => {
    const at = fields(b).mpis[i];
    if (at === undefined) return undefined;
    const c = Buffer.from(b);
    c.writeUInt16BE(f(b.readUInt16BE(at)) & 0xffff, at);
    return c;
  };
/** The MPI `i` rewritten by `f` (its bit count and octets). */
const mpi =
  (i: number, f: (bitCount: number, octets: Buffer) => Buffer): Mutation =>
  (b) => {
    const at = fields(b).mpis[i];
    if (at === undefined) return undefined;
    const n = b.readUInt16BE(at);
    const end = at + 2 + Math.ceil(n / 8);
    return Buffer.concat([b.subarray(0, at), f(n, b.subarray(at + 2, end)), b.subarray(end)]);
  };
const u16 = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff]);
const byteAt =
  (at: (b: Buffer) => number | undefined, f: (v: number) => number): Mutation =>
  (b) => {
    const i = at(b);
    if (i === undefined) return undefined;
    const c = Buffer.from(b);
    c[i] = f(c[i]!) & 0xff;
    return c;
  };

const MUTATIONS: Record<string, Mutation> = {
  'trailing octet': (b) => Buffer.concat([b, Buffer.from([0x42])]),
  'last octet cut': (b) => b.subarray(0, b.length - 1),
  'version 3': byteAt(
    () => 0,
    () => 3,
  ),
  'version 5': byteAt(
    () => 0,
    () => 5,
  ),
  'version 6': byteAt(
    () => 0,
    () => 6,
  ),
  'unknown algorithm 99': byteAt(
    () => 5,
    () => 99,
  ),
  'algorithm RSA': byteAt(
    () => 5,
    () => 1,
  ),
  'algorithm ECDSA': byteAt(
    () => 5,
    () => 19,
  ),
  'OID length + 1': byteAt(
    (b) => fields(b).oid,
    (v) => v + 1,
  ),
  'OID length 1': byteAt(
    (b) => fields(b).oid,
    () => 1,
  ),
};
for (const i of [0, 1]) {
  Object.assign(MUTATIONS, {
    [`MPI ${i}: bit count + 1`]: bits(i, (n) => n + 1),
    [`MPI ${i}: bit count - 1`]: bits(i, (n) => n - 1),
    [`MPI ${i}: bit count a whole octet`]: bits(i, (n) => Math.ceil(n / 8) * 8),
    [`MPI ${i}: an octet past its end`]: bits(i, (n) => n + 8),
    [`MPI ${i}: an octet short`]: bits(i, (n) => n - 8),
    [`MPI ${i}: bit count 65535`]: bits(i, () => 0xffff),
    [`MPI ${i}: bit count 16385`]: bits(i, () => 16385),
    [`MPI ${i}: bit count 0`]: bits(i, () => 0),
    [`MPI ${i}: zero length`]: mpi(i, () => u16(0)),
    [`MPI ${i}: a leading zero octet counted`]: mpi(i, (n, o) =>
      Buffer.concat([u16(Math.ceil(n / 8) * 8 + 8), Buffer.from([0]), o]),
    ),
    [`MPI ${i}: a leading zero octet not counted`]: mpi(i, (n, o) => Buffer.concat([u16(n), Buffer.from([0]), o])),
    [`MPI ${i}: two leading zero octets counted`]: mpi(i, (n, o) =>
      Buffer.concat([u16(Math.ceil(n / 8) * 8 + 16), Buffer.from([0, 0]), o]),
    ),
  });
}

const KEY_TAG = { primary: 6, subkey: 14 } as const;
/** `name`'s exported key with its `which` key packet changed by `mutation` (undefined: it does not apply). */
function mutated(name: Name, which: keyof typeof KEY_TAG, mutation: string): Buffer | undefined {
  const ps = packetFrames(keys[name].bytes)!.map((p) => ({ tag: p.tag, body: Buffer.from(p.body) as Buffer }));
  const i = ps.findIndex((p) => p.tag === KEY_TAG[which]);
  const body = MUTATIONS[mutation]!(ps[i]!.body);
  if (!body) return undefined;
  ps[i] = { tag: ps[i]!.tag, body };
  return Buffer.concat(ps.map((p) => packet(p.tag, p.body)));
}

/** Where gitguard and git disagree on `file` over the commits of `names`' keys (keys-differential.ts). */
const disagreements = (file: Buffer, names: Name[]): Promise<string[]> =>
  diff.disagreements(
    file,
    names.map((n) => keys[n].fpr),
    Object.fromEntries(
      names.flatMap((n) => keys[n].commits.map((oid, i) => [`${n} ${['subkey', 'primary'][i]}`, oid])),
    ),
  );

/** git's letters on `names`' commits with `file` imported. */
const gitLetters = (file: Buffer, names: Name[]): string[] => {
  const oids = names.flatMap((n) => keys[n].commits);
  const git = diff.gitMany(
    file,
    names.map((n) => keys[n].fpr),
    oids,
  );
  return oids.map((o) => git.get(o)!.letter);
};

// [key, packet, mutation, git's letters on its subkey's and primary's commits (the reference, checked too)]
const CASES: [Name, keyof typeof KEY_TAG, string, string][] = [
  // A leading zero octet the bit count claims: gpg reads the same number (gitguard refused the file, or the subkey).
  ['ed', 'primary', 'MPI 0: a leading zero octet counted', 'GG'],
  ['ed', 'subkey', 'MPI 0: two leading zero octets counted', 'GG'],
  ['p256', 'subkey', 'MPI 0: a leading zero octet counted', 'GG'],
  ['rsa', 'subkey', 'MPI 1: a leading zero octet counted', 'GG'],
  // A subkey packet gpg's parser refuses: its import stops, the primary imports nothing (gitguard said G on it).
  ['ed', 'subkey', 'MPI 0: an octet past its end', 'EE'],
  ['rsa', 'subkey', 'MPI 1: bit count 65535', 'EE'],
  ['rsa', 'subkey', 'MPI 0: bit count 16385', 'EE'],
  ['p256', 'subkey', 'OID length + 1', 'EE'],
  ['ed', 'subkey', 'OID length 1', 'EE'],
  ['ed', 'subkey', 'version 5', 'EE'],
  ['rsa', 'subkey', 'version 3', 'EE'],
  ['ed', 'subkey', 'algorithm RSA', 'EE'],
  // Twins gpg reads: a bit count that does not match the leading octet, an octet after the key
  // material, an algorithm it does not know (that subkey signs nothing).
  ['rsa', 'primary', 'MPI 0: bit count - 1', 'GG'],
  ['ed', 'subkey', 'MPI 0: bit count + 1', 'GG'],
  ['p256', 'primary', 'trailing octet', 'GG'],
  ['ed', 'subkey', 'unknown algorithm 99', 'EG'],
];

test.each(CASES)('%s key, its %s packet with %s: gitguard reads it as gpg', async (name, which, mutation, letters) => {
  const file = mutated(name, which, mutation)!;
  expect({ git: gitLetters(file, [name]).join(''), disagreements: await disagreements(file, [name]) }).toEqual({
    git: letters,
    disagreements: [],
  });
});

/** An RFC 9580 v6 key made by openpgp.js (gpg 2.2 reads neither it nor its signatures). */
async function v6Key(): Promise<Buffer> {
  const { publicKey } = await openpgp.generateKey({
    type: 'curve25519',
    userIDs: [{ name: 'Six', email: 'six@example.com' }],
    format: 'binary',
    date: new Date(KEYS_AT * 1000),
    config: { v6Keys: true },
  });
  return Buffer.from(publicKey);
}

// gpg's pending key block fails with the packet it refuses: a refused primary takes the key before it
// along; a primary of another version (a v6 key from openpgp.js) is skipped, but its v6 signatures are refused.
const ED = (which: keyof typeof KEY_TAG, mutation: string) => async () => mutated('ed', which, mutation)!;
test.each([
  ['a key whose primary packet gpg refuses', ED('primary', 'MPI 0: an octet past its end'), 'EEEEEE'],
  ['a key whose subkey packet gpg refuses', ED('subkey', 'version 5'), 'EEGGEE'],
  ['twin: a version 3 primary', ED('primary', 'version 3'), 'EEGGGG'],
  ['twin: a version 5 primary', ED('primary', 'version 5'), 'EEGGGG'],
  ["an RFC 9580 v6 key (gpg's import stops at its signatures)", v6Key, 'EEEEEE'],
] as [string, () => Promise<Buffer>, string][])(
  '%s between two keys: gitguard reads the file as gpg',
  async (_, middle, letters) => {
    const file = Buffer.concat([keys.rsa.bytes, await middle(), keys.p256.bytes]);
    const names: Name[] = ['ed', 'rsa', 'p256'];
    expect({ git: gitLetters(file, names).join(''), disagreements: await disagreements(file, names) }).toEqual({
      git: letters,
      disagreements: [],
    });
  },
);

// Random mutations, one or two, of a random key's packets, alone or beside the other keys
// (GITGUARD_KEYPKT_SEED, GITGUARD_KEYPKT_CASES; `npm test`: 4).
const SEED = Number(process.env.GITGUARD_KEYPKT_SEED ?? 116);
const RANDOM = Number(process.env.GITGUARD_KEYPKT_CASES ?? 4);
const NAMES: Name[] = ['ed', 'rsa', 'p256'];
const MUTATION_NAMES = Object.keys(MUTATIONS);

test.each(Array.from({ length: RANDOM }, (_, i) => [SEED + i]))(
  'generated key file %i: gitguard reads it as gpg',
  async (seed) => {
    const next = rng(seed);
    const at = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)]!;
    const name = at(NAMES);
    let ps = packetFrames(keys[name].bytes)!.map((p) => ({ tag: p.tag, body: Buffer.from(p.body) as Buffer }));
    const done: string[] = [];
    for (let n = 1 + Math.floor(next() * 2); n > 0; n -= 1) {
      const which = at(['primary', 'subkey'] as const);
      const mutation = at(MUTATION_NAMES);
      const i = ps.findIndex((p) => p.tag === KEY_TAG[which]);
      const body = MUTATIONS[mutation]!(ps[i]!.body);
      if (!body) continue;
      ps = ps.map((p, j) => (j === i ? { tag: p.tag, body } : p));
      done.push(`${which}: ${mutation}`);
    }
    const others = NAMES.filter((x) => x !== name && next() < 0.5);
    const own = Buffer.concat(ps.map((p) => packet(p.tag, p.body)));
    const file = Buffer.concat(
      next() < 0.5 ? [own, ...others.map((o) => keys[o].bytes)] : [...others.map((o) => keys[o].bytes), own],
    );
    expect({ name, done, disagreements: await disagreements(file, [name, ...others]) }).toEqual({
      name,
      done,
      disagreements: [],
    });
  },
);

/** A commit on HEAD signed by `key` through openpgp.js (gpg cannot make these keys). */
async function signedByOpenpgpJs(key: openpgp.PrivateKey, message: string): Promise<string> {
  const tree = r.run(['rev-parse', 'HEAD^{tree}']).trim();
  const who = `N <n@example.com> ${SIGNED_AT} +0000`;
  const payload = `tree ${tree}\nparent ${r.head()}\nauthor ${who}\ncommitter ${who}\n\n${message}\n`;
  const armor = (
    (await openpgp.sign({
      message: await openpgp.createMessage({ binary: Buffer.from(payload) }),
      signingKeys: key,
      detached: true,
      date: new Date(SIGNED_AT * 1000),
    })) as string
  ).trim();
  const body = payload.replace('\n\n', `\ngpgsig ${armor.split('\n').join('\n ')}\n\n`);
  const oid = r.run(['hash-object', '-t', 'commit', '-w', '--stdin'], { input: body }).trim();
  r.run(['update-ref', 'HEAD', oid]);
  return oid;
}

// RFC 9580's Ed25519 (27) and Ed448 (28) in a v4 key: gpg 2.2 knows neither algorithm, so the key
// signs nothing (git: E); openpgp.js checks both, and gitguard said G.
test.each([['curve25519'], ['curve448']] as const)('a v4 key of %s (RFC 9580 algorithms): E as git', async (type) => {
  const { privateKey } = await openpgp.generateKey({
    type,
    userIDs: [{ name: 'N', email: 'n@example.com' }],
    format: 'object',
    date: new Date(KEYS_AT * 1000),
    config: { v6Keys: false },
  });
  const oid = await signedByOpenpgpJs(privateKey, `by a v4 ${type} key`);
  const file = Buffer.from(privateKey.toPublic().write());
  const git = diff.gitMany(file, [privateKey.getFingerprint().toUpperCase()], [oid]).get(oid)!;
  const ours = (await diff.oursAll(file)).get(oid)!;
  expect({ git: git.letter, ours: ours.letter }).toEqual({ git: 'E', ours: 'E' });
  expect(ours.detail).toMatch(/cannot have made this signature \(algorithm ed(25519|448)\)/);
});
