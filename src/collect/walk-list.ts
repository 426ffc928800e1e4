// The list the walk reads when a trust root cuts it. The walk starts at the root (its revisions plus
// ^ each of the root's parents) while the secrets scan reads the whole scope (a credential committed
// before the root is leaked all the same): two sorted lists, two sorts of the history, and neither
// the scan's tap of the watched paths (path-tap.ts) nor its feed of commit objects (commit-feed.ts)
// could serve the walk, so the walk ran its own diff-tree and the scan its own cat-file. When what
// the root's parents reach is small, the walk reads the scan's list instead and skips those commits:
// the commits it judges are the same set, in an order that still puts parents first.
import { COMMIT_PASS_CONFIG, sameListWithout } from './list-chunks.js';
import { gitText } from './git.js';

/** Most commits before the trust root held (as ids, to be skipped) for the walk to share the scan's list. */
const SKIP_LIMIT = 100_000;

/** The walk's list: its revisions, and the commits of their list it skips (what the root's parents reach). */
export interface WalkList {
  revisions: string[];
  skip?: ReadonlySet<string>;
}

const ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * The commits `excluding` (^ the root's parents) takes out of the list of `revisions`, when at most
 * `limit`: what the parents reach and `revisions`' own exclusions do not. The list of `revisions`
 * without them is the list of `revisions` and `excluding` as a set (reach(tips) less reach(exclusions)
 * less reach(parents)). Only plain ids and ^ids are read here; anything else (an option, a range)
 * leaves the lists apart.
 */
export async function skippedBefore(
  gitDir: string,
  revisions: readonly string[],
  excluding: readonly string[],
  limit = SKIP_LIMIT,
): Promise<Set<string> | undefined> {
  const plain = (r: string, negative: boolean): boolean =>
    r.startsWith('^') === negative && ID.test(r.slice(+negative));
  if (!excluding.length || !excluding.every((r) => plain(r, true))) return undefined;
  if (!revisions.every((r) => plain(r, false) || plain(r, true))) return undefined;
  const input = [...excluding.map((r) => r.slice(1)), ...revisions.filter((r) => r.startsWith('^'))];
  const listed = await gitText([...COMMIT_PASS_CONFIG, 'rev-list', '--stdin', `--max-count=${limit + 1}`], {
    gitDir,
    input: `${input.join('\n')}\n`,
  }).catch(() => undefined);
  if (listed === undefined) return undefined;
  const ids = listed.split('\n').filter((l) => l !== '');
  if (ids.length > limit || !ids.every((id) => ID.test(id))) return undefined;
  return new Set(ids);
}

/**
 * What the walk reads for `revisions` cut at the root (`excluding`: ^ its parents): the scan's own
 * list, skipping what the parents reach when that is few enough commits (none: the same list), or
 * when git's counts say the parents take nothing out of it (sameListWithout); else undefined (the
 * walk lists `revisions` and `excluding` itself).
 */
export async function walkListWithout(
  gitDir: string,
  revisions: readonly string[],
  excluding: readonly string[],
): Promise<WalkList | undefined> {
  const skip = await skippedBefore(gitDir, revisions, excluding);
  if (skip) return skip.size ? { revisions: [...revisions], skip } : { revisions: [...revisions] };
  const same = await sameListWithout(gitDir, revisions, excluding);
  return same ? { revisions: same } : undefined;
}
