// Where a restore of GitHub's own actions writes, read with the commit's tree: actions/cache's tar
// and download-artifact's writes follow a link that is already there, so `dist` committed as a link
// to `node_modules/.bin`, `.git` or `..` makes a restore into `dist/` write there (and a link under
// a committed `dist/` likewise for a member `dist/x/...`). A restore path keeps the reading
// action-writes.ts gives it only where, at the commit, it is absent and each folder above it is a
// folder (or absent): a link, a file or the path itself there makes the restore reach anywhere
// (path-way.ts, the walk written-reach.ts shares).
import type { Checkout, FileAt } from './shell-state.js';
import { wayReaches, type WayEntry } from './path-way.js';

/**
 * Whether a restore into workspace path `path` (relative, plain names: action-writes.ts
 * WORKSPACE_ONLY) may write elsewhere than under it, read in the checkout `co` (undefined answers
 * are asked for: the caller reads them and asks again).
 */
export function restoreLeaves(path: string, co: Checkout): boolean {
  const parts = path.split('/').filter(Boolean);
  const found = parts.map((_, i) => co.read(parts.slice(0, i + 1).join('/')));
  if (found.includes(undefined)) return false;
  return wayReaches(parts.length, true, (i) => wayEntry(found[i]));
}

/** A path's content in the checkout as pathWay reads it (a link reads as a file: not a folder). */
const wayEntry = (at: FileAt): WayEntry =>
  at === null ? 'absent' : at === 'tree' ? 'tree' : at === 'unreadable' ? 'unknown' : 'file';
