// Designated revokers, as gpg 2.2 honours them (getkey.c merge_selfsigs_main "pass 1.5",
// sig-check.c check_revocation_keys): a key whose direct-key signature names another key as its
// revoker is revoked by a key revocation that key makes, when the revoker's key is in the keyring.
// git then prints R for every signature by the revoked key. Real gpg (batch key generation's
// `Revoker:`, `--desig-revoke`), real commits; gitguard's letter must be git's on each keyring.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { makeGpg, signedCommitAt, type Gpg } from '../helpers/gpg.js';
import { verifyRows, type VerifyRow } from '../helpers/cli.js';

afterAll(cleanupTemp);

// Keys made 30 days ago, commits signed 20 days ago, revocations made 10 days ago.
const [KEYS_AT, SIGNED_AT, REVOKED_AT] = [30, 20, 10].map((days) => Math.floor(Date.now() / 1000) - days * 86400) as [
  number,
  number,
  number,
];

let r: TestRepo;
let gpg: Gpg;
const homes: Gpg[] = [];
const k = {} as { rev: string; alice: string; bob: string; carol: string };
const c = {} as { alice: string; bob: string; carol: string };

/** A key that names `revoker` as its designated revoker (gpg's batch key generation, `Revoker:`). */
function keyWithRevoker(name: string, email: string, revoker: string): string {
  const params = `%no-protection\nKey-Type: eddsa\nKey-Curve: ed25519\nKey-Usage: sign\nName-Real: ${name}\nName-Email: ${email}\nExpire-Date: 0\nRevoker: 22:${revoker}\n%commit\n`;
  const status = gpg.run(['--status-fd', '1', '--gen-key'], { input: params, at: KEYS_AT }).toString();
  return /^\[GNUPG:\] KEY_CREATED [PSB] ([0-9A-F]{40})$/m.exec(status)![1]!;
}

/** gpg --desig-revoke with the revoker's secret key (menu: 1 compromised, 2 superseded), imported. */
function desigRevoke(target: string, menu: string): void {
  const out = gpg.interactive(['--armor', '--desig-revoke', target], `y\n${menu}\ntest\n\ny\n`, REVOKED_AT);
  gpg.run(['--import'], { input: out });
}

const signed = (name: string, key: string, email: string): string =>
  signedCommitAt(r, gpg, name, key, email, SIGNED_AT);

/** git's letters for the commits with a fresh GNUPGHOME holding exactly `keys` (all trusted). */
function gitLetters(keys: Buffer, oids: string[]): string[] {
  const home = makeGpg(mkdtempSync(join(tmpdir(), 'gg-')));
  homes.push(home);
  home.run(['--import'], { input: keys });
  home.trust(k.alice, k.bob, k.carol, k.rev);
  return oids.map(
    (oid) =>
      execFileSync('git', ['rev-list', '--no-walk', '--format=%G?', oid], {
        cwd: r.dir,
        env: { ...r.env, ...home.env },
      })
        .toString()
        .split('\n')[1]!,
  );
}

async function ours(keys: Buffer): Promise<Map<string, VerifyRow>> {
  const keyring = join(mkdtempSync(join(tmpdir(), 'gg-')), 'keys.gpg');
  writeFileSync(keyring, keys);
  return verifyRows(r.dir, r.env, keyring);
}

beforeAll(() => {
  r = makeRepo();
  gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-')));
  r.run(['config', 'gpg.program', gpg.wrapper]);
  k.rev = gpg.genKey('Rev Oker <rev@example.com>', 'ed25519', { at: KEYS_AT });
  k.alice = keyWithRevoker('Alice', 'alice@example.com', k.rev);
  k.bob = keyWithRevoker('Bob', 'bob@example.com', k.rev);
  k.carol = keyWithRevoker('Carol', 'carol@example.com', k.rev);
  c.alice = signed('alice', k.alice, 'alice@example.com');
  c.bob = signed('bob', k.bob, 'bob@example.com');
  c.carol = signed('carol', k.carol, 'carol@example.com');
  desigRevoke(k.alice, '1'); // compromised
  desigRevoke(k.carol, '2'); // superseded
}, 60_000);

afterAll(() => {
  gpg?.kill();
  for (const h of homes) h.kill();
});

test('a key revoked as compromised by its designated revoker: R and refused, as git says R (before: G, authorized)', async () => {
  const keys = gpg.exportPublic(k.alice, k.bob, k.carol, k.rev);
  const rows = await ours(keys);
  expect(gitLetters(keys, [c.alice, c.bob, c.carol])).toEqual(['R', 'G', 'R']);
  expect(rows.get(c.alice)).toMatchObject({ letter: 'R', status: 'key-invalid' });
  expect(rows.get(c.alice)!.detail).toMatch(/compromised/);
  // Superseded after it signed: R, and the signature made before counts, as for the key's own revocation.
  expect(rows.get(c.carol)).toMatchObject({ letter: 'R', status: 'authorized' });
  // Twin: named the same revoker, never revoked.
  expect(rows.get(c.bob)).toMatchObject({ letter: 'G', status: 'authorized' });
});

test(`twins: without the revoker's key, or with a revoker the key does not name, the revocation counts for nothing (G, as git)`, async () => {
  // The revoker's key absent: gpg cannot check the revocation ("may be revoked") and says good.
  const absent = gpg.exportPublic(k.alice, k.bob, k.carol);
  expect(gitLetters(absent, [c.alice])).toEqual(['G']);
  expect((await ours(absent)).get(c.alice)).toMatchObject({ letter: 'G', status: 'authorized' });
  // Alice's key without the direct-key signature that names the revoker: the revoker's real
  // revocation signature is there, and its key, but it is a stranger's signature to gpg.
  const alice = await openpgp.readKey({ binaryKey: gpg.exportPublic(k.alice) });
  expect(alice.revocationSignatures.length).toBe(1);
  (alice as unknown as { directSignatures: unknown[] }).directSignatures = [];
  const unnamed = Buffer.concat([alice.write(), gpg.exportPublic(k.bob, k.carol, k.rev)]);
  expect(gitLetters(unnamed, [c.alice])).toEqual(['G']);
  expect((await ours(unnamed)).get(c.alice)).toMatchObject({ letter: 'G', status: 'authorized' });
});
