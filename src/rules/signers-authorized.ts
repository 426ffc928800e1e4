import { defineTrustRule } from './lib/trust-rule.js';

export default defineTrustRule({
  id: 'signers-authorized',
  statuses: ['unknown-signer', 'no-policy'],
  describe: (c, j) =>
    `signer not authorized (${j.verdict.letter}): ${j.detail} — "${c.subject}" by ${c.committer.email}`,
});
