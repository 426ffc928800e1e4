import { defineRepoRule } from './define.js';
import { judgeControl } from './lib/forge.js';

export default defineRepoRule({
  id: 'forge-force-pushes-blocked',
  needs: ['history', 'forge'],
  evaluate: (facts, ctx) => judgeControl(facts, ctx, 'force-pushes'),
});
