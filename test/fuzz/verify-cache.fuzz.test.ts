// Fuzz target: .git/gitguard/verify-cache.json. The HMAC keeps forged files out, so the fuzzer signs
// each mutated body with the test's own secret to reach the parser behind it: open, lookups, size
// and save never throw, whatever an authenticated body holds.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VerifyCache } from '../../src/collect/verify-cache.js';
import { openSealed, sealState } from '../../src/collect/state-secret.js';
import { tempDir, cleanupTemp } from '../helpers/repo.js';
import { fuzz, mutated, TEST_TIMEOUT } from './harness.js';

afterAll(cleanupTemp);

const OID = '0123456789abcdef0123456789abcdef01234567';
const TOKENS = [
  '{',
  '}',
  '[',
  ']',
  '"',
  ':',
  ',',
  'null',
  '"__proto__"',
  '"shapes"',
  '"groups"',
  '"revocations"',
  '"keysets"',
  ` ${OID}`,
  '\\n',
  '0000',
  'zzzz',
];

test(
  'verify-cache.json: no crash, no hang',
  async () => {
    const home = tempDir('gg-fuzz-cache-');
    const env = { HOME: home, XDG_CACHE_HOME: join(home, 'cache') };
    const common = join(home, 'git');
    mkdirSync(join(common, 'gitguard'), { recursive: true });
    // A real cache as the seed: written by VerifyCache itself.
    const c = VerifyCache.open(common, env)!;
    c.set(OID, 'trust1', {
      letter: 'G',
      format: 'openpgp',
      identities: ['a@example.com'],
      signer: 'ABCD',
      signedAt: 1_700_000_000,
    } as never);
    c.set(`${OID.slice(0, -1)}8`, 'trust1', { letter: 'N', format: 'none', identities: [] } as never);
    c.setHardRevocations('policy:t', [{ fingerprint: 'ABCD', primary: 'ABCD', reason: 2 }]);
    c.markGoodKeys('keys1');
    c.save();
    const { readFileSync } = await import('node:fs');
    const file = join(common, 'gitguard', 'verify-cache.json');
    const saved = readFileSync(file, 'utf8');
    const body = saved.slice(saved.indexOf('\n') + 1);
    const secret = readFileSync(join(home, 'cache', 'gitguard', 'cache-secret'));
    // Sealed as the cache seals itself, under the version the seed was written with (not a copy of it).
    const version = (JSON.parse(body) as { version: string }).version;
    expect(openSealed(secret, version, saved)).toBe(body); // the fuzzer's seal is the one the cache checks
    const sign = (b: string): string => sealState(secret, version, b);
    expect(VerifyCache.open(common, env)!.get(OID, 'trust1')?.letter).toBe('G'); // the seed is read

    await fuzz(
      'verify-cache',
      mutated([Buffer.from(body)], TOKENS),
      (bytes) => {
        writeFileSync(file, sign(Buffer.from(bytes).toString('utf8')));
        const cache = VerifyCache.open(common, env)!;
        for (const oid of [OID, `${OID.slice(0, -1)}8`, 'f'.repeat(40), '']) cache.get(oid, 'trust1');
        cache.hardRevocations('policy:t');
        cache.knownGoodKeys('keys1');
        void cache.size;
        cache.set(OID, 'trust2', { letter: 'N', format: 'none', identities: [] } as never);
        cache.save();
      },
      () => false,
      300,
    );
  },
  TEST_TIMEOUT,
);
