// Revoked keys: which keys of a real gpg keyring carry a hard revocation, the --revoked-keys file
// format, and the tip policy's revocations taken from the cache on a warm run.
import { join } from 'node:path';
import { loadKeyring } from '../../src/collect/signatures/openpgp.js';
import {
  parseRevokedKeys,
  policyRevocations,
  revocationMap,
  revokedKeysFromFile,
} from '../../src/collect/revocations.js';
import { revocationFor, type RevokedKey } from '../../src/domain/trust.js';
import { VerifyCache } from '../../src/collect/verify-cache.js';
import { ExpectedError } from '../../src/errors.js';
import { makeGpg, REVOKE, type Gpg } from '../helpers/gpg.js';
import { policyWith } from '../helpers/facts.js';
import { cleanupTemp, tempDir } from '../helpers/repo.js';
import { makeSshKey } from '../helpers/ssh.js';
import type { Keyring } from '../../src/domain/keys.js';

afterAll(cleanupTemp);

describe('hard revocations in an OpenPGP keyring', () => {
  let gpg: Gpg;
  beforeAll(() => {
    gpg = makeGpg(join(tempDir('gg-rk-'), 'g'));
  });
  afterAll(() => gpg.kill());

  test('finds hard-revoked primary keys and subkeys, not soft-revoked or unrevoked ones', async () => {
    const hard = gpg.genKey('Hard <hard@example.com>', 'ed25519');
    const noReason = gpg.genKey('None <none@example.com>', 'ed25519');
    const soft = gpg.genKey('Soft <soft@example.com>', 'ed25519');
    const fine = gpg.genKey('Fine <fine@example.com>', 'ed25519');
    const primary = gpg.genKey('Sub <sub@example.com>', 'ed25519', { usage: 'cert' });
    const sub = gpg.addSubkey(primary, 'ed25519', { usage: 'sign' });
    gpg.revoke(hard, REVOKE.compromised, 'key leaked');
    gpg.revoke(noReason, REVOKE.noReason);
    gpg.revoke(soft, REVOKE.superseded, 'replaced');
    // gpg's subkey revocation menu: 1 = key has been compromised.
    gpg.interactive(['--edit-key', primary], 'key 1\nrevkey\ny\n1\nsubkey leaked\n\ny\nsave\n');
    const keyring = await loadKeyring(
      [hard, noReason, soft, fine, primary].map((f, i) => ({ file: `k${i}.gpg`, data: gpg.exportPublic(f) })),
    );
    const found = await keyring.hardRevocations();
    expect(found.sort((a, b) => a.fingerprint.localeCompare(b.fingerprint))).toEqual(
      [
        { fingerprint: hard, primary: hard, reason: 2, text: 'key leaked' },
        { fingerprint: noReason, primary: noReason, reason: 0, text: 'test revocation' },
        { fingerprint: sub, primary, reason: 2, text: 'subkey leaked' },
      ].sort((a, b) => a.fingerprint.localeCompare(b.fingerprint)),
    );
    // No revocation signature at all: nothing to examine.
    expect(await (await loadKeyring([{ file: 'fine.gpg', data: gpg.exportPublic(fine) }])).hardRevocations()).toEqual(
      [],
    );
  }, 60_000);
});

describe("the tip policy's revocations", () => {
  test("come from revoked_keys and the keyring, and a warm run takes the keyring's from the cache without asking it", async () => {
    const home = tempDir('gg-rc-');
    const env = { HOME: home, XDG_CACHE_HOME: join(home, 'cache') };
    let asked = 0;
    const keyring = {
      hardRevocations: async () => (
        (asked += 1),
        [{ fingerprint: 'A'.repeat(40), primary: 'A'.repeat(40), reason: 2, text: 'leaked' }]
      ),
    } as unknown as Keyring;
    const policy = policyWith({ signers: [], keyring, revokedKeys: [{ key: 'SHA256:k', reason: 'stolen', since: 5 }] });
    const expected = [
      { key: 'SHA256:k', where: 'the current policy', reason: 'stolen', since: 5 },
      {
        key: 'A'.repeat(40),
        where: 'the current policy',
        reason: 'hard revocation certificate in keys/ (key compromised): "leaked"',
      },
    ];
    const cold = VerifyCache.open(join(home, 'git'), env)!;
    expect(await policyRevocations(policy, 'policy:tree1', cold)).toEqual(expected);
    cold.save();
    const warm = VerifyCache.open(join(home, 'git'), env)!;
    expect(await policyRevocations(policy, 'policy:tree1', warm)).toEqual(expected);
    expect(asked).toBe(1);
    // Another keyring (another tree id) is examined afresh.
    await policyRevocations(policy, 'policy:tree2', warm);
    expect(asked).toBe(2);
  });
});

describe('--revoked-keys files', () => {
  test('read SSH public keys (as gpg.ssh.revocationFile), SSH fingerprints and OpenPGP fingerprints, skipping blanks and comments', () => {
    const key = makeSshKey(tempDir('gg-rf-'), 'ed25519', 'x');
    const fpr = 'abcd'.repeat(10);
    const text = `# revoked keys\r\n\n${key.pub}\n  SHA256:${'B'.repeat(43)}\n${fpr.match(/.{4}/g)!.join(' ')}\n`;
    expect(parseRevokedKeys(text, 'rk')).toEqual([
      { key: key.fingerprint, where: '--revoked-keys rk (line 3)', reason: '' },
      { key: `SHA256:${'B'.repeat(43)}`, where: '--revoked-keys rk (line 4)', reason: '' },
      { key: fpr.toUpperCase(), where: '--revoked-keys rk (line 5)', reason: '' },
    ]);
  });

  test.each([
    ['an allowed-signers line', 'alice@example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ\n'],
    ['a key id', 'B5690EEEBB952194\n'],
    ['a truncated fingerprint', 'SHA256:abc\n'],
  ])('refuse %s, naming the file and line', (_name, text) => {
    expect(() => parseRevokedKeys(`# c\n${text}`, 'rk')).toThrow(
      new ExpectedError(
        'rk: line 2: not an SSH public key, an SSH fingerprint (SHA256:...) or an OpenPGP fingerprint (40 or 64 hex digits)',
      ),
    );
  });

  test('refuse a binary KRL rather than misread it', () => {
    expect(() =>
      revokedKeysFromFile(Buffer.concat([Buffer.from('SSHKRL\n\0', 'latin1'), Buffer.alloc(40)]), 'krl'),
    ).toThrow('krl: a binary key revocation list (KRL)');
  });
});

describe('revocationMap and revocationFor', () => {
  const r = (key: string, since?: number): RevokedKey => ({
    key,
    where: 'w',
    reason: String(since),
    ...(since !== undefined ? { since } : {}),
  });
  test('keep the stricter of two revocations of one key: none over a since, else the earlier since', () => {
    expect(revocationMap([r('k', 10)], [r('k')]).get('k')!.since).toBeUndefined();
    expect(revocationMap([r('k')], [r('k', 10)]).get('k')!.since).toBeUndefined();
    expect(revocationMap([r('k', 20), r('k', 10)]).get('k')!.since).toBe(10);
  });
  test('void a signature by the signer or the signing key, at or after since', () => {
    const m = revocationMap([r('p'), r('s', 100)]);
    expect(revocationFor(m, ['p', 'x'], 0)?.key).toBe('p');
    expect(revocationFor(m, ['q', 's'], 99)).toBeUndefined();
    expect(revocationFor(m, ['q', 's'], 100)?.key).toBe('s');
    expect(revocationFor(m, [undefined, undefined], 100)).toBeUndefined();
    expect(revocationFor(undefined, ['p'], 0)).toBeUndefined();
  });
});
