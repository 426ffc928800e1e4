import { defineTrustRule } from './lib/trust-rule.js';

export default defineTrustRule({
  id: 'signing-keys-valid',
  statuses: ['key-invalid'],
  describe: (c, j) =>
    `${j.detail} (${j.verdict.letter}, key ${j.verdict.signingKey ?? j.verdict.signer ?? '?'}) — "${c.subject}"`,
});
