// Fuzz target: SSH signatures (armour and the SSHSIG blob) as git hands them to us from a commit.
// verifySshSignature never throws; parseSshSignature throws only SshFormatError.
import { parseSshSignature, verifySshSignature } from '../../src/collect/signatures/sshsig.js';
import { parseAllowedSigners } from '../../src/collect/signatures/allowed-signers.js';
import { SshFormatError } from '../../src/collect/signatures/ssh-wire.js';
import { fixture, fuzz, mutated, TEST_TIMEOUT } from './harness.js';

const payload = fixture('payload.txt');
const signers = parseAllowedSigners(fixture('allowed_signers').toString('utf8'), 'allowed_signers');
const seeds = [fixture('ssh.sig')];

test('the seed is a good signature (the target reaches the crypto)', () => {
  expect(
    verifySshSignature(payload, fixture('ssh.sig').toString('latin1'), signers, { at: 1_700_000_000 }).letter,
  ).toBe('G');
});

test(
  'sshsig: no crash, no hang',
  async () => {
    await fuzz(
      'sshsig',
      mutated(seeds, ['-----BEGIN SSH SIGNATURE-----\n', '\n-----END SSH SIGNATURE-----', '=', '\n', 'AAAA']),
      (bytes) => {
        const text = Buffer.from(bytes).toString('latin1');
        const v = verifySshSignature(payload, text, signers, { at: 1_700_000_000 });
        expect(['G', 'B', 'U', 'X', 'Y', 'R', 'E', 'N']).toContain(v.letter);
        parseSshSignature(text);
      },
      (e) => e instanceof SshFormatError,
    );
  },
  TEST_TIMEOUT,
);
