// Who judges a commit forked before the trust root and brought in after it (a pull request open on
// adoption day, a backport): the policy accepted where it lands, or the root's (collect/trust.ts).
import { judge } from '../domain/judgement.js';
import type { Policy } from '../domain/policy.js';
import type { TrustedCommit, Verification } from '../domain/trust.js';
import type { Verdict } from '../domain/signature.js';
import { landingParent, type AcceptedPolicy } from './shared-history.js';
import { batchedHeld } from './ancestry-batch.js';
import type { Shadow } from './git.js';
import { keylessVerdict } from './signatures/verify.js';

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
async function preRootBest(
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

/** What settleCommit asks of the walk, once it is over. */
export interface Settling {
  /** The commit the tip's goodlist was read at. */
  tip: string | undefined;
  /** Whether a commit's policy may judge (walked: as found; else accepted history descending from the root). */
  passesOn(oid: string): boolean | Promise<boolean>;
  accepted: AcceptedPolicy | undefined;
  policyAt(oid: string): Promise<Policy | undefined>;
  verify(policy: Policy): Verdict | Promise<Verdict>;
}

/**
 * A commit judged during the walk by a policy not known yet to be authorized (HEAD's, where a
 * pre-root branch landed, the tip's goodlist), once every policy's standing is known: a policy whose
 * own change had no maintainer judges nothing, and its goodlist excuses nothing.
 */
export async function settleCommit(c: TrustedCommit, once: boolean, at: Settling): Promise<TrustedCommit> {
  const t = c.trust;
  if (t.tipGoodlist && at.tip && !(await at.passesOn(at.tip))) delete t.tipGoodlist;
  if (t.mode !== 'policy') return c;
  const kept: Verification[] = [];
  for (const v of t.verifications) if (!v.from || (await at.passesOn(v.from))) kept.push(v);
  // The tags a merge embeds were checked with the same key sets: only the kept ones' verdicts stand.
  const dropped = t.verifications.filter((v) => !kept.includes(v)).map((v) => v.policy);
  for (const m of t.mergetags ?? []) m.verifications = m.verifications.filter((v) => !dropped.includes(v.policy));
  if (!kept.length) {
    const from = t.verifications.find((v) => v.from)?.from ?? '';
    c.trust = {
      ...t,
      mode: 'no-policy',
      noPolicy: `the policy that would judge it (.gitguard at ${from.slice(0, 12)}) was changed without a maintainer`,
      verifications: [{ verdict: await keylessVerdict(c) }],
    };
    return c;
  }
  t.verifications = kept;
  if (once) t.verifications = await preRootBest(c, at.accepted, at);
  return c;
}

/**
 * The policy accepted where a branch forked before the root lands: --base's (CI), the server's HEAD's
 * (its hook), else HEAD's in a plain audit for what the ledger did not hold yet (no record yet, a
 * first audit or a new clone: all is the baseline), with where each such commit landed.
 */
export function acceptedPolicy(
  shadow: Shadow,
  o: {
    base: { oid: string; policy: Policy | undefined } | undefined;
    head: { oid: string; policy: Policy } | undefined;
    server: boolean;
    ledgerTips: string[] | undefined;
    trustRoot: string | undefined;
  },
): AcceptedPolicy | undefined {
  if (o.base) return o.base.policy && { policy: o.base.policy, from: o.base.oid };
  if (!o.head) return undefined;
  const at = { policy: o.head.policy, from: o.head.oid };
  if (o.server) return at;
  return {
    ...at,
    recorded: o.ledgerTips ? batchedHeld(shadow, o.ledgerTips) : async () => true,
    ...(o.trustRoot ? { landing: landingParent(shadow, o.head.oid, o.trustRoot) } : {}),
  };
}
