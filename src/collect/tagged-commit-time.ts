// When the commit a tag names was committed: the floor of the tag's signing time (CommitTrust.madeAfter),
// for tags under refs/tags (engine/history.ts) and tags embedded in merges (mergetags.ts) alike.
import type { ObjectReader } from './objects.js';
import { parseCommitObject } from './commit-object.js';

/** When the commit a tag names was committed (CommitTrust.madeAfter), through any tags between (a
 *  nested tag, git tag -s v1 inner) as git peels it: `<oid>` must be an object id. */
export async function taggedCommitTime(reader: ObjectReader, oid: string): Promise<number | undefined> {
  const o = await reader.read(`${oid}^{}`);
  const tagged = o?.type === 'commit' ? parseCommitObject(o.oid, o.body) : undefined;
  return tagged && !tagged.malformed ? tagged.committer.time : undefined;
}
