// The trust policy at HEAD (.gitguard/ in HEAD's tree), for repository-wide rules that depend on it
// (signing-enabled-when-required). Read through a shadow git dir with the same parser the walk uses
// (TrustCollector.policyAt), so both always agree on what the policy says.
import type { HistoryFacts, RepositoryInfo } from '../domain/model.js';
import type { Policy } from '../domain/policy.js';
import { createShadow } from './git.js';
import { ObjectReader } from './objects.js';
import { TrustCollector } from './trust.js';
import { POLICY_DIR } from '../domain/trust.js';

export async function collectHeadPolicy(repo: RepositoryInfo, history: HistoryFacts): Promise<Policy | undefined> {
  return history.head.oid ? collectPolicyAt(repo, history.head.oid) : undefined;
}

/** The policy in `tip`'s tree (undefined when it has none). */
export async function collectPolicyAt(repo: RepositoryInfo, tip: string): Promise<Policy | undefined> {
  const shadow = createShadow(repo.commonDir, repo.objectFormat);
  const reader = new ObjectReader(shadow);
  try {
    const tree = await reader.read(`${tip}:${POLICY_DIR}`);
    if (tree?.type !== 'tree') return undefined;
    return await new TrustCollector(reader, repo.objectFormat, undefined).policyAt(tree.oid, tip);
  } finally {
    reader.close();
    shadow.dispose();
  }
}
