import { defineRepoRule } from './define.js';
import { FindingList } from './lib/findings.js';
import { isEvaluation, ledgerFacts } from './lib/ledger.js';

export default defineRepoRule({
  id: 'protected-refs-present',
  needs: ['history', 'ledger'],
  evaluate(facts, ctx) {
    const l = ledgerFacts(facts);
    if (isEvaluation(l)) return l;
    if (l.fresh) return { outcome: 'not-applicable', note: `no ledger yet (${l.file})` };
    const list = new FindingList(ctx.findingLimit);
    for (const r of l.refs) {
      if (r.recorded && !r.current) {
        list.add({ ref: r.name, commit: r.recorded, message: `protected ref ${r.name} was deleted (the ledger recorded ${r.recorded})`, evidence: { recorded: r.recorded } });
      }
    }
    return list.evaluation();
  },
});
