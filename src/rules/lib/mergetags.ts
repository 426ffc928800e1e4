// The judgement of a signed tag embedded in a merge ("mergetag" header): the tag is judged exactly
// like an annotated tag (lib/trust.ts judge, the tagger as committer and author), under the keys
// that judged the merge. Shared by the mergetags-valid rule and `gitguard verify`. Pure.
import { tagAsCommit, type MergetagTrust, type TrustedCommit } from '../../domain/trust.js';
import { judge, type Judgement } from '../../domain/judgement.js';

export interface MergetagJudgement {
  mergetag: MergetagTrust;
  judgement: Judgement;
  /** Why this embedded tag discredits the merge (tampering, a key invalid at signing, a malformed
   *  tag or signature); undefined when it does not (good, unsigned, or signed by a key we do not know). */
  problem?: string;
}

const EMPTY = Buffer.alloc(0);

function judgeMergetag(merge: TrustedCommit, mt: MergetagTrust): Judgement {
  // The merge's id stands in for the tag's, so a goodlist entry for the merge covers its tags too.
  const asCommit = tagAsCommit(
    { oid: merge.oid, name: mt.name, tagger: mt.tagger, payload: EMPTY, message: '', hashOk: merge.hashOk },
    {
      mode: merge.trust.mode,
      verifications: mt.verifications,
      policyChanged: false,
      trustRoot: false,
      changedPaths: [],
      ciGateRemoved: false,
      ...(mt.madeAfter !== undefined ? { madeAfter: mt.madeAfter } : {}),
    },
  );
  // Keys revoked at the tip and the tip's goodlist reach the tags a merge carries, as they reach the merge.
  if (merge.trust.revoked) asCommit.trust.revoked = merge.trust.revoked;
  if (merge.trust.tipGoodlist) asCommit.trust.tipGoodlist = merge.trust.tipGoodlist;
  const j = judge(asCommit);
  // A signature that does not match the tag is tampering whichever key set saw it, even when the
  // best judgement comes from one that does not know the key, or when there are no keys at all.
  if (j.status !== 'bad' && j.status !== 'goodlisted') {
    const bad = mt.verifications.find((v) => v.verdict.letter === 'B');
    if (bad)
      return {
        status: 'bad',
        detail: bad.verdict.reason ?? 'bad signature',
        verdict: bad.verdict,
        ...(bad.policy ? { policy: bad.policy } : {}),
      };
  }
  return j;
}

function mergetagProblem(mt: MergetagTrust, j: Judgement): string | undefined {
  if (j.status === 'goodlisted') return undefined;
  if (mt.malformed) return `malformed embedded tag: ${mt.malformed}`;
  switch (j.status) {
    case 'bad':
      return `bad signature (B): ${j.detail}`;
    case 'key-invalid':
      return `key invalid at signing (${j.verdict.letter}): ${j.detail}`;
    // A key the policy (or the supplied keys) knows, speaking for a tagger it does not own or after its
    // signer retired: what tags-signed fails for the same tag under refs/tags and signer-matches-committer
    // or signers-not-retired for a commit. Only keys nobody vouches for (upstream's) are merely counted.
    case 'impersonation':
      return `impersonation (${j.verdict.letter}): ${j.detail}`;
    case 'retired':
      return `retired signer (${j.verdict.letter}): ${j.detail}`;
    case 'cannot-check':
      // X.509 tags are as unknown to us as keys outside the policy; anything else is a broken block.
      return j.verdict.format === 'x509' ? undefined : `signature cannot be checked (${j.verdict.letter}): ${j.detail}`;
    default:
      return undefined;
  }
}

/** Every embedded tag of a merge, judged (empty for a commit without mergetags). */
export function judgeMergetags(merge: TrustedCommit): MergetagJudgement[] {
  return (merge.trust.mergetags ?? []).map((mergetag) => {
    const judgement = judgeMergetag(merge, mergetag);
    const problem = mergetagProblem(mergetag, judgement);
    return { mergetag, judgement, ...(problem ? { problem } : {}) };
  });
}
