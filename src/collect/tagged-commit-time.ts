// When the commit a tag names was made: the floor of the tag's signing time (CommitTrust.madeAfter),
// for tags under refs/tags (engine/history.ts) and tags embedded in merges (mergetags.ts) alike: the
// latest committer date among that commit and its ancestors (parent-times.ts, `reach`), as for a commit.
import type { ObjectReader } from './objects.js';
import { parseCommitObject } from './commit-object.js';

/** The floor of a tag's signing time: `reach` of the commit it names, through any tags between (a
 *  nested tag, git tag -s v1 inner) as git peels it: `<oid>` must be an object id. */
export async function taggedCommitTime(
  reader: ObjectReader,
  oid: string,
  reach: (commit: string) => Promise<number | undefined>,
): Promise<number | undefined> {
  const o = await reader.read(`${oid}^{}`);
  const tagged = o?.type === 'commit' ? parseCommitObject(o.oid, o.body) : undefined;
  return tagged && !tagged.malformed ? reach(o!.oid) : undefined;
}
