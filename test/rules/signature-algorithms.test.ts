// signature-algorithms-strong over hand-built verdicts (real gpg and ssh-keygen signatures are in
// test/cli/signature-algorithms.test.ts), and the git client's SHA-1 collision detection.
import rule from '../../src/rules/signature-algorithms-strong.js';
import { signatureWeaknesses, weakKey } from '../../src/rules/lib/weak-crypto.js';
import { available, type Facts } from '../../src/domain/model.js';
import { affecting } from '../../src/vulndb/database.js';
import { vulnerabilityDatabase } from '../../src/engine/rule-data.js';
import type { Keyring } from '../../src/domain/keys.js';
import { factsWith, good, policyWith, runTable, trusted } from '../helpers/facts.js';

const pgp = (over: Parameters<typeof good>[1]) =>
  good('k', { format: 'openpgp', signer: 'AB'.repeat(20), signingKey: 'AB'.repeat(20), ...over });
const keyringOf = (keys: ReturnType<Keyring['keys']>): Keyring =>
  ({ size: keys.length, keys: () => keys }) as unknown as Keyring;
const withKeys = (keys: ReturnType<Keyring['keys']>): Facts =>
  factsWith({ policy: available(policyWith({ signers: [], keyring: keyringOf(keys) })) });

describe('signature-algorithms-strong', () => {
  runTable(rule, [
    {
      name: 'passes SHA-256 with RSA-4096 and Ed25519',
      commits: [
        trusted(pgp({ hashAlgorithm: 'sha256', keyAlgorithm: 'rsaEncryptSign', keyBits: 4096 }), undefined),
        trusted(pgp({ hashAlgorithm: 'sha512', keyAlgorithm: 'ed25519' }), undefined),
      ],
      outcome: 'pass',
    },
    {
      name: 'fails a SHA-1 digest',
      commits: [trusted(pgp({ hashAlgorithm: 'sha1', keyAlgorithm: 'ed25519' }), undefined)],
      outcome: 'fail',
      mentions: ['SHA-1 digest'],
    },
    {
      name: 'fails MD5 and RIPEMD-160 digests',
      commits: [
        trusted(pgp({ hashAlgorithm: 'md5' }), undefined),
        trusted(pgp({ hashAlgorithm: 'ripemd' }), undefined),
      ],
      outcome: 'fail',
      mentions: ['MD5 digest', 'RIPEMD-160 digest'],
      findings: 2,
    },
    {
      name: 'fails an RSA-1024 key',
      commits: [trusted(pgp({ hashAlgorithm: 'sha256', keyAlgorithm: 'rsaSign', keyBits: 1024 }), undefined)],
      outcome: 'fail',
      mentions: ['RSA-1024 key'],
    },
    {
      name: 'fails DSA and ElGamal keys',
      commits: [
        trusted(pgp({ hashAlgorithm: 'sha256', keyAlgorithm: 'dsa', keyBits: 2048 }), undefined),
        trusted(pgp({ hashAlgorithm: 'sha256', keyAlgorithm: 'elgamal', keyBits: 4096 }), undefined),
      ],
      outcome: 'fail',
      findings: 2,
    },
    {
      name: 'fails SSH ssh-rsa (SHA-1) and ssh-dss',
      commits: [
        trusted(good('a', { keyAlgorithm: 'ssh-rsa', keyBits: 3072, sshSignatureAlgorithm: 'ssh-rsa' }), undefined),
        trusted(good('b', { keyAlgorithm: 'ssh-dss', sshSignatureAlgorithm: 'ssh-dss' }), undefined),
      ],
      outcome: 'fail',
      mentions: ['ssh-rsa signature algorithm (RSA over SHA-1)', 'DSA key'],
    },
    {
      name: 'passes SSH rsa-sha2-512 with a 3072-bit key',
      commits: [
        trusted(
          good('a', { keyAlgorithm: 'ssh-rsa', keyBits: 3072, sshSignatureAlgorithm: 'rsa-sha2-512' }),
          undefined,
        ),
      ],
      outcome: 'pass',
    },
    {
      name: 'fails an SSH certificate its CA signed with ssh-rsa (SHA-1), or issued by a DSA CA',
      commits: [
        trusted(
          good('a', {
            keyAlgorithm: 'ssh-ed25519',
            sshSignatureAlgorithm: 'ssh-ed25519',
            certAuthority: 'SHA256:ca',
            certAuthorityAlgorithm: 'ssh-rsa',
            certAuthorityBits: 3072,
            certSignatureAlgorithm: 'ssh-rsa',
          }),
          undefined,
        ),
        trusted(
          good('b', {
            keyAlgorithm: 'ssh-ed25519',
            sshSignatureAlgorithm: 'ssh-ed25519',
            certAuthority: 'SHA256:dsa-ca',
            certAuthorityAlgorithm: 'ssh-dss',
            certSignatureAlgorithm: 'ssh-dss',
          }),
          undefined,
        ),
      ],
      outcome: 'fail',
      mentions: [
        'certificate signed by its CA with ssh-rsa (RSA over SHA-1)',
        'certificate issued by a CA with a DSA key',
      ],
    },
    {
      name: 'passes an SSH certificate its 3072-bit RSA CA signed with rsa-sha2-512',
      commits: [
        trusted(
          good('a', {
            keyAlgorithm: 'ssh-ed25519',
            sshSignatureAlgorithm: 'ssh-ed25519',
            certAuthority: 'SHA256:ca',
            certAuthorityAlgorithm: 'ssh-rsa',
            certAuthorityBits: 3072,
            certSignatureAlgorithm: 'rsa-sha2-512',
          }),
          undefined,
        ),
      ],
      outcome: 'pass',
    },
    {
      name: 'not applicable with nothing signed and no keys',
      commits: [trusted({ letter: 'N', format: 'none', identities: [] }, undefined)],
      outcome: 'not-applicable',
    },
    {
      name: 'fails a trusted key with SHA-1 self-signatures',
      facts: withKeys([
        {
          fingerprint: 'CD'.repeat(20),
          subkeys: [],
          files: ['.gitguard/keys/a.asc'],
          algorithm: 'ed25519',
          selfSignatureHashes: ['sha1', 'sha512'],
        },
      ]),
      outcome: 'fail',
      mentions: ['its self-signatures use SHA-1'],
    },
    {
      name: 'passes a trusted key with SHA-512 self-signatures',
      facts: withKeys([
        { fingerprint: 'CD'.repeat(20), subkeys: [], files: [], algorithm: 'ed25519', selfSignatureHashes: ['sha512'] },
      ]),
      outcome: 'pass',
    },
  ]);

  test('signatures whose algorithms could not be read are counted, not judged', () => {
    const v = rule.start(factsWith(), {
      meta: { id: rule.id } as never,
      findingLimit: 10,
      data: { vulnerabilities: vulnerabilityDatabase },
    });
    v.visit(
      trusted(
        { letter: 'E', format: 'openpgp', identities: [], reason: 'no OpenPGP keys to check against' },
        undefined,
      ),
    );
    const ev = v.finish();
    expect([ev.outcome, ev.note]).toEqual([
      'pass',
      "1 signature(s) checked; 1 not readable without the signer's key (supply it with --keyring/--allowed-signers or the policy)",
    ]);
  });

  test('weakness phrases', () => {
    expect(signatureWeaknesses(pgp({ hashAlgorithm: 'sha1', keyAlgorithm: 'rsaEncryptSign', keyBits: 1024 }))).toEqual([
      'SHA-1 digest',
      'RSA-1024 key (under 2048 bits)',
    ]);
    expect(weakKey('rsaEncryptSign', 2048)).toBeUndefined();
    expect(weakKey('ecdsa', undefined)).toBeUndefined();
  });
});

describe('the git client without SHA-1 collision detection', () => {
  test('git before 2.13.0 is affected by CVE-2005-4900; 2.13.0 and later are not', () => {
    const db = vulnerabilityDatabase('git');
    expect(affecting(db, '2.12.5', 'linux').map((e) => e.id)).toContain('CVE-2005-4900');
    expect(affecting(db, '2.13.0', 'linux').map((e) => e.id)).not.toContain('CVE-2005-4900');
  });
});
