// Whether the files a checkout text sources (`. ci/env.sh`, `source ./ci/env.sh`) leave the forge's
// base variables alone, so that its `--base "$CI_COMMIT_BEFORE_SHA"` after them is still the forge's
// (audit-options.ts withForgeBasesOwned). A sourced file runs in the same shell and may set any
// variable; read at the commit, one that names no forge base variable (FORGE_BASE_NAMES) and may set
// none without naming it (no `eval`, `read`, nested `source`...) sets none. Fail closed: a source the
// reading cannot name (a variable in the path, a form it does not split off), a text that changes
// folder (`cd`: its relative paths then name other files), a file not read.
import { setsUnnamed } from './audit-options.js';
import { FORGE_BASE_NAMES } from './base-revision.js';

/** `. path` or `source path` as a command of its own: at a line's start or after `;`, `&&`, `||`, `|`. */
const SOURCE = /(^|[;&|])[ \t]*(?:\.|source)[ \t]+([^\s;&|<>()`$'"\\]+)[ \t]*(?=[;&|]|$)/gm;
/** A command that moves the shell's folder. */
const MOVES = /(?:^|[\s;&|(){}`])(?:cd|pushd|popd)(?=[\s;&|)]|$)/m;
const NAMES = new RegExp(`(?<![\\w-])(?:${FORGE_BASE_NAMES.join('|')})(?!\\w)`);

/**
 * Whether `text` sources only files that `read` gives (by the path as written, from the folder the
 * text starts in; undefined: not read) and that set no forge base variable: then its `.` and `source`
 * set none. False where it sources nothing (nothing to set aside) or where any is not known so.
 */
export function sourcesLeaveBases(text: string, read: (path: string) => string | undefined): boolean {
  if (MOVES.test(text)) return false;
  const paths: string[] = [];
  const rest = text.replace(SOURCE, (_all, lead: string, path: string) => {
    paths.push(path);
    return lead;
  });
  if (!paths.length || setsUnnamed(rest)) return false;
  return paths.every((p) => {
    const t = read(p);
    return t !== undefined && !NAMES.test(t) && !setsUnnamed(t);
  });
}
