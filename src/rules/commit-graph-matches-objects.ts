import { defineRepoRule } from './define.js';
import { FindingList, notAvailable } from './lib/findings.js';

export default defineRepoRule({
  id: 'commit-graph-matches-objects',
  needs: ['commit-graph'],
  evaluate(facts, ctx) {
    const cg = facts.commitGraph;
    if (!cg) return notAvailable('not collected');
    if (!cg.ok) return notAvailable(cg.reason);
    const list = new FindingList(ctx.findingLimit);
    for (const g of cg.value.graphs) {
      if (g.unreadable)
        list.add({
          file: g.file,
          message: `a commit-graph is present that gitguard will not have git read: ${g.unreadable}`,
          evidence: { store: g.store, file: g.file },
        });
      else if (g.problems.length)
        list.add({
          file: g.file,
          message: `the commit-graph git reads in place of the commits disagrees with them: ${g.problems[0]}`,
          evidence: { store: g.store, file: g.file, verify: g.problems.join('\n') },
        });
      if (g.filtersUnchecked)
        list.add({
          file: g.file,
          message: `the changed-path filters of the commit-graph git reads (what git log -- PATH skips) cannot be checked: ${g.filtersUnchecked}`,
          evidence: { store: g.store, file: g.file },
        });
    }
    const n = cg.value.graphs.length;
    const pruned = cg.value.graphs.reduce((sum, g) => sum + (g.pruned ?? 0), 0);
    const gone = pruned ? `; ${pruned} commit${pruned === 1 ? '' : 's'} it lists no longer in the object store` : '';
    const filters = cg.value.graphs.some((g) => g.changedPaths)
      ? "; its changed-path filters (what git log -- PATH skips) checked against each commit's changes"
      : '';
    return list.evaluation(
      'fail',
      n
        ? `${n} commit-graph${n === 1 ? '' : 's'} checked by git commit-graph verify${gone}${filters}`
        : 'no commit-graph',
    );
  },
});
