// Who judges a commit forked before the trust root and brought in after it (a pull request open on
// adoption day, a backport): the policy accepted where it lands, or the root's (collect/trust.ts).
import { judge } from '../domain/judgement.js';
import type { Policy } from '../domain/policy.js';
import type { TrustedCommit, Verification } from '../domain/trust.js';
import type { AcceptedPolicy } from './shared-history.js';

export interface PreRootJudges {
  judges: Array<{ policy: Policy; from: string }>;
  /** Several judge: the one that judges the commit best judges it alone (bestOnly). */
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
  return { judges, once: judges.length > 1 };
}

/** The verification of the policy that judges `commit` best (the first, of equals): the only one kept. */
export function bestOnly(commit: TrustedCommit): Verification[] {
  const all = commit.trust.verifications;
  const best = judge(commit).policy;
  const kept = all.filter((v) => v.policy === best);
  return kept.length ? kept : all;
}
