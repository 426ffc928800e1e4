import { defineRepoRule } from './define.js';
import { FindingList, notAvailable } from './lib/findings.js';
import { effective, gitBool } from '../domain/config.js';

export default defineRepoRule({
  id: 'replace-refs-absent',
  // 'config': a clone set to ignore replace refs still fails (the refs travel with a mirror fetch or
  // push, the setting does not), but the finding then says so rather than that git log shows them.
  needs: ['history', 'config'],
  evaluate(facts, ctx) {
    if (!facts.history.ok) return notAvailable(facts.history.reason);
    const off = facts.config.ok ? effective(facts.config.value, 'core.usereplacerefs') : undefined;
    const shown =
      off && gitBool(off.value) === false
        ? `git here ignores it (core.useReplaceRefs=${off.value ?? ''}, ${off.scope}), but a clone that fetches refs/replace/* shows the replacement`
        : 'git log shows the replacement';
    const list = new FindingList(ctx.findingLimit);
    for (const r of facts.history.value.replaceRefs) {
      list.add({
        ref: r.ref ?? `refs/replace/${r.replaced}`,
        commit: r.replaced,
        message:
          r.replacedSubject !== undefined
            ? `commit ${r.replaced} ("${r.replacedSubject}") is replaced by ${r.replacement}${r.replacementSubject !== undefined ? ` ("${r.replacementSubject}")` : ''}: ${shown}, not the real commit`
            : `object ${r.replaced} is replaced by ${r.replacement}: ${shown}, not the real object`,
        evidence: {
          replaced: r.replaced,
          replacement: r.replacement,
          ...(r.replacedSubject !== undefined ? { replacedSubject: r.replacedSubject } : {}),
          ...(r.replacementSubject !== undefined ? { replacementSubject: r.replacementSubject } : {}),
          ...(off && gitBool(off.value) === false ? { ignoredHere: `core.useReplaceRefs=${off.value ?? ''}` } : {}),
        },
      });
    }
    return list.evaluation();
  },
});
