// The folder a git command of a script runs in, for checkout-moves.ts's reading of the repository it
// opens: git opens the one it finds from there, so after `cd ci/x.git` (a bare repository the change
// committed as plain files) a `git fetch` runs the programs that one's config names, as `git -C
// ci/x.git fetch` does. The script's words are read in order (step-env.ts scriptWords), each `cd`,
// `pushd` or `popd` moving the folder every later git command is read in, whatever runs it (a
// subshell's `cd` too: fail closed); a wrapper naming a folder (`env -C x git ...`: step-folder.ts
// commandDirs) moves its own git alone (gitIn, as step-env.ts scriptWords reads it).
import { base } from './gitguard-call.js';

/** `cd`'s options that name no folder. */
const CD_OPTION = /^-[LPe@]+$/;

/** The folders a script moved to, as git's `-C` options read them (each from the one before). */
export class GitRunFolder {
  private readonly dirs: string[] = [];

  /** After the command `words`: a `cd`/`pushd` to one folder moves there; any other (`cd`, `cd -`, `popd`) to one not known (`~`). */
  saw(words: readonly string[]): void {
    const [name, ...args] = words;
    if (name !== 'cd' && name !== 'pushd' && name !== 'popd') return;
    const to = args.filter((a) => a !== '--' && !CD_OPTION.test(a));
    const known = name !== 'popd' && to.length === 1 && to[0] !== '-' && !/^[+-]\d+$/.test(to[0]!);
    this.dirs.push(known ? to[0]! : '~');
  }

  /** The command `words` (past its wrappers) with the folders the script moved to as `-C` options of its git; any other as it is. */
  git(words: readonly string[]): readonly string[] {
    return gitIn(this.dirs, words);
  }
}

/**
 * `words` (a command past its wrappers) as git run in `dirs` reads it: the folders as git's `-C`
 * options in front of its own (`env -C ci/x.git git fetch` is `git -C ci/x.git fetch`); a command
 * other than git, or none named, as it is.
 */
export function gitIn(dirs: readonly string[], words: readonly string[]): readonly string[] {
  if (!dirs.length || base(words[0] ?? '') !== 'git') return words;
  return [words[0]!, ...dirs.flatMap((d) => ['-C', d]), ...words.slice(1)];
}
