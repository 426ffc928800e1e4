import { defineRepoRule } from './define.js';
import { notAvailable } from './lib/findings.js';

export default defineRepoRule({
  id: 'history-complete',
  needs: ['history'],
  evaluate(facts) {
    if (!facts.history.ok) return notAvailable(facts.history.reason);
    const boundary = facts.history.value.shallowCommits;
    if (!facts.repository.shallow && boundary.length === 0) return { outcome: 'pass' };
    return {
      outcome: 'fail',
      findings: [
        {
          file: `${facts.repository.commonDir}/shallow`,
          message: `shallow clone: history stops at ${boundary.length} boundary commit(s); commits beyond them cannot be audited`,
          evidence: { boundaryCommits: boundary.length, first: boundary[0] ?? null },
        },
      ],
    };
  },
});
