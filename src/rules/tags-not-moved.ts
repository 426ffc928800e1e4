import { defineRepoRule } from './define.js';
import { FindingList } from './lib/findings.js';
import { isEvaluation, ledgerFacts } from './lib/ledger.js';

export default defineRepoRule({
  id: 'tags-not-moved',
  needs: ['history', 'ledger'],
  evaluate(facts, ctx) {
    const l = ledgerFacts(facts);
    if (isEvaluation(l)) return l;
    if (l.fresh) return { outcome: 'not-applicable', note: `no ledger yet (${l.file})` };
    const list = new FindingList(ctx.findingLimit);
    for (const r of l.refs) {
      if (r.kind === 'tag' && r.recorded && r.current && r.current !== r.recorded) {
        list.add({ ref: r.name, commit: r.current, message: `tag ${r.name} was moved: it pointed at ${r.recorded}, now at ${r.current}`, evidence: { recorded: r.recorded, current: r.current } });
      }
    }
    return list.evaluation();
  },
});
