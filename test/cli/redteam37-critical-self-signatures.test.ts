// Critical subpackets in self-signatures, as gpg 2.2 reads them: parse_signature flags a signature
// with a critical subpacket it does not handle (can_handle_critical, either area) and
// check_signature_end_simple then calls it bad, self-signatures included. A signer's user ID (28) or
// key-server preferences (23) are not among those it handles, though openpgp.js reads both; a
// critical notation gpg knows (pka-address@gnupg.org) it accepts, though openpgp.js refuses it.
// Bindings made by openpgp.js with the key's own secret primary; real commits signed by real gpg;
// git's letter on a fresh keyring against gitguard's.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { makeGpg, signedCommitAt, type Gpg } from '../helpers/gpg.js';
import { verifyRows, type VerifyRow } from '../helpers/cli.js';
import { len16, notation, sub } from '../helpers/openpgp-build.js';

afterAll(cleanupTemp);

const { enums } = openpgp;
const NOW = Math.floor(Date.now() / 1000);
const [KEYS_AT, SIGNED_AT] = [NOW - 30 * 86400, NOW - 20 * 86400];

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

/**
 * A subkey binding by the primary, cross-certified as gpg's was, with `hashed` appended to
 * openpgp.js's hashed subpackets and `unhashed` ({ type, critical, body }) to its unhashed ones.
 */
async function binding(
  extra: { hashed?: Buffer; unhashed?: { type: number; critical: boolean; body: Buffer } } = {},
): Promise<openpgp.SignaturePacket> {
  const subkey = secret.subkeys[0]!;
  const sp = new openpgp.SignaturePacket();
  sp.signatureType = enums.signature.subkeyBinding;
  sp.publicKeyAlgorithm = secret.keyPacket.algorithm;
  sp.hashAlgorithm = enums.hash.sha256;
  sp.keyFlags = new Uint8Array([enums.keyFlags.signData]);
  sp.embeddedSignature = subkey.bindingSignatures[0]!.embeddedSignature;
  const s = sp as unknown as {
    writeHashedSubPackets(): Uint8Array;
    unhashedSubpackets: Array<{ type: number; critical: boolean; body: Uint8Array }>;
  };
  if (extra.hashed) {
    const write = s.writeHashedSubPackets.bind(sp);
    s.writeHashedSubPackets = () => {
      const area = Buffer.concat([Buffer.from(write()).subarray(2), extra.hashed!]);
      return Buffer.concat([len16(area.length), area]);
    };
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
    { key: secret.keyPacket, bind: subkey.keyPacket },
    new Date((KEYS_AT + 120) * 1000),
    false,
    openpgp.config,
  );
  if (extra.unhashed) s.unhashedSubpackets.push(extra.unhashed);
  return sp;
}

/** Alice's public key with the subkey's only binding `b`. */
async function aliceWith(b: openpgp.SignaturePacket): Promise<Buffer> {
  const pub = await openpgp.readKey({ binaryKey: gpg.exportPublic(primary) });
  pub.subkeys[0]!.bindingSignatures = [b];
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

test.each([
  ["a critical signer's user ID (28) in the hashed area", { hashed: sub(28, 'alice@example.com', true) }],
  ['a critical key-server preferences (23) in the hashed area', { hashed: sub(23, Buffer.from([0x80]), true) }],
  [
    "a critical signer's user ID (28) in the unhashed area",
    { unhashed: { type: 28, critical: true, body: Buffer.from('alice') } },
  ],
  ['a critical unknown subpacket (100) in the hashed area', { hashed: sub(100, 'x', true) }],
])('a binding with %s is bad to gpg: E, as git (before: G, authorized)', async (_, extra) => {
  const keys = await aliceWith(await binding(extra));
  expect(gitLetter(keys)).toBe('E');
  expect(await ours(keys)).toMatchObject({ letter: 'E', status: 'cannot-check' });
});

test.each([
  [
    'the same subpackets not critical',
    { hashed: Buffer.concat([sub(28, 'alice@example.com'), sub(23, Buffer.from([0x80]))]) },
  ],
  [
    'a critical notation gpg knows (pka-address@gnupg.org)',
    { hashed: sub(20, notation('pka-address@gnupg.org', 'alice@example.com'), true) },
  ],
])('twin: a binding with %s signs, G as git', async (_, extra) => {
  const keys = await aliceWith(await binding(extra));
  expect(gitLetter(keys)).toBe('G');
  expect(await ours(keys)).toMatchObject({ letter: 'G', status: 'authorized' });
});
