// Keeps the first N findings of a rule in full and counts the rest, so a history of a million
// unsigned commits reports a number and a sample, not a million objects in memory.
import type { Finding, Outcome, RuleEvaluation } from '../../domain/model.js';

export class FindingList {
  readonly items: Finding[] = [];
  count = 0;
  constructor(private readonly limit: number) {}

  add(f: Finding): void {
    this.count += 1;
    if (this.items.length < this.limit) this.items.push(f);
  }

  /** Like add, but the finding is only built while there is room for it (a rule failing on every commit). */
  addLazy(make: () => Finding): void {
    this.count += 1;
    if (this.items.length < this.limit) this.items.push(make());
  }

  /** `whenFound` if anything was added, else pass (with an optional note). */
  evaluation(whenFound: Outcome = 'fail', note?: string): RuleEvaluation {
    return {
      outcome: this.count ? whenFound : 'pass',
      findings: this.items,
      findingCount: this.count,
      ...(note ? { note } : {}),
    };
  }
}

/** Builds an evaluation when a fact the rule needs could not be collected. */
export function notAvailable(reason: string): RuleEvaluation {
  return { outcome: 'not-available', note: reason };
}
