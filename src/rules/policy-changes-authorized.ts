import type { TrustedCommit } from '../domain/trust.js';
import { defineCommitRule } from './define.js';
import { FindingList, resumeCounts } from './lib/findings.js';
import { judgedUnder, unvouchedChange } from '../domain/judgement.js';
import { commitFinding } from './lib/trust-rule.js';
import { policyWeakenings } from '../domain/policy-diff.js';
import { atPolicy } from './lib/locations.js';

// A maintainer whose key expired cannot vouch for the commit that extends it (nobody could tell
// them from whoever holds the old key): what the finding says to do instead.
const EXPIRED_NEXT =
  ' (a maintainer whose key has expired cannot authorize the commit that extends it: extend a key before it expires, have another maintainer commit the updated key, or audit from a later trust root with --trust-root)';

// A commit may not authorize itself: a change to .gitguard/ is judged by the policy of its parents,
// and only one of their maintainers may make it.
export default defineCommitRule({
  id: 'policy-changes-authorized',
  needs: ['history', 'signatures'],
  start(facts, ctx, resume) {
    const found = new FindingList(ctx.findingLimit, resume?.findings);
    const n = resumeCounts({ changes: 0, seen: 0 }, resume);
    return {
      visit(commit) {
        n.seen += 1;
        const c = commit as TrustedCommit;
        if (!c.trust || c.trust.mode !== 'policy' || !c.trust.policyChanged || c.trust.trustRoot) return;
        n.changes += 1;
        const j = unvouchedChange(c);
        if (j) {
          const why =
            j.status === 'authorized'
              ? `${j.signer?.name ?? 'the signer'} is not a maintainer${c.trust.verifications.length > 1 ? ` of ${judgedUnder(c, j)}` : ''}`
              : j.status === 'key-invalid' && j.verdict.letter === 'Y'
                ? `${j.detail}${EXPIRED_NEXT}`
                : j.detail;
          const before = j.policy ?? c.trust.verifications[0]?.policy;
          const weakens = before ? policyWeakenings(before, c.trust.ownPolicy) : [];
          found.add({
            ...commitFinding(
              c,
              j,
              `changes the trust policy${weakens.length ? ` (${weakens.join('; ')})` : ''} without a maintainer's signature: ${why} — "${c.subject}"`,
            ),
            ...atPolicy(),
          });
        }
      },
      save: () => ({ counts: n, findings: found.save() }),
      finish() {
        const { seen, changes } = n;
        if (seen === 0) return { outcome: 'not-applicable', note: `no commits in scope (${facts.scope.description})` };
        if (changes === 0) return { outcome: 'pass', note: 'no commit in scope changes the trust policy' };
        return found.evaluation('fail', `${changes} commit(s) change the trust policy`);
      },
    };
  },
});
