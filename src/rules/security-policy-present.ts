import { defineRepoRule } from './define.js';
import { notAvailable } from './lib/findings.js';

export default defineRepoRule({
  id: 'security-policy-present',
  needs: ['history', 'security-policy'],
  evaluate(facts) {
    const sp = facts.securityPolicy;
    if (!sp) return notAvailable('not collected');
    if (!sp.ok) return notAvailable(sp.reason);
    if (!sp.value.commit) return { outcome: 'not-applicable', note: 'HEAD has no commits yet' };
    const usable = sp.value.files.find((f) => !f.empty);
    if (usable) return { outcome: 'pass', note: `${usable.path} (${usable.size} bytes)` };
    const at = sp.value.commit.slice(0, 12);
    // GitHub shows the default branch's: HEAD's branch forked before it was added, and removed none.
    const def = sp.value.defaultBranch;
    const theirs = def?.forkedWithout ? def.files.find((f) => !f.empty) : undefined;
    if (def && theirs && !sp.value.files.length)
      return {
        outcome: 'pass',
        note: `${theirs.path} (${theirs.size} bytes) on the default branch ${def.ref} at ${def.commit.slice(0, 12)}; HEAD ${at} forked before it was added`,
      };
    if (sp.value.files.length) {
      return {
        outcome: 'fail',
        findings: sp.value.files.map((f) => ({
          message: `${f.path} at ${at} is empty (or not a regular file): it tells a reporter nothing`,
          file: f.path,
          evidence: { path: f.path, size: f.size },
        })),
      };
    }
    const removed = def && !def.forkedWithout ? def.files.find((f) => !f.empty) : undefined;
    return {
      outcome: 'fail',
      findings: [
        {
          message: `no SECURITY.md at the root, in .github/ or in docs/ at ${at}${removed ? ` (the default branch ${def!.ref} has ${removed.path}, which a merge base of the two had too: HEAD's branch removed it)` : ''}`,
          evidence: { commit: sp.value.commit },
        },
      ],
    };
  },
});
