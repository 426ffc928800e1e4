// Keeps the first N findings of a rule (each bounded: finding-bounds.ts) and counts the rest, so a history of a million
// unsigned commits reports a number and a sample, not a million objects in memory.
import type { Finding, Outcome, RuleEvaluation, VisitorState } from '../../domain/model.js';
import { boundFinding } from '../../domain/finding-bounds.js';

export class FindingList {
  readonly items: Finding[] = [];
  count = 0;
  /** `saved`: what save() returned in an earlier run (resumed by an incremental walk). */
  constructor(
    private readonly limit: number,
    saved?: unknown,
  ) {
    const s = saved as { items?: Finding[]; count?: number } | undefined;
    if (s && Array.isArray(s.items) && typeof s.count === 'number') {
      this.items.push(...s.items.slice(0, limit));
      this.count = s.count;
    }
  }

  save(): { items: Finding[]; count: number } {
    return { items: this.items, count: this.count };
  }

  add(f: Finding): void {
    this.count += 1;
    if (this.items.length < this.limit) this.items.push(boundFinding(f));
  }

  /** Like add, but the finding is only built while there is room for it (a rule failing on every commit). */
  addLazy(make: () => Finding): void {
    this.count += 1;
    if (this.items.length < this.limit) this.items.push(boundFinding(make()));
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

/** A rule's counters, resumed from an earlier run's saved state where it has them. */
export function resumeCounts<T extends Record<string, number>>(initial: T, saved: VisitorState | undefined): T {
  const out = { ...initial };
  const from = saved?.counts as Record<string, unknown> | undefined;
  for (const k of Object.keys(initial) as Array<keyof T>) {
    const v = from?.[k as string];
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = v as T[keyof T];
  }
  return out;
}
