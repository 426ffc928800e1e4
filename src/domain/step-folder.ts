// Which repository a gitguard run in a CI step opens: git opens the nearest folder up from where it
// runs that holds `.git` or is a git directory itself (HEAD, objects/, refs/), so from a folder of
// the checkout other than its root a bare repository committed as plain files (`ci/clean.git`) may
// be the one audited, and from a folder of another checkout (`actions/checkout` of another
// repository or ref) that one is. A step's folders are read relative to the runner's workspace; the
// checkout's roots are the folders a checkout of the change lies in ('' unless `path:` says). A run
// gates only from a root, or naming one (`-C "$GITHUB_WORKSPACE"`, `audit repo` with `path: repo`);
// a folder not known (null: `cd` to HOME, a variable, an absolute path, out of the workspace, `cd -`,
// `popd`, a `working-directory:` expression) gates nothing.
import { posix } from 'node:path';
import { gitSubcommand } from './git-options.js';
import type { BaseTriggers } from './base-triggers.js';

/** Where a command runs (null: not known) and where the checkouts of the change lie. */
export interface Place {
  folder: string | null;
  roots: readonly string[];
  /** Whether git run in this folder of the checkout (relative to its root, not the root) opens the checkout: read in its tree (checkoutOpens). */
  opens?: (folder: string) => boolean;
  /** A folder this run made with `mkdir` (no link, none before it: madeFolder), whose `..` is where mkdir ran. */
  made?: string;
  /** The runs the step has for a change (base-triggers.ts): whether a `--base` naming a branch judges it; none: not known. */
  triggers?: BaseTriggers;
}

/** A step with no `working-directory:` in a job that checks out the change at the workspace's root. */
export const ROOT: Place = { folder: '', roots: [''] };

/**
 * Whether a command run at `p` opens the checkout's repository when it names none: at a root, or in a
 * folder under one where git opens the checkout from there (`opens`, read from that root). A folder
 * under no root (another checkout's, or none where the job checks out only another history) opens none.
 */
export function inCheckout(p: Place): boolean {
  const f = p.made === undefined ? p.folder : pastMade(p.folder, p.made);
  if (f === null) return false;
  if (p.roots.includes(f)) return true;
  const root = p.roots.find((r) => r === '' || f.startsWith(`${r}/`));
  return root !== undefined && p.opens?.(root ? f.slice(root.length + 1) : f) === true;
}

/**
 * `folder` with a `..` right after the folder `made` taken back to where mkdir made it (`build/..`: the
 * root): a folder mkdir made is no link, so the kernel climbs from it to the folder it was made in.
 */
function pastMade(folder: string | null, made: string): string | null {
  const at = `${made}/..`;
  if (folder === null || (folder !== at && !folder.startsWith(`${at}/`))) return folder;
  const parent = made.includes('/') ? made.slice(0, made.lastIndexOf('/')) : '';
  return [parent, folder.slice(at.length + 1)].filter(Boolean).join('/');
}

/**
 * Whether git run in `folder` of the checkout (read with `read`, '' its root) opens the checkout: each
 * folder on the way is a folder of it (no link, no submodule, not missing: a step may have made it,
 * or `cd` gone through CDPATH) and none holds a `HEAD` or `.git` (a bare repository committed as
 * plain files is opened there first). A `..` (kept by physicalPath) climbs from a folder so read, as
 * the kernel climbs from where a link leads; above the root: no. A path not read yet: no (the
 * reading asks for it and runs again).
 */
export function checkoutOpens(folder: string, read: (path: string) => unknown): boolean {
  const on: string[] = [];
  for (const part of folder ? folder.split('/') : []) {
    if (part === '..') {
      if (!on.pop()) return false;
      continue;
    }
    on.push(part);
    const at = on.join('/');
    if (read(at) !== 'tree' || read(`${at}/HEAD`) !== null || read(`${at}/.git`) !== null) return false;
  }
  return true;
}

/**
 * Whether each folder of `folder` under its root is a folder of the checkout (read with `read`): a
 * shell started there (`working-directory:`) is where the path leads on disk, so its `cd ..` climbs
 * from there; through a link or a folder a step made, not known.
 */
export function realFolder(p: Place, read: (path: string) => unknown): boolean {
  const f = p.folder;
  if (f === null || p.roots.includes(f)) return true;
  const root = p.roots.find((r) => r === '' || f.startsWith(`${r}/`));
  if (root === undefined) return true; // under no root: gates nothing wherever it climbs
  const parts = (root ? f.slice(root.length + 1) : f).split('/');
  return parts.every((_, k) => read([root, ...parts.slice(0, k + 1)].filter(Boolean).join('/')) === 'tree');
}

/** The workspace as the runners and their expressions name it, with what follows it. */
const WORKSPACE = /^(?:\$\{?(?:GITHUB_WORKSPACE|CI_PROJECT_DIR)\}?|\$\{\{\s*github\.workspace\s*\}\})(?:\/(.*))?$/s;
/** The folder the shell is in, as a word names it. */
const HERE = /^(?:\$\{?PWD\}?|\$\(\s*pwd\s*\)|`\s*pwd\s*`)(?:\/(.*))?$/s;

/**
 * `rel` joined to `from`, normalised; null when it leaves the workspace or cannot be told (a variable,
 * a glob, `~`). `physical`: a path a program hands the kernel (`-C x`, `env -C x`), whose `..` climbs
 * from where a link leads: kept for checkoutOpens to read (bash's own `cd` climbs by the name).
 */
function joined(from: string, rel: string, physical = false): string | null {
  if (rel.startsWith('/') || rel.startsWith('~') || /[$`*?[\]{}\\]/.test(rel)) return null;
  const j = posix.normalize(posix.join(from || '.', rel));
  if (j === '..' || j.startsWith('../')) return null;
  if (physical && /(?:^|\/)\.\.(?:\/|$)/.test(`${from}/${rel}`)) {
    const parts = `${from}/${rel}`.split('/').filter((x) => x && x !== '.');
    return parts.join('/');
  }
  return j === '.' ? '' : j.replace(/\/+$/, '');
}

/**
 * The folder (relative to the workspace) a word names from folder `from`: a path, `$PWD`, the
 * workspace variable; null: not known. `physical`: as a program opens it (joined).
 */
export function namedFolder(raw: string, from: string | null, physical = false): string | null {
  const w = raw.trim().replace(/^"(.*)"$/s, '$1');
  const ws = WORKSPACE.exec(w);
  if (ws) return joined('', ws[1] ?? '.', physical);
  if (from === null) return null;
  const here = HERE.exec(w);
  return joined(from, here ? (here[1] ?? '.') : w, physical);
}

/** The folder `cd`/`pushd` with `args` moves to from `from` (null: not known: HOME, `-`, a variable, an absolute path). */
export function cdTarget(args: readonly string[], from: string | null): string | null {
  const opts = args.filter((a) => /^-[LPe@]+$/.test(a));
  const to = args.filter((a) => !opts.includes(a) && a !== '--');
  if (to.length !== 1 || to[0] === '-' || /^[+-]\d+$/.test(to[0]!)) return null;
  // `cd -P x`: the shell is where x leads on disk, and its `cd ..` climbs from there: only the root is known.
  const last = opts.join('').replace(/[^LP]/g, '').at(-1);
  if (last === 'P') return namedFolder(to[0]!, from, true) === '' ? '' : null;
  return namedFolder(to[0]!, from);
}

/**
 * A `working-directory:` value (a step's, a `defaults: run:`'s) as a folder of the workspace:
 * undefined where none is set (the inherited one holds), null where it cannot be told (an
 * expression other than the workspace, an absolute path: GitHub does not expand `$VARS` there).
 */
export function workingDirectory(v: unknown): string | null | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') return null;
  const w = v.trim();
  const ws = /^\$\{\{\s*github\.workspace\s*\}\}(?:\/(.*))?$/s.exec(w);
  if (ws) return joined('', ws[1] ?? '.');
  return w.includes('${{') ? null : joined('', w);
}

/** Bits of a shell run's state (shell-state.ts) holding the index of its folder in a FolderTable. */
export const FOLDER = 0xf00;
const SHIFT = 8;
/** Bits holding 1 + the index of the folder the run made last with `mkdir` (0: none; FolderTable.after). */
const MADE = 0xf000;
const MADE_SHIFT = 12;
/**
 * Programs that may remove, move or replace a folder (`rm -r build && ln -s /tmp build`): after one, no
 * folder counts as made by mkdir. Another program the step runs (`cmake ..`, `make`) is the change's
 * own code, whose writes are README's residual risk.
 */
const MOVERS = /^(?:rm|rmdir|mv|ln|cp|install|rsync|tar|bsdtar|unzip|cpio|git|find|xargs|busybox|toybox|mkdir)$/;

/**
 * The folder (relative to the workspace) `mkdir <args>` run in `from` makes, when it makes exactly one
 * and succeeds only by making it: no `-p` (which also succeeds where the name is a link to a folder),
 * one plain path with no `..` (a link on the way leads elsewhere: checkoutOpens reads the rest).
 */
function madeFolder(args: readonly string[], from: string | null): string | undefined {
  const paths: string[] = [];
  for (let k = 0; k < args.length; k += 1) {
    const a = args[k]!;
    if (a === '-m') k += 1;
    else if (a === '-v' || a === '--verbose' || /^--mode=|^-m./.test(a)) continue;
    else if (a.startsWith('-')) return undefined;
    else paths.push(a);
  }
  if (paths.length !== 1 || /(?:^|\/)\.\.(?:\/|$)/.test(paths[0]!)) return undefined;
  return namedFolder(paths[0]!, from) ?? undefined;
}
/** The index standing for a folder not known; the table holds at most this many. */
const UNKNOWN = 15;

/** The folders a step's shell runs may be in, each run's by its index (FOLDER bits). */
export class FolderTable {
  private readonly folders: string[] = [];
  constructor(
    readonly roots: readonly string[],
    private opens?: (folder: string) => boolean,
    private readonly triggers?: BaseTriggers,
  ) {}

  /**
   * A command made repositories in folders the reading does not track (`git init tools`, `git clone
   * url x`, `git worktree add x`): from here on no folder under a root opens the checkout.
   */
  reposMade(): void {
    this.opens = undefined;
  }

  /** `state` with `folder` as its folder (past the table's size: not known). */
  in(state: number, folder: string | null): number {
    const i = this.index(folder);
    return (state & ~FOLDER) | ((i < 0 ? UNKNOWN : i) << SHIFT);
  }

  /** The index of `folder` in the table, added if there is room; -1: not known or no room. */
  private index(folder: string | null): number {
    let i = folder === null ? -1 : this.folders.indexOf(folder);
    if (i < 0 && folder !== null && this.folders.length < UNKNOWN) i = this.folders.push(folder) - 1;
    return i;
  }

  /**
   * `state` after subshells that started from it ended in `ends` (a pipeline's parts, a list run in
   * the background): its folder made kept where each holds it still (none ran a MOVERS program).
   */
  keptMade(state: number, ends: Iterable<number>): number {
    for (const e of ends) if ((e & MADE) !== (state & MADE)) return state & ~MADE;
    return state;
  }

  /**
   * `state` after the command `words` (past its wrappers) ended, `ok`: with status 0, where the run
   * goes on only so: the folder a `mkdir` that succeeded made (madeFolder), none after one that may
   * have failed or a MOVERS program. A subshell's or a function's runs (shell-run.ts) make none, so a
   * state they end in holds the caller's folder or none.
   */
  after(state: number, words: readonly string[], ok: boolean): number {
    const [name, ...args] = words;
    const prog = name?.slice(name.lastIndexOf('/') + 1) ?? '';
    if (!MOVERS.test(prog)) return state;
    const made = ok && prog === 'mkdir' ? this.index(madeFolder(args, this.place(state).folder) ?? null) : -1;
    return (state & ~MADE) | ((made + 1) << MADE_SHIFT);
  }

  /** Where a run in `state` is; `dirs`: the folders a command moves to from there (commandDirs). */
  place(state: number, dirs: readonly string[] = []): Place {
    const i = (state & FOLDER) >> SHIFT;
    const folder = dirs.reduce<string | null>(
      (f, d) => namedFolder(d, f, true),
      i === UNKNOWN ? null : this.folders[i]!,
    );
    const made = ((state & MADE) >> MADE_SHIFT) - 1;
    return {
      folder,
      roots: this.roots,
      ...(this.opens ? { opens: this.opens } : {}),
      ...(made >= 0 ? { made: this.folders[made]! } : {}),
      ...(this.triggers ? { triggers: this.triggers } : {}),
    };
  }
}

/** git's commands that make a repository, worktree or submodule checkout in a folder. */
const MAKES_REPO = new Set(['init', 'clone', 'worktree', 'submodule']);
/** Whether `git <args>` may make a repository in a folder (its command by gitSubcommand: one by a variable may; an option git does not know: it may). */
export function makesRepository(args: readonly string[]): boolean {
  const git = gitSubcommand(args);
  return git === 'unknown' || (git.sub !== undefined && (MAKES_REPO.has(git.sub) || /[$`]/.test(git.sub)));
}

/** Programs' options naming the folder they run their command (or recipe, or script) in. */
const CHDIR: ReadonlyArray<readonly [programs: readonly string[], options: readonly string[]]> = [
  [['env'], ['-C', '--chdir']],
  [['sudo'], ['-D', '--chdir']],
  [
    ['make', 'gmake'],
    ['-C', '--directory'],
  ],
  [['npm'], ['--prefix', '-C']],
  [['pnpm'], ['-C', '--dir']],
  [['yarn'], ['--cwd']],
];

/**
 * The folders (as written, each from the one before) the command `words` runs in where its
 * programs move there (`env -C x`, `sudo -D x`, `make -C x`, `make -sCx`, `npm --prefix x`, `yarn
 * --cwd x`): none, where the shell is. Each program's own options only: a word that is no option
 * (nor the value of one read here) starts the next program's.
 */
export function commandDirs(words: readonly string[]): string[] {
  const out: string[] = [];
  let options: readonly string[] = [];
  for (let k = 0; k < words.length; k += 1) {
    const w = words[k]!;
    if (w === '--') break;
    if (!w.startsWith('-')) {
      options = CHDIR.find(([programs]) => programs.includes(w.slice(w.lastIndexOf('/') + 1)))?.[1] ?? [];
      continue;
    }
    for (const o of options) {
      // `--chdir=x`, `--chdir x`; a short one bundled as getopt reads it (`-sC x`, `-Cx`).
      const m = o.startsWith('--')
        ? w === o
          ? [w, '']
          : w.startsWith(`${o}=`)
            ? [w, w.slice(o.length + 1)]
            : null
        : new RegExp(`^-[A-Za-z]*${o[1]}(.*)$`).exec(w);
      if (!m) continue;
      const v = m[1] || (w === o || !o.startsWith('--') ? words[(k += 1)] : undefined);
      if (v !== undefined) out.push(v);
      break;
    }
  }
  return out;
}

/** An `actions/checkout` step's inputs, as the job lists them. */
export interface CheckoutStep {
  uses: unknown;
  repository?: unknown;
  ref?: unknown;
  path?: unknown;
}

/** The repository and commits a checkout of the change names (none: the event's). */
const OWN_REPOSITORY = /^\s*\$\{\{\s*github\.(?:repository|event\.pull_request\.head\.repo\.full_name)\s*\}\}\s*$/;
const OWN_REF =
  /^\s*\$\{\{\s*github\.(?:sha|ref|head_ref|event\.after|event\.pull_request\.head\.(?:sha|ref))\s*\}\}\s*$/;

/**
 * The folders of the workspace a job's `actions/checkout` steps put the change in (their `path:`):
 * a checkout of another repository or of another ref (`ref: main`, a tag, a commit) puts another
 * history there, and a folder one of those writes to is none of them. A job with no such step: the root.
 */
export function checkoutRoots(steps: readonly CheckoutStep[]): string[] {
  const own: Array<string | null> = [];
  const other: Array<string | null> = [];
  for (const s of steps) {
    if (typeof s.uses !== 'string' || !/^actions\/checkout@/i.test(s.uses.trim())) continue;
    const w = workingDirectory(s.path);
    const path = w === undefined ? '' : w;
    const mine =
      (s.repository === undefined || (typeof s.repository === 'string' && OWN_REPOSITORY.test(s.repository))) &&
      (s.ref === undefined || s.ref === '' || (typeof s.ref === 'string' && OWN_REF.test(s.ref)));
    (mine ? own : other).push(path);
  }
  if (!own.length && !other.length) return [''];
  // A folder not known (an expression) of another checkout may be any: none is the change's then.
  if (other.includes(null)) return [];
  return own.filter((p): p is string => p !== null && !other.includes(p));
}
