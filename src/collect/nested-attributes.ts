// The nested `.gitattributes` files of a tip's tree (git applies each one to its folder: `merge=ours`,
// `-diff` or a filter there steer merges and reviews as the top one does), folded into a few folders
// to watch where there are too many (derived-paths.ts watches them like the top one).
import { ExpectedError } from '../errors.js';
import { ATTRIBUTES, FOLD_AT, isNestedAttributes, listedBefore, listTree } from './tip-listing.js';

export { ATTRIBUTES };

/**
 * `paths` as at most `max` paths covering them all: where there are more, each is cut to its first
 * `d` segments (its folder at that depth), `d` the deepest that leaves at most `max`. Past the cap a
 * path is never dropped (its changes would go unwatched): its folder is watched instead, and a change
 * anywhere in it counts as a protected change. Undefined when even the top-level folders are more.
 */
function foldToCap(paths: readonly string[], max: number): string[] | undefined {
  if (paths.length <= max) return [...paths];
  const split = paths.map((p) => p.split('/'));
  for (let d = Math.max(...split.map((s) => s.length)) - 1; d >= 1; d -= 1) {
    const folded = new Set(split.map((s) => s.slice(0, d).join('/')));
    if (folded.size <= max) return [...folded];
  }
  return undefined;
}

/**
 * The `.gitattributes` files below the root of `tip`'s tree, folded into at most `max` paths
 * (foldToCap): `ls-tree -r` read as a stream (a tree of a million files is ~50 MB of names), keeping
 * only those names; the run's listing of the tip where a CI filter already made one (tip-listing.ts),
 * its names seen in the same order, so the same ones are folded the same way.
 */
export async function nestedAttributes(gitDir: string, tip: string, max: number): Promise<string[]> {
  let found: string[] = [];
  const visit = (n: Buffer): void => {
    if (!isNestedAttributes(n)) return; // most names: decoded never
    found.push(utf8Folder(n, tip));
    if (found.length >= FOLD_AT) found = foldOrStop(found, max);
  };
  const listed = await listedBefore(gitDir, tip);
  if (listed?.attributes) {
    listed.attributes.forEach(visit);
    if (listed.failure !== undefined) throw listed.failure;
  } else await listTree(gitDir, tip, visit);
  return foldOrStop(found, max);
}

/**
 * A path's text, or where a folder name on the way is not UTF-8, the deepest folder above it that is:
 * a name decoded with U+FFFD in it names no entry git has (two folders 0xfe and 0xff read as one, and
 * the walk's pathspec matched neither), so a change there went unseen. The folder is watched instead
 * (as foldToCap does). A top-level such folder leaves nothing to watch: the run stops.
 */
function utf8Folder(path: Buffer, tip: string): string {
  const text = path.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(path)) return text;
  const kept: string[] = [];
  for (let at = 0; ;) {
    const slash = path.indexOf(47, at);
    const segment = path.subarray(at, slash);
    const name = segment.toString('utf8');
    if (slash < 0 || !Buffer.from(name, 'utf8').equals(segment)) break;
    kept.push(name);
    at = slash + 1;
  }
  if (kept.length) return kept.join('/');
  throw new ExpectedError(
    `a top-level folder of ${tip.slice(0, 12)} whose name is not UTF-8 holds a nested ${ATTRIBUTES}: it cannot be watched`,
    `rename the folder to a UTF-8 name (or move the attributes into the top ${ATTRIBUTES})`,
  );
}

function foldOrStop(found: readonly string[], max: number): string[] {
  const folded = foldToCap(found, max);
  if (!folded)
    throw new ExpectedError(
      `more than ${max} top-level folders hold a nested ${ATTRIBUTES}: they cannot all be watched`,
      `move the attributes into fewer folders (or into the top ${ATTRIBUTES})`,
    );
  return folded;
}
