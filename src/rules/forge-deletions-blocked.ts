import { defineRepoRule } from './define.js';
import { judgeControl } from './lib/forge.js';

export default defineRepoRule({
  id: 'forge-deletions-blocked',
  needs: ['history', 'forge'],
  evaluate: (facts, ctx) => judgeControl(facts, ctx, 'deletions'),
});
