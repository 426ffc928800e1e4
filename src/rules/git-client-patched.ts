import { defineRepoRule } from './define.js';
import { evaluateClientTools } from './lib/client.js';

export default defineRepoRule({
  id: 'git-client-patched',
  needs: ['client'],
  evaluate: (facts, ctx) => evaluateClientTools(facts, ctx, ['git'], 'git was not found on PATH'),
});
