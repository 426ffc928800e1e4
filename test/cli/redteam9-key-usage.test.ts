// What a key may sign, as gpg 2.2 reads its key flags (getkey.c merge_selfsigs_main): a data
// signature by a primary key whose self-signature no longer allows signing is ERRSIG to gpg ("wrong
// key usage") and E to git. Real gpg, real commits; gitguard's letter must be git's.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { makeGpg, signedCommitAt, type Gpg } from '../helpers/gpg.js';
import { verifyRows } from '../helpers/cli.js';

afterAll(cleanupTemp);

const DAY = 86400;
const NOW = Math.floor(Date.now() / 1000);
const KEYS_AT = NOW - 30 * DAY;
const SIGNED_AT = NOW - 20 * DAY;
const CHANGED_AT = NOW - 10 * DAY;

let r: TestRepo;
let gpg: Gpg;
const k = {} as { una: string; sam: string; cert: string; coraSub: string };
const c = {} as { una: string; sam: string; cora: string };

const gitLetter = (oid: string): string =>
  execFileSync('git', ['rev-list', '--no-walk', '--format=%G?', oid], { cwd: r.dir, env: { ...r.env, ...gpg.env } })
    .toString()
    .split('\n')[1]!;

const signed = (name: string, key: string, email: string): string =>
  signedCommitAt(r, gpg, name, key, email, SIGNED_AT);

/** gpg --edit-key change-usage: toggles the primary key's capabilities (`toggle`: e.g. "S"). */
function changeUsage(fpr: string, toggle: string): void {
  gpg.run(['--command-fd', '0', '--edit-key', fpr], { input: `change-usage\n${toggle}\nQ\nsave\n`, at: CHANGED_AT });
}

beforeAll(() => {
  r = makeRepo();
  gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-')));
  r.run(['config', 'gpg.program', gpg.wrapper]);
  k.una = gpg.genKey('Una Usage <una@example.com>', 'ed25519', { at: KEYS_AT });
  k.sam = gpg.genKey('Sam Signs <sam@example.com>', 'ed25519', { at: KEYS_AT });
  k.cert = gpg.genKey('Cora Cert <cora@example.com>', 'ed25519', { usage: 'cert', at: KEYS_AT });
  k.coraSub = gpg.addSubkey(k.cert, 'ed25519', { usage: 'sign', at: KEYS_AT });
  gpg.trust(k.una, k.sam, k.cert);
  c.una = signed('una, by her primary key', k.una, 'una@example.com');
  c.sam = signed('sam, by his primary key', k.sam, 'sam@example.com');
  c.cora = signed('cora, by her signing subkey', `${k.coraSub}!`, 'cora@example.com');
  // Since then: una's key may only certify; sam's key is re-certified, still allowed to sign.
  changeUsage(k.una, 'S');
  changeUsage(k.sam, 'A');
}, 60_000);

afterAll(() => gpg?.kill());

test('a primary key whose newest self-signature drops "sign": E, as git says (before: G, authorized)', async () => {
  const keyring = join(r.home, 'keys.gpg');
  writeFileSync(keyring, gpg.exportPublic(k.una, k.sam, k.cert));
  expect(gpg.run(['--list-keys', '--with-colons', k.una]).toString()).toMatch(/^pub:(?:[^:]*:){10}cC:/m);
  const rows = await verifyRows(r.dir, r.env, keyring);
  expect(gitLetter(c.una)).toBe('E');
  expect(rows.get(c.una)).toMatchObject({ letter: 'E', status: 'cannot-check' });
  expect(rows.get(c.una)!.detail).toMatch(/not a signing key/);
  // Twins: re-certified with "sign" kept, and a certify-only primary whose subkey signs.
  for (const oid of [c.sam, c.cora]) {
    expect(gitLetter(oid)).toBe('G');
    expect(rows.get(oid)).toMatchObject({ letter: 'G', status: 'authorized' });
  }
});
