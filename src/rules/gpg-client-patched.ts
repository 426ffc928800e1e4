import { defineRepoRule } from './define.js';
import { evaluateClientTools } from './lib/client.js';

export default defineRepoRule({
  id: 'gpg-client-patched',
  needs: ['client'],
  evaluate: (facts, ctx) =>
    evaluateClientTools(
      facts,
      ctx,
      ['gpg'],
      'skipped: GnuPG (gpg) is not installed (not on PATH, and no gpg.program in your global or system git config)',
    ),
});
