import type { TrustedCommit } from '../domain/trust.js';
import { defineCommitRule } from './define.js';
import { FindingList, resumeCounts } from './lib/findings.js';
import { unvouchedChange } from '../domain/judgement.js';
import { commitFinding } from './lib/trust-rule.js';
import { isCiFile } from '../domain/protected-paths.js';

/** The CI files it changes; else (a folder of the policy's holding a local action) every protected path it changes. */
function ciChanges(c: TrustedCommit): string[] {
  const ci = c.trust.changedPaths.filter((p) => isCiFile(p, c.trust.pathOrigins));
  return ci.length ? ci : c.trust.changedPaths;
}

/** The forges that no longer run it, where the walk named them. */
const lostFor = (c: TrustedCommit): string =>
  c.trust.ciGateLostFor?.length ? `; no longer run by ${c.trust.ciGateLostFor.join(', ')}` : '';

// The quietest way to switch gitguard off is to delete its CI step. Removing it is allowed only to a
// maintainer of the parent's policy (of each parent's: see unvouchedChange); without a policy every
// removal is reported.
export default defineCommitRule({
  id: 'ci-gate-kept',
  needs: ['history', 'signatures', 'protected-paths'],
  start(facts, ctx, resume) {
    const found = new FindingList(ctx.findingLimit, resume?.findings);
    const n = resumeCounts({ seen: 0, unknown: 0 }, resume);
    return {
      visit(commit) {
        n.seen += 1;
        const c = commit as TrustedCommit;
        if (c.trust?.ciGateUnknown) n.unknown += 1;
        // A chain gutted past the CI files (a script's gitguard line): protected-paths-changed-by-maintainers
        // judges that where a policy judges the commit; elsewhere (no policy, keys only) this rule does.
        if (!c.trust?.ciGateRemoved && !(c.trust?.ciChainRemoved && c.trust.mode !== 'policy')) return;
        const j = unvouchedChange(c);
        if (!j) return;
        found.add(
          commitFinding(
            c,
            j,
            `removes the gitguard step from the CI configuration (${ciChanges(c).join(', ')}${lostFor(c)}) without a maintainer's signature — "${c.subject}"`,
          ),
        );
      },
      save: () => ({ counts: n, findings: found.save() }),
      finish() {
        if (n.seen === 0)
          return { outcome: 'not-applicable', note: `no commits in scope (${facts.scope.description})` };
        return found.evaluation(
          'fail',
          n.unknown
            ? `${n.unknown} CI change(s) not judged: the CI files on one side are not in this repository (a partial clone leaves older files out)`
            : undefined,
        );
      },
    };
  },
});
