// RFC 9580 version 6 keys and signatures, which gpg 2.2 reads neither of ("packet(6) with unknown
// version 6", "packet(2) with unknown version 6"): git with such a key "imported" prints N for a v6
// signature and E for a v4 one by the v6 key (no key), while openpgp.js verified both, so gitguard
// said G, authorized, for a key git never holds. Commits written by hand with openpgp.js's
// signatures, git's %G? on a fresh GNUPGHOME that was given the same key file.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { makeGpg, type Gpg } from '../helpers/gpg.js';
import { verifyRows } from '../helpers/cli.js';
import { signAt } from '../helpers/openpgp-build.js';

afterAll(cleanupTemp);

const DAY = 86400;
const NOW = Math.floor(Date.now() / 1000);
const [KEYS_AT, SIGNED_AT] = [NOW - 30 * DAY, NOW - 20 * DAY];

let r: TestRepo;
let home: Gpg;

beforeAll(() => {
  r = makeRepo();
  r.run(['commit', '-q', '--allow-empty', '-m', 'base']);
  home = makeGpg(mkdtempSync(join(tmpdir(), 'gg-')));
});
afterAll(() => home?.kill());

async function aliceKey(v6: boolean): Promise<openpgp.PrivateKey> {
  const { privateKey } = await openpgp.generateKey({
    ...(v6 ? { type: 'curve25519' as const } : { type: 'ecc' as const, curve: 'ed25519Legacy' as const }),
    userIDs: [{ name: 'Alice', email: 'alice@example.com' }],
    format: 'object',
    date: new Date(KEYS_AT * 1000),
    config: { v6Keys: v6 },
  });
  return privateKey;
}

/**
 * A commit on HEAD (its message `branch`) signed by `key` over its payload; `asVersion` 4 makes a v4 signature packet
 * whatever the key's version (issuer by key id only, as a v4 fingerprint subpacket cannot hold a v6 one).
 */
async function signedCommit(branch: string, key: openpgp.PrivateKey, asVersion?: 4): Promise<string> {
  const parent = r.run(['rev-parse', 'HEAD']).trim();
  const tree = r.run(['rev-parse', 'HEAD^{tree}']).trim();
  const who = `Alice <alice@example.com> ${SIGNED_AT} +0000`;
  const payload = `tree ${tree}\nparent ${parent}\nauthor ${who}\ncommitter ${who}\n\n${branch}\n`;
  const sp = new openpgp.SignaturePacket();
  sp.signatureType = openpgp.enums.signature.binary;
  sp.publicKeyAlgorithm = key.keyPacket.algorithm;
  sp.hashAlgorithm = openpgp.enums.hash.sha256;
  const kp = asVersion
    ? new Proxy(key.keyPacket, {
        get(o, p) {
          if (p === 'version') return asVersion;
          const v = Reflect.get(o, p, o) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(o) : v;
        },
      })
    : key.keyPacket;
  const literal = new openpgp.LiteralDataPacket();
  (literal as unknown as { setBytes(b: Uint8Array, f: openpgp.enums.literal): void }).setBytes(
    Buffer.from(payload),
    openpgp.enums.literal.binary,
  );
  await signAt(sp, kp, literal, SIGNED_AT, true);
  if (asVersion) sp.issuerFingerprint = null;
  const list = new openpgp.PacketList<openpgp.SignaturePacket>();
  list.push(sp);
  const armored = openpgp.armor(openpgp.enums.armor.signature, list.write()).trim();
  const body = payload.replace('\n\n', `\ngpgsig ${armored.split('\n').join('\n ')}\n\n`);
  const oid = r.run(['hash-object', '-t', 'commit', '-w', '--stdin'], { input: body }).trim();
  r.run(['update-ref', 'HEAD', oid]); // gitguard verify reads HEAD's history
  return oid;
}

/** git's %G? with `keyFile` given to gpg --import in a fresh home (gpg 2.2 may refuse it), and gitguard's row. */
async function judge(keyFile: string, oid: string) {
  const fresh = makeGpg(mkdtempSync(join(tmpdir(), 'gg-')));
  spawnSync('gpg', ['--batch', '--import', keyFile], { env: { ...process.env, ...fresh.env } });
  const git = execFileSync('git', ['log', '-1', '--format=%G?', oid], {
    cwd: r.dir,
    env: { ...r.env, ...fresh.env },
  })
    .toString()
    .trim();
  fresh.kill();
  return { git, row: (await verifyRows(r.dir, r.env, keyFile)).get(oid)! };
}

function keyFile(key: openpgp.PrivateKey): string {
  const f = join(mkdtempSync(join(tmpdir(), 'gg-')), 'alice.asc');
  writeFileSync(f, key.toPublic().armor());
  return f;
}

test('a v6 signature by a v6 key: git N (gpg reads neither), gitguard E (before: G, authorized)', async () => {
  const key = await aliceKey(true);
  const oid = await signedCommit('v6', key);
  const { git, row } = await judge(keyFile(key), oid);
  expect(git).toBe('N');
  expect(row).toMatchObject({ letter: 'E', status: 'cannot-check' });
  expect(row.detail).toMatch(/version 6 signature/);
});

test('a v4 signature by a v6 key: git E (the key is not in its keyring), gitguard E (before: G, authorized)', async () => {
  const key = await aliceKey(true);
  const oid = await signedCommit('v4-by-v6', key, 4);
  const { git, row } = await judge(keyFile(key), oid);
  expect(git).toBe('E');
  expect(row.letter).toBe('E');
  expect(row.status).not.toBe('authorized');
});

test('twin: a v4 key and its v4 signature, built the same way: G as git, authorized', async () => {
  const key = await aliceKey(false);
  const oid = await signedCommit('v4', key);
  const file = keyFile(key);
  const fresh = makeGpg(mkdtempSync(join(tmpdir(), 'gg-')));
  fresh.run(['--import', file]);
  fresh.trust(key.getFingerprint().toUpperCase());
  const git = execFileSync('git', ['log', '-1', '--format=%G?', oid], { cwd: r.dir, env: { ...r.env, ...fresh.env } })
    .toString()
    .trim();
  fresh.kill();
  expect(git).toBe('G');
  expect((await verifyRows(r.dir, r.env, file)).get(oid)).toMatchObject({ letter: 'G', status: 'authorized' });
});
