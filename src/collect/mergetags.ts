// A merge of a signed tag (`git merge --no-ff v1.0`) carries the whole tag object, signature and
// all, in a "mergetag" header of the merge commit: the tagger's signature travels with the merge.
// This takes each embedded tag out of the commit byte for byte, and checks its signature with the
// keys that judge the merge itself (its parents' policies, or the user's keys), the tagger being
// the identity, the same way TrustCollector.trustTag checks an annotated tag. Only merges that carry
// a mergetag ever come here.
import type { CommitRecord } from '../domain/commit.js';
import { objectId } from './commit-object.js';
import type { ObjectReader } from './objects.js';
import { taggedCommitTime } from './tagged-commit-time.js';
import type { Policy } from '../domain/policy.js';
import { malformedVerdict, verifySignature, type TrustedKeys } from './signatures/verify.js';
import type { Verdict } from '../domain/signature.js';
import { parseTagObject } from './tag-object.js';

import type { CommitTrust, MergetagTrust, Verification } from '../domain/trust.js';
/** A key set that judged the merge: the parent policy it belongs to, or none for the user's keys. */
export interface MergetagKeys {
  policy?: Policy;
  trustId: string;
  keys: TrustedKeys;
}

/** The key sets that judged a commit, for the tags embedded in it (undefined: no keys at all). */
export function mergetagKeys(
  trust: CommitTrust,
  store: { keysOf(policy: Policy): MergetagKeys },
  user: MergetagKeys | undefined,
): MergetagKeys[] | undefined {
  if (trust.mode === 'keys') return user && [user];
  if (trust.mode !== 'policy') return undefined;
  return trust.verifications.flatMap(({ policy: p }) => (p ? [store.keysOf(p)] : []));
}

/** Checks one signature under one key set, cached under the tag's id (TrustCollector supplies it). */
export type TagCheck = (
  oid: string,
  keys: MergetagKeys,
  task: { payload: Uint8Array; armored: string; at: number; identity: string },
) => Promise<Verdict>;

const NL = 0x0a;
const SP = 0x20;
const MERGETAG = Buffer.from('mergetag ');

/**
 * The embedded tag objects, exact bytes: each "mergetag" header's value and continuation lines
 * (leading space removed), every line ending in "\n", as git's read_commit_extra_header_lines
 * rebuilds them. Read from the raw bytes, since a tag need not be UTF-8.
 */
export function embeddedTags(commitBytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let current: Buffer[] | undefined;
  let pos = 0;
  while (pos < commitBytes.length) {
    let end = commitBytes.indexOf(NL, pos);
    if (end === -1) end = commitBytes.length;
    if (end === pos) break; // the blank line that ends the headers
    const line = commitBytes.subarray(pos, end);
    if (line[0] === SP) {
      current?.push(line.subarray(1), Buffer.of(NL));
    } else {
      if (current) out.push(Buffer.concat(current));
      current = line.subarray(0, MERGETAG.length).equals(MERGETAG)
        ? [line.subarray(MERGETAG.length), Buffer.of(NL)]
        : undefined;
    }
    pos = end + 1;
  }
  if (current) out.push(Buffer.concat(current));
  return out;
}

/** Verifies every tag embedded in a merge under each key set that judged the merge (none: no keys). */
export async function verifyMergetags(
  commit: CommitRecord,
  judges: MergetagKeys[] | undefined,
  check: TagCheck,
  reader: ObjectReader,
  reach: (commit: string) => Promise<number | undefined>,
): Promise<MergetagTrust[]> {
  const algo = commit.oid.length === 64 ? 'sha256' : 'sha1';
  const out: MergetagTrust[] = [];
  for (const [index, body] of embeddedTags(commit.payload).entries()) {
    const oid = objectId('tag', body, algo);
    const tag = parseTagObject(oid, body);
    const who = tag.tagger ?? { name: '', email: '', time: 0, tz: '+0000' };
    const sig = tag.signature;
    // A tag gitguard cannot read as git does is never checked: every key set says E, with the reason.
    const refused: Verdict | undefined = tag.malformed ? malformedVerdict('tag', tag.malformed) : undefined;
    const task =
      sig === undefined || refused
        ? undefined
        : { payload: tag.payload, armored: sig, at: who.time, identity: who.email };
    const unsigned: Verdict = { letter: 'N', format: 'none', identities: [] };
    // With no keys at all the signature is still checked (an SSH signature carries its key, so a
    // tampered tag shows as B), but not cached: there is no key set to cache it under.
    const verifications: Verification[] = judges
      ? await Promise.all(
          judges.map(async (j) => ({
            ...(j.policy ? { policy: j.policy } : {}),
            verdict: refused ?? (task ? await check(oid, j, task) : unsigned),
          })),
        )
      : [
          {
            verdict:
              refused ??
              (task
                ? await verifySignature(task.payload, task.armored, { allowedSigners: [] }, task.at, task.identity)
                : unsigned),
          },
        ];
    const malformed = tag.malformed;
    out.push({
      index,
      oid,
      name: tag.name,
      ...(tag.tagger ? { tagger: tag.tagger } : {}),
      object: tag.object,
      parent: commit.parents.indexOf(tag.object) + 1,
      signed: tag.signature !== undefined,
      ...(malformed ? { malformed } : {}),
      verifications,
    });
    // Made after the commit it names, as a tag under refs/tags (its object id is the repository's text).
    const madeAfter = malformed ? undefined : await taggedCommitTime(reader, tag.object, reach);
    if (madeAfter !== undefined) out[out.length - 1]!.madeAfter = madeAfter;
  }
  return out;
}
