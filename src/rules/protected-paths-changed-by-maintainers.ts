import type { TrustedCommit } from '../domain/trust.js';
import { protects } from '../domain/protected-paths.js';
import type { Policy } from '../domain/policy.js';
import { defineCommitRule } from './define.js';
import { FindingList, resumeCounts } from './lib/findings.js';
import { judgedUnder, unvouchedChange } from '../domain/judgement.js';
import { commitFinding } from './lib/trust-rule.js';

// CODEOWNERS, CI workflows, hooks and attributes decide what runs and who reviews: a change to them
// must come from a maintainer of the parent's policy: of each parent's, for a merge whose parents'
// policies differ (see unvouchedChange). (.gitguard/ itself: policy-changes-authorized.)
export default defineCommitRule({
  id: 'protected-paths-changed-by-maintainers',
  needs: ['history', 'signatures', 'protected-paths', 'config'],
  start(_facts, ctx, resume) {
    const found = new FindingList(ctx.findingLimit, resume?.findings);
    const n = resumeCounts({ changes: 0, judged: 0, unvouched: 0 }, resume);
    // A state saved before unvouched was counted tells nothing of the commits it judged.
    if (resume && typeof (resume.counts as Record<string, unknown> | undefined)?.unvouched !== 'number')
      n.unvouched = 1;
    return {
      visit(commit) {
        const c = commit as TrustedCommit;
        if (!c.trust || c.trust.mode !== 'policy' || c.trust.trustRoot) return;
        n.judged += 1;
        // A commit no maintainer vouches for may change what the CI runs, whatever it touches.
        if (unvouchedChange(c)) n.unvouched += 1;
        // Most commits change no watched path, so touch none: no closure, list or set built for them.
        if (!c.trust.changedPaths.length) return;
        const touchedBy = (policy: Policy): string[] =>
          c.trust.changedPaths.filter((p) => protects(policy.protected.paths, p, c.trust.pathOrigins));
        const policies = c.trust.verifications.flatMap((v) => (v.policy ? [v.policy] : []));
        const touched = [...new Set(policies.flatMap(touchedBy))];
        if (!touched.length) return;
        n.changes += 1;
        const j = unvouchedChange(c, (policy) => touchedBy(policy).length > 0);
        if (!j) return;
        const who =
          j.status === 'authorized'
            ? `${j.signer?.name ?? 'the signer'}, not a maintainer${policies.length > 1 ? ` of ${judgedUnder(c, j)}` : ''}`
            : `${j.status}: ${j.detail}`;
        found.add(
          commitFinding(
            c,
            j,
            `changes protected ${touched.join(', ')} without a maintainer's signature (${who}) — "${c.subject}"`,
          ),
        );
      },
      save: () => ({ counts: n, findings: found.save() }),
      finish() {
        const { judged, changes } = n;
        if (judged === 0)
          return {
            outcome: 'not-applicable',
            note: 'no commit in scope is governed by a trust policy (.gitguard/policy.yml names the maintainers)',
          };
        // The paths watched are those the policy at HEAD protects: one no maintainer made may drop any.
        if (ctx.headPolicyVetted?.() === false)
          found.add({
            message:
              'the protected paths are read from the policy at HEAD, which changed without a maintainer (policy-changes-authorized): a path it no longer protects is not judged',
            file: '.gitguard/policy.yml',
            evidence: { policy: 'unvetted' },
          });
        // What the CI at the tip runs is watched as the CI is: a file of it a partial clone left out
        // (a blobless sparse clone without .github/) hides what it runs, whose changes by a commit no
        // maintainer vouches for go unjudged (a maintainer's commits need no such watch).
        const unread = ctx.ciUnread?.() ?? [];
        if (unread.length && n.unvouched)
          found.add({
            message: `what the CI configuration at HEAD runs is not known: ${unread.slice(0, 5).join(', ')}${unread.length > 5 ? ', ...' : ''} not in this partial clone, so whether ${n.unvouched} commit(s) no maintainer signed change a file it runs is not judged; fetch them (git sparse-checkout add <folder>, or git fetch --refetch origin)`,
            file: unread[0]!,
            evidence: { unread: unread.length },
          });
        if (ctx.ciCommandsUnread?.() && n.unvouched)
          found.add({
            message: `the CI's commands are past the run's YAML parse budget, so the files they run are not watched and whether ${n.unvouched} commit(s) no maintainer signed change one cannot be judged; audit a shorter range (--base) or raise GITGUARD_YAML_PARSE_MB`,
            evidence: { yamlBudget: 'spent' },
          });
        // A file the CI ran only inside the range is found by reading the commits that change one; past
        // the most read, a script a maintainer added there and a signer removed may go unwatched.
        const cut = ctx.ciRangeCut?.();
        if (cut && n.unvouched)
          found.add({
            message: `more than ${cut} commits of the range change a file the CI runs, and only ${cut} were read for what the CI ran there, so whether ${n.unvouched} commit(s) no maintainer signed removed a file it ran is not judged; audit a shorter range (--base) or set GITGUARD_MAX_RANGE_COMMITS=N`,
            evidence: { rangeCut: cut },
          });
        return found.evaluation('fail', `${changes} commit(s) change protected paths`);
      },
    };
  },
});
