// A floating tag (GitHub Actions' `v1`, moved to each v1.x release) named by the policy's
// protected.floating_tags may move, but only as a release does: forward, to a commit that descends
// from the one it named, and as an annotated tag of its own name signed by a maintainer. A
// lightweight tag records nobody, so its move stays a finding; so does any other move, and a tag
// older than the one it replaces (a maintainer's earlier tag put back after a retraction).
import type { Available } from '../../domain/model.js';
import type { TrustedTag } from '../../domain/trust.js';
import type { ProtectedRef } from '../../domain/ledger.js';
import { judge } from '../../domain/judgement.js';
import { isMaintainer } from '../../domain/policy.js';

/**
 * undefined when the move of tag `r` (recorded: where it was, current: the tag object now) is a
 * floating tag's release; else why it is not. `tags`: the annotated tags judged (the audit's facts,
 * or the pre-push hook's walk).
 */
export function floatingMoveRefusal(
  tags: Available<TrustedTag[]> | undefined,
  r: Pick<ProtectedRef, 'name' | 'current' | 'floating'>,
): string | undefined {
  if (!r.floating) return 'the policy does not list it in protected.floating_tags';
  if (r.floating.forward === undefined) return 'git cannot tell whether it moved forward (an object is missing)';
  if (!r.floating.forward) return 'it moved to a commit that does not descend from the one it named';
  if (!tags?.ok) return `its tag object could not be judged (${tags ? tags.reason : 'tags were not collected'})`;
  const t = tags.value.find((x) => x.tag.oid === r.current);
  if (!t) return 'it is a lightweight tag, which records nobody: move it as a tag a maintainer signs (git tag -f -s)';
  if (t.tag.name !== r.name.slice('refs/tags/'.length)) return `its signed tag names itself "${t.tag.name}"`;
  const j = judge(t.judged);
  if (j.status !== 'authorized' || !j.signer || !j.policy)
    return `its tag is not signed by a maintainer (${j.status}${j.detail ? `: ${j.detail}` : ''})`;
  if (!isMaintainer(j.policy, j.signer)) return `its tag is signed by ${j.signer.name}, who is not a maintainer`;
  // A release is a new tag: one older than the tag it replaces is an earlier one put back (a retracted release).
  const replaced = r.floating.replacedAt;
  if (replaced !== undefined && !(t.tag.tagger && t.tag.tagger.time >= replaced))
    return `its tag (tagged ${when(t.tag.tagger?.time)}) is older than the tag it replaces (tagged ${when(replaced)}): an earlier tag put back, not a new release`;
  return undefined;
}

const when = (t: number | undefined): string =>
  t === undefined ? 'at no time' : new Date(t * 1000).toISOString().replace('.000Z', 'Z');
