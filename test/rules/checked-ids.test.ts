// actions-run.ts checkedIds: the ids of a list's steps a later step fails the job on (failsOnOutcome),
// where that step comes first, from one walk: equal to scanning the steps before each one for its id
// (github-gate.ts's reading before, quadratic: test/cli/redteam70-yaml-aliases).
import { checkedIds, failsOnOutcome, type OutcomeStep } from '../../src/domain/actions-run.js';

const step = (id: unknown, on?: string): OutcomeStep => ({
  id,
  if: on === undefined ? undefined : `steps.${on}.outcome == 'failure'`,
  run: on === undefined ? 'make' : 'exit 1',
  lenient: undefined,
});
/** Every list of `n` steps, each with id a, b or none, checking a, b or nothing. */
const KINDS = ['a', 'b', undefined].flatMap((id) => [undefined, 'a', 'b'].map((on) => step(id, on)));
const lists = (n: number): OutcomeStep[][] =>
  n === 0 ? [[]] : lists(n - 1).flatMap((l) => KINDS.map((k) => [...l, k]));

test('the ids checked are those a scan of the steps before each would find', () => {
  for (const steps of [1, 2, 3].flatMap(lists)) {
    const scanned = steps.flatMap((s, k) => {
      const id = failsOnOutcome(s.if, s.run, s.lenient);
      return id !== undefined && steps.slice(0, k).some((b) => b.id === id) ? [id] : [];
    });
    expect([...checkedIds(steps)].sort()).toEqual([...new Set(scanned)].sort());
  }
});

test('a check before the step it names checks nothing; after it, it does', () => {
  expect([...checkedIds([step(undefined, 'a'), step('a')])]).toEqual([]);
  expect([...checkedIds([step('a'), step(undefined, 'a')])]).toEqual(['a']);
});
