// A verdict resting on a self-signature that expires later (a user-ID certification or a direct-key
// signature with its own signature expiration) holds only until then: gpg then expires the user ID
// (no address) or ignores the signature (an older one speaks). The same for a key dated in the future
// once the clock reaches it. The verify cache redoes such a verdict, whatever its letter, once that
// time (keyFactsChangeAt) has passed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VerifyCache } from '../../src/collect/verify-cache.js';
import type { Verdict } from '../../src/domain/signature.js';

const verdict = (letter: 'G' | 'E', keyFactsChangeAt: number): Verdict => ({
  letter,
  format: 'openpgp',
  identities: letter === 'G' ? ['alice@example.com'] : [],
  signer: 'ABCD',
  keyFactsChangeAt,
  signedAt: 1_700_000_000,
});

test('a cached verdict whose key facts have changed since is redone, G or E; one still live is read back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gg-cache-'));
  const env = { HOME: mkdtempSync(join(tmpdir(), 'gg-home-')) };
  const now = Math.floor(Date.now() / 1000);
  const first = VerifyCache.open(dir, env)!;
  first.set('1'.repeat(40), 'keys:a', verdict('G', now - 1));
  first.set('2'.repeat(40), 'keys:a', verdict('E', now - 1));
  first.set('3'.repeat(40), 'keys:a', verdict('G', now + 86400));
  first.save();
  const second = VerifyCache.open(dir, env)!;
  expect(second.get('1'.repeat(40), 'keys:a')).toBeUndefined();
  expect(second.get('2'.repeat(40), 'keys:a')).toBeUndefined();
  expect(second.get('3'.repeat(40), 'keys:a')).toEqual(verdict('G', now + 86400));
});
