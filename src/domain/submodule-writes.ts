// What `git submodule update`, `init`, `sync` and `status` write in the checkout: only the folders of
// the commit's submodules (the gitlinks of its tree, which the index holds after the checkout), each
// a checkout of another repository with names of its own making, nested submodules under it, and
// their git dirs under .git/modules. git reads no command from .gitmodules (`update = !cmd` is
// refused there since 2.20.1, CVE-2019-19604), runs no hook in a submodule's new git dir, and
// fetches by ext:: only where protocol.ext.allow or GIT_ALLOW_PROTOCOL allow it: a `git config` of
// either, or of `submodule.<name>.update`, earlier in the job is a git program set (git-program-steps.ts),
// the variable a git setting that loses (env-names.ts). The paths are not known without the tree:
// written-targets.ts tells them as SUBMODULES, which collect/submodule-paths.ts reads at the commit.
// `foreach` runs commands, `add`, `deinit`, `absorbgitdirs`, `--merge`, `--rebase`, `--reference` and
// options not listed are not told.

/** The written path that stands for every submodule folder of the commit (a NUL: no shell word holds one). */
export const SUBMODULES = '\0submodules';

/** Options of `git submodule update` that change which commit or how much is fetched, not where it is written. */
const UPDATE_FLAG =
  /^(?:--init|--recursive|--remote|--checkout|--force|-f|--no-fetch|-N|--recommend-shallow|--no-recommend-shallow|--single-branch|--no-single-branch|--progress|--no-progress|--depth=\d+|--jobs=\d+|-j\d+|--filter=[\w:.+-]+)$/;
/** Those taking the next word as their value. */
const UPDATE_VALUED = /^(?:--depth|--jobs|-j)$/;
/** The flags of the other commands read: `sync --recursive`, `status --recursive --cached`. */
const OTHER_FLAG: Record<string, RegExp> = {
  init: /^$/,
  sync: /^--recursive$/,
  status: /^(?:--recursive|--cached)$/,
};

/**
 * Whether `args`, git's words after `git`, are `submodule` with one of the commands above and only
 * options listed (quiet ones anywhere), paths after them or after `--` (a subset of the submodules):
 * no option before `submodule` (`-C`, `-c`, `--work-tree` move or set what it does).
 */
export function submoduleWrites(args: readonly string[]): boolean {
  if (args[0] !== 'submodule') return false;
  const rest = args.slice(1).filter((a) => a !== '-q' && a !== '--quiet');
  const command = rest[0] === undefined || rest[0].startsWith('-') ? 'update-or-status' : rest.shift()!;
  if (command === 'update-or-status') return rest.every((a) => /^(?:--recursive|--cached)$/.test(a));
  const flag = command === 'update' ? UPDATE_FLAG : OTHER_FLAG[command];
  if (!flag) return false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--') return rest.slice(i + 1).every(plainPath);
    if (command === 'update' && UPDATE_VALUED.test(a)) {
      if (!/^\d+$/.test(rest[(i += 1)] ?? '')) return false;
    } else if (a.startsWith('-') ? !flag.test(a) : !plainPath(a)) return false;
  }
  return true;
}

/** A path naming submodules to work on: plain names only (a subset of the commit's submodules either way). */
const plainPath = (p: string): boolean => /^[\w./@+-]+$/.test(p) && !p.startsWith('-');
