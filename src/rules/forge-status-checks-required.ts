import { defineRepoRule } from './define.js';
import { judgeControl } from './lib/forge.js';

// The policy's check names, and gitguard's own CI job when the repository has one: a gate that is
// not required can be skipped by merging before it finishes.
export default defineRepoRule({
  id: 'forge-status-checks-required',
  needs: ['history', 'forge'],
  evaluate: (facts, ctx) =>
    judgeControl(facts, ctx, 'status-checks', (f) => ({
      checks: [...new Set([...f.policy.requiredStatusChecks, ...(f.ciGateCheck ? [f.ciGateCheck] : [])])],
    })),
});
