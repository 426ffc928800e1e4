import { defineRepoRule } from './define.js';
import { judgeControl } from './lib/forge.js';

export default defineRepoRule({
  id: 'forge-tags-protected',
  needs: ['history', 'forge'],
  evaluate: (facts, ctx) => judgeControl(facts, ctx, 'tag-protection'),
});
