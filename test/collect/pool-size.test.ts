// How many verification threads a walk starts (trust-verifier.ts threadsFor): none for a short
// walk, whose signatures the main thread checks for less than a thread costs to start, then one
// per 4,096 commits, never more than the pool's own size (one per core, up to 4). The verdicts do
// not depend on it: test/cli/signatures.test.ts and mergetags.test.ts compare the pool's path
// with the main thread's on real signatures.
import { threadsFor } from '../../src/collect/trust-verifier.js';
import { poolSize } from '../../src/collect/signatures/pool.js';

describe('the verification pool is sized by the walk', () => {
  test('a short walk starts no thread', () => {
    for (const n of [0, 1, 65, 2000, 4095]) expect(threadsFor(n)).toBe(0);
  });

  test('one thread per 4,096 commits, up to the pool size', () => {
    expect(threadsFor(4096)).toBe(Math.min(1, poolSize()));
    expect(threadsFor(8191)).toBe(Math.min(1, poolSize()));
    expect(threadsFor(8192)).toBe(Math.min(2, poolSize()));
    expect(threadsFor(1_000_000)).toBe(poolSize());
  });

  test('a walk of unknown length gets the whole pool, as before', () => {
    expect(threadsFor(undefined)).toBe(poolSize());
  });
});
