import { defineTrustRule } from './lib/trust-rule.js';
import { POLICY_DIR } from '../domain/trust.js';

export default defineTrustRule({
  id: 'signers-authorized',
  statuses: ['unknown-signer', 'no-policy'],
  describe: (c, j) =>
    `signer not authorized (${j.verdict.letter}): ${j.detail} — "${c.subject}" by ${c.committer.email}`,
  // A key file committed as a link, a submodule or a folder is never read: its owner's commits would
  // fail above with no word on why. Said once, at the path.
  policyWarnings: (policy) =>
    (policy.skipped ?? []).map(({ path, kind }) => {
      const file = `${POLICY_DIR}/${path}`;
      return {
        message:
          path === 'keys'
            ? `${file} is a ${kind}, not a folder: no key in it is read or trusted (make ${file}/ a folder of key files)`
            : `${file} is a ${kind}: skipped, no key in it is trusted (commit the key file itself in ${POLICY_DIR}/keys/)`,
        file,
        locations: [{ file }],
        evidence: { path: file, kind },
      };
    }),
});
