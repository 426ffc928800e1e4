// Most signature rules have one shape: judge each commit, report the ones whose judgement has a
// given status. This builds such a rule from its id, statuses and outcome.
import type { CommitRule, Finding } from '../../domain/model.js';
import type { TrustedCommit } from '../../domain/trust.js';
import { defineCommitRule } from '../define.js';
import { FindingList, resumeCounts } from './findings.js';
import { identityText, touchedPaths } from './commit.js';
import { judge, type Judgement, type TrustStatus } from '../../domain/judgement.js';
import type { Policy } from '../../domain/policy.js';

export function commitFinding(c: TrustedCommit, j: Judgement, message: string): Finding {
  return {
    commit: c.oid,
    message,
    ...touchedPaths(c),
    evidence: {
      subject: c.subject,
      author: identityText(c.author),
      committer: identityText(c.committer),
      letter: j.verdict.letter,
      signer: j.verdict.signer ?? null,
      status: j.status,
      detail: j.detail,
    },
  };
}

export function defineTrustRule(spec: {
  id: string;
  statuses: TrustStatus[];
  /** Outcome when some commit has one of the statuses (default fail). */
  outcome?: 'fail' | 'warn';
  describe: (c: TrustedCommit, j: Judgement) => string;
  /** Warnings about the policy at HEAD itself, reported with the commits' findings (or as warn). */
  policyWarnings?: (policy: Policy) => Finding[];
}): CommitRule {
  return defineCommitRule({
    id: spec.id,
    needs: spec.policyWarnings ? ['history', 'signatures', 'policy'] : ['history', 'signatures'],
    start(facts, ctx, resume) {
      const found = new FindingList(ctx.findingLimit, resume?.findings);
      const n = resumeCounts({ judged: 0, seen: 0 }, resume);
      return {
        visit(commit) {
          n.seen += 1;
          const c = commit as TrustedCommit;
          if (!c.trust || c.trust.mode === 'none') return;
          n.judged += 1;
          const j = judge(c);
          // Built only while the list has room: commits-signed fails every commit of an unsigned history.
          if (spec.statuses.includes(j.status)) found.addLazy(() => commitFinding(c, j, spec.describe(c, j)));
        },
        save: () => ({ counts: n, findings: found.save() }),
        finish() {
          const { seen, judged } = n;
          if (seen === 0)
            return { outcome: 'not-applicable', note: `no commits in scope (${facts.scope.description})` };
          if (judged === 0)
            return {
              outcome: 'not-applicable',
              note: 'no trust policy (.gitguard/policy.yml) and no --keyring/--allowed-signers: there is nothing to check signatures against',
            };
          const ev = found.evaluation(
            spec.outcome ?? 'fail',
            `${judged} commit(s) judged against the trust policy or supplied keys`,
          );
          const head = facts.policy?.ok ? facts.policy.value : undefined;
          const warnings = head && spec.policyWarnings ? spec.policyWarnings(head) : [];
          if (!warnings.length) return ev;
          return {
            ...ev,
            outcome: ev.outcome === 'pass' ? 'warn' : ev.outcome,
            findings: [...warnings, ...(ev.findings ?? [])],
            findingCount: (ev.findingCount ?? 0) + warnings.length,
          };
        },
      };
    },
  });
}
