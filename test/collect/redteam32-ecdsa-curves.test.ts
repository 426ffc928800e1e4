// ECDSA on secp256k1 and the brainpool curves: gpg 2.2 (libgcrypt) makes and checks them, and git
// prints G; openpgp.js cannot check them in node without an optional module, so gitguard said E
// ("cannot be checked by this build"), and a real Bitcoin Core builder's key (secp256k1) had "no
// valid self-signature". node:crypto checks them now. Real gpg keys, real signed commits, git's letter.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKeyring } from '../../src/collect/signatures/openpgp.js';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { commitSignature, makeGpg, signedCommitAt, type Gpg } from '../helpers/gpg.js';

afterAll(cleanupTemp);

const CURVES = ['secp256k1', 'brainpoolP256r1', 'brainpoolP384r1', 'brainpoolP512r1', 'nistp256'] as const;
const KVACIRAL = '/work/shared/testdata/public-keys/bitcoin-core-builder-keys/kvaciral.gpg';

let r: TestRepo;
let gpg: Gpg;
const signed = new Map<string, { key: string; oid: string }>();

beforeAll(() => {
  r = makeRepo();
  gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-')));
  r.run(['config', 'gpg.program', gpg.wrapper]);
  const at = Math.floor(Date.now() / 1000) - 86400;
  for (const curve of CURVES) {
    const key = gpg.genKey(`K ${curve} <${curve.toLowerCase()}@example.com>`, curve, { at: at - 60 });
    signed.set(curve, { key, oid: signedCommitAt(r, gpg, curve, key, `${curve.toLowerCase()}@example.com`, at) });
  }
}, 60_000);

afterAll(() => gpg?.kill());

const gitLetter = (oid: string): string =>
  execFileSync('git', ['rev-list', '--no-walk', '--format=%G?', oid], { cwd: r.dir, env: { ...r.env, ...gpg.env } })
    .toString()
    .split('\n')[1]!;

/** gpg's status keyword for `signature` over `payload`. */
function gpgVerdict(payload: Buffer, signature: string): string {
  const file = join(gpg.home, 'sig.asc');
  gpg.run(['--yes', '--output', file, '--dearmor'], { input: signature });
  let status: string;
  try {
    status = gpg.run(['--status-fd', '1', '--verify', file, '-'], { input: payload }).toString();
  } catch (e) {
    status = String((e as { stdout?: Buffer }).stdout ?? '');
  }
  return /^\[GNUPG:\] (GOODSIG|BADSIG|ERRSIG) /m.exec(status)?.[1] ?? 'none';
}

test.each(CURVES)(
  'ECDSA on %s: G as git says (before: E for all but nistp256); one byte changed: B, as gpg',
  async (curve) => {
    const { key, oid } = signed.get(curve)!;
    const { payload, signature } = commitSignature(
      oid,
      execFileSync('git', ['cat-file', 'commit', oid], { cwd: r.dir, env: r.env }),
    );
    const tampered = Buffer.concat([payload.subarray(0, -1), Buffer.from('!')]);
    expect(gitLetter(oid)).toBe('G');
    expect(gpgVerdict(tampered, signature!)).toBe('BADSIG');
    for (const quick of [true, false]) {
      const keyring = await loadKeyring([{ file: 'k.gpg', data: gpg.exportPublic(key) }], { quick });
      const v = await keyring.verify(payload, signature!);
      expect({ letter: v.letter, reason: v.reason, signingKey: v.signingKey }).toEqual({
        letter: 'G',
        reason: undefined,
        signingKey: key,
      });
      expect(v.identities).toEqual([`${curve.toLowerCase()}@example.com`]);
      expect((await keyring.verify(tampered, signature!)).letter).toBe('B');
    }
  },
);

test("a real secp256k1 key (a Bitcoin Core builder's) reads as gpg reads it: valid, may sign, its user ID's address", async () => {
  const home = makeGpg(mkdtempSync(join(tmpdir(), 'gg-')));
  try {
    home.run(['--import', KVACIRAL]);
    const listing = home.run(['--with-colons', '--list-keys']).toString();
    expect(listing).toMatch(/^pub:-:256:19:F62711DBDCA8AE56:(?:[^:]*:){6}scESC:/m);
    expect(listing).toMatch(/^uid:-:(?:[^:]*:){7}Dimitri <kvaciral@protonmail\.com>:/m);
  } finally {
    home.kill();
  }
  const keyring = await loadKeyring([{ file: 'kvaciral.gpg', data: readFileSync(KVACIRAL) }]);
  expect(await keyring.identities('F62711DBDCA8AE56')).toEqual(['kvaciral@protonmail.com']);
});
