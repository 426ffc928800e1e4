// An annotated tag under refs/tags judged like a commit: the tagger stands for both committer and
// author, and its signature is checked with one key set (the tip's policy, or the user's keys).
import type { TagRecord } from '../domain/commit.js';
import { tagAsCommit, type RevokedKeys, type TrustedCommit } from '../domain/trust.js';
import type { Verdict } from '../domain/signature.js';
import type { MergetagKeys } from './mergetags.js';
import { malformedVerdict, verifySignature } from './signatures/verify.js';
import type { TrustVerifier } from './trust-verifier.js';

/** `k`: the key set that judges the tag (with its policy when a policy's); undefined: no keys at all.
 *  `madeAfter`: the committer date of the commit it tags, when known (CommitTrust.madeAfter). */
export async function trustTag(
  tag: TagRecord,
  k: MergetagKeys | undefined,
  verifier: TrustVerifier,
  revoked: RevokedKeys | undefined,
  madeAfter?: number,
): Promise<TrustedCommit> {
  // No tagger: a signed one is refused (tag-object.ts), as git checks none; an unsigned one has no time.
  const time = tag.tagger?.time ?? 0;
  const email = tag.tagger?.email ?? '';
  // As for commits: a verdict is only the bytes' that hash to the tag's id, and only for a tag read as git reads it.
  const verdict: Verdict = !tag.hashOk
    ? {
        letter: 'B',
        format: 'unknown',
        identities: [],
        reason: 'the object stored under this tag id does not hash to it: its content was altered',
      }
    : tag.malformed
      ? malformedVerdict('tag', tag.malformed)
      : !tag.signature
        ? { letter: 'N', format: 'none', identities: [] }
        : k
          ? await verifier.cached(tag.oid, k.trustId, () =>
              verifySignature(tag.payload, tag.signature!, k.keys, time, email),
            )
          : await verifySignature(tag.payload, tag.signature, { allowedSigners: [] }, time, email);
  const policy = k?.policy;
  return tagAsCommit(tag, {
    mode: policy ? 'policy' : k ? 'keys' : 'none',
    verifications: [{ ...(policy ? { policy } : {}), verdict }],
    policyChanged: false,
    trustRoot: false,
    changedPaths: [],
    ciGateRemoved: false,
    ...(revoked ? { revoked } : {}),
    ...(madeAfter !== undefined ? { madeAfter } : {}),
  });
}
