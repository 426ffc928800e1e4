// What the signature rules judge, attached to each commit by the walk: the policies that may
// authorize it, the verdict under each, the keys revoked at the tip, the trust root. Types and the
// pure lookups over them; collect/trust.ts fills them in.
import type { CommitRecord, TagRecord, Identity } from './commit.js';
import type { Policy } from './policy.js';
import type { Verdict } from './signature.js';

export const POLICY_DIR = '.gitguard';

export interface Verification {
  /** The parent policy this verdict was computed under; undefined when judged by user-supplied keys. */
  policy?: Policy;
  /** The commit that policy was read from (a parent, or the trust root itself): what messages name. */
  from?: string;
  verdict: Verdict;
}

export interface CommitTrust {
  /**
   * policy: judged by its parents' policies; keys: by keys the user supplied; none: no keys at all;
   * no-policy: the history is governed by a policy (there is a trust root) but none may judge this
   * commit (it shares no history with the trust root, or its parents' policies are missing or broken).
   */
  mode: 'policy' | 'keys' | 'none' | 'no-policy';
  /** Why no policy judges it (mode no-policy), with the next step. */
  noPolicy?: string;
  verifications: Verification[];
  /** The policy at this commit, if it has one. */
  ownPolicy?: Policy;
  /** Its .gitguard folder differs from a parent's (added, changed or removed). */
  policyChanged: boolean;
  /** The trust root: the one commit judged by its own policy. */
  trustRoot: boolean;
  /** Watched protected paths whose content differs from every parent's (added, changed, removed). */
  changedPaths: string[];
  /** Changed paths found at the tip (a nested .gitattributes, a file the CI runs) -> the protected path each counts as (one shared map). */
  pathOrigins?: ReadonlyMap<string, string>;
  /** A CI configuration that ran gitguard in a parent no longer does here. */
  ciGateRemoved: boolean;
  /** The forges whose CI (domain/ci-systems.ts CI_RUNNERS) ran gitguard in a parent and no longer does here. */
  ciGateLostFor?: string[];
  /**
   * Neither side's CI files name gitguard, but the chain of files they run (a script, a package
   * script, a make target: collect/gate-chains.ts) reached it in a parent and no longer does here:
   * the forges (CI_RUNNERS' names) whose chain that was.
   */
  ciChainLostFor?: string[];
  /** It changes a CI file whose other side is not in the repository (a partial clone): not judged. */
  ciGateUnknown?: boolean;
  /**
   * The forges for which whether it removes the gitguard step cannot be told: a CI file naming
   * gitguard on one side is past the run's YAML parse budget (GITGUARD_YAML_PARSE_MB).
   */
  ciGateUnreadFor?: string[];
  /** Signed tags embedded in a merge ("mergetag" headers), checked with the keys that judge it. */
  mergetags?: MergetagTrust[];
  /** Keys revoked at the tip or by --revoked-keys: void whichever policy judges (one shared map). */
  revoked?: RevokedKeys;
  /** The goodlist of the policy at the tip (commit id -> reason): one shared map. */
  tipGoodlist?: ReadonlyMap<string, string>;
  /** The earliest it can have been made, unix seconds: for a commit, the latest committer date of its
   *  parents (collect/parent-times.ts); for an annotated tag, the committer date of the commit it tags
   *  (a commit or tag dated before it, and its signature, were dated back). */
  madeAfter?: number;
}

export interface TrustedCommit extends CommitRecord {
  trust: CommitTrust;
}

const NOBODY: Identity = { name: '', email: '', time: 0, tz: '+0000' };

/**
 * A tag judged as a commit (an annotated tag under refs/tags, or one a merge embeds): the tagger
 * stands for both author and committer (no tagger: an empty identity), with no tree, parents or
 * signature headers of its own; `trust` says how it was judged.
 */
export function tagAsCommit(
  tag: { oid: string; name: string; tagger?: Identity | undefined; payload: Buffer; message: string; hashOk: boolean },
  trust: CommitTrust,
): TrustedCommit {
  const who = tag.tagger ?? NOBODY;
  return {
    oid: tag.oid,
    tree: '',
    parents: [],
    author: who,
    committer: who,
    signatures: [],
    mergetags: [],
    payload: tag.payload,
    message: tag.message,
    subject: `tag ${tag.name}`,
    hashOk: tag.hashOk,
    trust,
  };
}

export interface RevokedKey {
  /** OpenPGP fingerprint (upper-case hex, primary key or subkey) or SSH "SHA256:..." fingerprint. */
  key: string;
  /** Where the revocation was found, for people: "the current policy", "--revoked-keys FILE (line 3)". */
  where: string;
  /** Why, in the revoker's words ('' when the source says nothing, as a revocation file). */
  reason: string;
  /** Unix seconds: only signatures made at/after this are void. Absent: all of them. */
  since?: number;
}

/** Fingerprint -> its revocation (the strictest, when a key is revoked more than once). */
export type RevokedKeys = ReadonlyMap<string, RevokedKey>;

export const CURRENT_POLICY = 'the current policy';

/** The revocation that voids a signature by `keys` (signer and signing key) made at `at`, if any. */
export function revocationFor(
  revoked: RevokedKeys | undefined,
  keys: readonly (string | undefined)[],
  at: number,
): RevokedKey | undefined {
  if (!revoked?.size) return undefined;
  for (const k of keys) {
    const r = k ? revoked.get(k) : undefined;
    if (r && (r.since === undefined || at >= r.since)) return r;
  }
  return undefined;
}

export interface MergetagTrust {
  /** Position among the merge's mergetag headers (0-based). */
  index: number;
  /** Object id of the embedded tag, hashed from its bytes (what its verdicts are cached under). */
  oid: string;
  /** The tag's name ("tag" header). */
  name: string;
  tagger?: Identity;
  /** The object the tag names, and which parent of the merge that is (1-based; 0: none of them). */
  object: string;
  parent: number;
  signed: boolean;
  /** Why the embedded object is not a well-formed tag (git prints "malformed mergetag"). */
  malformed?: string;
  /** One verdict per key set that judged the merge (see CommitTrust.verifications). */
  verifications: Verification[];
  /** The committer date of the commit the tag names (CommitTrust.madeAfter), when it names one. */
  madeAfter?: number;
}

export interface TrustedTag {
  ref: string;
  tag: TagRecord;
  judged: TrustedCommit;
}

export type TrustRootSource = '--trust-root' | 'ledger' | 'policy' | 'first-policy-commit';

export const TRUST_ROOT_SOURCE_TEXT: Record<TrustRootSource, string> = {
  '--trust-root': '--trust-root',
  ledger: 'recorded in the ledger',
  policy: "the policy's trust_root",
  'first-policy-commit': 'the first commit carrying the policy on the first-parent chain',
};
