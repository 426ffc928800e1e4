// Why a commit in a governed history (one with a trust root) has no policy to judge it, and what to
// do about it: the reason commits-signed and the other signature rules print.
import type { CommitRecord } from '../domain/commit.js';
import { POLICY_DIR } from '../domain/trust.js';

export interface NoPolicyCase {
  trustRootOid: string;
  isRoot: boolean;
  /** The policy that would judge it and why it cannot be read. */
  broken: { at: string; message: string } | undefined;
  /** How many parents descend from the trust root. */
  rootedParents: number;
  /** A parent whose policy was not brought in by a maintainer. */
  unvetted: string | undefined;
}

export function whyNoPolicy(
  commit: CommitRecord,
  { trustRootOid, isRoot, broken, rootedParents, unvetted }: NoPolicyCase,
): string {
  const root = trustRootOid.slice(0, 12);
  const at = (oid: string): string => `${POLICY_DIR} at ${oid.slice(0, 12)}`;
  if (unvetted)
    return `the policy that would judge it (${at(unvetted)}) was not brought in by a maintainer of the policy before it (taken over from an unrelated history, or changed without a maintainer's signature: policy-changes-authorized names the commit); a maintainer signs a commit restoring it, then goodlists the commits in between in the policy at the tip`;
  if (broken)
    return `the policy that would judge it (${at(broken.at)}) cannot be read: ${broken.message}; fix it in a new commit, then goodlist the commits it judged or audit from --trust-root <the fixing commit>`;
  if (isRoot)
    return `the trust root ${root} carries no ${POLICY_DIR}/policy.yml: make the commit that adds the policy the trust root (trust_root in the policy, or --trust-root)`;
  if (commit.parents.length && rootedParents === commit.parents.length)
    return `no parent carries a policy (${POLICY_DIR}/policy.yml removed or not added yet after the trust root ${root})`;
  if (rootedParents) return `its parents that descend from the trust root ${root} carry no policy`;
  return `it does not descend from the trust root ${root} and shares no history with it (an unrelated history: an orphan branch, or one merged with --allow-unrelated-histories), so no policy may judge it (a branch forked before the root is judged by the root's policy): rebase it onto the policy, or goodlist it in the policy at the tip`;
}
