// The trust policy at HEAD (.gitguard/ in HEAD's tree), for repository-wide rules that depend on it
// (signing-enabled-when-required). Read through a shadow git dir with the same parser the walk uses
// (TrustCollector.policyAt), so both always agree on what the policy says.
import type { HistoryFacts, RepositoryInfo } from '../domain/model.js';
import type { Policy } from '../domain/policy.js';
import { createShadow } from './git.js';
import { ObjectReader } from './objects.js';
import { TrustCollector } from './trust.js';
import { POLICY_DIR } from '../domain/trust.js';

export async function collectHeadPolicy(
  repo: RepositoryInfo,
  history: HistoryFacts,
  shared?: ObjectReader,
): Promise<Policy | undefined> {
  return history.head.oid ? collectPolicyAt(repo, history.head.oid, shared) : undefined;
}

/** The policy in `tip`'s tree (undefined when it has none); through `shared`, the run's reader, when given. */
export async function collectPolicyAt(
  repo: RepositoryInfo,
  tip: string,
  shared?: ObjectReader,
): Promise<Policy | undefined> {
  const shadow = shared ? undefined : createShadow(repo.commonDir, repo.objectFormat);
  const reader = shared ?? new ObjectReader(shadow!);
  try {
    const tree = await reader.read(`${tip}:${POLICY_DIR}`);
    if (tree?.type !== 'tree') return undefined;
    return await new TrustCollector(reader, repo.objectFormat, undefined).policyAt(tree.oid, tip);
  } finally {
    if (!shared) reader.close();
    shadow?.dispose();
  }
}
