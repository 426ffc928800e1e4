// Fuzz target: SSH certificates inside sshsig signatures (PROTOCOL.certkeys), mutated as bytes and
// armoured again so that the mutations reach the certificate parser and its CA-signature check.
// verifySshSignature never throws; parseSshPublicKey throws only SshFormatError.
// Seeds: test/fixtures/fuzz/ssh-cert.sig, a signature over payload.txt by a user certificate
// (principals seed@example.com and other@example.com, force-command) that a throwaway CA issued with
// ssh-keygen -s; allowed_signers-ca trusts that CA for *@example.com.
import { parseSshPublicKey } from '../../src/collect/signatures/ssh-key.js';
import { verifySshSignature } from '../../src/collect/signatures/sshsig.js';
import { parseAllowedSigners } from '../../src/collect/signatures/allowed-signers.js';
import { SshFormatError, SshReader } from '../../src/collect/signatures/ssh-wire.js';
import { fixture, fuzz, mutated, TEST_TIMEOUT } from './harness.js';

const payload = fixture('payload.txt');
const signers = parseAllowedSigners(fixture('allowed_signers-ca').toString('utf8'), 'allowed_signers-ca');
const armored = fixture('ssh-cert.sig').toString('latin1');
const blob = Buffer.from(
  armored
    .split('\n')
    .filter((l) => l && !l.startsWith('-----'))
    .join(''),
  'base64',
);
const armor = (b: Uint8Array): string =>
  `-----BEGIN SSH SIGNATURE-----\n${Buffer.from(b).toString('base64')}\n-----END SSH SIGNATURE-----\n`;
/** The certificate blob inside the sshsig blob (magic, version, then the key as a string). */
const certOf = (b: Uint8Array): Uint8Array => {
  const r = new SshReader(b);
  r.bytes(6);
  r.u32();
  return r.string();
};

test('the seed is a good certificate signature for its principal (the target reaches the crypto)', () => {
  const v = verifySshSignature(payload, armored, signers, { at: 1_700_000_000, identity: 'seed@example.com' });
  expect(v).toMatchObject({ letter: 'G', identities: ['seed@example.com', 'other@example.com'] });
  expect(parseSshPublicKey(certOf(blob)).cert?.principals).toEqual(['seed@example.com', 'other@example.com']);
});

test(
  'ssh certificates: no crash, no hang',
  async () => {
    await fuzz(
      'ssh-certificate',
      mutated([blob], ['ssh-ed25519-cert-v01@openssh.com', '\u0000\u0000\u0000\u0001', '\u00ff\u00ff\u00ff\u00ff']),
      (bytes) => {
        const v = verifySshSignature(payload, armor(bytes), signers, { at: 1_700_000_000 });
        expect(['G', 'B', 'U', 'E']).toContain(v.letter);
        parseSshPublicKey(certOf(bytes));
      },
      (e) => e instanceof SshFormatError,
    );
  },
  TEST_TIMEOUT,
);
