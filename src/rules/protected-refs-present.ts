import { defineRepoRule } from './define.js';
import { judgeRecordedRefs } from './lib/ledger.js';

export default defineRepoRule({
  id: 'protected-refs-present',
  needs: ['history', 'ledger'],
  evaluate: (facts, ctx) =>
    judgeRecordedRefs(facts, ctx.findingLimit, (r) =>
      r.recorded && !r.current
        ? {
            ref: r.name,
            commit: r.recorded,
            message: `protected ref ${r.name} was deleted (the ledger recorded ${r.recorded})`,
            evidence: { recorded: r.recorded },
          }
        : undefined,
    ),
});
