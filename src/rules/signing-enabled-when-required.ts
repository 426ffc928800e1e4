import { defineRepoRule } from './define.js';
import { configFinding } from './lib/config.js';
import { effective, gitBool } from '../domain/config.js';
import { FindingList, notAvailable } from './lib/findings.js';
import { atPolicy } from './lib/locations.js';

// When the policy at HEAD requires signatures, commits made here without commit.gpgSign will fail
// the audit (and a pre-push or pre-receive check) later; tag.gpgSign=false likewise for tags.
export default defineRepoRule({
  id: 'signing-enabled-when-required',
  needs: ['config', 'history', 'policy', 'policy-vetted'],
  evaluate(facts, ctx) {
    if (!facts.config.ok) return notAvailable(facts.config.reason);
    const policy = facts.policy;
    if (!policy) return notAvailable('the policy at HEAD was not collected');
    if (!policy.ok) return notAvailable(policy.reason);
    if (!policy.value) return { outcome: 'not-applicable', note: 'no .gitguard/policy.yml at HEAD' };
    // A policy no maintainer made may be what switched signatures off: its "not required" excuses nothing.
    if (!policy.value.requireSignatures)
      return ctx.policyVetted === false
        ? notAvailable(
            ctx.policyVettedWhy
              ? `${ctx.policyVettedWhy}; it does not require signatures: not vouched for, so not judged`
              : 'the policy at HEAD, which changed without a maintainer (policy-changes-authorized), does not require signatures: not vouched for, so not judged',
          )
        : { outcome: 'not-applicable', note: 'the policy at HEAD does not require signatures' };
    const config = facts.config.value;
    const found = new FindingList(ctx.findingLimit);
    const commit = effective(config, 'commit.gpgsign');
    const tag = effective(config, 'tag.gpgsign');
    if (commit && gitBool(commit.value) === false)
      found.add(
        configFinding(
          commit,
          `commit.gpgSign=${commit.value ?? ''} (${commit.scope}) while the policy requires signed commits`,
        ),
      );
    if (tag && gitBool(tag.value) === false)
      found.add(
        configFinding(tag, `tag.gpgSign=${tag.value ?? ''} (${tag.scope}) while the policy requires signatures`),
      );
    if (found.count) return found.evaluation();
    // Nobody commits in a bare repository (a server, a mirror), unless it has linked worktrees: an unset
    // commit.gpgSign signs nothing less.
    if (!commit && facts.repository.bare && !facts.repository.linkedWorktrees)
      return { outcome: 'pass', note: 'a bare repository: no commits are made here (commit.gpgSign unset)' };
    if (!commit) {
      return {
        outcome: 'warn',
        findings: [
          {
            message:
              'the policy requires signed commits but commit.gpgSign is not set: commits made here are unsigned unless -S is given (missing hardening: git config commit.gpgSign true)',
            evidence: { key: 'commit.gpgsign', value: null, scope: 'none' },
            ...atPolicy(),
          },
        ],
      };
    }
    return { outcome: 'pass' };
  },
});
