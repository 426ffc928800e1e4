// The trust a commit gets from the walk (trust.ts): the verdict under each policy that judges it;
// with none, why no policy may (a trust root is set), the user's keys, or no keys at all.
import type { CommitRecord } from '../domain/commit.js';
import type { Policy } from '../domain/policy.js';
import type { Verdict } from '../domain/signature.js';
import type { CommitTrust, Verification } from '../domain/trust.js';
import { keylessVerdict, type TrustedKeys } from './signatures/verify.js';
import { whyNoPolicy, type NoPolicyCase } from './no-policy-reason.js';
import type { PolicyStore } from './policy-store.js';
import type { TrustVerifier } from './trust-verifier.js';
import type { WatchedChanges } from './watched-changes.js';
import type { Steps } from './steps.js';
import type { CheckoutKeys, CommitKeys } from './checkout-keys.js';

/** What the walk knows besides the commit: its verifier, the policies' key sets, the trust root or the user's keys. */
export interface TrustSources {
  readonly verifier: TrustVerifier;
  readonly store: PolicyStore;
  readonly trustRootOid: string | undefined;
  readonly userKeys: TrustedKeys | undefined;
  readonly userTrustId: string | undefined;
  /** The keys a commit changing a key file of the work tree is judged by (checkout-keys.ts). */
  readonly checkoutKeys?: CheckoutKeys | undefined;
}

/** `judges`: the policies that may judge the commit and the commits they are read at (none: see `why`). */
export function* commitTrust(
  commit: CommitRecord,
  judges: ReadonlyArray<{ policy: Policy; from: string }>,
  ownPolicy: Policy | undefined,
  why: Omit<NoPolicyCase, 'trustRootOid'>,
  watchedFacts: Omit<WatchedChanges, 'ciGateUnknown'> & { policyChanged: boolean },
  ctx: TrustSources,
): Steps<CommitTrust> {
  let trust: CommitTrust;
  if (judges.length) {
    const verifications: Verification[] = [];
    for (const { policy, from } of judges) {
      const v = ctx.verifier.verify(commit, ctx.store.trustIdOf(policy), policy, ownPolicy);
      verifications.push({ policy, from, verdict: (yield v) as Verdict });
    }
    trust = { mode: 'policy', verifications, trustRoot: why.isRoot, ...watchedFacts };
    if (ownPolicy) trust.ownPolicy = ownPolicy;
  } else if (ctx.trustRootOid) {
    const verdict = (yield keylessVerdict(commit)) as Verdict;
    const noPolicy = whyNoPolicy(commit, { trustRootOid: ctx.trustRootOid, ...why });
    trust = { mode: 'no-policy', noPolicy, verifications: [{ verdict }], trustRoot: false, ...watchedFacts };
    if (ownPolicy) trust.ownPolicy = ownPolicy;
  } else if (ctx.userKeys) {
    const own = ctx.checkoutKeys?.watching
      ? ((yield ctx.checkoutKeys.of(commit)) as CommitKeys | undefined)
      : undefined;
    const verdict = (yield ctx.verifier.verify(
      commit,
      own?.trustId ?? ctx.userTrustId!,
      own?.keys ?? ctx.userKeys,
    )) as Verdict;
    trust = { mode: 'keys', verifications: [{ verdict }], trustRoot: false, ...watchedFacts };
  } else {
    trust = {
      mode: 'none',
      verifications: [{ verdict: (yield keylessVerdict(commit)) as Verdict }],
      trustRoot: false,
      ...watchedFacts,
    };
  }
  return trust;
}
