// Shared by the ledger rules: the facts, or the outcome when they are missing or the ledger is damaged.
import type { Facts, RuleEvaluation } from '../../model.js';
import type { LedgerFacts } from '../../collect/protected-refs.js';

/** The ledger facts, or the evaluation to return instead: not available, or fail on a damaged ledger. */
export function ledgerFacts(facts: Facts): LedgerFacts | RuleEvaluation {
  if (!facts.ledger) return { outcome: 'not-available', note: 'ledger facts were not collected' };
  if (!facts.ledger.ok) return { outcome: 'not-available', note: facts.ledger.reason };
  const l = facts.ledger.value;
  if (l.damaged) {
    // Never a silent reset: a damaged ledger fails, so no audit passes (or rewrites it) until a person looks.
    return { outcome: 'fail', note: 'the ledger is damaged', findings: [{ file: l.file, message: `${l.damaged}; fix or remove it deliberately (gitguard never resets it)` }], findingCount: 1 };
  }
  return l;
}

export const isEvaluation = (v: LedgerFacts | RuleEvaluation): v is RuleEvaluation => 'outcome' in v;
