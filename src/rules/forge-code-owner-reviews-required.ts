import { defineRepoRule } from './define.js';
import { judgeControl } from './lib/forge.js';

export default defineRepoRule({
  id: 'forge-code-owner-reviews-required',
  needs: ['history', 'forge'],
  evaluate: (facts, ctx) => judgeControl(facts, ctx, 'code-owner-reviews'),
});
