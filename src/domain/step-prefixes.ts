// What the steps before each step of a job leave it (collect/github-gate.ts stepsIn): whether one loses
// the gate, the Earliers they run (the chain reads those files at the commit) and what they restored.
// Read once along the list: each step taking a copy of the results before it (slice, filter, spread)
// made a job of 11,000 one-line steps allocate ~60 million entries, 15 of the hostile CI history's 34
// GB allocated (README, Benchmark). A step adding nothing shares the list of the step before it.
import { isEarlier, type Earlier, type EarlierResult } from './earlier-steps.js';
import { restoredBy, type Restored } from './checkout-writes.js';

/** What the steps above a step leave it. */
export interface StepPrefix {
  lost: boolean;
  before: readonly Earlier[];
  restored?: Restored;
}

/**
 * For each k, what `above` and `earlier`'s first k results (earlierStep's, in order) leave the k-th
 * step: lost where one of them is true, their Earliers after above's, restoredBy over them.
 */
export function stepPrefixes(above: StepPrefix, earlier: readonly EarlierResult[]): StepPrefix[] {
  const out: StepPrefix[] = [];
  let [lost, before] = [above.lost, above.before];
  // The flags restoredBy reads of a list, each once: it asks only whether one is there.
  const flags: EarlierResult[] = [];
  let restored = restoredBy(above.restored, flags);
  for (const e of earlier) {
    out.push({ lost, before, restored });
    lost ||= e === true;
    if (isEarlier(e) && e.length) before = [...before, ...e];
    if ((e === 'workspace' || e === 'written') && !flags.includes(e)) {
      flags.push(e);
      restored = restoredBy(above.restored, flags);
    }
  }
  return out;
}
