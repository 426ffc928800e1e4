import type { Identity } from '../../domain/commit.js';
import type { CommitFacts, Finding } from '../../domain/model.js';

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
