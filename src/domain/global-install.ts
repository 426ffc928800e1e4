// A global install of a local folder before the gate (`npm install -g .`, `pnpm add -g ./`, `npm i
// -g` with no package: the folder it runs in): npm installs that folder's package on PATH and runs its
// install scripts, so in the checkout the change's own `gitguard` (or npx's) is what the gate runs.
// It keeps the gate only in a folder known to be a fresh clone made outside the checkout (README's
// recipe: `git clone URL /tmp/gitguard && (cd /tmp/gitguard && npm ci && npm install -g .)`): the
// clone, the `cd` into it and the install joined by `&&` (git clone refuses a folder that holds
// anything, so the `cd` runs only into what it fetched), with nothing between them but builds in that
// clone. Anything else the reading cannot tell (another program, a substitution, a background list)
// may write into the clone: from there on no earlier clone counts.
import type { Script, Command, AndOr } from './shell-syntax.js';
import { base } from './gitguard-call.js';
import { commandStart } from './shell-state.js';
import { INSTALL_VERB, nodeGlobal, REGISTRY_PACKAGE } from './tool-installs.js';
/** A spec npm reads as a registry package: a plain name (not `.`, a path, a tarball's file name, a URL). */
const registrySpec = (spec: string): boolean => REGISTRY_PACKAGE.test(spec) && !/\.(?:tgz|tar\.gz|tar)$/i.test(spec);

/**
 * The specs a global install with `words` (npm, pnpm, yarn global) installs that are not registry
 * names: each local folder, tarball or URL, `.` where none is named (npm installs the folder it runs
 * in); undefined where `words` is no global install.
 */
export function localGlobalSpecs(words: readonly string[]): string[] | undefined {
  const [name, ...args] = words;
  if (name === undefined || !/^(?:npm|pnpm|yarn)$/.test(base(name))) return undefined;
  const plain = args.filter((a, k) => !a.startsWith('-') && !(a === 'global' && args[k - 1] === '--location'));
  const yarnGlobal = plain[0] === 'global';
  const [verb, ...specs] = yarnGlobal ? plain.slice(1) : plain;
  if (!(yarnGlobal || nodeGlobal(args)) || !INSTALL_VERB.test(verb ?? '')) return undefined;
  if (!specs.length) return ['.'];
  return specs.filter((s) => !registrySpec(s));
}

/** A remote URL git clones from (not a local path or `file:`, which may be the checkout). */
const REMOTE = /^(?:(?:https?|ssh|git):\/\/|[\w.-]+@[\w.-]+:|"?\$\{?\w+\}?"?$)/;
/** Options of `git clone` that change only what it fetches. */
const CLONE_FLAG = /^(?:-q|--quiet|--single-branch|--no-tags|--depth=\d+|--branch=[\w./-]+)$/;
const CLONE_VALUED = /^(?:--depth|-b|--branch)$/;
/** An absolute folder by plain names (no `..`, variable or pattern). */
const PLAIN_ABSOLUTE = /^(?:\/[\w.+@%=,-]+)+\/?$/;

/** The folder `git clone [options] URL DIR` fills, when it is an absolute one and the URL a remote. */
function clonedFolder(words: readonly string[]): string | undefined {
  if (words[0] !== 'git' || words[1] !== 'clone') return undefined;
  const rest: string[] = [];
  for (let k = 2; k < words.length; k += 1) {
    const w = words[k]!;
    if (CLONE_VALUED.test(w)) k += 1;
    else if (w.startsWith('-') && !CLONE_FLAG.test(w)) return undefined;
    else if (!w.startsWith('-')) rest.push(w);
  }
  const [url, dir] = rest;
  if (rest.length !== 2 || !REMOTE.test(url!) || !PLAIN_ABSOLUTE.test(dir!) || /(?:^|\/)\.\.?(?:\/|$)/.test(dir!))
    return undefined;
  return dir!.replace(/\/$/, '');
}

/** Builds of the package in the folder they run in (`npm ci`, `npm install`, `npm run build`), options apart. */
const BUILD = /^(?:npm (?:ci|i|install|run [\w:-]+)|pnpm (?:install|i)|yarn(?: install)?)$/;
/** Options of those and of the global install that change no folder, config file or shell they use. */
const PLAIN_OPTION =
  /^(?:-g|--global|--location=global|--no-audit|--no-fund|--no-progress|--no-save|--silent|-s|-q|--quiet|--ignore-scripts|--prefer-offline|--frozen-lockfile|--omit=\w+)$/;
/** Whether `words` has only PLAIN_OPTION options. */
const plainOptions = (words: readonly string[]): boolean =>
  words.every((w) => !w.startsWith('-') || PLAIN_OPTION.test(w));
/** Commands that write nothing. */
const INERT = /^(?:true|:|echo)$/;

interface State {
  /** The folder the shell is in, where it is a clone (null: another). */
  here: string | null;
  /** Clones by their folder, each with the count of unknown commands before it was made. */
  cloned: ReadonlyMap<string, number>;
}

/**
 * The global installs of `script` (each by its words joined with NUL, with how many times it occurs)
 * that install only a fresh clone outside the checkout (see above); `errexit`: its lines run under `set -e`.
 */
export function freshCloneInstalls(script: Script, errexit: boolean): Map<string, number> {
  const kept = new Map<string, number>();
  let unknown = 0;
  const fresh = (s: State, dir: string | null): boolean => dir !== null && s.cloned.get(dir) === unknown;
  const other = (s: State): State => ((unknown += 1), s);

  const simple = (words: readonly string[], s: State): State => {
    const dir = clonedFolder(words);
    if (dir !== undefined) return { here: s.here, cloned: new Map(s.cloned).set(dir, unknown) };
    if (/^(?:cd|pushd)$/.test(words[0] ?? ''))
      return {
        here: words.length === 2 && fresh(s, words[1]!.replace(/\/$/, '')) ? words[1]!.replace(/\/$/, '') : null,
        cloned: s.cloned,
      };
    const specs = localGlobalSpecs(words);
    if (specs !== undefined) {
      const into = (spec: string): string | null => (/^\.\/?$/.test(spec) ? s.here : spec.replace(/\/$/, ''));
      if (!plainOptions(words) || !specs.every((p) => fresh(s, into(p)))) return other(s);
      const key = words.join('\0');
      kept.set(key, (kept.get(key) ?? 0) + 1);
      return s;
    }
    if (INERT.test(words[0] ?? '')) return s;
    const build = words.filter((w) => !w.startsWith('-')).join(' ');
    if (BUILD.test(build) && fresh(s, s.here) && plainOptions(words)) return s;
    return other(s);
  };

  const command = (c: Command, s: State): State => {
    if (c.kind === 'simple') {
      const start = commandStart(c.words);
      if (start > 0 || c.heredocs.length || c.words.some((w) => w.substitutions.length)) return other(s);
      return simple(
        c.words.map((w) => w.value),
        s,
      );
    }
    if (c.kind !== 'group') return other({ here: null, cloned: s.cloned });
    walk(c.body, s);
    // A subshell's `cd` ends with it; a `{ }` group's holds after it, where it is not followed.
    return c.subshell ? s : { here: null, cloned: s.cloned };
  };

  const list = (l: AndOr, start: State): State => {
    let s = start;
    l.pipelines.forEach((p, i) => {
      // After `a || b` the shell is where either left it.
      if (i > 0 && l.ops[i - 1] === '||') s = { here: null, cloned: start.cloned };
      s = p.negated || p.commands.length !== 1 ? other(s) : command(p.commands[0]!, s);
    });
    return s;
  };

  /**
   * Each list of `script` starts where the script does: a `cd` or clone on a line before may have
   * failed. `errexit` (the script's own lines under `set -e`): a line of one command that failed
   * ended the script, so the next starts where it left (a failure in `a && b` or a subshell does not).
   */
  const walk = (lists: Script, start: State, errexit = false): void => {
    if (lists.some((l) => l.background)) {
      unknown += 1;
      return;
    }
    let s = start;
    for (const l of lists) {
      const end = list(l, s);
      if (errexit && l.pipelines.length === 1 && l.pipelines[0]!.commands[0]?.kind === 'simple') s = end;
    }
  };

  walk(script, { here: null, cloned: new Map() }, errexit);
  return kept;
}

/** Whether `words` is one of `kept`'s installs not counted yet (freshCloneInstalls), counting it. */
export function takeFresh(kept: Map<string, number>, words: readonly string[]): boolean {
  const key = words.join('\0');
  const n = kept.get(key) ?? 0;
  if (n > 0) kept.set(key, n - 1);
  return n > 0;
}
