// Fuzz target: OpenPGP key files (armoured and binary packets, from a policy's keys/) and detached
// signatures (armour, from commits). loadKeyring refuses a bad file with an Error naming it;
// keyring.verify never throws.
import * as openpgp from 'openpgp';
import { loadKeyring } from '../../src/collect/signatures/openpgp.js';
import {
  criticalProblem,
  gpgIssuer,
  signaturePacketBodies,
  subpacketAreas,
} from '../../src/collect/signatures/openpgp-critical.js';
import { fixture, fuzz, mutated, TEST_TIMEOUT } from './harness.js';

const payload = fixture('payload.txt');
const ARMOUR = [
  '-----BEGIN PGP PUBLIC KEY BLOCK-----\n',
  '-----END PGP PUBLIC KEY BLOCK-----',
  '-----BEGIN PGP SIGNATURE-----\n',
  '-----END PGP SIGNATURE-----',
  '\n=',
  'Comment: x\n',
  '\n\n',
];
const refused = (e: unknown): boolean => e instanceof Error && /^f\.asc: /.test(e.message);

test('the seeds are a good key and a good signature', async () => {
  const k = await loadKeyring([{ file: 'k.asc', data: fixture('openpgp-key.asc') }]);
  expect((await k.verify(payload, fixture('openpgp.sig').toString('latin1'))).letter).toBe('G');
});

test(
  'openpgp key files: no crash, no hang',
  async () => {
    await fuzz(
      'openpgp-keys',
      mutated([fixture('openpgp-key.asc'), fixture('openpgp-key.gpg')], ARMOUR),
      async (bytes) => {
        const k = await loadKeyring([{ file: 'f.asc', data: bytes }], {
          limits: { userIds: 100, subkeys: 100, selfSignatures: 1000 },
        });
        for (const info of k.keys()) await k.identities(info.fingerprint);
        await k.hardRevocations();
        await k.verify(payload, fixture('openpgp.sig').toString('latin1'));
      },
      refused,
      200,
    );
  },
  TEST_TIMEOUT,
);

test(
  'openpgp signatures: no crash, no hang',
  async () => {
    const k = await loadKeyring([{ file: 'k.asc', data: fixture('openpgp-key.asc') }]);
    await fuzz(
      'openpgp-signatures',
      mutated([fixture('openpgp.sig')], ARMOUR),
      async (bytes) => {
        const v = await k.verify(payload, Buffer.from(bytes).toString('latin1'));
        expect(['G', 'B', 'U', 'X', 'Y', 'R', 'E']).toContain(v.letter);
      },
      () => false,
      300,
    );
  },
  TEST_TIMEOUT,
);

test(
  'signature packets walked as gpg walks them (critical subpackets, issuer): no crash, no hang',
  async () => {
    const bin = (await openpgp.unarmor(fixture('openpgp.sig').toString('latin1'))).data as Uint8Array;
    await fuzz(
      'openpgp-subpackets',
      mutated([Buffer.from(bin)], ['\x80', '\xff', '\xc0', '\0', '\x94']),
      (bytes) => {
        for (const body of signaturePacketBodies(bytes) ?? [bytes]) {
          const areas = subpacketAreas(body);
          if (!areas) continue;
          criticalProblem(areas.hashed, areas.unhashed);
          gpgIssuer(areas.hashed, areas.unhashed);
        }
      },
      () => false,
      300,
    );
  },
  TEST_TIMEOUT,
);
