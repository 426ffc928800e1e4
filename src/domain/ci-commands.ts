// The files of the repository a CI step's shell command runs: a path given as the command
// (`./scripts/gate.sh`, `ci/check`), the script an interpreter is handed (`bash ci/check.sh`,
// `python3 tools/gate.py`, `node scripts/audit.mjs`), `make [target]` (the Makefile) and a package
// script (`npm run audit`, `yarn audit`, `pnpm audit`: package.json). A gate moved into such a file
// is disabled by editing the file, so the file is protected like the workflow (derived-paths.ts).
// Read roughly as a shell splits it; a path that cannot be told (a variable, a glob) is the folder
// before it, watched whole (fail closed).
import { posix } from 'node:path';
import { SHELLS } from './gitguard-call.js';
import { scriptRunner } from './package-run.js';
import { isMakeFile, MAKEFILES, makeIncludeDirs, makeIncludes, makePart, makeRecipes } from './makefiles.js';
import { isTool, launcherSettings, toolFiles } from './ci-tools.js';
import { isWorkspacePart, workspacePart } from './workspace-parts.js';
import { isJustfile, justPart, justRecipes } from './justfiles.js';
import {
  GITGUARD_WORD,
  option,
  packageEntries,
  repoPath,
  unquote,
  type Add,
  type CommandFile,
  type Put,
} from './ci-words.js';
import { PRE_COMMIT_FILES, preCommitPart } from './pre-commit-parts.js';
import { toxLines, toxPart } from './tox-ini.js';
import { TASKFILES, taskfileCommands, taskfilePart } from './taskfile-parts.js';
import {
  isMiseFile,
  miseDependencyRuns,
  miseHeaderRuns,
  miseIncludedRuns,
  miseIncludes,
  miseLines,
  misePart,
} from './mise-parts.js';
import { composePart, isComposeFile } from './compose-parts.js';

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
export { GITGUARD_WORD } from './ci-words.js';
/** At most this many files from one command text; past it, their top folders (fail closed). */
const MAX_FILES = 128;

/** A word that names a script by its extension: a file the command may run however it is handed over. */
const SCRIPT_WORD = /^(?!-)[\w./-]*\w\.(?:sh|bash|zsh|ksh|py|js|mjs|cjs|ts|mts|rb|pl|ps1|mk)$/;
/** Builtins that run a file in the shell itself. */
const SOURCES = new Set(['.', 'source']);

const runsAs = (name: string): boolean =>
  INTERPRETERS.has(name) || SOURCES.has(name) || MAKES.has(name) || PACKAGE_RUNNERS.has(name) || isTool(name);

/**
 * The files of the repository one command text (a `run:` or `script:` value, a script's lines) runs.
 * Fail closed where the shell's reading is not followed (a wrapper with options, `$(...)`, a
 * redirect, a subshell): a word naming a script by its extension is a file it may run, and after
 * `cd x` a path counts from both folders.
 */
export function commandFiles(text: string, dir = ''): CommandFile[] {
  const out = new Map<string, CommandFile>();
  /** Paths only a bare `./x` word named (`cd ./web`, `retry ./ci/gate`): a folder there runs nothing. */
  const programs = new Set<string>();
  let bare = false;
  const put: Put = (path, entries, workspaces, together, includeDirs) => {
    if (!path) return;
    const key = workspaces ? `${path}\0${workspaces}` : path;
    if (!bare) programs.delete(key);
    else if (!out.has(key)) programs.add(key);
    // Past the cap a file is not dropped (that would leave a gate unwatched): its top folder is watched whole.
    if (out.size >= MAX_FILES && !out.has(key) && path.includes('/')) {
      bare = false; // the folder stands for the files: it counts however it was named
      return put(path.split('/')[0]);
    }
    const had = out.get(key);
    // Named twice: the union of what it runs (all of it, when either asks for all).
    const all = !entries || (had && !had.entries);
    const ws = workspaces ? { workspaces } : {};
    const both = [...(had?.together ?? []), ...(together ?? [])];
    const dirs = [...new Set([...(had?.includeDirs ?? []), ...(includeDirs ?? [])])];
    const extra = {
      ...ws,
      ...(both.length ? { together: [...new Set(both)] } : {}),
      ...(dirs.length ? { includeDirs: dirs } : {}),
    };
    out.set(
      key,
      all ? { path, ...extra } : { path, entries: [...new Set([...(had?.entries ?? []), ...entries])], ...extra },
    );
  };
  const add: Add = (raw, base, entries) => {
    if (raw !== undefined) put(repoPath(raw, base), entries);
  };
  // The folders a command may run in: `cd web && npm run audit` runs web/package.json's script. A
  // `cd` adds its folder and keeps the ones before (a subshell, a branch not taken: fail closed).
  const dirs = [dir];
  const plain = text
    .replace(/\\\r?\n/g, '')
    // The checkout's folder as a command substitution or an Actions expression names it (`-v $(pwd):/src`).
    .replace(/\$\(\s*pwd\s*\)|`\s*pwd\s*`/g, '$PWD')
    .replace(/\$\{\{\s*github\.workspace\s*\}\}/g, '$GITHUB_WORKSPACE')
    // make's own name in a recipe (`$(MAKE) -C sub gate`).
    .replace(/\$[({]MAKE[)}]/g, 'make');
  for (const part of plain.split(/\r?\n|&&|\|\||[;|&()`]/)) {
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
      // `./x` with no extension: a program handed to another (`retry ./ci/gate`), or a module node
      // loads (`node -e "require('./ci/gate')"`).
      else if (/^\.\.?\/(?:[\w-]+\/)*[\w-]+$/.test(w))
        for (const d of dirs) {
          bare = true;
          add(w, d);
          bare = false;
          for (const e of ['.js', '.cjs', '.mjs', '/index.js']) add(w + e, d);
        }
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
  return [...out].map(([k, f]) => (programs.has(k) ? { ...f, program: true } : f));
}

/** At most this many folders a command text may `cd` into. */
const MAX_DIRS = 8;

/** The files one command (`cmd args`, run in folder `dir`) runs, given to `add` (`put`: already repository paths). */
function runs(cmd: string, args: readonly string[], dir: string, add: Add, put: Put): void {
  const name = posix.basename(cmd);
  const inner = (text: string, at: string): void => {
    for (const f of commandFiles(text, at)) put(f.path, f.entries, f.workspaces, f.together, f.includeDirs);
  };
  // `run-s a b`, `concurrently "npm:a"`: the package scripts they run; package.json whole where the
  // words (split here, quotes and all) may not be the runner's own (`concurrently "npm run a"`).
  const runner = scriptRunner(cmd, args);
  if (runner !== undefined) {
    const split = name === 'concurrently' && args.some((a) => !/^-|^(?:npm|yarn|pnpm|bun):/.test(a));
    return runner === 'unfollowed' || split ? add('package.json', dir) : inner(runner.script, dir);
  }
  if (INTERPRETERS.has(name) || SOURCES.has(name)) {
    const c = args.indexOf('-c');
    const m = args.indexOf('-m');
    // `bash -c '...'`: the text it runs; `python -m pkg.mod`: that module's file; `node -e`: its words (above).
    if (c >= 0 && name !== 'python' && name !== 'python3')
      inner(
        args
          .slice(c + 1)
          .join(' ')
          .replace(/^['"]|['"]$/g, ''),
        dir,
      );
    else if (m >= 0 && args[m + 1]) {
      const mod = args[m + 1]!.replace(/\./g, '/');
      for (const f of [`${mod}.py`, `${mod}/__main__.py`, `${mod}/__init__.py`]) add(f, dir);
    } else if (!args.some((a) => a === '-c' || (a === '-e' && !SHELLS.has(name))))
      // a shell's -e is errexit
      add(
        args.find((a, k) => !a.startsWith('-') && !['-o', '-O', '+O'].includes(args[k - 1] ?? '')),
        dir,
      );
  } else if (MAKES.has(name)) {
    // Flags bundled before one that takes a value (`make -sC ci`, `-kfci/gate.mk`): read apart.
    const make = args.flatMap((a) => {
      const m = /^-([BeiknqrRsStw]+)([CfIjloW])(.*)$/.exec(a);
      return m ? [...[...m[1]!].map((l) => `-${l}`), `-${m[2]!}`, ...(m[3] ? [m[3]] : [])] : [a];
    });
    const folder = option(make, '-C', '--directory') ?? '';
    const file = option(make, '-f', '--file', '--makefile');
    const skip = new Set(['-C', '-f', '-j', '-l', '-o', '-W', '-I', '--directory', '--file', '--makefile']);
    const goals = make.filter((a, k) => !a.startsWith('-') && !a.includes('=') && !skip.has(make[k - 1] ?? ''));
    const entries = goals.length ? goals : undefined; // no goal: the default one, read as all of it
    const at = posix.join(dir, folder);
    // `-I ci`: the makefiles' includes are looked for there too (from where make runs: both folders).
    const includeDirs = makeIncludeDirs(make).flatMap((d) => [repoPath(d, at), repoPath(d, dir)]);
    const inDirs = [...new Set(includeDirs.filter((d): d is string => d !== undefined))];
    for (const mk of file ? [file] : MAKEFILES) put(repoPath(mk, at), entries, undefined, undefined, inDirs);
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
    // A workspace by its package's name, or every one (`pnpm -r`, `yarn workspaces foreach`): all may run.
    const each = rest[0] === 'workspaces' ? rest.indexOf('run') : -1;
    // `pnpm -r exec ./gate.sh`, `yarn workspaces foreach exec ...`: the command runs in each package.
    const exec = rest.indexOf('exec');
    const inEach =
      exec < 0
        ? true
        : rest
            .slice(exec + 1)
            .filter((a) => a !== '--')
            .join(' ');
    if (
      ws ||
      each >= 0 ||
      rest[0] === 'workspaces' ||
      args.some((a) => ['-r', '--recursive', '--workspaces', '-ws'].includes(a))
    )
      put(repoPath('package.json', at), exec >= 0 ? [] : each >= 0 ? packageEntries(rest.slice(each)) : script, inEach);
    // `pnpm exec turbo`, `npm exec -- nx`, `pnpm turbo` (a binary where no script has its name).
    const tool = ['exec', 'dlx', 'x'].includes(rest[0] ?? '') ? rest.slice(1).filter((a) => a !== '--') : rest;
    if (tool !== rest) launcherSettings(args, at, put);
    if (tool[0] && isTool(tool[0])) inner(tool.join(' '), at);
  } else if (isTool(name)) toolFiles(name, args, dir, add, put, inner);
  else if (cmd.includes('/')) add(cmd, dir);
}

/** Whether only some of a file runs (a package script, a make target): gitguard counts there only. */
export const runsInParts = (path: string): boolean => {
  const name = posix.basename(path);
  return (
    ['package.json', 'tox.ini', ...MAKEFILES, ...PRE_COMMIT_FILES, ...TASKFILES].includes(name) ||
    name.endsWith('.mk') ||
    isJustfile(path) ||
    isMiseFile(path) ||
    isComposeFile(path)
  );
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
  if (isMakeFile(file.path)) return [...makeRecipes(text, file.entries), ...makeIncludes(text)];
  if (isJustfile(file.path)) return justRecipes(text, file.entries);
  if (name === 'tox.ini') return toxLines(text, file.entries);
  // A Taskfile as JSON (collect/gate-chains.ts): the commands of the tasks run; else every line.
  if (TASKFILES.includes(name)) return (file.entries && taskfileCommands(text, file.entries)) ?? text.split(/\r?\n/);
  // mise.toml: the tables `mise run <task>` reads (domain/mise-parts.ts), else every line; and the
  // tasks they depend on, run as `mise run <dep>` would be (a file task is watched so).
  // The file tasks of those tasks in the folders `[task_config] includes` names are run as mise-tasks/ ones.
  if (isMiseFile(file.path) && file.entries) {
    const lines = miseLines(text, file.entries) ?? text.split(/\r?\n/);
    const deps = miseDependencyRuns(lines);
    const tasks = [...file.entries, ...deps.map((d) => d.slice('mise run '.length))];
    return [...lines, ...deps, ...miseIncludedRuns(miseIncludes(text), tasks)];
  }
  // A script in another language is not followed further: what it names is read for the gate only.
  // A mise file task's header (`#MISE depends=[...]`, `//MISE` too) runs the tasks it names first.
  const lines = text.split(/\r?\n/);
  const header = miseHeaderRuns(lines);
  return /\.(?:py|js|mjs|cjs|ts|rb|pl|ps1)$/.test(name) ? header : [...lines, ...header];
}

/** npm reads package.json past a byte order mark (a file saved by a Windows editor). */
const withoutBom = (text: string): string => text.replace(/^\uFEFF/, '');

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
 * `.PHONY` names (a target no longer phony is skipped where a file of its name exists). turbo.json
 * and .npmrc: see workspace-parts.ts; a justfile: justfiles.ts; .pre-commit-config.yaml (as JSON from
 * collect/): pre-commit-parts.ts; tox.ini: tox-ini.ts; a Taskfile (as JSON): taskfile-parts.ts; a compose file (as JSON): compose-parts.ts. Without entries: all of it.
 */
export function chainPart(path: string, entries: readonly string[] | undefined, text: string): string {
  if (!entries) return text;
  const name = posix.basename(path);
  if (isWorkspacePart(path)) return workspacePart(path, entries, text) ?? text;
  if (isJustfile(path)) return justPart(text, entries);
  if (PRE_COMMIT_FILES.includes(name)) return preCommitPart(text, entries) ?? text;
  if (name === 'tox.ini') return toxPart(text, entries);
  if (TASKFILES.includes(name)) return taskfilePart(text, entries) ?? text;
  if (isMiseFile(path)) return misePart(path, text, entries) ?? text;
  if (isComposeFile(path)) return composePart(text, entries) ?? text;
  if (name === 'package.json') {
    try {
      const pkg = JSON.parse(withoutBom(text)) as { scripts?: unknown; name?: unknown; workspaces?: unknown };
      // Its name and workspaces too: a workspace runner picks packages by them (domain/ci-tools.ts).
      const { scripts, name: own, workspaces } = pkg ?? {};
      if (scripts === undefined) return JSON.stringify([{}, own, workspaces]);
      if (typeof scripts !== 'object' || scripts === null || Array.isArray(scripts)) return text;
      const script = (k: string): unknown =>
        Object.hasOwn(scripts, k) ? (scripts as Record<string, unknown>)[k] : null;
      const part = entries.map((k) => [k, script(k)]);
      if (part.some(([, v]) => typeof v === 'string' && v.includes('npm_package_'))) return text;
      return JSON.stringify([part, own, workspaces]);
    } catch {
      return text;
    }
  }
  return makePart(text, entries);
}

/**
 * Whether a file's part on the chain names gitguard: package.json's `entries` scripts, by their
 * commands (a script merely named `gitguard` that turbo runs everywhere is no gate), else chainPart
 * read past the escapes its JSON holds (a recipe line `\tgitguard audit` reads `\\tgitguard` there).
 */
export function partNamesGitguard(path: string, entries: readonly string[] | undefined, text: string): boolean {
  if (posix.basename(path) === 'package.json') {
    const scripts = commandsOf({ path, ...(entries ? { entries: [...entries] } : {}) }, text);
    // A script reading the package's own fields (`$npm_package_config_gate`): all of the file counts.
    if (scripts !== 'unreadable' && scripts.some((c) => c.includes('npm_package_'))) return GITGUARD_WORD.test(text);
    return scripts === 'unreadable' || scripts.some((c) => GITGUARD_WORD.test(c));
  }
  return GITGUARD_WORD.test(chainPart(path, entries, text).replace(/\\(?:u[0-9a-fA-F]{4}|.)/g, ' '));
}
