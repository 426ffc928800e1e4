import { defineTrustRule } from './lib/trust-rule.js';

export default defineTrustRule({
  id: 'signers-not-retired',
  statuses: ['retired'],
  describe: (c, j) => `signed by a retired signer: ${j.detail} — "${c.subject}"`,
});
