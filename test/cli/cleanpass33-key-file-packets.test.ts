// `gitguard verify --keyring` end to end on a key file carrying a literal data packet after the key (a
// key exported into a file that a signed message was then appended to): it stopped with exit 2 ("not a
// readable OpenPGP key file"), where gpg imports the key and git says G. The twin, a literal packet too
// short for gpg (it refuses the file), still stops the run with exit 2. The loader's cases against gpg:
// test/collect/cleanpass33-key-file-packets.test.ts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { signedCommitAt } from '../helpers/gpg.js';
import { runMain } from '../helpers/cli.js';
import { keysDifferential, type KeysDifferential } from '../helpers/keys-differential.js';
import { packet } from '../helpers/openpgp-build.js';

afterAll(cleanupTemp);

let diff: KeysDifferential;
let key: string;
let oid: string;

beforeAll(() => {
  diff = keysDifferential();
  const at = Math.floor(Date.now() / 1000) - 86400;
  key = diff.gpg.genKey('Alice <alice@example.com>', 'ed25519', { at: at - 60 });
  oid = signedCommitAt(diff.r, diff.gpg, 'signed', key, 'alice@example.com', at);
}, 60_000);

afterAll(() => diff?.kill());

const withLiteral = (body: string): Buffer =>
  Buffer.concat([diff.gpg.exportPublic(key), packet(11, Buffer.from(body, 'latin1'))]);

test('a literal data packet after the key: G and the signer as git says (before: exit 2)', async () => {
  const keys = withLiteral('b\x08notes.md\x00\x00\x00\x00release notes\n');
  expect(diff.git(keys, key, oid)).toEqual({ letter: 'G', signer: 'Alice <alice@example.com>' });
  const row = await diff.ours(keys, oid);
  expect({ letter: row.letter, signer: row.signerUserId }).toEqual({
    letter: 'G',
    signer: 'Alice <alice@example.com>',
  });
});

test('twin: a literal data packet of 5 bytes, which gpg refuses: still exit 2', async () => {
  const keyring = join(mkdtempSync(join(tmpdir(), 'gg-')), 'keys.gpg');
  writeFileSync(keyring, withLiteral('b\x00\x00\x00\x00'));
  expect(() => diff.gpg.run(['--dry-run', '--import', keyring])).toThrow(); // gpg: read_block: Invalid packet
  const res = await runMain(['verify', '-C', diff.r.dir, '--format', 'json', '--no-cache', '--keyring', keyring], {
    env: diff.r.env,
  });
  expect(res.code).toBe(2);
  expect(res.stderr).toMatch(/not a readable OpenPGP key file/);
});
