// The files of the repository a CI step's shell command runs: a path given as the command
// (`./scripts/gate.sh`, `ci/check`), the script an interpreter is handed (`bash ci/check.sh`,
// `python3 tools/gate.py`, `node scripts/audit.mjs`), `make [target]` (the Makefile) and a package
// script (`npm run audit`, `yarn audit`, `pnpm audit`: package.json). A gate moved into such a file
// is disabled by editing the file, so the file is protected like the workflow (derived-paths.ts).
// Read roughly as a shell splits it; a path that cannot be told (a variable, a glob) is the folder
// before it, watched whole (fail closed).
import { posix } from 'node:path';

const INTERPRETERS = new Set([
  'sh',
  'bash',
  'zsh',
  'dash',
  'ksh',
  'python',
  'python3',
  'node',
  'ruby',
  'perl',
  'pwsh',
  'deno',
  'tsx',
  'ts-node',
]);
const PACKAGE_RUNNERS = new Set(['npm', 'yarn', 'pnpm']);
const MAKES = new Set(['make', 'gmake']);
/** Words before the command that run it unchanged. */
const WRAPPERS = new Set([
  ...['sudo', 'exec', 'time', 'env', 'nohup', 'command', 'xvfb-run', 'nice', 'timeout', 'xargs', 'eval', 'stdbuf'],
  ...['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{'],
]);
const MAKEFILES = ['GNUmakefile', 'makefile', 'Makefile'];
/** The word a command, script or recipe that runs the gate holds. */
export const GITGUARD_WORD = /\bgitguard\b/;
/** At most this many files from one command text; past it, their top folders (fail closed). */
const MAX_FILES = 128;

const unquote = (w: string): string => w.replace(/^(['"])(.*)\1$/, '$2');

/**
 * A path as the command names it, relative to `dir` and the repository root; a variable or glob in it
 * stands for the folder before it; undefined when nothing of the repository is left (an absolute
 * path, a path out of the tree, `$HOME/x`).
 */
function repoPath(raw: string, dir: string): string | undefined {
  // The checkout's own root, as the runners name it.
  raw = raw.replace(/^"?\$\{?(?:GITHUB_WORKSPACE|CI_PROJECT_DIR)\}?"?\//, '');
  if (!raw || raw.startsWith('/') || raw.startsWith('~') || raw.includes('://')) return undefined;
  const joined = posix.normalize(posix.join(dir || '.', raw));
  if (joined === '.' || joined === '..' || joined.startsWith('../')) return undefined;
  const segments = joined.split('/');
  const unsure = segments.findIndex((s) => /[$`*?[\]{}]/.test(s));
  if (unsure < 0) return joined;
  return unsure > 0 ? segments.slice(0, unsure).join('/') : undefined;
}

/** A file a command runs, and what of it: a package script's or make target's names (none: all of it). */
export interface CommandFile {
  path: string;
  entries?: string[];
}

/** npm's commands that run the lifecycle scripts of an install. */
const INSTALLS = new Set(['ci', 'install', 'i', 'add', 'rebuild']);
const LIFECYCLE = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'];

/** The package scripts `npm|yarn|pnpm <args>` runs; undefined: not known (all of them). */
function packageEntries(args: readonly string[]): string[] | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  const sub = words[0];
  if (sub === undefined) return LIFECYCLE; // `yarn` alone installs
  if (INSTALLS.has(sub)) return LIFECYCLE;
  if (sub === 'exec' || sub === 'x' || sub === 'dlx') return [];
  const name = sub === 'run' || sub === 'run-script' ? words[1] : sub === 't' ? 'test' : sub;
  return name === undefined ? undefined : [`pre${name}`, name, `post${name}`];
}

/** A word that names a script by its extension: a file the command may run however it is handed over. */
const SCRIPT_WORD = /^(?!-)[\w./-]*\w\.(?:sh|bash|zsh|ksh|py|js|mjs|cjs|ts|mts|rb|pl|ps1|mk)$/;
/** Builtins that run a file in the shell itself. */
const SOURCES = new Set(['.', 'source']);

/** The value of `-X v`, `-Xv`, `--long=v` or `--long v` in `args`. */
function option(args: readonly string[], short: string | undefined, ...long: string[]): string | undefined {
  for (const [k, a] of args.entries()) {
    if ((short && a === short) || long.includes(a)) return args[k + 1];
    if (short && a.startsWith(short) && a.length > short.length && !a.startsWith('--')) return a.slice(short.length);
    const eq = long.find((l) => a.startsWith(`${l}=`));
    if (eq) return a.slice(eq.length + 1);
  }
  return undefined;
}

const runsAs = (name: string): boolean =>
  INTERPRETERS.has(name) || SOURCES.has(name) || MAKES.has(name) || PACKAGE_RUNNERS.has(name);

type Put = (path: string | undefined, entries?: string[]) => void;
type Add = (raw: string | undefined, base: string, entries?: string[]) => void;

/**
 * The files of the repository one command text (a `run:` or `script:` value, a script's lines) runs.
 * Fail closed where the shell's reading is not followed (a wrapper with options, `$(...)`, a
 * redirect, a subshell): a word naming a script by its extension is a file it may run, and after
 * `cd x` a path counts from both folders.
 */
export function commandFiles(text: string, dir = ''): CommandFile[] {
  const out = new Map<string, CommandFile>();
  const put: Put = (path, entries) => {
    if (!path) return;
    // Past the cap a file is not dropped (that would leave a gate unwatched): its top folder is watched whole.
    if (out.size >= MAX_FILES && !out.has(path) && path.includes('/')) return put(path.split('/')[0]);
    const had = out.get(path);
    // Named twice: the union of what it runs (all of it, when either asks for all).
    const all = !entries || (had && !had.entries);
    out.set(path, all ? { path } : { path, entries: [...new Set([...(had?.entries ?? []), ...entries])] });
  };
  const add: Add = (raw, base, entries) => {
    if (raw !== undefined) put(repoPath(raw, base), entries);
  };
  // The folders a command may run in: `cd web && npm run audit` runs web/package.json's script. A
  // `cd` adds its folder and keeps the ones before (a subshell, a branch not taken: fail closed).
  const dirs = [dir];
  for (const part of text.replace(/\\\r?\n/g, '').split(/\r?\n|&&|\|\||[;|&()`]/)) {
    const words = part
      .replace(/(^|\s)#.*$/, '')
      .replace(/\d*[<>]+&?\d*/g, ' ')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => unquote(w).replace(/^['"]+|['"]+$/g, ''));
    for (const w of words) {
      if (/[$`*?[\]{}]/.test(w)) continue;
      if (SCRIPT_WORD.test(w)) for (const d of dirs) add(w, d);
      // `./x` with no extension may be a module node loads (`node -e "require('./ci/gate')"`).
      else if (/^\.\.?\/(?:[\w-]+\/)*[\w-]+$/.test(w))
        for (const d of dirs) for (const e of ['.js', '.cjs', '.mjs', '/index.js']) add(w + e, d);
    }
    // The command, past the words that run it unchanged and their options (`sudo -u ci`, `timeout 60`).
    let i = 0;
    for (; i < words.length; i += 1) {
      const w = words[i]!;
      if (/^[A-Za-z_]\w*=/.test(w) || WRAPPERS.has(w) || /^(?:-|\d)/.test(w)) continue;
      const named = w.includes('/') || runsAs(posix.basename(w));
      if (i > 0 && words[i - 1]!.startsWith('-') && !named) continue; // an option's value
      break;
    }
    const cmd = words[i];
    if (!cmd) continue;
    const args = words.slice(i + 1);
    if (cmd === 'cd' || cmd === 'pushd') {
      const to = args.find((a) => !a.startsWith('-'));
      if (to !== undefined)
        for (const d of [...dirs]) {
          const joined = posix.normalize(posix.join(d || '.', to));
          const next = joined === '.' ? '' : repoPath(to, d);
          if (next !== undefined && !dirs.includes(next) && dirs.length < MAX_DIRS) dirs.push(next);
        }
      continue;
    }
    for (const d of dirs) runs(cmd, args, d, add, put);
  }
  return [...out.values()];
}

/** At most this many folders a command text may `cd` into. */
const MAX_DIRS = 8;

/** The files one command (`cmd args`, run in folder `dir`) runs, given to `add` (`put`: already repository paths). */
function runs(cmd: string, args: readonly string[], dir: string, add: Add, put: Put): void {
  const name = posix.basename(cmd);
  if (INTERPRETERS.has(name) || SOURCES.has(name)) {
    const c = args.indexOf('-c');
    const m = args.indexOf('-m');
    // `bash -c '...'`: the text it runs; `python -m pkg.mod`: that module's file; `node -e`: its words (above).
    if (c >= 0 && name !== 'python' && name !== 'python3')
      for (const f of commandFiles(
        args
          .slice(c + 1)
          .join(' ')
          .replace(/^['"]|['"]$/g, ''),
        dir,
      ))
        put(f.path, f.entries);
    else if (m >= 0 && args[m + 1]) {
      const mod = args[m + 1]!.replace(/\./g, '/');
      for (const f of [`${mod}.py`, `${mod}/__main__.py`, `${mod}/__init__.py`]) add(f, dir);
    } else if (!args.some((a) => a === '-c' || a === '-e'))
      add(
        args.find((a, k) => !a.startsWith('-') && !['-o', '-O', '+O'].includes(args[k - 1] ?? '')),
        dir,
      );
  } else if (MAKES.has(name)) {
    const folder = option(args, '-C', '--directory') ?? '';
    const file = option(args, '-f', '--file', '--makefile');
    const skip = new Set(['-C', '-f', '-j', '-l', '-o', '-W', '-I', '--directory', '--file', '--makefile']);
    const goals = args.filter((a, k) => !a.startsWith('-') && !a.includes('=') && !skip.has(args[k - 1] ?? ''));
    const entries = goals.length ? goals : undefined; // no goal: the default one, read as all of it
    if (file) add(file, posix.join(dir, folder), entries);
    else for (const mk of MAKEFILES) add(mk, posix.join(dir, folder), entries);
  } else if (PACKAGE_RUNNERS.has(name)) {
    const valued = ['--prefix', '-C', '--cwd', '--dir', '--workspace', '-w', '--filter', '-F'];
    const rest = args.filter((a, k) => !valued.includes(a) && !valued.includes(args[k - 1] ?? ''));
    const yarnWorkspace = name === 'yarn' && rest[0] === 'workspace' ? rest[1] : undefined;
    const script = packageEntries(yarnWorkspace ? rest.slice(2) : rest.filter((a) => !/^--?[\w-]+=/.test(a)));
    const at = posix.join(dir, option(args, '-C', '--prefix', '--cwd', '--dir') ?? '');
    add('package.json', at, script);
    // A workspace chosen by folder (a name that is not its folder is not resolved here).
    const ws = yarnWorkspace ?? option(args, '-w', '--workspace') ?? option(args, '-F', '--filter');
    if (ws) add('package.json', posix.join(at, ws.replace(/^\.\//, '')), script);
  } else if (cmd.includes('/')) add(cmd, dir);
}

/** A Makefile's recipe lines for `goals` and what they depend on (all of them: every recipe line). */
function makeRecipes(text: string, goals: readonly string[] | undefined): string[] {
  const make = readMakefile(text);
  // A goal no rule names plainly (a pattern rule, a variable): all of it.
  if (!goals || make.unplain || goals.some((g) => !make.rules.has(g))) return make.recipes;
  const out: string[] = [];
  reachedRules(make, goals, (_, r) => {
    if (r) out.push(...r.recipe);
  });
  return out;
}

/**
 * The make files `make` reads before `path` in its folder (GNUmakefile, then makefile, then
 * Makefile): one added there takes the gate's target over, so each is protected with it.
 */
export function shadowingMakefiles(path: string): string[] {
  const k = MAKEFILES.indexOf(posix.basename(path));
  const dir = posix.dirname(path);
  return MAKEFILES.slice(0, Math.max(k, 0)).map((m) => (dir === '.' ? m : `${dir}/${m}`));
}

/** Whether only some of a file runs (a package script, a make target): gitguard counts there only. */
export const runsInParts = (path: string): boolean => {
  const name = posix.basename(path);
  return name === 'package.json' || MAKEFILES.includes(name) || name.endsWith('.mk');
};

/** The commands a file the CI runs runs in turn: package.json's scripts, a Makefile's recipes, a shell script's lines. */
export function commandsOf(file: CommandFile, text: string): string[] | 'unreadable' {
  const name = posix.basename(file.path);
  if (name === 'package.json') {
    try {
      const scripts: unknown = (JSON.parse(withoutBom(text)) as { scripts?: unknown }).scripts;
      if (scripts === undefined) return [];
      if (typeof scripts !== 'object' || scripts === null) return 'unreadable';
      const all = Object.entries(scripts as Record<string, unknown>);
      const wanted = file.entries ? all.filter(([k]) => file.entries!.includes(k)) : all;
      return wanted.flatMap(([, v]) => (typeof v === 'string' ? [v] : []));
    } catch {
      return 'unreadable';
    }
  }
  if (MAKEFILES.includes(name) || name.endsWith('.mk')) return makeRecipes(text, file.entries);
  // A script in another language is not followed further: what it names is read for the gate only.
  return /\.(?:py|js|mjs|cjs|ts|rb|pl|ps1)$/.test(name) ? [] : text.split(/\r?\n/);
}

/** npm reads package.json past a byte order mark (a file saved by a Windows editor). */
const withoutBom = (text: string): string => text.replace(/^\uFEFF/, '');

/** A Makefile rule's header: plain targets (no pattern, variable or special `.TARGET`) and what follows the colon. */
const PLAIN_RULE = /^([^:=#\t.%$][^:=#%$]*?)\s*(?:::|:)(?![:=])(.*)$/;

/**
 * What of a file the CI runs in parts (runsInParts) its chain to gitguard reads, as text to compare
 * between two versions: a change elsewhere in the file runs nothing on the way to the gate (a
 * dependency bumped in package.json, an unrelated make target), a change here may drop it.
 * package.json, parsed as npm parses it (a byte order mark skipped, the last of duplicate keys
 * wins): the `entries` scripts; a file that is no JSON, or a script reading the package's own
 * fields (`$npm_package_*`), is all of its text. A Makefile: the rules of the `entries` targets and
 * of what they depend on (headers and recipes, as that version states them), and every line that is
 * no plain rule or recipe (variables, include, conditionals, special targets like `.IGNORE`,
 * pattern rules: they reach every recipe, so any change to them counts), and which of those targets
 * `.PHONY` names (a target no longer phony is skipped where a file of its name exists). Without
 * entries: all of it.
 */
export function chainPart(path: string, entries: readonly string[] | undefined, text: string): string {
  if (!entries) return text;
  const name = posix.basename(path);
  if (name === 'package.json') {
    try {
      const scripts: unknown = (JSON.parse(withoutBom(text)) as { scripts?: unknown }).scripts;
      if (scripts === undefined) return '{}';
      if (typeof scripts !== 'object' || scripts === null || Array.isArray(scripts)) return text;
      const own = (k: string): unknown => (Object.hasOwn(scripts, k) ? (scripts as Record<string, unknown>)[k] : null);
      const part = entries.map((k) => [k, own(k)]);
      if (part.some(([, v]) => typeof v === 'string' && v.includes('npm_package_'))) return text;
      return JSON.stringify(part);
    } catch {
      return text;
    }
  }
  return makePart(text, entries);
}

/** See chainPart: a Makefile's global lines and the rules the goals reach. */
function makePart(text: string, goals: readonly string[]): string {
  const make = readMakefile(text);
  const reached: string[] = [];
  reachedRules(make, goals, (t, r) =>
    reached.push(make.phony.has(t) ? `${t} (phony)` : t, ...(r?.lines ?? ['(none)'])),
  );
  return JSON.stringify([make.global, reached]);
}

interface MakeRule {
  deps: string[];
  /** Its header and recipe lines as written, in order. */
  lines: string[];
  /** Its recipe's commands (the tab and the `@`, `+`, `-` prefixes taken off). */
  recipe: string[];
}

interface Makefile {
  /** The plain rules (PLAIN_RULE), by target. */
  rules: Map<string, MakeRule>;
  /** Every line that is no plain rule or its recipe (variables, include, conditionals, special and pattern rules). */
  global: string[];
  phony: Set<string>;
  /** Every recipe command of the file. */
  recipes: string[];
  /** A rule whose targets are a pattern or a variable: it may make any goal. */
  unplain: boolean;
}

/** Any rule header, plain or not. */
const ANY_RULE = /^([^:=#\t][^:=#]*?)\s*::?(?!=)/;

/** One reading of a Makefile for both the commands a goal runs (makeRecipes) and what of it counts (makePart). */
function readMakefile(text: string): Makefile {
  const make: Makefile = { rules: new Map(), global: [], phony: new Set(), recipes: [], unplain: false };
  let current: MakeRule[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('\t')) {
      const cmd = line.replace(/^\t[@+-]*/, '');
      make.recipes.push(cmd);
      if (current) {
        for (const r of current) {
          r.lines.push(line);
          r.recipe.push(cmd);
        }
        continue;
      }
    } else {
      if (/[%$]/.test(ANY_RULE.exec(line)?.[1] ?? '')) make.unplain = true;
      if (!line.trim() && current) continue; // a blank line does not end a recipe
    }
    // A comment ending in a backslash comments out the next line too: counted as a global line.
    if (/^\s*#/.test(line) && !line.endsWith('\\')) continue;
    const p = /^\.PHONY\s*:([^;#=]*)$/.exec(line);
    if (p) {
      for (const t of p[1]!.split(/\s+/)) if (t) make.phony.add(t);
      current = undefined;
      continue;
    }
    const m = PLAIN_RULE.exec(line);
    if (!m || line.endsWith('\\')) {
      current = undefined;
      if (line.trim()) make.global.push(line);
      continue;
    }
    const deps = m[2]!
      .replace(/[;#].*$/, '')
      .split(/\s+/)
      .filter(Boolean);
    current = m[1]!
      .split(/\s+/)
      .filter(Boolean)
      .map((t) => {
        const r = make.rules.get(t) ?? { deps: [], lines: [], recipe: [] };
        r.deps.push(...deps);
        r.lines.push(line);
        make.rules.set(t, r);
        return r;
      });
  }
  return make;
}

/** Each target the goals reach through their prerequisites, once (at most 257), with its plain rule if any. */
function reachedRules(
  make: Makefile,
  goals: readonly string[],
  at: (target: string, rule: MakeRule | undefined) => void,
): void {
  const seen = new Set<string>();
  const visit = (t: string): void => {
    if (seen.has(t) || seen.size > 256) return;
    seen.add(t);
    const r = make.rules.get(t);
    at(t, r);
    for (const d of r?.deps ?? []) visit(d);
  };
  for (const g of goals) visit(g);
}
