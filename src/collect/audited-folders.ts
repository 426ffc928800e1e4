// The folders the audited repository controls (its work tree, git dir and common dir, and the path
// the user named), noted in the run's context as the repository is found: nothing gitguard trusts
// may come from them. A PATH entry there (`npx gitguard` run inside the repository puts its
// `node_modules/.bin` first, as an absolute path) would run a `git` the repository committed, and
// an XDG_CACHE_HOME there would take the per-user secret from a file the repository ships.
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { runAuditedFolders } from './run-context.js';

/** `path` as given and with its links resolved (as far as it exists: a folder not made yet). */
export function spellings(path: string): string[] {
  const abs = resolve(path);
  let head = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      return [abs, join(realpathSync.native(head), ...rest.reverse())];
    } catch {
      const up = dirname(head);
      if (up === head) return [abs];
      rest.push(basename(head));
      head = up;
    }
  }
}

/** Whether `path` is one of `roots` or inside one. */
export function within(roots: Iterable<string>, path: string): boolean {
  const ps = spellings(path);
  for (const root of roots)
    for (const p of ps) {
      const rel = relative(root, p);
      if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) return true;
    }
  return false;
}

/**
 * Notes a repository's folders for this run. Called with the path the user named before git runs
 * there (with the nearest folder above it holding a `.git`: the work tree git will find), and with
 * what git then answered.
 */
export function noteAuditedFolders(paths: ReadonlyArray<string | undefined>): void {
  const noted = runAuditedFolders();
  if (noted) for (const p of paths) if (p) for (const s of spellings(p)) noted.add(s);
}

/** The nearest folder at or above `path` that holds a `.git` (where git's discovery stops), if any. */
export function enclosingWorkTree(path: string): string | undefined {
  for (let d = resolve(path); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return undefined;
  }
}

/** Whether `path` lies in a folder the audited repository controls (false before any is noted). */
export function insideAuditedRepository(path: string): boolean {
  const noted = runAuditedFolders();
  return !!noted?.size && within(noted, path);
}
