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
    return {
      outcome: 'fail',
      findings: [
        {
          message: `no SECURITY.md at the root, in .github/ or in docs/ at ${at}`,
          evidence: { commit: sp.value.commit },
        },
      ],
    };
  },
});
