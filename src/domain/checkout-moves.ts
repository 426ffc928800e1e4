// A command that changes the commit or repository a job's checkout holds, which every later step
// shares (step-env.ts changesLaterSteps, shell-run.ts for the gate step's own): git moving HEAD or
// making another repository there (`git checkout <old>`, `git reset --hard x`, `git init`), a command
// writing, moving or removing the git folder (`rm -rf .git`), a redirection into it
// (`echo ref > .git/HEAD`), read on the `>` the shell reads as redirections.
import { base } from './gitguard-call.js';
import { OWN_GIT_DIR, OWN_WORK_TREE, quietGitKey } from './env-names.js';
import { gitSubcommand } from './git-options.js';
import { wrappedStart } from './command-wrappers.js';

/**
 * git commands that move HEAD or make another repository of the checkout's folder. Not `clone` nor
 * `worktree`: they make a new folder (a clone into the checkout fails, it is not empty), read by
 * step-folder.ts when the audit runs there.
 */
const MOVES_HEAD = new Set([
  'checkout',
  'switch',
  'reset',
  'restore',
  'init',
  'pull',
  'merge',
  'rebase',
  'am',
  'cherry-pick',
  'revert',
  'update-ref',
  'symbolic-ref',
  'bisect',
  'stash',
]);
/** Commands that write, move or remove the paths they name (`rm -rf .git`, `mv .git /tmp`). */
const WRITERS = new Set([
  'rm',
  'mv',
  'cp',
  'ln',
  'rsync',
  'install',
  'tar',
  'unzip',
  'chmod',
  'chown',
  'tee',
  'sed',
  'truncate',
]);
/** A path of the checkout's git folder: `.git`, `./.git/HEAD`, `$GITHUB_WORKSPACE/.git`. */
export const GIT_FOLDER = /(?:^|\/)\.git(?:\/|$)/;
/** A redirection into the git folder (`echo ref > .git/HEAD`): its target is no word of the command. */
const GIT_REDIRECT = />{1,2}\|?\s*["']?(?:[^\s"'<>;&|]*\/)?\.git\//;

/** `git config`'s options that read or remove settings (it sets none), and those taking a value. */
const CONFIG_READS =
  /^(?:--get(?:-all|-regexp|-urlmatch|-color|-colorbool)?|-l|--list|--unset(?:-all)?|--remove-section|get|list|unset|remove-section)$/;
const CONFIG_VALUED = new Set(['-f', '--file', '--blob', '--type', '--default', '--comment', '--value']);

/** The checkout's root as a path starts (`$GITHUB_WORKSPACE`, GitLab's `$CI_PROJECT_DIR`), and what follows it. */
const WORKSPACE = /^(?:\$\{?(?:GITHUB_WORKSPACE|CI_PROJECT_DIR)\}?|\$\{\{\s*github\.workspace\s*\}\})(\/.*)?$/s;
/** A folder no runner's workspace lies in: the temp folders (`/tmp/x`, `$RUNNER_TEMP/x`), climbing out of none. */
const OUTSIDE = /^(?:\/tmp|\/var\/tmp|\$\{?RUNNER_TEMP\}?)(?:\/|$)/;
/** A `..` name: the path climbs out of where it starts. */
const CLIMBS = /(?:^|\/)\.\.(?:\/|$)/;
/** A path that is the folder it starts from (`.`, `./`, `/.`). */
const SAME = /^(?:\/+\.?)*\/*$/;

/**
 * Whether git's `-C` options (each relative to the one before) end in a folder other than the
 * checkout's root that may be in the workspace (`-C ci/x.git`, `-C "$GITHUB_WORKSPACE/x"`): git opens
 * the repository it finds there, a bare one committed as files included. An absolute path, `~` or a
 * variable the reading cannot place may be the workspace's (`/home/runner/work/<repo>/<repo>` on
 * GitHub's runners, `/builds/<group>/<project>` on GitLab's, `$PWD`): only the temp folders are not.
 */
function inCheckoutFolder(options: ReadonlyArray<readonly [string, string]>): boolean {
  let dir = '';
  for (const [o, v] of options) if (o === '-C' && v !== '') dir = /^[/~$`]/.test(v) || !dir ? v : `${dir}/${v}`;
  if (!dir) return false;
  const w = WORKSPACE.exec(dir);
  if (w) return !SAME.test(w[1] ?? '');
  if (/^[/~$`]/.test(dir)) return !OUTSIDE.test(dir) || CLIMBS.test(dir);
  return !SAME.test(`/${dir}`);
}

/**
 * Whether git's `args` give it a program to run (git-config(1)), by a setting that is not quiet
 * (env-names.ts quietGitKey: `alias.w='!cp x ci/gate.sh'`, `core.pager`, `diff.external`,
 * `core.hooksPath`): `now` by `-c`/`--config-env`, `--exec-path=dir`, or `--git-dir`/`-C` naming a
 * repository other than the checkout's (this command may run it), `--work-tree` another folder or `git config --edit`
 * (its editor); `later` by `git config` setting one (a later git command may run it). What that
 * program writes or moves is not read: it may change the checkout. An option git does not know
 * before the command: `now` (not told).
 */
function gitRunsConfigured(args: readonly string[]): 'now' | 'later' | false {
  const git = gitSubcommand(args);
  if (git === 'unknown') return 'now';
  // `-c k=v`, `--config-env=k=V`: the key up to its first `=`.
  if (git.options.some(([o, v]) => (o === '-c' || o === '--config-env') && !quietGitKey(v.replace(/=.*$/s, ''))))
    return 'now';
  // `--exec-path=dir`: git runs its helpers from there (`git-remote-https` for a fetch), as GIT_EXEC_PATH.
  if (git.options.some(([o]) => o === '--exec-path')) return 'now';
  // Another repository than the checkout's `.git`: its config (a bare one committed as files, or the
  // checkout's root read as one by `--git-dir=.`) names programs git runs (`remote.x.uploadpack`).
  // Another work tree: git writes its files there (`--work-tree=/usr/local/bin checkout-index -a`).
  const elsewhere = ([o, v]: readonly [string, string]): boolean =>
    (o === '--git-dir' && !OWN_GIT_DIR.test(v)) || (o === '--work-tree' && !OWN_WORK_TREE.test(v));
  if (git.options.some(elsewhere) || inCheckoutFolder(git.options)) return 'now';
  if (git.sub !== 'config') return false;
  const rest = git.rest;
  if (rest.some((a) => CONFIG_READS.test(a))) return false;
  if (rest.some((a) => a === '-e' || a === '--edit' || a === 'edit')) return 'now';
  const named = rest.filter((a, i) => !a.startsWith('-') && !CONFIG_VALUED.has(rest[i - 1] ?? ''));
  const key = named[0] === 'set' ? named[1] : named[0];
  return key !== undefined && !quietGitKey(key) && 'later';
}

/**
 * Whether the command `words` is `git config` setting a program (gitRunsConfigured `later`): a git
 * command after it in the job may run it (step-env.ts changesLaterSteps, shell-run.ts); git's own
 * for gitguard reads no such setting (collect/child-env.ts), so alone it changes nothing.
 */
export function setsGitProgram(command: readonly string[]): boolean {
  const words = command.slice(wrappedStart(command).start);
  return base(words[0] ?? '') === 'git' && gitRunsConfigured(words.slice(1)) === 'later';
}

/** `git config`'s options that only pick git's own file of a scope, or how a value is stored. */
const CONFIG_SCOPES = /^--(?:global|system|local|worktree|add|replace-all|bool|int|path)$/;

/**
 * Whether the command `words` is `git config` setting, reading or removing only settings that run
 * nothing (env-names.ts quietGitKey: `core.autocrlf`, `safe.directory`, `user.name`), in git's own
 * files by scope (no `-f` file, no `--edit`): it writes no file a program is looked up in and hands
 * git no program (pwsh-code.ts reads it as printing).
 */
export function setsQuietGitSetting(words: readonly string[]): boolean {
  if (base(words[0] ?? '') !== 'git' || words[1] !== 'config') return false;
  const rest = words.slice(2);
  if (!rest.every((a) => !a.startsWith('-') || CONFIG_SCOPES.test(a) || CONFIG_READS.test(a))) return false;
  const key = rest.find((a) => !a.startsWith('-') && a !== 'set');
  return key !== undefined && gitRunsConfigured(words.slice(1)) === false && quietGitKey(key);
}

/**
 * Programs that run git themselves: package managers and installers fetching a git dependency or
 * plugin (`npm install github:x/y`, `pip install git+https://...`: a clone runs the hooks and
 * fsmonitor a global setting names), forge and hook tools (gh, pre-commit), build tools of
 * languages whose modules are git repositories (go, cargo).
 */
const RUNS_GIT =
  /^(?:git-.+|npm|pnpm|yarn|bun|corepack|pip[\d.]*|pipx|uv|poetry|pipenv|pdm|hatch|conda|mamba|gem|bundle|bundler|composer|cargo|go|gh|hub|glab|pre-commit|lefthook|husky|mise|asdf|volta|brew|lerna|nx|changeset|semantic-release|west|repo)$/;

/**
 * Whether `words` (past the wrappers that run it once: `timeout 60 git status`) may run a git program
 * set before it: a git command other than `git config` (its `--edit`: changesCheckout), a program
 * that runs git itself (RUNS_GIT), or a command naming git among its words, which it may run
 * (`xargs git status`, `find . -exec git status \;`).
 */
export function mayRunGitProgram(command: readonly string[]): boolean {
  const words = command.slice(wrappedStart(command).start);
  const tool = base(words[0] ?? '');
  if (tool !== 'git') return RUNS_GIT.test(tool) || words.some((w) => base(w) === 'git');
  const git = gitSubcommand(words.slice(1));
  return git === 'unknown' || git.sub !== 'config';
}

/** Whether the command `words` (past its wrappers) changes the commit or repository the checkout holds. */
export function changesCheckout(words: readonly string[]): boolean {
  const [name, ...args] = words;
  if (name === undefined) return false;
  const tool = base(name);
  if (WRITERS.has(tool)) return args.some((a) => GIT_FOLDER.test(a));
  if (tool !== 'git') return false;
  const git = gitSubcommand(args);
  // An option git does not know before the command: not told.
  if (git === 'unknown' || gitRunsConfigured(args) === 'now') return true;
  const cmd = git.sub;
  if (cmd === undefined || !MOVES_HEAD.has(cmd)) return false;
  const rest = git.rest.filter((a) => a !== '-q' && a !== '--quiet');
  // `git checkout -b x` / `git switch -c x`: a new branch at HEAD, the same commit.
  if ((cmd === 'checkout' || cmd === 'switch') && rest.length === 2 && /^-[bBcC]$/.test(rest[0]!)) return false;
  // `git init /tmp/scratch`: a new repository in another folder (step-folder.ts reads a `cd` into it).
  if (
    cmd === 'init' &&
    rest.some((a) => !a.startsWith('-') && !/^(?:\.\/?|\$\{?(?:PWD|GITHUB_WORKSPACE)\}?\/?)$/.test(a))
  )
    return false;
  // `git reset --hard` with no commit: HEAD stays.
  return !(cmd === 'reset' && rest.every((a) => a.startsWith('-')));
}

/**
 * `script` with each `>` the shell reads as no redirection blanked: in single quotes, in double quotes
 * holding no substitution (`echo "a -> b"`; in `"$(cmd > f)"` it redirects), after a backslash, in a
 * comment. One in a here-document's body is kept (read as a redirection: fail closed).
 */
export function redirectionsOnly(script: string): string {
  const blank = (text: string): string => text.replaceAll('>', '_');
  let out = '';
  for (let i = 0; i < script.length; i += 1) {
    const c = script[i]!;
    if (c === "'" || c === '"') {
      const end = c === "'" ? script.indexOf(c, i + 1) : closingQuote(script, i + 1);
      if (end < 0) return out + script.slice(i);
      const body = script.slice(i, end + 1);
      out += c === '"' && /\$\(|`/.test(body) ? body : blank(body);
      i = end;
    } else if (c === '\\') out += blank(script.slice(i, (i += 1) + 1));
    else if (c === '#' && (i === 0 || /[\s;&|(]/.test(script[i - 1]!))) {
      const end = script.indexOf('\n', i);
      const stop = end < 0 ? script.length : end;
      out += blank(script.slice(i, stop));
      i = stop - 1;
    } else out += c;
  }
  return out;
}

/** The index of the `"` closing a double-quoted string whose body starts at `from` (past `\"`), or -1. */
function closingQuote(script: string, from: number): number {
  for (let i = from; i < script.length; i += 1) {
    if (script[i] === '\\') i += 1;
    else if (script[i] === '"') return i;
  }
  return -1;
}

/** Whether a script writes into the checkout's git folder by a redirection (no word of a command names it). */
export const writesGitFolder = (script: string): boolean => GIT_REDIRECT.test(redirectionsOnly(script));
