// Fuzz target: allowed_signers files (from a policy's tree or the user). parseAllowedSigners throws
// only AllowedSignersError, and in skip mode (what OpenSSH does) never throws.
import { AllowedSignersError, parseAllowedSigners } from '../../src/collect/signatures/allowed-signers.js';
import { fixture, fuzz, mutated, TEST_TIMEOUT } from './harness.js';

const TOKENS = [
  '"',
  ',',
  '!',
  '*',
  '?',
  ' namespaces="git"',
  ' valid-before="20300101"',
  ' valid-after="20200101Z"',
  ' cert-authority',
  '#',
  '\n',
  '\t',
  ' ssh-ed25519 ',
  ' ecdsa-sha2-nistp256 ',
  ' ssh-rsa ',
  'AAAAC3NzaC1lZDI1NTE5AAAA',
];

test(
  'allowed_signers: no crash, no hang',
  async () => {
    await fuzz(
      'allowed-signers',
      mutated([fixture('allowed_signers')], TOKENS),
      (bytes) => {
        const text = Buffer.from(bytes).toString('utf8');
        parseAllowedSigners(text, 'f', { onInvalid: () => undefined });
        parseAllowedSigners(text, 'f');
      },
      (e) => e instanceof AllowedSignersError,
    );
  },
  TEST_TIMEOUT,
);
