// stepPrefixes (src/domain/step-prefixes.ts) against its definition: for the k-th step, the first k
// results of earlierStep read as a slice (lost where one is true, their Earliers after the job's,
// restoredBy over them), as github-gate.ts stepsIn read them per step before.
import { describe, expect, it } from '@jest/globals';
import { stepPrefixes, type StepPrefix } from '../../src/domain/step-prefixes.js';
import { restoredBy } from '../../src/domain/checkout-writes.js';
import { isEarlier, type Earlier, type EarlierResult } from '../../src/domain/earlier-steps.js';

const run = (script: string): Earlier => ({ script, folder: '', goMoved: false });

function bySlices(above: StepPrefix, earlier: readonly EarlierResult[]): StepPrefix[] {
  return earlier.map((_, k) => {
    const first = earlier.slice(0, k);
    return {
      lost: above.lost || first.includes(true),
      before: [...above.before, ...first.filter(isEarlier).flat()],
      restored: restoredBy(above.restored, first),
    };
  });
}

const results: EarlierResult[] = [
  false,
  [run('./a.sh')],
  [],
  'written',
  true,
  'workspace',
  [run('./b.sh'), run('./c.sh')],
];

describe('stepPrefixes', () => {
  it.each([
    ['a plain job', { lost: false, before: [], restored: undefined }],
    ['a job lost above', { lost: true, before: [run('./x')], restored: false }],
    ['files written above', { lost: false, before: [], restored: 'written' }],
    ['a restore above', { lost: false, before: [], restored: true }],
  ] as Array<[string, StepPrefix]>)('%s: each order of the results as the slices give it', (_, above) => {
    // Every rotation and its reverse: each result before and after each other.
    for (let r = 0; r < results.length; r += 1) {
      const order = [...results.slice(r), ...results.slice(0, r)];
      for (const list of [order, [...order].reverse()])
        expect(stepPrefixes(above, list)).toEqual(bySlices(above, list));
    }
  });

  it('shares the list of Earliers while no step adds one', () => {
    const out = stepPrefixes({ lost: false, before: [run('./x')] }, [false, false, [run('./y')], false]);
    expect(out[1]!.before).toBe(out[0]!.before);
    expect(out[3]!.before).not.toBe(out[2]!.before);
    expect(out[3]!.before.map((e) => e.script)).toEqual(['./x', './y']);
  });
});
