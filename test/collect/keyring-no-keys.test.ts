// A policy with no keys/ (SSH signers only), or no --keyring: collect/signatures/keyring.ts answers
// without openpgp.js, which costs a pre-push hook ~50 ms of CPU to load. It must answer exactly as
// the empty keyring openpgp.ts builds, including for an OpenPGP signature judged against it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadKeyring } from '../../src/collect/signatures/keyring.js';
import { loadKeyring as loadOpenPgpKeyring } from '../../src/collect/signatures/openpgp.js';
import { commitSignature } from '../helpers/gpg.js';
import { ROOT } from '../helpers/cli.js';

const FIX = join(ROOT, 'test/fixtures/openpgp');

test('no key files: the same keyring as openpgp.js builds from none, and the same verdict on a real signature', async () => {
  const raw = readFileSync(join(FIX, 'web-flow-d9453db1952711963cbb68c37a04bef15959d6e3.commit'));
  const { payload, signature } = commitSignature('d9453db1952711963cbb68c37a04bef15959d6e3', raw);
  const lazy = await loadKeyring([], { selfSignatureHashes: true });
  const real = await loadOpenPgpKeyring([], { selfSignatureHashes: true });
  expect([lazy.size, lazy.keys(), await lazy.hardRevocations(), await lazy.identities('4AEE18F83AFDEB23')]).toEqual([
    real.size,
    real.keys(),
    await real.hardRevocations(),
    await real.identities('4AEE18F83AFDEB23'),
  ]);
  const verdict = await lazy.verify(payload, signature!);
  expect(verdict).toEqual(await real.verify(payload, signature!));
  expect([verdict.letter, verdict.signingKey, verdict.reason]).toEqual([
    'E',
    '4AEE18F83AFDEB23',
    'no key 4AEE18F83AFDEB23 in the keyring',
  ]);
  // Not signatures at all: the same answer too.
  expect(await lazy.verify(payload, 'not a signature')).toEqual(await real.verify(payload, 'not a signature'));
});

test('key files: still read by openpgp.js (a bad one is refused, naming it)', async () => {
  await expect(loadKeyring([{ file: 'keys/bad.asc', data: Buffer.from('not a key') }])).rejects.toThrow(
    /^keys\/bad\.asc: not a readable OpenPGP key file/,
  );
});
