// The verdict cache file: what one run stores, the next reads back, whatever order commits came in.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VerifyCache } from '../../src/collect/verify-cache.js';
import { inRun } from '../../src/collect/run-context.js';
import type { Verdict } from '../../src/domain/signature.js';

const env = (): NodeJS.ProcessEnv => ({ HOME: mkdtempSync(join(tmpdir(), 'gg-home-')) });
const oid = (n: number, len = 40): string => n.toString(16).padStart(len, '0');
const good = (signedAt?: number): Verdict => ({
  letter: 'G',
  format: 'openpgp',
  identities: ['a@example.com'],
  signer: 'ABCD',
  ...(signedAt === undefined ? {} : { signedAt }),
});
const unknown: Verdict = { letter: 'E', format: 'openpgp', identities: [], missingKey: true, reason: 'no public key' };

describe('VerifyCache', () => {
  test('reads back what it stored, per key set, after several runs that add commits in any order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gg-cache-'));
    const e = env();
    const first = VerifyCache.open(dir, e)!;
    for (const n of [50, 3, 900, 7]) first.set(oid(n), 'keys:a', good(1_700_000_000 + n));
    first.set(oid(3), 'policy:t', unknown);
    first.save();
    const second = VerifyCache.open(dir, e)!;
    expect(second.get(oid(900), 'keys:a')).toEqual(good(1_700_000_900));
    expect(second.get(oid(3), 'policy:t')).toEqual(unknown);
    expect(second.get(oid(3), 'keys:b')).toBeUndefined();
    expect(second.get(oid(4), 'keys:a')).toBeUndefined();
    // A later run adds commits before, between and after the stored ones, and replaces one.
    for (const n of [1, 5, 60, 1000]) second.set(oid(n), 'keys:a', good());
    second.set(oid(50), 'keys:a', unknown);
    second.save();
    const third = VerifyCache.open(dir, e)!;
    for (const n of [1, 5, 60, 1000]) expect([n, third.get(oid(n), 'keys:a')]).toEqual([n, good()]);
    for (const n of [3, 7, 900]) expect([n, third.get(oid(n), 'keys:a')]).toEqual([n, good(1_700_000_000 + n)]);
    expect(third.get(oid(50), 'keys:a')).toEqual(unknown);
    expect(third.size).toBe(9);
  });

  test('works for 64-hex (SHA-256) commit ids', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gg-cache-'));
    const e = env();
    const c = VerifyCache.open(dir, e)!;
    c.set(oid(2, 64), 'keys:a', good(5));
    c.set(oid(1, 64), 'keys:a', good(6));
    c.save();
    const again = VerifyCache.open(dir, e)!;
    expect(again.get(oid(1, 64), 'keys:a')).toEqual(good(6));
    expect(again.get(oid(2, 64), 'keys:a')).toEqual(good(5));
  });

  test('a file that does not carry our HMAC is ignored, and one altered after signing too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gg-cache-'));
    const e = env();
    const c = VerifyCache.open(dir, e)!;
    c.set(oid(1), 'keys:a', unknown);
    c.save();
    const file = join(dir, 'gitguard', 'verify-cache.json');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('"letter":"E"', '"letter":"G"'));
    expect(VerifyCache.open(dir, e)!.get(oid(1), 'keys:a')).toBeUndefined();
    expect(VerifyCache.open(dir, env())!.size).toBe(0); // another user's secret
  });

  test('verdicts reached in one local zone are not read back in another (SSH valid-* times are local)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gg-cache-'));
    const e = env();
    const inZone = <T>(TZ: string, f: () => T): T => inRun({ env: { ...e, TZ } }, f);
    inZone('Europe/Dublin', () => {
      const c = VerifyCache.open(dir, e)!;
      c.set(oid(1), 'keys:a', good(1_700_000_001));
      c.save();
    });
    expect(inZone('Europe/Dublin', () => VerifyCache.open(dir, e)!.get(oid(1), 'keys:a'))).toEqual(good(1_700_000_001));
    expect(inZone('UTC', () => VerifyCache.open(dir, e)!.get(oid(1), 'keys:a'))).toBeUndefined();
  });
});
