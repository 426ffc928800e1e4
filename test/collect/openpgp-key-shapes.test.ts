// Key shapes real keys have (several user IDs, one revoked, expiry changed since), made with real gpg
// and judged as gpg 2.2 judges them: a signature gpg calls good must not be Y/E here, and one gpg
// calls made by an expired key must stay Y.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKeyring } from '../../src/collect/signatures/openpgp.js';
import { packetFrames } from '../../src/collect/signatures/openpgp-critical.js';
import { makeGpg, type Gpg } from '../helpers/gpg.js';

const DAY = 86400;
const NOW = Math.floor(Date.now() / 1000);
const T0 = NOW - 3 * 365 * DAY; // the key is made three years ago with a two-year expiry

let gpg: Gpg;
beforeAll(() => {
  gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-kshape-')));
});
afterAll(() => gpg.kill());

/**
 * A key made at T0 expiring in 2y, a second user ID added, the first one revoked, then its expiry
 * set to `expire` (gpg re-certifies only the user IDs that are not revoked). Returns its fingerprint.
 */
function revokedUidKey(name: string, expire: string): string {
  const fp = gpg.genKey(`${name} <${name}@old.example>`, 'ed25519', { expire: '2y', at: T0 });
  gpg.run(['--quick-add-uid', fp, `${name} <${name}@new.example>`], { at: T0 + 1000 });
  gpg.run(['--quick-revoke-uid', fp, `${name} <${name}@old.example>`], { at: T0 + 2000 });
  gpg.setExpire(fp, expire, T0 + 3000);
  return fp;
}

/** gpg's own verdict (its status keyword) and ours for a detached signature made at `at`. */
async function verdicts(fp: string, at: number): Promise<{ gpg: string; letter: string; keyExpiresAt?: number }> {
  const payload = Buffer.from('tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\nsigned\n');
  const sig = gpg.run(['--armor', '--detach-sign', '-u', fp], { input: payload, at }).toString();
  const sigFile = join(gpg.home, `${fp}.asc`);
  gpg.run(['--output', sigFile, '--dearmor'], { input: sig });
  let status: string;
  try {
    status = gpg.run(['--status-fd', '1', '--verify', sigFile, '-'], { input: payload }).toString();
  } catch (e) {
    status = String((e as { stdout?: Buffer }).stdout ?? '');
  }
  const keyword = /^\[GNUPG:\] (GOODSIG|EXPKEYSIG|REVKEYSIG|BADSIG|ERRSIG) /m.exec(status)?.[1] ?? 'none';
  const keyring = await loadKeyring([{ file: `${fp}.gpg`, data: gpg.exportPublic(fp) }]);
  const v = await keyring.verify(payload, sig);
  return { gpg: keyword, letter: v.letter, ...(v.keyExpiresAt !== undefined ? { keyExpiresAt: v.keyExpiresAt } : {}) };
}

test("a revoked user ID's old expiry is not the key's: expiry removed after the revocation, gpg GOODSIG, G (was Y, expired a year ago)", async () => {
  const fp = revokedUidKey('alice', '0');
  expect(await verdicts(fp, NOW - DAY)).toEqual({ gpg: 'GOODSIG', letter: 'G' });
});

test("twin: the live user ID's expiry still counts: set to one year after the revocation, gpg EXPKEYSIG, Y", async () => {
  const fp = revokedUidKey('bob', '1y');
  const v = await verdicts(fp, T0 + 100 * DAY); // signed while the key was valid
  expect(v).toMatchObject({ gpg: 'EXPKEYSIG', letter: 'Y' });
  expect(v.keyExpiresAt).toBeLessThan(NOW - 300 * DAY);
});

test('armor as older gpg versions and mail plugins wrote it (Version:/Comment:/Charset: headers, no CRC line, CRLF): G on both paths, as gpg', async () => {
  const fp = gpg.genKey('Dora <dora@example.com>', 'ed25519', { at: NOW - 10 * DAY });
  const payload = Buffer.from('tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\nold armor\n');
  const lines = gpg.run(['--armor', '--detach-sign', '-u', fp], { input: payload }).toString().trimEnd().split('\n');
  const headers = ['Version: GnuPG v1', 'Comment: GPGTools - https://gpgtools.org', 'Charset: UTF-8'];
  const noCrc = (l: string[]): string[] => l.filter((x) => !/^=[A-Za-z0-9+/]{4}$/.test(x));
  const variants = [
    [lines[0]!, ...headers, ...lines.slice(1)].join('\n') + '\n',
    noCrc(lines).join('\n') + '\n',
    noCrc([lines[0]!, ...headers, ...lines.slice(1)]).join('\r\n') + '\r\n',
  ];
  const data = gpg.exportPublic(fp);
  for (const quick of [true, false]) {
    const keyring = await loadKeyring([{ file: 'dora.gpg', data }], { quick });
    for (const sig of variants) {
      const sigFile = join(gpg.home, 'old.asc');
      writeFileSync(sigFile, sig); // gpg reads the armor itself
      const status = gpg.run(['--status-fd', '1', '--verify', sigFile, '-'], { input: payload }).toString();
      expect([/\[GNUPG:\] GOODSIG /.test(status), (await keyring.verify(payload, sig)).letter]).toEqual([true, 'G']);
    }
  }
});

describe('an Ed25519 key whose self-signatures are SHA-1 (gpg --cert-digest-algo SHA1, as older setups made them)', () => {
  let fp: string;
  let key: Buffer;
  const payload = Buffer.from('tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\nsha1 certs\n');
  let sig: string;
  beforeAll(() => {
    fp = gpg.genKey('Erin <erin@example.com>', 'ed25519', { at: NOW - 10 * DAY });
    gpg.run(['--cert-digest-algo', 'SHA1', '--quick-add-uid', fp, 'Erin <erin@work.example>'], { at: NOW - 9 * DAY });
    gpg.run(['--cert-digest-algo', 'SHA1', '--quick-revoke-uid', fp, 'Erin <erin@example.com>'], { at: NOW - 8 * DAY });
    key = gpg.exportPublic(fp);
    sig = gpg.run(['--armor', '--detach-sign', '-u', fp], { input: payload }).toString();
  });

  test('gpg GOODSIG; G, speaking for the user ID certified with SHA-1 and not the one revoked with SHA-1 (was: the reverse)', async () => {
    const sigFile = join(gpg.home, 'erin.asc');
    writeFileSync(sigFile, sig);
    expect(gpg.run(['--status-fd', '1', '--verify', sigFile, '-'], { input: payload }).toString()).toMatch(
      /\[GNUPG:\] GOODSIG /,
    );
    const v = await (await loadKeyring([{ file: 'erin.gpg', data: key }])).verify(payload, sig);
    expect([v.letter, v.identities]).toEqual(['G', ['erin@work.example']]);
  });

  test('twin: the same key with its SHA-1 certification forged (one byte of the signature changed): that user ID vouches for nothing', async () => {
    const frames = packetFrames(key)!;
    const uid = frames.findIndex((f) => f.tag === 13 && Buffer.from(f.body).toString().includes('work.example'));
    const cert = frames[uid + 1]!;
    const bad = Buffer.from(key);
    const at = cert.body.byteOffset - key.byteOffset + cert.body.length - 1;
    bad[at] = bad[at]! ^ 0x01;
    const v = await (await loadKeyring([{ file: 'erin.gpg', data: bad }])).verify(payload, sig);
    expect(v.identities).not.toContain('erin@work.example');
  });
});
