// Shared by the ledger rules: the facts, or the outcome when they are missing or the ledger is damaged.
import type { Facts, Finding, RuleEvaluation } from '../../domain/model.js';
import { FindingList } from './findings.js';
import type { LedgerFacts } from '../../domain/ledger.js';

/** The ledger facts, or the evaluation to return instead: not available, or fail on a damaged ledger. */
export function ledgerFacts(facts: Facts): LedgerFacts | RuleEvaluation {
  if (!facts.ledger) return { outcome: 'not-available', note: 'ledger facts were not collected' };
  if (!facts.ledger.ok) return { outcome: 'not-available', note: facts.ledger.reason };
  const l = facts.ledger.value;
  if (l.damaged) {
    // Never a silent reset: a damaged ledger fails, so no audit passes (or rewrites it) until a person looks.
    return {
      outcome: 'fail',
      note: 'the ledger is damaged',
      findings: [{ file: l.file, message: `${l.damaged}; fix or remove it deliberately (gitguard never resets it)` }],
      findingCount: 1,
    };
  }
  return l;
}

export const isEvaluation = (v: LedgerFacts | RuleEvaluation): v is RuleEvaluation => 'outcome' in v;

/** The shape of the rules that compare each recorded ref with its current tip. */
export function judgeRecordedRefs(
  facts: Facts,
  findingLimit: number,
  check: (r: LedgerFacts['refs'][number]) => Finding | undefined,
): RuleEvaluation {
  const l = ledgerFacts(facts);
  if (isEvaluation(l)) return l;
  if (l.fresh) return { outcome: 'not-applicable', note: `no ledger yet (${l.file})` };
  const list = new FindingList(findingLimit);
  for (const r of l.refs) {
    const f = check(r);
    if (f) list.add(f);
  }
  return list.evaluation();
}
