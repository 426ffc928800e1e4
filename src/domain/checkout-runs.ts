// What a step's command runs from the checkout, read at the commit as the shell would run it
// (domain/shell-run.ts asks for each simple command): a shell script (`bash ci/gate.sh`, `sh -e x`,
// `./ci/gate.sh` by its shebang; no shebang: a shell script), a sourced file (`. ./ci/env.sh`: in
// the same shell, its functions and options kept), a make goal (make-recipe.ts) or a package
// script (package-run.ts). Past MAX_FILES, MAX_FILE bytes, a path with a variable, from a folder not
// known (shell-run.ts reads `cd`), or a file not there: 'unfollowed' (no gate). A command of another kind (`node ci/gate.js`, `task`)
// counts as the gate's chain reads it (any mention along it).
import { posix } from 'node:path';
import { base, gitguardCall, SHELLS } from './gitguard-call.js';
import { GITGUARD_WORD, repoPath } from './ci-words.js';
import { makeScript } from './make-recipe.js';
import { packageScript, scriptRunner, scriptsOf } from './package-run.js';
import { programInOption } from './inline-code.js';
import { withForgeBasesOwned } from './audit-options.js';
import { sourcesLeaveBases } from './sourced-bases.js';
import {
  noExec,
  quote,
  runnersOwn,
  type Checkout,
  type CheckoutRun,
  type FileAt,
  type ShellMode,
} from './shell-state.js';

/** Files followed per step run, and the size of each. */
const MAX_FILES = 64;
const MAX_FILE = 64 * 1024;
const PLAIN: ShellMode = { errexit: false, pipefail: false };
const MAKES = new Set(['make', 'gmake']);
const MANAGERS = new Set(['npm', 'pnpm', 'yarn']);

/** A checkout path as a command names it, from the step's folder; undefined: not followed. */
function pathOf(raw: string | undefined, co: Checkout): string | undefined {
  if (raw === undefined || co.dir === null) return undefined;
  const p = repoPath(raw, co.dir);
  return p === undefined || /[$`*?[\]{}~]/.test(p) ? undefined : p;
}

/** A file's text; undefined: not followed (not there, a folder, too large, past MAX_FILES, not read yet). */
function textAt(raw: string | undefined, co: Checkout): string | undefined {
  const p = pathOf(raw, co);
  if (p === undefined || (co.files += 1) > MAX_FILES) return undefined;
  const o = co.read(p);
  const ok = o && typeof o === 'object' && o.text.length <= MAX_FILE && o.text.length > 0;
  return ok ? owned(o.text, co, true) : undefined;
}

/**
 * A text of the checkout (a file, a make recipe, a package script) as it runs after what ran before
 * it (Checkout `ran`, `envWrites`): a forge's base variable the job, the step or a text read before
 * sets (`export CI_COMMIT_BEFORE_SHA=HEAD; bash ci/gate.sh`) is no longer the forge's (audit-options.ts).
 */
function owned(text: string, co: Checkout, shellFile = false): string {
  const ran = co.ran ?? '';
  // A file a shell file sources from where it starts that sets no forge base variable keeps them the
  // forge's (sourced-bases.ts); a make recipe's or package script's folder is its own: not read so.
  const sourced =
    shellFile &&
    sourcesLeaveBases(text, (raw) => {
      const p = pathOf(raw, co);
      const o = p === undefined || (co.files += 1) > MAX_FILES ? undefined : co.read(p);
      return o && typeof o === 'object' && o.text.length <= MAX_FILE ? o.text : undefined;
    });
  co.ran = `${ran}\n${text}`;
  return withForgeBasesOwned(text, co.vars, co.envWrites, ran, sourced);
}

/** How `shell flags...` starts a script: errexit and pipefail from its flags; undefined: an option not read. */
function modeOf(flags: readonly string[]): ShellMode | undefined {
  if (noExec(flags)) return undefined;
  const mode = { ...PLAIN };
  for (let k = 0; k < flags.length; k += 1) {
    const f = flags[k]!;
    if (/^--(?:noprofile|norc|posix)$/.test(f)) continue;
    if (!/^[-+][a-zA-Z]+$/.test(f)) return undefined;
    if (f.slice(1).includes('e')) mode.errexit = f[0] === '-';
    if (/[oO]/.test(f.slice(1))) {
      const o = flags[(k += 1)];
      if (o === 'pipefail') mode.pipefail = f[0] === '-';
      else if (o === 'errexit') mode.errexit = f[0] === '-';
    }
  }
  return mode;
}

/**
 * Whether a CI `env:` (its keys, its BASH_ENV value) changes how the step's bash starts: BASH_ENV
 * naming a file other than the runner's own, SHELLOPTS, BASHOPTS. Read directly, such a step is no
 * gate; with the checkout read (collect/script-files.ts) the BASH_ENV file is followed.
 */
export function startupEnv(keys: readonly unknown[], bashEnv: unknown): boolean {
  if (keys.includes('SHELLOPTS') || keys.includes('BASHOPTS')) return true;
  return keys.includes('BASH_ENV') && !(typeof bashEnv === 'string' && runnersOwn(bashEnv) && !bashEnv.includes('..'));
}

/** A bash reads BASH_ENV first: the step's value (a checkout file) sourced before the script. */
export function bashEnvFirst(text: string, vars: ReadonlyMap<string, string> | undefined): string {
  const env = vars?.get('BASH_ENV');
  return env ? `. ${quote(env)}\n${text}` : text;
}

/**
 * Whether a script's positional parameters stay as it was started with: no `set` with anything but
 * options (`set -- x`, `set x` replace them) and nothing that may hide one (`.`, `source`, `eval`,
 * `alias`), quotes and escapes aside. A wrapper's `gitguard audit "$@"` run with no arguments is then `gitguard audit`.
 */
function positionalKept(text: string): boolean {
  const bare = text.replace(/['"\\]/g, ''); // `s''et`, `\set`: quotes and escapes go before bash runs it
  if (/(?:^|[\s;&|(){}`])(?:\.|source|eval|alias)(?:[\s;]|$)/.test(bare)) return false;
  for (const m of bare.matchAll(/\bset\b([^\n;&|)]*)/g)) {
    const words = m[1]!.trim().split(/\s+/).filter(Boolean);
    const options = words.every((w, k) => /^[-+][a-zA-Z]+$/.test(w) || /^[-+]\w*o$/.test(words[k - 1] ?? ''));
    if (!options) return false;
  }
  return true;
}

/** A script file run by a new shell with `args`: `shell` with `flags`, or its shebang's. */
function scriptRun(
  shell: string,
  flags: readonly string[],
  text: string | undefined,
  co: Checkout,
  args: readonly string[],
): CheckoutRun {
  const mode = modeOf(flags);
  if (text === undefined || !mode || co.vars.has('SHELLOPTS') || co.vars.has('BASHOPTS')) return 'unfollowed';
  const run = { text: base(shell) === 'bash' ? bashEnvFirst(text, co.vars) : text, mode };
  return args.length === 0 && positionalKept(run.text) ? { ...run, mode: { ...mode, noArgs: true } } : run;
}

/** npx and its kin, and their options that take no value. */
const NPX = new Set(['npx', 'bunx', 'pnpx']);
const NPX_FLAGS = new Set(['-y', '--yes', '--no', '--no-install', '-q', '--quiet']);

/** The interpreter and flags a shebang names (`#!/usr/bin/env -S bash -e`); none: run by the calling shell. */
function shebang(text: string): string[] | undefined {
  if (!text.startsWith('#!')) return undefined;
  const words = text
    .slice(2, (text.indexOf('\n') + 1 || text.length + 1) - 1)
    .trim()
    .split(/\s+/);
  if (base(words[0] ?? '') !== 'env') return words.length > 2 ? ['?'] : words; // the kernel passes one argument
  const rest = words.slice(1);
  if (rest[0] === '-S') rest.shift();
  return rest.length > 1 && words[1] !== '-S' ? ['?'] : rest;
}

/** What the command `name args` runs from the checkout (CheckoutRun); undefined: none (read as before). */
export function checkoutRun(name: string, args: readonly string[], co: Checkout): CheckoutRun {
  if (name === '.' || name === 'source') {
    const text = textAt(args[0], co);
    return text === undefined ? 'unfollowed' : { source: true, text, mode: PLAIN };
  }
  // git runs no file of the checkout it names (`git diff ci/gate.sh`, `git add`, `git show x:ci/gate.sh`):
  // what it writes there is read as a write (written-targets.ts) or a move (checkout-moves.ts), and a
  // file it runs by an alias or hook (`git -c alias.g='!bash ci/gate.sh' g`) is not followed: no gate.
  if (name === 'git') return undefined;
  const tool = base(name);
  if (SHELLS.has(tool)) {
    const at = args.findIndex((a, k) => !/^[-+]/.test(a) && !/^[-+]\w*[oO]$/.test(args[k - 1] ?? ''));
    if (at < 0 || args.slice(0, at).some((a) => /^-\w*[cs]/.test(a))) return undefined;
    return scriptRun(name, args.slice(0, at), textAt(args[at], co), co, args.slice(at + 1));
  }
  if (name.includes('/') && !GITGUARD_WORD.test(name) && !/(?:^|\/)node_modules\//.test(name)) {
    const text = textAt(name, co);
    if (text === undefined) return 'unfollowed';
    const interp = shebang(text);
    if (!interp) return scriptRun('sh', [], text, co, args);
    if (SHELLS.has(base(interp[0] ?? ''))) return scriptRun(interp[0]!, interp.slice(1), text, co, args);
    return co.leads([name, ...args], co.dir ?? '') ? 'check' : undefined;
  }
  // npm-run-all's globs (`run-s lint:*`) match the scripts of package.json where it runs.
  const names = (): string[] | undefined => {
    const o =
      co.dir === null || (co.files += 1) > MAX_FILES ? undefined : co.read(posix.join(co.dir || '.', 'package.json'));
    const scripts = o && typeof o === 'object' && o.text.length <= MAX_FILE ? scriptsOf(o.text) : undefined;
    return scripts && Object.keys(scripts);
  };
  // `npx concurrently ...`, `npx -y run-s ...`: the runner npx starts, read as itself.
  const via = NPX.has(tool) ? args.findIndex((a) => !NPX_FLAGS.has(a)) : -1;
  const runner =
    via >= 0 && !args[via]!.startsWith('-')
      ? scriptRunner(args[via]!.replace(/(?<=.)@[^/]*$/, ''), args.slice(via + 1), names)
      : scriptRunner(name, args, names);
  if (runner !== undefined) return runner === 'unfollowed' ? runner : { text: owned(runner.script, co), mode: PLAIN };
  if (MAKES.has(tool) || MANAGERS.has(tool)) {
    // A makefile or package.json past MAX_FILE is not followed either (a 2 MB line cost the reading minutes).
    const read = (p: string): FileAt => {
      const o = (co.files += 1) > MAX_FILES ? 'unreadable' : co.read(p);
      return o && typeof o === 'object' && o.text.length > MAX_FILE ? 'unreadable' : o;
    };
    const dir = co.dir ?? '';
    const s = MAKES.has(tool) ? makeScript(args, read, dir, co.vars) : packageScript(tool, args, read, dir);
    if (s === 'unread' || s === 'unfollowed' || (s !== undefined && co.dir === null)) return 'unfollowed';
    if (s !== undefined) return { text: owned(s.script, co), mode: PLAIN };
  }
  // `perl -pi -e '...' ci/gate.sh` edits the file it names: it runs none (inline-code.ts programInOption).
  if (programInOption(name, args)) return undefined;
  const leads = (w: readonly string[]): boolean => co.leads(w, co.dir ?? '');
  return leads([name, ...args]) && gitguardCall([name, ...args], undefined, leads) === 'check' ? 'check' : undefined;
}
