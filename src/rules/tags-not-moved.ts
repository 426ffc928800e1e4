import { defineRepoRule } from './define.js';
import { judgeRecordedRefs } from './lib/ledger.js';

export default defineRepoRule({
  id: 'tags-not-moved',
  needs: ['history', 'ledger'],
  evaluate: (facts, ctx) =>
    judgeRecordedRefs(facts, ctx.findingLimit, (r) =>
      r.kind === 'tag' && r.recorded && r.current && r.current !== r.recorded && !r.movedUnpublished
        ? {
            ref: r.name,
            commit: r.current,
            message: `tag ${r.name} was moved: it pointed at ${r.recorded}, now at ${r.current}`,
            evidence: { recorded: r.recorded, current: r.current },
          }
        : undefined,
    ),
});
