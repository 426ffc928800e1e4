import { defineRepoRule } from './define.js';
import { evaluateClientTools } from './lib/client.js';

export default defineRepoRule({
  id: 'git-lfs-client-patched',
  needs: ['client'],
  evaluate: (facts, ctx) =>
    evaluateClientTools(facts, ctx, ['git-lfs'], 'skipped: Git LFS (git-lfs) is not installed (not on PATH)'),
});
