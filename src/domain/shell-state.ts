// The state domain/shell-gate.ts runs a script on: a few bits per run, where runs go, and what the
// shell defines as it runs (functions, aliases, traps) with the builtins that change them.
import { parseScript, type Command, type Script, type Word } from './shell-syntax.js';
import { gitguardCall } from './gitguard-call.js';
import { wrappedStart } from './command-wrappers.js';
import { inCheckout, type FolderTable } from './step-folder.js';
import { shadowingName } from './env-names.js';
import { nodeLoads } from './ci-variables.js';

/** How the forge's shell starts a script: `-e` (errexit) and `-o pipefail`. */
export interface ShellMode {
  errexit: boolean;
  pipefail: boolean;
  /** GitHub Actions: $GITHUB_EVENT_NAME is the runner's, which a step's `env:` cannot set. */
  actions?: boolean;
  /** A checkout script started with no arguments that cannot set any (checkout-runs.ts): its `"$@"` is no word. */
  noArgs?: boolean;
  /** A git program set before the script (git-program-steps.ts): a git command in it may run it. */
  gitProgram?: boolean;
}

export const E = 1; // errexit
export const P = 2; // pipefail
export const F = 4; // gitguard failed
export const S = 8; // the last status is not zero
export const B = 16; // a gitguard run in the background failed
// Something the reading cannot follow ran: a sourced file, a command named by a variable, a PATH with a
// folder of the checkout, `hash -p`, `enable -f`, a DEBUG trap, BASH_ENV: it may have redefined gitguard or the shell's options.
export const N = 32;
// The script's status variable (statusVariable: `rc=$?`) holds a value the reading knows (K), not zero (R).
const K = 64;
const R = 128;

/** `$?` as a word (`$?`, `${?}`). */
const STATUS_WORD = /^\$(?:\?|\{\?\})$/;

/**
 * The one variable a script keeps a status in (`rc=$?`, `status=$?`): the only name it assigns `$?`
 * to, given nothing but `$?` or digits anywhere (no `read`, `for`, `let`, `+=`, `$((...))`, `${rc:=1}`).
 * Undefined otherwise: tests of it go either way.
 */
export function statusVariable(script: string): string | undefined {
  // Each expression starts only where a word does or is consumed to its span's end: linear in a hostile script.
  const names = new Set([...script.matchAll(/(?<!\w)([A-Za-z_]\w*)=["']?\$(?:\?|\{\?\})/g)].map((m) => m[1]!));
  const [name] = names;
  if (names.size !== 1 || !name) return undefined;
  const values = [...script.matchAll(new RegExp(`(?<![\\w$])${name}=("[^"]*"|'[^']*'|[^\\s;&|)]*)`, 'g'))];
  if (values.some((m) => !/^(["']?)(?:\$\?|\$\{\?\}|\d+)\1$/.test(m[1]!))) return undefined;
  const word = new RegExp(`\\b${name}\\b`);
  const spans = [
    ...script.matchAll(/\b(?:read|for|let|unset|getopts|mapfile|readarray|printf)\b([^\n;]*)/g),
    ...script.matchAll(/\(\(([^)]*)/g),
  ];
  if (spans.some((m) => word.test(m[1]!))) return undefined;
  return new RegExp(`\\b${name}\\+=|\\$\\{${name}:?[=?+-]`).test(script) ? undefined : name;
}

/** `state` after the assignments `words` make (`rc=$?`, `rc=0`) to the status variable `name`. */
export function assignStatus(state: number, words: readonly string[], name: string | undefined): number {
  let s = state;
  for (const w of words) {
    const value = name !== undefined && w.startsWith(`${name}=`) ? w.slice(name.length + 1) : undefined;
    if (value === undefined) continue;
    const nonzero = STATUS_WORD.test(value) ? (state & S) !== 0 : /^\d+$/.test(value) ? Number(value) !== 0 : undefined;
    s = nonzero === undefined ? s & ~(K | R) : ((s | K) & ~R) | (nonzero ? R : 0);
  }
  return s;
}

/**
 * Whether `[ $? -ne 0 ]` (`[ "$rc" = 0 ]`, `test`, `[[ ]]`; -eq -ne = == != against 0, either side)
 * holds on `state`: `$?` is its last status, the status variable its known value. Undefined: no such test.
 */
export function statusTest(args: readonly string[], state: number, name: string | undefined): boolean | undefined {
  const words = args.at(-1) === ']' || args.at(-1) === ']]' ? args.slice(0, -1) : args;
  if (words.length !== 3 || !['-eq', '-ne', '=', '==', '!='].includes(words[1]!)) return undefined;
  const nonzero = (w: string): boolean | undefined =>
    STATUS_WORD.test(w)
      ? (state & S) !== 0
      : name !== undefined && (w === `$${name}` || w === `\${${name}}`) && state & K
        ? (state & R) !== 0
        : undefined;
  const [a, op, b] = words as [string, string, string];
  const known = b === '0' ? nonzero(a) : a === '0' ? nonzero(b) : undefined;
  if (known === undefined) return undefined;
  return op === '-ne' || op === '!=' ? known : !known;
}

export type States = Set<number>;
/** Where a run goes: on, out of the script (`exit`), out of a function (`return`), out of a loop. */
export interface Flow {
  run: States;
  exit: States;
  ret: States;
  brk: States;
}
export const flow = (run: States = new Set()): Flow => ({ run, exit: new Set(), ret: new Set(), brk: new Set() });
export const status = (s: number, nonzero: boolean): number => (nonzero ? s | S : s & ~S);
export const add = (into: States, from: Iterable<number>): void => {
  for (const s of from) into.add(s);
};

/**
 * What a shell has defined: every definition some run may have made of a name (a function defined in
 * one branch of an `if`, a trap set in a loop), `undefined` in a trap list standing for none. Shared
 * by a function's body and `eval` (they define in the shell that runs them); copied into a subshell.
 */
export interface Defs {
  funcs: Map<string, Command[]>;
  aliases: Map<string, string[]>;
  exit: Array<Script | undefined>;
  err: Array<Script | undefined>;
}
export const newDefs = (): Defs => ({ funcs: new Map(), aliases: new Map(), exit: [undefined], err: [undefined] });
export const copyDefs = (d: Defs): Defs => ({
  funcs: new Map([...d.funcs].map(([k, v]) => [k, [...v]])),
  aliases: new Map([...d.aliases].map(([k, v]) => [k, [...v]])),
  exit: [...d.exit],
  err: [...d.err],
});
/** One more definition `name` may have (kept beside the earlier ones: the run may not have reached it). */
export function define<T>(into: Map<string, T[]> | T[], name: string, value: T): void {
  const list = Array.isArray(into) ? into : (into.get(name) ?? into.set(name, []).get(name)!);
  if (!list.includes(value)) list.push(value);
}

/** Builtins whose words are assignments (`export PATH=./bin:$PATH`). */
export const DECLARES = new Set(['export', 'declare', 'typeset', 'local', 'readonly']);

/** Single-quoted, as a word read again after an alias. */
export const quote = (w: string): string => `'${w.replace(/'/g, `'\\''`)}'`;

/**
 * An assignment that changes which program a name runs or how a shell starts: BASH_ENV, SHELLOPTS,
 * IFS, NODE_OPTIONS, HOME, gitguard's own (env-names.ts), and a PATH naming a folder other than an absolute one outside the checkout, $HOME's or the
 * old $PATH (a folder of the checkout can hold a `gitguard` that passes).
 */
export function unfollowedAssignment(w: string): boolean {
  const m = /^([A-Za-z_]\w*)=(.*)$/s.exec(w);
  // make's flags from the environment: -i ignores a failed recipe line, -n/-q/-t run none (make-recipe.ts).
  if (m && /^(?:MAKEFLAGS|MFLAGS|GNUMAKEFLAGS)$/.test(m[1]!))
    return /[$`]|(?:^|\s)-?[a-zA-Z]*[inqt]|--(?:ignore-errors|just-print|dry-run|recon|question|touch)/.test(m[2]!);
  if (!m || !shadowingName(m[1]!)) return false;
  // node's options load a file only by --require/--import (`--max-old-space-size` runs the same gitguard).
  if (m[1] === 'NODE_OPTIONS') return /[$`]/.test(m[2]!) || nodeLoads(m[2]!).length > 0;
  // A home outside the checkout is the runner's, as a PATH folder there is.
  if (/^(?:HOME|XDG_[A-Z_]+)$/.test(m[1]!)) return !runnersOwn(m[2]!) || m[2]!.includes('..');
  if (m[1] !== 'PATH') return true;
  return m[2]!.split(':').some((d) => !/^\$\{?PATH\}?$/.test(d) && !runnersOwn(d) && !PACKAGE_BIN.test(d));
}

/**
 * The checkout's node_modules/.bin: the folder `npx` and `npm run` run a package's bin from first, so
 * naming it on PATH (`export PATH="$PWD/node_modules/.bin:$PATH"` after `npm ci`) trusts no more
 * than `npx gitguard audit` does.
 */
const PACKAGE_BIN = /^(?:(?:\$\{?PWD\}?|\$\{?CI_PROJECT_DIR\}?|\$\{?GITHUB_WORKSPACE\}?|\.)\/)?node_modules\/\.bin\/?$/;

/**
 * A path in the runner's own places, not the checkout's: $HOME's, `~`'s, or absolute outside the
 * forges' checkout folders. A file there is the runner image's (`source ~/.nvm/nvm.sh`), as a PATH
 * folder there is; one in the checkout can redefine gitguard. Not the temp folders (/tmp, /var/tmp,
 * /dev/shm), which every step may write unjudged, so an earlier step may have planted a program or a
 * startup file there; nor a path with a `.`, `..` or empty segment, which may lead anywhere.
 */
export const runnersOwn = (path: string): boolean =>
  /^(?:\$\{?HOME\}?(?:\/.*)?|~(?:\/.*)?|\/(?!home\/runner\/work|builds\/).*)$/.test(path) &&
  !/^\/(?:tmp|var\/tmp|dev\/shm)(?:\/|$)|\/\.{1,2}(?:\/|$)|\/\//.test(path);

/** `set` with its options: -e / +e, -o errexit, -o pipefail, bundled (`-euxo pipefail`). */
function setOptions(s: number, args: readonly string[]): number {
  let out = s;
  for (let k = 0; k < args.length; k += 1) {
    const a = args[k]!;
    if (!/^[-+]\w/.test(a)) break;
    const on = a[0] === '-';
    const letters = a.slice(1);
    if (letters.includes('e')) out = on ? out | E : out & ~E;
    if (letters.includes('o')) {
      const o = args[(k += 1)];
      if (o === 'errexit') out = on ? out | E : out & ~E;
      if (o === 'pipefail') out = on ? out | P : out & ~P;
    }
  }
  return out;
}

/**
 * Whether a shell's options before its script, `-c` string or first word set noexec (`bash -n
 * ci/gate.sh`, `sh -nc '...'`, `set -o noexec`): it reads the commands and runs none of them.
 */
export function noExec(args: readonly string[]): boolean {
  for (let k = 0; k < args.length; k += 1) {
    const a = args[k]!;
    if (!/^[-+][a-zA-Z]/.test(a)) return false;
    if (/^-[a-zA-Z]*n/.test(a)) return true;
    if (/^[-+][a-zA-Z]*[oO]$/.test(a) && (k += 1) < args.length && a[0] === '-' && args[k] === 'noexec') return true;
  }
  return false;
}

/**
 * Where a command's name stands: past its assignments and the wrappers that run it once with its
 * status (`sudo -E`, `timeout 60`: command-wrappers.ts); `exec` is the shell's own (shell-run.ts).
 */
export function commandStart(all: readonly Word[]): number {
  let i = 0;
  while (i < all.length && /^[A-Za-z_]\w*=/.test(all[i]!.value)) i += 1;
  return (
    i +
    wrappedStart(
      all.slice(i).map((w) => w.value),
      'exec',
    ).start
  );
}

/**
 * The states after `set` or `shopt -o` with `args` (undefined: neither). `set +$x`: options the reading
 * cannot know may turn errexit and pipefail off; `shopt -u -o errexit` is `set +o errexit`.
 */
export function optionsAfter(name: string, args: readonly string[]): ((s: number) => number[]) | undefined {
  if (name === 'set') {
    if (args.some((a) => /[$`]/.test(a))) return (s) => [s & ~S, s & ~(E | P | S)];
    // `set -n`: bash reads the commands after it and runs none (noExec): nothing after it is followed.
    return (s) => [status(setOptions(s, args) | (noExec(args) ? N : 0), false)];
  }
  if (name !== 'shopt' || !args.some((a) => /^-\w*o/.test(a))) return undefined;
  const on = args.some((a) => /^-\w*s/.test(a)) ? '-o' : '+o';
  const opts = args.filter((a) => !a.startsWith('-')).flatMap((o) => [on, o]);
  return (s) => [status(setOptions(s, opts), false)];
}

/** A path's content in the checkout: its text, a folder, unreadable (too large, missing object), absent (null), or not read yet. */
export type FileAt = { text: string } | 'tree' | 'unreadable' | null | undefined;

/**
 * The checkout a step's script runs in (domain/checkout-runs.ts): the files it runs (`bash ci/gate.sh`,
 * `. ./env.sh`, `make audit`, `npm run gate`) read at the commit. `read` answers undefined for a path
 * not read yet (the caller reads it and runs the script again).
 */
export interface Checkout {
  read(path: string): FileAt;
  /** For a command not followed here (`node ci/gate.js`): whether the gate's chain reads it as reaching gitguard. */
  leads(words: readonly string[], dir: string): boolean;
  /** The folder the command read runs in (shell-run.ts sets it from its runs'); null: not known (its files not followed). */
  dir: string | null;
  /** The variables the CI sets for the step (`env:`, `variables:`). */
  vars: ReadonlyMap<string, string>;
  /** Files read in this run so far. */
  files: number;
  /** An earlier step's: Go's folder is set for it (runner-files.ts movesGo), so `$(go env GOPATH)` is not known. */
  goMoved?: boolean;
  /** The fetch-and-run lines the start's CI ran (fetched-code.ts): they keep the gate. */
  fetches?: ReadonlySet<string>;
  /** The scripts of earlier steps that write `$GITHUB_ENV`: a forge base variable they name is the job's (audit-options.ts). */
  envWrites?: string;
  /**
   * What ran before the text read now: the step's script and the checkout's texts read so far. A forge
   * base variable one of them names other than to read it (`export CI_COMMIT_BEFORE_SHA=HEAD; bash
   * ci/gate.sh`), or may set without naming it (`eval`, `read`, `source`), is the job's in each text
   * read after (audit-options.ts withForgeBasesOwned).
   */
  ran?: string;
  /** Told each text an earlier step's reading judges, with its folder (depth 0: the step's own script). */
  judged?: (script: string, dir: string | null, depth: number) => void;
}

/** How a checkout file runs: in this shell (`.`), in a new one with `mode`, not followed (N), or a check. */
export type CheckoutRun = { source?: true; text: string; mode: ShellMode } | 'unfollowed' | 'check' | undefined;

/** The states `exit`/`return` with `arg` ends `states` in; `exit $rc` after gitguard failed passes its status on (`|| rc=$?`). */
function exitStates(arg: string | undefined, states: States): States {
  const ends: States = new Set();
  for (const s of states) {
    if (arg === undefined || arg === '$?') ends.add(s);
    else if (/^\d+$/.test(arg)) ends.add(status(s, Number(arg) % 256 !== 0));
    else for (const nz of s & F ? [true] : [false, true]) ends.add(status(s, nz));
  }
  return ends;
}

/** A shell run on a script of its own (`bash -c '...'`, `sh -e <<EOF`): the script and its errexit/pipefail; undefined: a file. */
export function inlineScript(
  args: readonly string[],
  heredocs: readonly string[],
): { script: string; mode: { errexit: boolean; pipefail: boolean } } | undefined {
  const c = args.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a));
  const opts = args.slice(0, c < 0 ? args.length : c + 1);
  const script = c >= 0 ? args.slice(c + 1).find((a) => !a.startsWith('-') && !a.startsWith('+')) : heredocs[0];
  const file = args.find((a, k) => !a.startsWith('-') && !a.startsWith('+') && args[k - 1] !== '-o');
  if (script === undefined || (c < 0 && file !== undefined)) return undefined;
  return { script, mode: { errexit: opts.some((o) => /^-\w*e/.test(o)), pipefail: opts.includes('pipefail') } };
}

/** `trap handler SIGNAL...`: the EXIT and ERR handlers it sets (`-` or empty: reset). */
function setTrap(defs: Defs, args: readonly string[]): void {
  // `trap -- 'exit 0' EXIT`: `--` ends trap's options, the handler follows it.
  const [handler, ...signals] = args[0] === '--' ? args.slice(1) : args;
  const script = handler === undefined || handler === '-' || handler === '' ? undefined : parseScript(handler);
  if (signals.some((g) => ['EXIT', '0', 'SIGEXIT'].includes(g.toUpperCase()))) define(defs.exit, '', script);
  if (signals.some((g) => g.toUpperCase() === 'ERR')) define(defs.err, '', script);
}

/**
 * Whether `trap` with `args` sets a DEBUG or RETURN handler: bash runs it before each command or after
 * each function and sourced file (with extdebug its failure skips the command), which the reading
 * does not follow (`trap 'exit 0' DEBUG` ends the script before gitguard runs).
 */
function runsBeforeCommands(args: readonly string[]): boolean {
  const [handler, ...signals] = args[0] === '--' ? args.slice(1) : args;
  return handler !== '-' && signals.some((g) => /^(?:DEBUG|RETURN)$/i.test(g));
}

/** Functions bash calls by their name where a command is not found: defining one changes what a name runs. */
export const HOOK_FUNCTIONS = new Set(['command_not_found_handle']);

/** What one script's reading may spend and knows; `event`: `[ "$GITHUB_EVENT_NAME" = schedule ]` is decided. */
export interface ShellBudget {
  steps: number;
  event: boolean;
  checkout?: Checkout;
  status?: string | undefined;
  /** Where each run is (step-folder.ts): a gitguard run gates only in the checkout. */
  folders: FolderTable;
  /** A `git config` setting a program was read (checkout-moves.ts setsGitProgram): a git command after it may run it. */
  gitProgram?: boolean;
}

/**
 * Each state after a command that runs gitguard (`words`: its words; none: a command the chain reads
 * as reaching it) in `dirs` from the state's folder: failed where it is a check there, else 0.
 */
export function gateStates(
  states: States,
  words: readonly string[],
  dirs: readonly string[],
  folders: FolderTable,
  checkout?: Checkout,
): States {
  // With the checkout read, a command that runs gitguard by no name of its own gates only through its chain.
  const leads = checkout && ((w: readonly string[]): boolean => checkout.leads(w, checkout.dir ?? ''));
  const check = (s: number): boolean => {
    const at = folders.place(s, dirs);
    return words.length ? gitguardCall(words, at, leads) === 'check' : inCheckout(at);
  };
  return new Set([...states].map((s) => (check(s) ? s | F | S : s & ~S)));
}

/** A builtin's effect that needs no other shell (`alias`, `hash -p`, `true`, `exit`, `trap`, `wait`...); undefined: another command. */
export function builtin(
  name: string,
  args: readonly string[],
  cur: States,
  inFunc: boolean,
  defs: Defs,
): Flow | undefined {
  const each = (f: (s: number) => number): States => new Set([...cur].map(f));
  const out = flow();
  switch (name) {
    case 'alias':
      for (const a of args) {
        const eq = a.indexOf('=');
        if (eq > 0) define(defs.aliases, a.slice(0, eq), a.slice(eq + 1));
      }
      return flow(each((s) => status(s, false)));
    case 'hash':
      return args.some((a) => /^-\w*p/.test(a)) ? flow(each((s) => status(s | N, false))) : undefined;
    case 'true':
    case ':':
      return flow(each((s) => status(s, false)));
    case 'false':
      return flow(each((s) => status(s, true)));
    case 'exit':
    case 'return': {
      const ends = exitStates(args[0], cur);
      if (name === 'exit') out.exit = ends;
      else if (inFunc) out.ret = ends;
      else out.run = each((s) => status(s, true)); // `return` outside a function fails
      return out;
    }
    case 'break':
    case 'continue':
      out.brk = each((s) => status(s, false));
      return out;
    case 'trap':
      setTrap(defs, args);
      return flow(each((s) => status(s | (runsBeforeCommands(args) ? N : 0), false)));
    case 'enable':
      // `enable -f ./x.so npx` loads a builtin from a file, `-n` and `-d` take one away: a name may now run another program.
      return args.some((a) => /^-\w*[fnd]/.test(a)) ? flow(each((s) => status(s | N, false))) : undefined;
    case 'wait':
      return flow(each((s) => (args.length && s & B ? s | F | S : status(s, false))));
  }
  return undefined;
}

/** A command's words (`all`: from its name on); `noArgs` (ShellMode's, outside functions): `"$@"` dropped. */
export const argWords = (all: readonly Word[], noArgs: boolean): string[] =>
  all.map((w) => w.value).filter((v) => !noArgs || (v !== '$@' && v !== '${@}'));
