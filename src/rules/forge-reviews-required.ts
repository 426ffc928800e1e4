import { defineRepoRule } from './define.js';
import { judgeControl } from './lib/forge.js';

export default defineRepoRule({
  id: 'forge-reviews-required',
  needs: ['history', 'forge'],
  evaluate: (facts, ctx) => judgeControl(facts, ctx, 'reviews', (f) => ({ approvals: f.policy.minApprovals })),
});
