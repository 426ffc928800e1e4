import { defineTrustRule } from './lib/trust-rule.js';

// git prints G for a good signature whatever name the commit carries; this is where impersonation
// with a real key is caught.
export default defineTrustRule({
  id: 'signer-matches-committer',
  statuses: ['impersonation'],
  describe: (c, j) => `impersonation: ${j.detail} — "${c.subject}"`,
});
