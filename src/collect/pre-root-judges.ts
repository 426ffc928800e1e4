// Who judges a commit forked before the trust root and brought in after it (a pull request open on
// adoption day, a backport): the policy accepted where it lands, or the root's (collect/trust.ts).
import { judge } from '../domain/judgement.js';
import type { Policy } from '../domain/policy.js';
import type { TrustedCommit, Verification } from '../domain/trust.js';
import type { Verdict } from '../domain/signature.js';
import type { AcceptedPolicy } from './shared-history.js';

export interface PreRootJudges {
  judges: Array<{ policy: Policy; from: string }>;
  /** Several judge: the one that judges the commit best judges it alone (preRootBest). */
  once: boolean;
}

/**
 * The accepted policy, for what it has not recorded (all, without `recorded`); else the root's policy,
 * and HEAD's too for what the ledger held (everything, before its first record, as on a new clone):
 * that was accepted under a policy between the two, and a signer added since the root (a contributor,
 * a rotated key) is in HEAD's. Never the commit's own.
 */
export async function preRootJudges(
  oid: string,
  accepted: AcceptedPolicy | undefined,
  root: { policy: Policy; from: string } | undefined,
): Promise<PreRootJudges> {
  if (accepted && !accepted.recorded) return { judges: [accepted], once: false };
  const held = accepted?.recorded && accepted.policy !== root?.policy ? await accepted.recorded(oid) : undefined;
  if (held === false) return { judges: [accepted!], once: false };
  const judges = root ? [root] : [];
  if (held) judges.push(accepted!);
  // One judge (HEAD's policy is the root's): preRootBest may still ask where the commit landed.
  return { judges, once: judges.length > 1 || (held === undefined && accepted?.landing !== undefined) };
}

/**
 * The one verification kept for a commit forked before the root that several policies judged: the
 * best one's (the first, of equals). For a commit the ledger held that none of them authorizes, the
 * policy in force where it landed on HEAD's first-parent line is asked too (a contributor added, her
 * pull request merged, then removed: accepted work), if that commit's policy may judge.
 */
export async function preRootBest(
  commit: TrustedCommit,
  accepted: AcceptedPolicy | undefined,
  at: { policyAt(oid: string): Promise<Policy | undefined>; verify(policy: Policy): Verdict | Promise<Verdict> },
): Promise<Verification[]> {
  let all = commit.trust.verifications;
  const failed = !['authorized', 'goodlisted'].includes(judge(commit).status);
  if (accepted?.landing && failed && (await accepted.recorded?.(commit.oid)) !== false) {
    const from = await accepted.landing(commit.oid);
    const policy = from ? await at.policyAt(from) : undefined;
    if (policy && !all.some((v) => v.policy === policy))
      all = [...all, { policy, from: from!, verdict: await at.verify(policy) }];
  }
  const best = judge({ ...commit, trust: { ...commit.trust, verifications: all } }).policy;
  const kept = all.filter((v) => v.policy === best);
  return kept.length ? kept : all;
}
