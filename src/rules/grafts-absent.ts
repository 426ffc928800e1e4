import { defineRepoRule } from './define.js';
import { FindingList, notAvailable } from './lib/findings.js';

export default defineRepoRule({
  id: 'grafts-absent',
  needs: ['history'],
  evaluate(facts, ctx) {
    if (!facts.history.ok) return notAvailable(facts.history.reason);
    const grafts = facts.history.value.grafts;
    const list = new FindingList(ctx.findingLimit);
    if (grafts) {
      if (grafts.unreadable)
        list.add({
          file: grafts.file,
          message: `a grafts file is present that gitguard will not read: it ${grafts.unreadable}`,
          evidence: { file: grafts.file },
        });
      else if (grafts.entries.length === 0)
        list.add({ file: grafts.file, message: 'an (empty) grafts file is present', evidence: { file: grafts.file } });
      for (const line of grafts.entries) {
        const [commit, ...parents] = line.split(/\s+/);
        list.add({
          file: grafts.file,
          commit,
          message: `commit ${commit} is grafted onto ${parents.length ? parents.join(', ') : 'no parents (history cut)'}`,
          evidence: { file: grafts.file, graft: line },
        });
      }
    }
    return list.evaluation();
  },
});
