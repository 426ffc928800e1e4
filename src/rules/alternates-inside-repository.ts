import { defineRepoRule } from './define.js';
import { FindingList, notAvailable } from './lib/findings.js';

export default defineRepoRule({
  id: 'alternates-inside-repository',
  needs: ['history'],
  evaluate(facts, ctx) {
    if (!facts.history.ok) return notAvailable(facts.history.reason);
    const alt = facts.history.value.alternates;
    const list = new FindingList(ctx.findingLimit);
    for (const e of alt?.entries ?? []) {
      if (!e.inside)
        list.add({
          file: alt!.file,
          message: `objects are borrowed from ${e.path}, outside the repository (alternates line "${e.line}")`,
          evidence: { line: e.line, path: e.path },
        });
    }
    return list.evaluation(
      'fail',
      alt ? `${alt.entries.length} alternates entr${alt.entries.length === 1 ? 'y' : 'ies'} in ${alt.file}` : undefined,
    );
  },
});
