import { defineRepoRule } from './define.js';
import { FindingList, notAvailable } from './lib/findings.js';

export default defineRepoRule({
  id: 'replace-refs-absent',
  needs: ['history'],
  evaluate(facts, ctx) {
    if (!facts.history.ok) return notAvailable(facts.history.reason);
    const list = new FindingList(ctx.findingLimit);
    for (const r of facts.history.value.replaceRefs) {
      list.add({
        ref: r.ref ?? `refs/replace/${r.replaced}`,
        commit: r.replaced,
        message:
          r.replacedSubject !== undefined
            ? `commit ${r.replaced} ("${r.replacedSubject}") is replaced by ${r.replacement}${r.replacementSubject !== undefined ? ` ("${r.replacementSubject}")` : ''}: git log shows the replacement, not the real commit`
            : `object ${r.replaced} is replaced by ${r.replacement}: git log shows the replacement, not the real object`,
        evidence: {
          replaced: r.replaced,
          replacement: r.replacement,
          ...(r.replacedSubject !== undefined ? { replacedSubject: r.replacedSubject } : {}),
          ...(r.replacementSubject !== undefined ? { replacementSubject: r.replacementSubject } : {}),
        },
      });
    }
    return list.evaluation();
  },
});
