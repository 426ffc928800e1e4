// checkout-writes.ts eachAbove: what a job's steps above each step give it, from one walk of the list,
// equal to reading each step's whole prefix again (restoredBy over it, its Earliers flattened, any
// step losing the gate), the reading github-gate.ts made per item before (quadratic in the list: a
// script list of 45,000 aliases took minutes, test/cli/redteam70-yaml-aliases).
import { eachAbove, restoredBy, type StepsAbove } from '../../src/domain/checkout-writes.js';
import { earliersOf, type Earlier, type EarlierResult } from '../../src/domain/earlier-steps.js';

const run = (script: string): Earlier[] => [{ script, folder: null, goMoved: false }];
const restore = (reach: 'plain' | 'workspace', path?: string): EarlierResult => ({
  kind: 'restore',
  reach,
  paths: path ? [{ script: '', folder: '', goMoved: false, restore: { path, reach } }] : [],
});
const KINDS: EarlierResult[] = [
  { kind: 'none' },
  { kind: 'loses' },
  restore('plain'),
  restore('workspace'),
  restore('plain', 'dist'),
  { kind: 'written' },
  { kind: 'written', paths: { written: ['v.txt'], removed: [] } },
  { kind: 'written', paths: { written: [], removed: ['node_modules'] } },
  { kind: 'runs', steps: run('./a.sh') },
];
const ABOVE: StepsAbove[] = [
  { lost: false, before: [], restored: undefined },
  { lost: true, before: run('./up.sh'), restored: { written: true } },
  { lost: false, before: [], restored: true },
];

/** Every list of `n` steps drawn from KINDS. */
const lists = (n: number): EarlierResult[][] =>
  n === 0 ? [[]] : lists(n - 1).flatMap((l) => KINDS.map((k) => [...l, k]));

test.each(ABOVE)('each step sees its prefix as a fresh reading of it would (above %j)', (above) => {
  for (const earlier of [0, 1, 2, 3].flatMap(lists)) {
    const got = eachAbove(above, earlier);
    expect(got).toHaveLength(earlier.length);
    got.forEach((here, k) => {
      const prefix = earlier.slice(0, k);
      expect(here).toEqual({
        lost: above.lost || prefix.some((e) => e.kind === 'loses'),
        before: [...above.before, ...prefix.flatMap(earliersOf)],
        restored: restoredBy(above.restored, prefix),
      });
    });
  }
});

test('steps with no Earlier between them share one `before` (not a copy per step)', () => {
  const got = eachAbove({ lost: false, before: [], restored: undefined }, [
    { kind: 'runs', steps: run('./a.sh') },
    { kind: 'none' },
    { kind: 'written' },
    { kind: 'none' },
  ]);
  expect(got[1]!.before).toBe(got[3]!.before);
  expect(got[1]!.before).toEqual(run('./a.sh'));
});
