// A user ID that is not valid UTF-8 (an old key's Latin-1 name, a control byte past it) is hashed by
// gpg as the packet's bytes. openpgp.js re-encoded its decoded text, so the self-signature over such
// a user ID failed: the key was "unusable" (E) where git and gpg say G. Keys made by real gpg from a
// parameter file (raw bytes, as gpg stores them), commits signed by real gpg; git's %G?/%GS on a fresh
// keyring against gitguard's verdict and signer, which is printed escaped.
import { cleanupTemp } from '../helpers/repo.js';
import { signedCommitAt } from '../helpers/gpg.js';
import { keysDifferential, type KeysDifferential } from '../helpers/keys-differential.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJson, runMain, type VerifyRow } from '../helpers/cli.js';
import { isUnsafeChar } from '../../src/domain/escape.js';

afterAll(cleanupTemp);

const KEYS_AT = 1_700_000_000;
const SIGNED_AT = KEYS_AT + 86_400;

let diff: KeysDifferential;
beforeAll(() => {
  diff = keysDifferential();
}, 60_000);
afterAll(() => diff?.kill());

/** A signing key whose one user ID is exactly `name` (bytes) and `email`: its fingerprint. */
function keyNamed(name: Buffer, email: string): string {
  const params = Buffer.concat([
    Buffer.from('%no-protection\nKey-Type: eddsa\nKey-Curve: ed25519\nKey-Usage: sign\nName-Real: '),
    name,
    Buffer.from(`\nName-Email: ${email}\nExpire-Date: 0\n%commit\n`),
  ]);
  const status = diff.gpg.run(['--status-fd', '1', '--gen-key'], { input: params, at: KEYS_AT }).toString();
  return /KEY_CREATED [PSB] ([0-9A-F]{40})/.exec(status)![1]!;
}

const CASES: Array<[string, Buffer, string]> = [
  ['valid UTF-8 (the twin)', Buffer.from('Jürgen Müller'), 'utf8@example.com'],
  ['Latin-1', Buffer.from('J\xfcrgen M\xfcller', 'latin1'), 'latin1@example.com'],
  ['a stray continuation byte and a control byte', Buffer.from('Ev\x9b\x1b[2Jil\xff', 'latin1'), 'ctl@example.com'],
];

describe('a user ID gpg hashes as its bytes', () => {
  test.each(CASES)('%s: G as git says, the signer as git names it', async (_name, name, email) => {
    const key = keyNamed(name, email);
    const keys = diff.gpg.exportPublic(key);
    expect(keys.includes(name)).toBe(true); // gpg kept the bytes as given
    const oid = signedCommitAt(diff.r, diff.gpg, email, key, email, SIGNED_AT);
    const git = diff.git(keys, key, oid);
    const keyring = join(mkdtempSync(join(tmpdir(), 'gg-')), 'keys.gpg');
    writeFileSync(keyring, keys);
    const res = await runMain(['verify', '-C', diff.r.dir, '--format', 'json', '--no-cache', '--keyring', keyring], {
      env: diff.r.env,
    });
    // every control, bidi and invisible character escaped
    expect([...res.stdout].filter((c) => c !== '\n' && isUnsafeChar(c))).toEqual([]);
    const ours = parseJson<{ commits: VerifyRow[] }>(res).commits.find((c) => c.commit === oid)!;
    expect(git.letter).toBe('G');
    // git prints gpg's status line: control bytes as %XX, the rest raw (read here as UTF-8, as JSON carries it).
    const named = git.signer.replace(/%([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    expect({ letter: ours.letter, signer: ours.signerUserId }).toEqual({ letter: 'G', signer: named });
  });
});
