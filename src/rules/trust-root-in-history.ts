import { defineRepoRule } from './define.js';
import { isEvaluation, ledgerFacts } from './lib/ledger.js';
import { atPolicy } from './lib/locations.js';
import { TRUST_ROOT_SOURCE_TEXT } from '../domain/trust.js';

export default defineRepoRule({
  id: 'trust-root-in-history',
  needs: ['history', 'ledger'],
  evaluate(facts) {
    const l = ledgerFacts(facts);
    if (isEvaluation(l) && l.outcome !== 'fail') return l;
    // A damaged ledger does not matter here: its trust root is then not used.
    const check = facts.ledger?.ok ? facts.ledger.value.trustRootCheck : undefined;
    if (!check) return { outcome: 'not-applicable', note: 'no trust root (--trust-root or trust_root in the policy)' };
    const from = TRUST_ROOT_SOURCE_TEXT[check.source];
    const where = check.source === '--trust-root' ? {} : atPolicy();
    if (!check.tip) return { outcome: 'not-applicable', note: 'HEAD has no commits yet' };
    if (!check.oid)
      return {
        outcome: 'fail',
        findings: [
          {
            message: `trust root ${check.rev} (${from}) is not a commit in this repository`,
            evidence: { trustRoot: check.rev },
            ...where,
          },
        ],
        findingCount: 1,
      };
    if (check.ancestor === true)
      return {
        outcome: 'pass',
        note: `trust root ${check.oid.slice(0, 12)} (${from}) is an ancestor of ${check.tip.slice(0, 12)}`,
      };
    if (check.ancestor === undefined)
      return { outcome: 'not-available', note: `could not check whether ${check.oid} is an ancestor of ${check.tip}` };
    return {
      outcome: 'fail',
      findings: [
        {
          commit: check.oid,
          message: `trust root ${check.oid} (${from}) is not an ancestor of the audited tip ${check.tip}: the history below it was rewritten, or it names another line of history`,
          evidence: { trustRoot: check.oid, tip: check.tip },
          ...where,
        },
      ],
      findingCount: 1,
    };
  },
});
