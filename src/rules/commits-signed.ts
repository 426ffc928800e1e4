import { defineCommitRule } from './define.js';
import { FindingList, resumeCounts } from './lib/findings.js';
import { identityText, signatureRequired, tipRequiresSignatures, touchedPaths } from './lib/commit.js';
import type { CommitFacts } from '../domain/model.js';
import { isoTime } from '../domain/commit.js';

export default defineCommitRule({
  id: 'commits-signed',
  needs: ['history', 'policy', 'signatures'],
  start(facts, ctx, resume) {
    const unsigned = new FindingList(ctx.findingLimit, resume?.findings);
    // Audited exceptions in the current policy's goodlist (see docs/policy.md, Goodlist): as the walk
    // settled it (none when that policy's change had no maintainer), the tip's without the trust facts.
    const goodlist = new Set(facts.policy?.ok ? (facts.policy.value?.goodlist ?? []).map((g) => g.commit) : []);
    const listed = (c: CommitFacts): boolean => (c.trust ? !!c.trust.tipGoodlist?.has(c.oid) : goodlist.has(c.oid));
    const tipRequires = tipRequiresSignatures(facts);
    const required = (c: CommitFacts): boolean => signatureRequired(c.trust, tipRequires);
    const n = resumeCounts({ seen: 0, excused: 0, optional: 0 }, resume);
    return {
      visit(c) {
        n.seen += 1;
        if (c.signatures.length === 0 && c.hashOk && listed(c)) n.excused += 1;
        else if (c.signatures.length === 0 && !required(c)) n.optional += 1;
        else if (c.signatures.length === 0) {
          unsigned.addLazy(() => ({
            commit: c.oid,
            ...touchedPaths(c),
            message: `no signature: "${c.subject}" by ${identityText(c.committer)}`,
            evidence: {
              subject: c.subject,
              author: identityText(c.author),
              committer: identityText(c.committer),
              date: isoTime(c.committer.time),
            },
          }));
        }
      },
      save: () => ({ counts: n, findings: unsigned.save() }),
      finish() {
        const { seen, excused, optional } = n;
        if (seen === 0) return { outcome: 'not-applicable', note: `no commits in scope (${facts.scope.description})` };
        const also = [
          excused ? `${excused} goodlisted` : '',
          optional ? `${optional} where the policy sets require_signatures: false` : '',
        ]
          .filter(Boolean)
          .join(', ');
        const note = `${unsigned.count} of ${seen} commits have no signature${also ? ` (and ${also})` : ''}`;
        return unsigned.evaluation('fail', note);
      },
    };
  },
});
