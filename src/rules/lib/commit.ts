import type { Identity } from '../../domain/commit.js';
import type { CommitFacts, Facts, Finding } from '../../domain/model.js';
import type { CommitTrust } from '../../domain/trust.js';

export function identityText(i: Identity): string {
  return `${i.name} <${i.email}>`;
}

/**
 * Where a commit finding applies: the watched paths (policy, CI workflows, CODEOWNERS, hooks...) the
 * commit changes, when the walk looked at them; nothing otherwise (SARIF then points at the root).
 */
export function touchedPaths(c: CommitFacts): Pick<Finding, 'locations'> {
  const paths = c.trust?.changedPaths ?? [];
  return paths.length ? { locations: paths.map((file) => ({ file })) } : {};
}

/** The policy at the tip requires signatures (it does unless it says require_signatures: false). */
export function tipRequiresSignatures(facts: Pick<Facts, 'policy'>): boolean {
  return !(facts.policy?.ok && facts.policy.value?.requireSignatures === false);
}

/**
 * Whether a missing signature on a commit (or annotated tag) is a finding: require_signatures is the
 * judging policies' (the parents'), like every other verdict on it; without the trust facts (the rule
 * run alone) the tip's stands in.
 */
export function signatureRequired(trust: CommitTrust | undefined, tipRequires: boolean): boolean {
  if (trust?.mode !== 'policy') return trust ? true : tipRequires;
  return trust.verifications.some((v) => v.policy?.requireSignatures !== false);
}
