// Outcomes x severity x --fail-on -> exit code. Warnings never fail; an error means the audit
// could not be completed, which is exit 2 unless something already failed.
import { EXIT } from '../errors.js';
import {
  severityRank,
  type Outcome,
  type RuleEvaluation,
  type RuleMeta,
  type RuleResult,
  type Severity,
} from './model.js';

export type Summary = Record<Outcome, number>;

export function summarise(results: RuleResult[]): Summary {
  const s: Summary = { pass: 0, fail: 0, warn: 0, 'not-applicable': 0, 'not-available': 0, error: 0 };
  for (const r of results) s[r.outcome] += 1;
  return s;
}

/** Whether a result fails the run at this threshold. */
export function failsRun(result: RuleResult, failOn: Severity): boolean {
  return result.outcome === 'fail' && severityRank(result.severity) >= severityRank(failOn);
}

export function exitCodeFor(results: RuleResult[], failOn: Severity): number {
  if (results.some((r) => failsRun(r, failOn))) return EXIT.failed;
  if (results.some((r) => r.outcome === 'error')) return EXIT.cannotAudit;
  return EXIT.ok;
}

/** A rule's effective severity: the policy's override, else the one its evaluation found (client rules), else the rule's own. */
export function effectiveSeverity(
  meta: RuleMeta,
  ev: RuleEvaluation,
  overrides: Readonly<Record<string, Severity>>,
): Severity {
  return overrides[meta.id] ?? ev.severity ?? meta.severity;
}
