// Code a CI step runs straight from the network: `curl -sSL URL | sh`, `wget -qO- URL | bash`, `sh -c
// "$(curl URL)"`, `bash <(curl URL)`, `eval "$(curl URL)"`, or a download run by path (`curl -o
// /tmp/i.sh URL && sh /tmp/i.sh`), or a registry's package installed where programs are looked for or
// run at once (`pip install --user x`, `npm i -g x`, `cargo install x`, `uvx x`: tool-installs.ts). No commit holds that code, so nothing here can read what it does,
// and any of it can write where the audit's programs are looked for (`~/.local/bin/npx`, a node in
// /usr/local/bin: a job in a container runs as root): before the audit it makes the job no gate
// (step-env.ts changesLaterSteps calls this). An honest installer (rustup's, uv's) writes its own
// folder, yet the same line with another address is the attack: the address is the change's. So a
// line is vouched for where the same job at the start already ran exactly it (its text trimmed:
// fetchLines, per job: collect/vouched-fetches.ts), and none of its text is a variable's value: it
// keeps the gate where it stands as whole commands.
import { parseScript, type Command, type Script, type Word } from './shell-syntax.js';
import { SHELLS, base } from './gitguard-call.js';
import { commandStart, inlineScript } from './shell-state.js';
import { wrappedStart } from './command-wrappers.js';
import { installsTools, type Declared } from './tool-installs.js';

/** Programs that fetch from the network and print or save what they fetched. */
const FETCHERS = /^(?:curl|curlie|wget2?|fetch|https?|xh|xhs|aria2c|lwp-request|GET)$/;
/** Interpreters of another language that read a program from a file or their input. */
const INTERPRETERS =
  /^(?:python[\d.]*|pypy[\d.]*|node|nodejs|bun|perl[\d.]*|ruby[\d.]*|php[\d.]*|pwsh|powershell|lua[\d.]*|tclsh|Rscript|osascript)$/;
/** Their options that take the program from the command line, not a file or the input. */
const INLINE = /^-(?:[a-zA-Z]*[ce]|m|p|E|r)$|^--(?:eval|print|command)(?:=|$)/;
/** Programs that run the command in their words, read through when they hide an install (tool-installs.ts). */
const WRAPPERS = /^(?:sudo|doas|su|env|exec|command|nice|nohup|timeout|xargs|time|stdbuf)$/;
/** Commands that run a file's or a string's code in the shell itself. */
const IN_SHELL = new Set(['eval', 'source', '.']);
/** How deep inline scripts and substitutions are followed; past it a fetch counts as run. */
const MAX_DEPTH = 8;
/** The option naming the file curl or wget writes (`-o x`, `-O x` for wget, `--output=x`, `-ox`). */
const SAVES = /^(?:-[A-Za-z]*[oO]|--output|--output-document)$/;
const SAVES_JOINED = /^(?:--(?:output|output-document)=|-[oO](?=.))(.*)$/;
/** A fetch whose output a redirection saves (`curl -sSL URL > /tmp/i.sh`). */
const SAVED_BY_REDIRECT = /\b(?:curl|wget2?|fetch|xh)\b[^\n;&|]*?>{1,2}\s*(["']?)([^\s"'<>;&|]+)\1/g;

const isFetcher = (name: string): boolean => FETCHERS.test(base(name));
const isShell = (name: string): boolean => SHELLS.has(base(name));

/** Where the program of `words` starts past wrappers (`sudo -E bash -`: at bash, whatever sudo's options). */
function programAt(words: readonly string[]): number {
  const { start, unfaithful } = wrappedStart(words);
  const name = words[start];
  if (name === undefined || isShell(name) || INTERPRETERS.test(base(name)) || isFetcher(name)) return start;
  if (!unfaithful && !/^(?:sudo|doas|env|exec|command|su)$/.test(base(name))) return start;
  const k = words.findIndex((w, i) => i > start && (isShell(w) || INTERPRETERS.test(base(w)) || isFetcher(w)));
  return k < 0 ? start : k;
}

/** The first operand of an interpreter's `args` (its program file), past options; `--` ends them. */
function firstOperand(args: readonly string[]): string | undefined {
  for (let k = 0; k < args.length; k += 1) {
    const a = args[k]!;
    if (a === '--') return args[k + 1];
    if (a === '-' || !/^[-+]/.test(a)) return args[k - 1] === '-o' || args[k - 1] === '-O' ? undefined : a;
  }
  return undefined;
}

/** Whether an interpreter with `args` takes its program from its input (`sh`, `sh -s -- -y`, `python3 -`). */
function readsInput(name: string, args: readonly string[]): boolean {
  if (isShell(name)) {
    if (inlineScript(args, []) !== undefined) return false;
    // `-s`: the program from the input, every operand an argument of it (`sh -s -- -y`).
    const end = args.indexOf('--');
    if (args.slice(0, end < 0 ? args.length : end).some((a) => /^-[a-z]*s[a-z]*$/.test(a))) return true;
  } else if (args.some((a) => INLINE.test(a))) return false;
  const file = firstOperand(args);
  return file === undefined || file === '-';
}

/** The file an interpreter with `args` runs (its first operand), or a shell's `source`/`.` file. */
const programFile = (name: string, args: readonly string[]): string | undefined =>
  isShell(name) || INTERPRETERS.test(base(name))
    ? readsInput(name, args)
      ? undefined
      : firstOperand(args)
    : IN_SHELL.has(name)
      ? args[0]
      : name;

/** A path as written, `./x` as `x`. */
const plainPath = (p: string): string => p.replace(/^(?:\.\/)+/, '');

/** What one walk of a script has seen: the files fetches saved so far. */
interface Seen {
  saved: Set<string>;
  /** The commit's declared package names (FetchLines' `declared`). */
  declared?: Declared;
}

/**
 * Fetch-and-run lines vouched for, trimmed (fetchLines), and where read, the package names the commit
 * declares (tool-installs.ts Declared: npx of another name is fetched code).
 */
export type FetchLines = ReadonlySet<string> & { readonly declared?: Declared };
/**
 * A value written into a line from elsewhere: a shell's parameter (`$URL`, `${URL}`, `$1`), GitHub's
 * `${{ }}` (written into the script before the shell reads it), GitLab's `$[[ inputs.x ]]`. The
 * change may set it (`env:`, `variables:`, a matrix, an earlier step), so the same text runs another
 * command. A command substitution `$(` is read for its own words.
 */
const TAKES_VALUE = /\$[{[\w@*#?!$-]/;
/**
 * Read at the start with no package declared: every npx of a registry name the start ran is one of its
 * lines, so the same line keeps vouching whatever the commit under reading declares (npxdep222).
 */
const NOTHING_DECLARED: FetchLines = Object.assign(new Set<string>(), { declared: new Set<string>() });
/**
 * The trimmed lines of `text` (a script a job ran at the start) that each run fetched code alone and
 * take no value from elsewhere (TAKES_VALUE: such a line vouches for nothing).
 */
export const fetchLines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !TAKES_VALUE.test(l) && runsFetchedCode(l, NOTHING_DECLARED));

/** Builtins that set, export or remove a variable, define a name, or run other code in the shell itself. */
const SETS_ENV =
  /^(?:export|declare|typeset|local|readonly|unset|source|\.|eval|alias|enable|builtin|read|mapfile|readarray|getopts)$/;

/**
 * Whether `script` may change the environment of the lines after it: a bare assignment (`X=1`), a
 * builtin of SETS_ENV, `printf -v`, `set -a` or `-o allexport`, a function defined (it may be named
 * `curl`).
 * Those lines ran at the start without it.
 */
function setsEnvironment(script: Script, depth = 0): boolean {
  if (depth > MAX_DEPTH) return true;
  const inner = (c: Command): boolean => {
    switch (c.kind) {
      case 'simple': {
        const start = commandStart(c.words);
        const words = c.words.slice(start).map((w) => w.value);
        if (!words.length) return c.words.length > 0;
        const name = base(words[0]!);
        if (SETS_ENV.test(name) || (name === 'printf' && words.includes('-v'))) return true;
        return name === 'set' && words.slice(1).some((a) => /^[-+][A-Za-z]*a|^allexport$/.test(a));
      }
      case 'group':
        return setsEnvironment(c.body, depth + 1);
      case 'if':
        return (
          c.clauses.some(([a, b]) => setsEnvironment(a, depth + 1) || setsEnvironment(b, depth + 1)) ||
          (c.otherwise !== undefined && setsEnvironment(c.otherwise, depth + 1))
        );
      case 'loop':
        return (c.cond !== undefined && setsEnvironment(c.cond, depth + 1)) || setsEnvironment(c.body, depth + 1);
      case 'case':
        return c.branches.some((b) => setsEnvironment(b, depth + 1));
      case 'function':
        return true;
    }
  };
  return script.some((a) => a.pipelines.some((p) => p.commands.some(inner)));
}

/** A script's commands as JSON, the brackets of the list dropped. */
const commandsOf = (lines: readonly string[]): string => JSON.stringify(parseScript(lines.join('\n'))).slice(1, -1);

/**
 * `script` with its lines in `vouched` blanked where they stand as whole commands of it: the script
 * parses as its pieces between those lines and the lines themselves, one after the other (none a `\`
 * or `|` continues, none inside a quoted string, a compound command or a here-document), and nothing
 * before them changes the environment they run in (setsEnvironment). Else as it is.
 */
function unvouched(script: string, vouched: FetchLines): string {
  const lines = script.split('\n');
  const pieces: string[][] = [[]];
  for (const line of lines)
    if (vouched.has(line.trim())) pieces.push([line], []);
    else pieces[pieces.length - 1]!.push(line);
  if (pieces.length === 1) return script;
  const apart = pieces.map(commandsOf).filter((j) => j.length);
  if (apart.join(',') !== commandsOf(lines)) return script;
  // What runs before the last vouched line may change the environment it runs in: none vouched for.
  const before = pieces.slice(0, -1).filter((_, k) => k % 2 === 0);
  if (setsEnvironment(parseScript(before.flat().join('\n')))) return script;
  return lines.map((l) => (vouched.has(l.trim()) ? '' : l)).join('\n');
}

/** Whether `script` runs code it fetches from the network (see above), past its lines in `vouched`. */
export function runsFetchedCode(script: string, vouched?: FetchLines): boolean {
  // `bash <(curl URL)` and `sh < <(curl URL)`: read as `bash $(curl URL)`, the fetch a word of the shell.
  const text = (vouched?.size ? unvouched(script, vouched) : script).replace(/<\s*<\(/g, '$(').replace(/<\(/g, '$(');
  const declared = vouched?.declared;
  return walk(parseScript(text), { saved: savedByRedirect(text), ...(declared && { declared }) }, 0, false);
}

function savedByRedirect(text: string): Set<string> {
  return new Set([...text.matchAll(SAVED_BY_REDIRECT)].map((m) => plainPath(m[2]!)));
}

function walk(script: Script, seen: Seen, depth: number, fed: boolean): boolean {
  for (const andOr of script)
    for (const p of andOr.pipelines) {
      // A command after a fetch in a pipeline reads what it fetched.
      let piped = fed;
      for (const c of p.commands) {
        if (command(c, seen, depth, piped)) return true;
        piped ||= c.kind === 'simple' && fetches(c.words);
      }
    }
  return false;
}

/** Whether a simple command is a fetch (past wrappers: `sudo curl`). */
function fetches(all: readonly Word[]): boolean {
  const words = all.slice(commandStart(all)).map((w) => w.value);
  const name = words[programAt(words)];
  return name !== undefined && isFetcher(name);
}

/** Whether a script a substitution runs fetches (its own words, one level of pipes and lists). */
const substitutionFetches = (s: string, depth: number): boolean =>
  depth > MAX_DEPTH ||
  parseScript(s).some((a) => a.pipelines.some((p) => p.commands.some((c) => c.kind === 'simple' && fetches(c.words))));

function command(c: Command, seen: Seen, depth: number, fed: boolean): boolean {
  switch (c.kind) {
    case 'simple':
      return simple(c.words, c.heredocs, seen, depth, fed);
    case 'group':
      return walk(c.body, seen, depth, fed);
    case 'if':
      return (
        c.clauses.some(([cond, body]) => walk(cond, seen, depth, fed) || walk(body, seen, depth, fed)) ||
        (c.otherwise !== undefined && walk(c.otherwise, seen, depth, fed))
      );
    case 'loop':
      return (c.cond !== undefined && walk(c.cond, seen, depth, fed)) || walk(c.body, seen, depth, fed);
    case 'case':
      return c.branches.some((b) => walk(b, seen, depth, fed));
    case 'function':
      return command(c.body, seen, depth, fed);
  }
}

/** The installers tool-installs.ts reads by their words (not uvx, bunx, pnpx: any words count there). */
const INSTALLERS = [
  'pip',
  'python',
  'npm',
  'pnpm',
  'yarn',
  'bun',
  'pipx',
  'uv',
  'deno',
  'cargo',
  'go',
  'gem',
  'mise',
  'volta',
  'asdf',
  'dotnet',
  'composer',
  'brew',
  'corepack',
  'npx',
];

function simple(all: readonly Word[], heredocs: readonly string[], seen: Seen, depth: number, fed: boolean): boolean {
  if (depth > MAX_DEPTH) return true;
  for (const w of all) for (const s of w.substitutions) if (walk(parseScript(s), seen, depth + 1, false)) return true;
  const from = commandStart(all);
  const words = all.slice(from).map((w) => w.value);
  const at = programAt(words);
  const name = words[at];
  if (name === undefined) return false;
  const args = words.slice(at + 1);
  // A registry's package installed where programs are looked for, or run (tool-installs.ts); past a
  // wrapper the reading does not go through (`sudo -H pip install --user x`), any of its words' start.
  if (installsTools(words.slice(at), seen.declared)) return true;
  // A program named by a variable (`$PIP install x`, `env: PIP: pip`) may be any installer: read as each.
  if (/[$`]/.test(name) && INSTALLERS.some((t) => installsTools([t, ...args], seen.declared))) return true;
  if (WRAPPERS.test(base(name)) && words.some((_, k) => k > at && installsTools(words.slice(k), seen.declared)))
    return true;
  const runs = isShell(name) || INTERPRETERS.test(base(name)) || IN_SHELL.has(name);
  // The program, or a word of a shell or interpreter, is what a fetch printed (`sh -c "$(curl URL)"`).
  const words2 = all.slice(from + at);
  if (substitutionFetches(words2[0]!.substitutions.join('\n'), depth)) return true;
  if (runs && words2.slice(1).some((w) => w.substitutions.some((s) => substitutionFetches(s, depth)))) return true;
  // A shell or interpreter reading its program from a fetch piped in.
  if (fed && (isShell(name) || INTERPRETERS.test(base(name))) && readsInput(name, args)) return true;
  // A file a fetch saved, run by path or handed to a shell or interpreter.
  const file = programFile(name, args);
  if (file !== undefined && seen.saved.has(plainPath(file))) return true;
  if (isFetcher(name))
    args.forEach((a, k) => {
      const path = SAVES.test(a) ? args[k + 1] : SAVES_JOINED.exec(a)?.[1];
      if (path && path !== '-') seen.saved.add(plainPath(path));
    });
  // The script `sh -c` or eval runs is read the same way.
  const inline = isShell(name) ? inlineScript(args, heredocs) : undefined;
  if (inline) return walk(parseScript(inline.script), seen, depth + 1, false);
  if (name === 'eval') return walk(parseScript(args.join(' ')), seen, depth + 1, false);
  return false;
}
