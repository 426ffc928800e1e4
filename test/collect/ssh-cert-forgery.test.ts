// Hand-built OpenSSH certificates (every field bent, the CA signature over the wrong bytes, bytes
// after it, certificates as CA keys...) embedded in hand-made sshsig signatures: for each, the
// letter we compute must be the letter `git log --format=%G?` prints with the same allowed_signers
// file (git 2.39 + OpenSSH 9.2 running ssh-keygen). Above all we must never say G where git does not.
import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllowedSigners } from '../../src/collect/signatures/allowed-signers.js';
import { verifySshSignature } from '../../src/collect/signatures/sshsig.js';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import {
  catCommit,
  craftKey,
  craftSshSignature,
  gitSignatureInfo,
  signedCommit,
  spliceSignature,
  splitCommit,
  sshMpint,
  sshString,
  writeAllowedSigners,
  writeCommitObject,
  type CraftedKey,
} from '../helpers/ssh.js';
import { craftCert, type CraftedCertFields } from '../helpers/ssh-cert.js';

const AT = '2024-06-01T00:00:00Z';
const AT_SECONDS = BigInt(Date.parse(AT) / 1000);

/** An RSA key of `bits` (node generates small ones; OpenSSH refuses them below 1024). */
function rsaKey(bits: number): CraftedKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const jwk = publicKey.export({ format: 'jwk' });
  const blob = Buffer.concat([
    sshString('ssh-rsa'),
    sshMpint(Buffer.from(jwk.e!, 'base64url')),
    sshMpint(Buffer.from(jwk.n!, 'base64url')),
  ]);
  return {
    blob,
    pub: `ssh-rsa ${blob.toString('base64')}`,
    sign: (d) => Buffer.concat([sshString('rsa-sha2-512'), sshString(cryptoSign('sha512', d, privateKey))]),
  };
}

interface Case {
  oid: string;
  signers: string;
}
let repo: TestRepo;
const cases = new Map<string, Case>();

beforeAll(() => {
  repo = makeRepo();
  const dir = repo.home;
  const ca = craftKey('ed25519');
  const ca2 = craftKey('ed25519');
  const user = craftKey('ed25519');
  const userRsa = craftKey('rsa-sha2-512');
  const payload = catCommit(repo, signedCommit(repo, undefined, 'unsigned', { date: AT }));
  let n = 0;
  const file = (lines: string[]): string => writeAllowedSigners(join(dir, `allowed-${++n}`), lines);
  const star = file([`*@example.com cert-authority ${ca.pub}`]);
  const add = (name: string, key: CraftedKey, signers = star): void => {
    cases.set(name, {
      oid: writeCommitObject(repo, spliceSignature(payload, craftSshSignature(key, payload))),
      signers,
    });
  };
  const cert = (name: string, f: CraftedCertFields, signers = star, u = user, by = ca): void =>
    add(name, craftCert(u, by, f), signers);

  cert('good', {});
  // The CA key is itself a certificate (of the CA key, by ca2).
  const caCert = craftCert(ca, ca2, {});
  add('signature key is a certificate, line trusts its key', { ...craftCert(user, { ...ca, blob: caCert.blob }, {}) });
  add(
    'signature key is a certificate, line trusts its CA',
    craftCert(user, { ...ca, blob: caCert.blob }, {}),
    file([`*@example.com cert-authority ${ca2.pub}`]),
  );
  cert('bytes after the CA signature', { trailing: Buffer.from('\0\0\0\x04evil') });
  cert('a second signature after the first', { trailing: sshString(ca.sign(Buffer.from('x'))) });
  cert('CA signed the fields without its own key', {
    signedBytes: (b) => b.subarray(0, b.length - 4 - ca.blob.length),
  });
  cert('CA signed more than the fields', { signedBytes: (b) => Buffer.concat([b, Buffer.from('more')]) });
  cert('principal with a NUL inside', { principals: [Buffer.from('alice@example.com\0x@evil.example')] });
  cert('principal with a trailing NUL', { principals: [Buffer.from('alice@example.com\0')] });
  cert('principal with a comma', { principals: ['alice@example.com,bob@example.com'] });
  cert('principal "*" under a "*" line', { principals: ['*'] }, file([`* cert-authority ${ca.pub}`]));
  cert('principal "*@example.com"', { principals: ['*@example.com'] });
  cert('principal "?lice@example.com"', { principals: ['?lice@example.com'] });
  cert('empty principal first', { principals: ['', 'alice@example.com'] });
  cert('empty principal only', { principals: [''] }, file([`* cert-authority ${ca.pub}`]));
  cert('no principals', { principals: [] }, file([`* cert-authority ${ca.pub}`]));
  cert('256 principals', { principals: Array.from({ length: 256 }, (_, i) => `p${i}@example.com`) });
  cert('257 principals', { principals: Array.from({ length: 257 }, (_, i) => `p${i}@example.com`) });
  cert('principal section not a string list', { principalSection: Buffer.from('\0\0\0\x10alice') });
  cert('valid_after > valid_before around the commit', {
    validAfter: AT_SECONDS + 10n,
    validBefore: AT_SECONDS - 10n,
  });
  cert('valid_before 2^64-1 (forever)', { validAfter: 0n, validBefore: 0xffffffffffffffffn });
  cert('valid_after 2^63', { validAfter: 1n << 63n });
  cert('valid_before 2^63', { validBefore: 1n << 63n });
  cert('valid_after 2^64-1', { validAfter: 0xffffffffffffffffn });
  cert('valid_before = commit time', { validBefore: AT_SECONDS });
  cert('valid_after = commit time', { validAfter: AT_SECONDS });
  cert('unknown critical option', { critical: [['evil@example.com', 'x']] });
  cert('critical force-command', { critical: [['force-command', '/bin/false']] });
  cert('critical source-address', { critical: [['source-address', '10.0.0.0/8']] });
  cert('critical options malformed', { criticalSection: Buffer.from('\0\0\0\x0dforce-command') });
  cert('critical verify-required', { critical: [['verify-required', '']] });
  cert('unknown extension', { extensions: [['evil@example.com', 'x']] });
  cert('host certificate', { certType: 2 });
  cert('certificate type 3', { certType: 3 });
  cert('ed25519 cert type wrapping an RSA key', { type: 'ssh-ed25519-cert-v01@openssh.com' }, star, userRsa);
  cert('RSA cert type wrapping an Ed25519 key', { type: 'ssh-rsa-cert-v01@openssh.com' });
  const smallCa = rsaKey(768);
  cert('RSA CA of 768 bits', {}, file([`*@example.com cert-authority ${smallCa.pub}`]), user, smallCa);
  const rsaCa = rsaKey(1024);
  cert('RSA CA of 1024 bits', {}, file([`*@example.com cert-authority ${rsaCa.pub}`]), user, rsaCa);
  for (const kind of ['sk-ed25519', 'sk-ecdsa', 'ssh-rsa-sha1', 'rsa-sha2-256'] as const) {
    const k = craftKey(kind);
    cert(`${kind} CA`, {}, file([`*@example.com cert-authority ${k.pub}`]), user, k);
  }
  const skUser = craftKey('sk-ed25519');
  cert('certificate of a security key', {}, star, skUser);
  cert('empty nonce', { nonce: Buffer.alloc(0) });
  cert('non-empty reserved', { reserved: Buffer.from('r') });
  cert('user key as its own CA', {}, file([`*@example.com cert-authority ${user.pub}`]), user, user);
  cert('cert signed by ca2, line trusts ca', {}, star, user, ca2);
  cert('CA line holds a certificate of the CA key', {}, file([`*@example.com cert-authority ${caCert.pub}`]));
  cert('plain line holds the CA key', {}, file([`alice@example.com ${ca.pub}`]));
  cert(
    'cert with uppercase principal, line for lowercase',
    { principals: ['ALICE@example.com'] },
    file([`alice@example.com cert-authority ${ca.pub}`]),
  );
  // The sshsig signature made by the CA key, not the certified key.
  add('sshsig made by the CA, not the certified key', { ...craftCert(user, ca, {}), sign: (d) => ca.sign(d) });
}, 120_000);

afterAll(() => cleanupTemp());

test('crafted certificates: the same letter as git, and for G the same principal', () => {
  const differ: string[] = [];
  for (const [name, c] of cases) {
    const split = splitCommit(catCommit(repo, c.oid));
    const signers = parseAllowedSigners(readFileSync(c.signers, 'utf8'), c.signers, { onInvalid: () => undefined });
    const v = verifySshSignature(split.payload, split.signature, signers, {
      at: split.committerTime,
      identity: split.committerEmail,
    });
    const git = gitSignatureInfo(repo, c.oid, c.signers);
    const same = v.letter === git.letter && (git.letter !== 'G' || v.identities.includes(git.signer));
    if (!same) differ.push(`${name}: git ${git.letter} ${git.signer}, ours ${v.letter} ${v.identities[0] ?? v.reason}`);
  }
  expect(cases.size).toBeGreaterThan(40);
  expect(differ).toEqual([]);
});
