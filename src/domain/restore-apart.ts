// Whether a job's restores under plain folders (actions/cache of `target/`, download-artifact into
// `dist/`: action-writes.ts `plain`, their workspace paths) and the files of the checkout its steps
// write (written-targets.ts, each told by its path) stay apart: no written path is a restore path, a
// folder above one or a path under one. Then the write cannot copy what was restored over a file the
// gate reads (`cp -r dist/. .` writes `.`, above `dist`), write through a link the restore made
// (`echo x > target/l/y`: under `target`), nor make a link the restore then writes through (`cp -r
// /tmp/l dist`: `dist` itself); each is judged on its own (checkout-writes.ts). A write of a file
// npm's lookup or a version manager's shim reads (`.tool-versions`, `package.json`) is never apart:
// it may name what was restored as the program to run.
import { LOOKUP_NAME } from './action-writes.js';
import { foldPath } from './path-way.js';
import { SUBMODULES } from './submodule-writes.js';

/** A path at, above or under another, compared by whole names (`dist` and `dist2` are apart). */
const related = (a: string, b: string): boolean =>
  a === '' || b === '' || a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

/**
 * Whether `restores` (workspace paths, or true: not told) and `written` (paths from the root, an
 * unpacking's folder marked by its `/`, or true: not told) are apart; names compared as a macOS or
 * Windows runner's file system does (case folded).
 */
export function restoreApart(restores: readonly string[] | true, written: readonly string[] | true): boolean {
  if (restores === true || written === true) return false;
  // A submodule's folder (submodule-writes.ts) may be anywhere: a restore is never apart from it.
  if (written.includes(SUBMODULES)) return false;
  const w = written.map(foldPath);
  if (w.some((p) => LOOKUP_NAME.test(p))) return false;
  return restores.map(foldPath).every((r) => w.every((p) => !related(r, p)));
}
