import { defineCommitRule } from './define.js';
import { FindingList, resumeCounts } from './lib/findings.js';
import { commitFinding } from './lib/trust-rule.js';
import { judgeMergetags } from './lib/mergetags.js';
import type { TrustedCommit } from '../domain/trust.js';

// A merge that embeds a signed tag claims the tagger's signature: a tag that does not match its
// signature (or whose key was invalid when it signed) is evidence of tampering, and a tag signed by a
// key the policy knows for another tagger, or by a signer after their retirement, is impersonation
// (lib/mergetags.ts). Tags we cannot vouch for (unsigned, or signed by keys outside the policy) are
// common upstream and only counted.
export default defineCommitRule({
  id: 'mergetags-valid',
  needs: ['history', 'signatures'],
  start(facts, ctx, resume) {
    const found = new FindingList(ctx.findingLimit, resume?.findings);
    const counts = resumeCounts({ merges: 0, good: 0, unsigned: 0, unknown: 0, unchecked: 0, nonParent: 0 }, resume);
    const unknownNames: string[] = Array.isArray(resume?.unknownNames)
      ? (resume.unknownNames as unknown[]).filter((x): x is string => typeof x === 'string')
      : [];
    return {
      visit(commit) {
        const c = commit as TrustedCommit;
        if (!c.trust?.mergetags?.length) return;
        counts.merges += 1;
        for (const { mergetag: mt, judgement: j, problem } of judgeMergetags(c)) {
          if (mt.parent === 0) counts.nonParent += 1;
          if (problem) {
            const f = commitFinding(c, j, `merged tag '${mt.name}': ${problem} — "${c.subject}"`);
            found.add({
              ...f,
              evidence: {
                ...f.evidence,
                tag: mt.name,
                tagObject: mt.oid,
                tagger: mt.tagger ? `${mt.tagger.name} <${mt.tagger.email}>` : null,
              },
            });
          } else if (j.status === 'authorized' || j.status === 'goodlisted' || j.status === 'forge') counts.good += 1;
          else if (j.status === 'unsigned') counts.unsigned += 1;
          else if (j.status === 'unjudged' || j.status === 'cannot-check') counts.unchecked += 1;
          else {
            counts.unknown += 1;
            if (unknownNames.length < 5) unknownNames.push(mt.name);
          }
        }
      },
      save: () => ({ counts, unknownNames, findings: found.save() }),
      finish() {
        const { merges } = counts;
        if (merges === 0)
          return { outcome: 'not-applicable', note: `no merge in scope embeds a tag (${facts.scope.description})` };
        const parts = [
          `${merges} merge(s) embed tags: ${counts.good} by authorized signers`,
          counts.unknown
            ? `${counts.unknown} not vouched for by the policy or keys (${unknownNames.join(', ')}${counts.unknown > unknownNames.length ? ', ...' : ''})`
            : '',
          counts.unsigned ? `${counts.unsigned} unsigned` : '',
          counts.unchecked ? `${counts.unchecked} signed but not checkable (no policy or keys, or X.509)` : '',
          counts.nonParent ? `${counts.nonParent} naming none of the merge's parents` : '',
        ];
        return found.evaluation('fail', parts.filter(Boolean).join(', '));
      },
    };
  },
});
