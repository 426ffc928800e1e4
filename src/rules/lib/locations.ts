// Where findings about the trust policy apply (SARIF locations): the policy file, relative to the
// repository root, as the policy at the tip is committed there.
import { POLICY_DIR } from '../../domain/trust.js';

export const POLICY_FILE = `${POLICY_DIR}/policy.yml`;

/** `locations` for a finding about the policy itself. */
export const atPolicy = (): { locations: Array<{ file: string }> } => ({ locations: [{ file: POLICY_FILE }] });
