import { defineRepoRule } from './define.js';
import { evaluateClientTools } from './lib/client.js';

export default defineRepoRule({
  id: 'ssh-client-patched',
  needs: ['client'],
  evaluate: (facts, ctx) =>
    evaluateClientTools(
      facts,
      ctx,
      ['ssh', 'ssh-keygen'],
      'skipped: OpenSSH (ssh, ssh-keygen) is not installed (not on PATH)',
    ),
});
