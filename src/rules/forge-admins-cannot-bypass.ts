import { defineRepoRule } from './define.js';
import { judgeBypass } from './lib/forge.js';

export default defineRepoRule({
  id: 'forge-admins-cannot-bypass',
  needs: ['history', 'forge'],
  evaluate: (facts, ctx) => judgeBypass(facts, ctx),
});
