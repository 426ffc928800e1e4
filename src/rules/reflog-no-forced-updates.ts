import { defineRepoRule } from './define.js';
import { FindingList } from './lib/findings.js';
import { isEvaluation, ledgerFacts } from './lib/ledger.js';
import { isoTime } from '../domain/commit.js';

export default defineRepoRule({
  id: 'reflog-no-forced-updates',
  needs: ['history', 'ledger'],
  evaluate(facts, ctx) {
    const l = ledgerFacts(facts);
    if (isEvaluation(l))
      return l.outcome === 'fail'
        ? { outcome: 'not-available', note: 'the ledger is damaged (see protected-refs-not-rewritten)' }
        : l;
    const list = new FindingList(ctx.findingLimit);
    for (const e of l.forcedUpdates) {
      const when = isoTime(e.time);
      list.add({
        ref: e.ref,
        file: e.file,
        commit: e.new,
        message: `${e.ref} was force-updated at ${when} by ${e.who}: ${e.old.slice(0, 12)} -> ${e.new.slice(0, 12)} ("${e.message}"): ${e.why}`,
        evidence: { old: e.old, new: e.new, time: when, tz: e.tz, message: e.message },
      });
    }
    return list.evaluation('warn');
  },
});
