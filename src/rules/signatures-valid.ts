import { defineTrustRule } from './lib/trust-rule.js';

export default defineTrustRule({
  id: 'signatures-valid',
  statuses: ['bad', 'cannot-check'],
  describe: (c, j) =>
    `${j.status === 'bad' ? 'bad signature' : 'signature cannot be checked'} (${j.verdict.letter}): ${j.detail} — "${c.subject}"`,
});
