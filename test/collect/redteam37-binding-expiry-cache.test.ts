// A G verdict resting on a subkey binding that expires later (its own signature expiration) holds
// only until then: gpg ignores the binding from that moment and git's letter becomes E. The verify
// cache redoes such a verdict once the time has passed, as it does for a key's or signature's expiry.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VerifyCache } from '../../src/collect/verify-cache.js';
import type { Verdict } from '../../src/domain/signature.js';

const good = (bindingExpiresAt: number): Verdict => ({
  letter: 'G',
  format: 'openpgp',
  identities: ['alice@example.com'],
  signer: 'ABCD',
  bindingExpiresAt,
  signedAt: 1_700_000_000,
});

test('a cached G whose binding has since expired is redone; one whose binding is still live is read back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gg-cache-'));
  const env = { HOME: mkdtempSync(join(tmpdir(), 'gg-home-')) };
  const now = Math.floor(Date.now() / 1000);
  const first = VerifyCache.open(dir, env)!;
  first.set('1'.repeat(40), 'keys:a', good(now - 1));
  first.set('2'.repeat(40), 'keys:a', good(now + 86400));
  first.save();
  const second = VerifyCache.open(dir, env)!;
  expect(second.get('1'.repeat(40), 'keys:a')).toBeUndefined();
  expect(second.get('2'.repeat(40), 'keys:a')).toEqual(good(now + 86400));
});
