// One key in two key files (an old export and a newer one with more self-signatures, as a policy's
// keys/ folder or two --keyring options may hold): gpg imports both and merges each new signature
// into its user ID or subkey (import.c merge_blocks). gitguard appended the newer file's new packets
// after the older file's last subkey, where openpgp.js drops a user-ID certification and files a user-ID
// revocation as the key's own: a newer expiry or a revoked user ID was lost, G and authorized where git
// (both files imported) says Y or names the other user ID. Real keys, real gpg, git's %G? and %GS.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { signedCommitAt } from '../helpers/gpg.js';
import { parseJson, runMain, type VerifyRow } from '../helpers/cli.js';
import { keysDifferential, type KeysDifferential } from '../helpers/keys-differential.js';

afterAll(cleanupTemp);

const DAY = 86400;
const NOW = Math.floor(Date.now() / 1000);
const [KEYS_AT, SIGNED_AT] = [NOW - 30 * DAY, NOW - 20 * DAY];

let diff: KeysDifferential;
afterAll(() => diff?.kill());

/** gitguard's row for `oid` with each of `files` given as its own --keyring. */
async function ours(oid: string, ...files: Buffer[]): Promise<VerifyRow> {
  const dir = mkdtempSync(join(tmpdir(), 'gg-'));
  const args = files.flatMap((f, i) => {
    const path = join(dir, `key${i}.gpg`);
    writeFileSync(path, f);
    return ['--keyring', path];
  });
  const res = await runMain(['verify', '-C', diff.r.dir, '--format', 'json', '--no-cache', ...args], {
    env: diff.r.env,
  });
  return parseJson<{ commits: VerifyRow[] }>(res).commits.find((c) => c.commit === oid)!;
}

let primary: string;
let oid: string;
let before: Buffer;

beforeAll(() => {
  diff = keysDifferential();
  const { r, gpg } = diff;
  primary = diff.gpg.genKey('Alice <alice@example.com>', 'ed25519', { usage: 'sign', at: KEYS_AT });
  gpg.addSubkey(primary, 'nistp256', { usage: 'encr', at: KEYS_AT + 10 });
  oid = signedCommitAt(r, gpg, 'by alice', primary, 'alice@example.com', SIGNED_AT);
  before = gpg.exportPublic(primary);
}, 60_000);

test('the newer file sets an expiry now passed: Y as git (before: G)', async () => {
  diff.gpg.setExpire(primary, '2d', SIGNED_AT + DAY);
  const after = diff.gpg.exportPublic(primary);
  const theirs = diff.git(Buffer.concat([before, after]), primary, oid);
  expect(theirs.letter).toBe('Y');
  expect((await ours(oid, before, after)).letter).toBe('Y');
  // twin: the newer file alone, and the older one alone, as git reads each
  expect((await ours(oid, after)).letter).toBe(diff.git(after, primary, oid).letter);
  expect((await ours(oid, before)).letter).toBe(diff.git(before, primary, oid).letter);
});

test('the newer file revokes the user ID the commit is by: not authorized, git names the other one (before: authorized)', async () => {
  const { gpg } = diff;
  gpg.run(['--quick-add-uid', primary, 'Other <other@example.com>'], { at: SIGNED_AT + 2 * DAY });
  gpg.run(['--quick-set-expire', primary, '0'], { at: SIGNED_AT + 2 * DAY + 1 });
  const live = gpg.exportPublic(primary);
  gpg.run(['--quick-revuid', primary, 'Alice <alice@example.com>'], { at: SIGNED_AT + 3 * DAY });
  const revoked = gpg.exportPublic(primary);
  const theirs = diff.git(Buffer.concat([live, revoked]), primary, oid);
  expect(theirs).toEqual({ letter: 'G', signer: 'Other <other@example.com>' });
  const row = await ours(oid, live, revoked);
  expect(row.letter).toBe('G');
  expect(row.status).not.toBe('authorized');
  // twin: the older file alone still holds Alice's user ID live (gpg shows its newest user ID, Other's)
  expect(diff.git(live, primary, oid).letter).toBe('G');
  expect(await ours(oid, live)).toMatchObject({ letter: 'G', status: 'authorized' });
});

test('the same file twice, and the files in the other order: one key, the same verdict', async () => {
  const now = diff.gpg.exportPublic(primary);
  const a = await ours(oid, before, now);
  const b = await ours(oid, now, before);
  const c = await ours(oid, now, now);
  expect([b.letter, b.status]).toEqual([a.letter, a.status]);
  expect([c.letter, c.status]).toEqual([a.letter, a.status]);
});
