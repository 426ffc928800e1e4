// The nested `.gitattributes` files of a tip's tree (git applies each one to its folder: `merge=ours`,
// `-diff` or a filter there steer merges and reviews as the top one does), folded into a few folders
// to watch where there are too many (derived-paths.ts watches them like the top one).
import { ExpectedError } from '../errors.js';
import { gitRecords } from './git-reading.js';
import { envLimit } from './child-env.js';

export const ATTRIBUTES = '.gitattributes';
const NESTED_SUFFIX = Buffer.from(`/${ATTRIBUTES}`);

/** Names kept before they are folded (a hostile tree may hold a million `.gitattributes`). */
const FOLD_AT = 8192;

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
 * only those names.
 */
export async function nestedAttributes(gitDir: string, tip: string, max: number): Promise<string[]> {
  const args = ['ls-tree', '-r', '-z', '--name-only', '--full-tree', '--end-of-options', tip];
  const tooLong = (): Error => new ExpectedError(`a path in ${tip.slice(0, 12)}'s tree is over 64 KiB long`);
  let found: string[] = [];
  let seen = 0;
  const most = maxTreeFiles();
  for await (const names of gitRecords(args, gitDir, '\0', 64 * 1024, tooLong))
    for (const n of names) {
      if (++seen > most) throw tooManyFiles(tip, most);
      if (!n.subarray(-NESTED_SUFFIX.length).equals(NESTED_SUFFIX)) continue; // most names: decoded never
      found.push(utf8Folder(n, tip));
      if (found.length >= FOLD_AT) found = foldOrStop(found, max);
    }
  return foldOrStop(found, max);
}

/**
 * The most files a tip's tree may list (GITGUARD_MAX_TREE_FILES, else 10 million): a tree naming one
 * subtree a thousand times, three levels deep, is a few hundred bytes and a billion paths, which
 * `ls-tree -r` printed for hours (the largest honest trees hold a few million files).
 */
const maxTreeFiles = (): number => envLimit('GITGUARD_MAX_TREE_FILES', 10_000_000);

const tooManyFiles = (tip: string, max: number): ExpectedError =>
  new ExpectedError(
    `the tree of ${tip.slice(0, 12)} lists more than ${max.toLocaleString('en-US')} files (GITGUARD_MAX_TREE_FILES; a tree that names the same folders over and over lists billions)`,
    `for a huge honest tree, set GITGUARD_MAX_TREE_FILES=N`,
  );

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
