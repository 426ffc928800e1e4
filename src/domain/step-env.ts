// What runs before a CI step and changes what its gitguard runs, or where, in a way the reading of
// the step's own script cannot follow (the real run: GitHub's runner reads each step's $GITHUB_ENV
// and $GITHUB_PATH lines into the steps after it; every step of a job shares the checkout): a
// variable of env-names.ts set by an earlier step or by `env:`/`variables:`, a folder put on PATH, a
// checkout moved to another commit or replaced (`git checkout <old>`, `git reset --hard`, `rm -rf
// .git`, GitLab's `GIT_STRATEGY: none`), a file of the checkout run before the step (it may do any
// of those). Such a step is no gate: the escape is to run gitguard first, or in a job of its own.
import { parseScript, type Command, type Script } from './shell-syntax.js';
import { SHELLS, base } from './gitguard-call.js';
import { commandStart, inlineScript, unfollowedAssignment } from './shell-state.js';
import { startupEnv } from './checkout-runs.js';

/** The variables the gate step's own reading follows itself (BASH_ENV's file, make's flags: checkout-runs.ts). */
const FOLLOWED = /^(?:BASH_ENV|SHELLOPTS|BASHOPTS|MAKEFLAGS|MFLAGS|GNUMAKEFLAGS)$/;

/** git commands that move HEAD or make another repository of the checkout's folder. */
const MOVES_HEAD = new Set([
  'checkout',
  'switch',
  'reset',
  'restore',
  'init',
  'clone',
  'pull',
  'merge',
  'rebase',
  'am',
  'cherry-pick',
  'revert',
  'update-ref',
  'symbolic-ref',
  'worktree',
  'bisect',
  'stash',
]);
/** git's options before the command that take a value (`git -C x checkout`). */
const GIT_VALUE = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path', '--config-env']);
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
const GIT_FOLDER = /(?:^|\/)\.git(?:\/|$)/;
/** A redirection into the git folder (`echo ref > .git/HEAD`): its target is no word of the command. */
const GIT_REDIRECT = />{1,2}\|?\s*["']?(?:[^\s"'<>;&|]*\/)?\.git\//;

/** Whether the command `words` (past its wrappers) changes the commit or repository the checkout holds. */
export function changesCheckout(words: readonly string[]): boolean {
  const [name, ...args] = words;
  if (name === undefined) return false;
  const tool = base(name);
  if (WRITERS.has(tool)) return args.some((a) => GIT_FOLDER.test(a));
  if (tool !== 'git') return false;
  let k = 0;
  while (k < args.length && args[k]!.startsWith('-')) k += GIT_VALUE.has(args[k]!) ? 2 : 1;
  const cmd = args[k];
  if (cmd === undefined || !MOVES_HEAD.has(cmd)) return false;
  const rest = args.slice(k + 1).filter((a) => a !== '-q' && a !== '--quiet');
  // `git checkout -b x` / `git switch -c x`: a new branch at HEAD, the same commit.
  if ((cmd === 'checkout' || cmd === 'switch') && rest.length === 2 && /^-[bBcC]$/.test(rest[0]!)) return false;
  // `git reset --hard` with no commit: HEAD stays.
  return !(cmd === 'reset' && rest.every((a) => a.startsWith('-')));
}

/** Whether a script writes into the checkout's git folder by a redirection (no word of a command names it). */
export const writesGitFolder = (script: string): boolean => GIT_REDIRECT.test(script);

/** The words of each simple command `script` runs, nested ones too (`$( )`, `bash -c '...'`, `eval`, functions). */
function* commandWords(script: Script, depth = 0): Generator<string[]> {
  if (depth > 8) return;
  const inCommand = function* (c: Command): Generator<string[]> {
    switch (c.kind) {
      case 'simple': {
        for (const w of c.words) for (const s of w.substitutions) yield* commandWords(parseScript(s), depth + 1);
        const words = c.words.slice(commandStart(c.words)).map((w) => w.value);
        yield words;
        const [name, ...args] = words;
        const inline = name !== undefined && SHELLS.has(base(name)) ? inlineScript(args, c.heredocs) : undefined;
        if (inline) yield* commandWords(parseScript(inline.script), depth + 1);
        if (name === 'eval') yield* commandWords(parseScript(args.join(' ')), depth + 1);
        return;
      }
      case 'group':
        yield* commandWords(c.body, depth);
        return;
      case 'if':
        for (const [cond, body] of c.clauses) yield* [...commandWords(cond, depth), ...commandWords(body, depth)];
        if (c.otherwise) yield* commandWords(c.otherwise, depth);
        return;
      case 'loop':
        if (c.cond) yield* commandWords(c.cond, depth);
        yield* commandWords(c.body, depth);
        return;
      case 'case':
        for (const b of c.branches) yield* commandWords(b, depth);
        return;
      case 'function':
        yield* inCommand(c.body);
        return;
    }
  };
  for (const andOr of script) for (const p of andOr.pipelines) for (const c of p.commands) yield* inCommand(c);
}

/**
 * The commands an earlier step may run and change nothing the gate step runs: those that run no file
 * of the checkout nor write one where a program is looked for. `npm ci`, `npm install`, `yarn`,
 * `pnpm i` install what the lockfile names: the packages `npx gitguard` already runs from.
 */
const KEEPS = new Set([
  'echo',
  'printf',
  'true',
  ':',
  'false',
  'pwd',
  'ls',
  'cat',
  'mkdir',
  'date',
  'uname',
  'which',
  'type',
  'sleep',
  'id',
  'whoami',
  'df',
  'free',
  'nproc',
  'cd',
  'set',
  'shopt',
  'test',
  '[',
  '[[',
  'export',
  'unset',
]);
const INSTALL =
  /^(?:(?:npm|pnpm)\s+(?:ci|install|i)|yarn(?:\s+install)?|(?:npm|pnpm|yarn|node|npx|git)\s+(?:--version|-v))(?:\s+--?[\w-]+(?:=\S+)?)*$/;
/** Where an earlier step may redirect its output: the runner's own files and descriptors ($GITHUB_ENV: writesEnvFile). */
const REDIRECT = />{1,2}\|?\s*(["']?)(&?[^\s"'<>;&|]*)\1/g;
const SAFE_TARGET = /^(?:&\d|\/dev\/(?:null|stdout|stderr)|\$\{?GITHUB_(?:ENV|OUTPUT|STEP_SUMMARY|STATE)\}?)$/;

/** Whether an earlier step's command `words` keeps the gate step's run as its reading sees it. */
function keeps(words: readonly string[]): boolean {
  const [name, ...args] = words;
  if (name === undefined || /^[A-Za-z_]\w*=/.test(name)) return true;
  if (base(name) === 'git') return !changesCheckout(words);
  if (name === 'env' || name === 'command') return args.length === 0 || (name === 'command' && args[0] === '-v');
  return KEEPS.has(name) || INSTALL.test(words.join(' '));
}

/** A `NAME=value` line for $GITHUB_ENV: no escape that could write a second line, expansions only of RUNNER_VARS. */
const ENV_LINE = /^([A-Za-z_]\w*)=([^`\\\n]*)$/;
/** The runner's own variables, one line each: their expansion in a $GITHUB_ENV value writes no second line. */
const RUNNER_VARS = /\$\{?(?:HOME|PWD|PATH|RUNNER_TEMP|RUNNER_TOOL_CACHE|GITHUB_WORKSPACE)\}?(?![\w{])/g;

/** Whether a line `text` written to $GITHUB_ENV may change what a later gitguard runs (BASH_ENV as startupEnv reads it). */
function envLineLoses(text: string): boolean {
  const line = ENV_LINE.exec(text.trim());
  if (!line || /\$/.test(line[2]!.replace(RUNNER_VARS, ''))) return true;
  const [, name, value] = line as unknown as [string, string, string];
  if (name === 'BASH_ENV') return startupEnv([name], value);
  return unfollowedAssignment(`${name}=${value}`);
}
/** The target `>> $GITHUB_ENV` (quoted or braced). */
const TO_ENV = String.raw`>>?\s*["']?\$\{?GITHUB_ENV\}?["']?`;
/** `echo "NAME=value" >> $GITHUB_ENV` (or printf, or the target first). */
const ECHO_TO_ENV = new RegExp(String.raw`^\s*(?:echo|printf)\s+(["']?)([^"'\x60\\]*)\1\s*${TO_ENV}\s*$`);
/** `cat >> $GITHUB_ENV <<EOF` / `cat <<'EOF' >> "$GITHUB_ENV"`: the lines up to EOF are written. */
const CAT_TO_ENV = new RegExp(
  String.raw`^\s*cat\s+(?:${TO_ENV}\s*<<-?\s*(["']?)(\w+)\1|<<-?\s*(["']?)(\w+)\3\s*${TO_ENV})\s*$`,
);

/**
 * Whether the lines a script writes to $GITHUB_ENV may set a variable of env-names.ts for the steps
 * after it: each write must be a literal `NAME=value` (echo, printf, or a here-document's lines) of
 * another name; a value with an expansion may hold a newline, and so any second line (`NAME<<EOF`
 * writes a value of many lines: its name is read too).
 */
function writesEnvFile(script: string): boolean {
  const lines = script.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    for (const part of lines[i]!.split(/;|&&|\|\|/)) {
      if (!/GITHUB_ENV/.test(part)) continue;
      const echo = ECHO_TO_ENV.exec(part);
      if (echo) {
        if (envLineLoses(echo[2]!)) return true;
        continue;
      }
      const cat = CAT_TO_ENV.exec(part);
      if (!cat) return true;
      const end = cat[2] ?? cat[4]!;
      for (i += 1; i < lines.length && lines[i]!.trim() !== end; i += 1) {
        if (envLineLoses(lines[i]!)) return true;
      }
    }
  }
  return false;
}

/**
 * Whether a step's script, run before the gate step of its job, may change what the gate runs or
 * where: read as keeping it only when every command it runs is one of KEEPS (git other than a
 * checkout move, a package install), its redirections go to the runner's files, its $GITHUB_ENV
 * lines set literal values of names other than env-names.ts's, and it never names $GITHUB_PATH (a
 * folder searched before the image's, filled at run time). Anything else (a file of the checkout,
 * `go test`, `curl -o`, `cp`) may write $GITHUB_ENV or a program on PATH: not followed.
 */
export function changesLaterSteps(script: string): boolean {
  if (/GITHUB_PATH/.test(script)) return true;
  if (/GITHUB_ENV/.test(script) && writesEnvFile(script)) return true;
  for (const m of script.matchAll(REDIRECT)) if (!SAFE_TARGET.test(m[2]!)) return true;
  for (const words of commandWords(parseScript(script))) if (!keeps(words)) return true;
  return false;
}

/**
 * Whether the variables a CI file sets for a step (`env:`, GitLab `variables:`) change what its
 * gitguard runs in a way its reading does not follow (env-names.ts; PATH by its folders), or leave
 * the job without the change checked out (GitLab's GIT_STRATEGY none or empty, GIT_CHECKOUT false).
 */
export function settingLoses(vars: Iterable<readonly [string, string]>): boolean {
  for (const [k, v] of vars) {
    if (FOLLOWED.test(k)) continue;
    if (unfollowedAssignment(`${k}=${v}`)) return true;
    if (k === 'GIT_STRATEGY' && /^\s*(?:none|empty)\s*$/i.test(v)) return true;
    if (k === 'GIT_CHECKOUT' && /^\s*false\s*$/i.test(v)) return true;
  }
  return false;
}

/**
 * Whether an earlier `uses:` step may change what the gate step runs: a local action (`./x`, the
 * checkout's own file), a container (`docker://`, run on the workspace with the workflow's args) or
 * `actions/github-script` (the workflow's JavaScript: `core.addPath`, `core.exportVariable`). Another
 * action runs its pinned code, as actions/setup-node does (trusted as the gitguard action is).
 */
export const usesChangesLaterSteps = (uses: string): boolean =>
  /^\s*(?:\.{1,2}\/|docker:\/\/|actions\/github-script@)/i.test(uses);

/** settingLoses for a CI file's `env:` as parsed (maps as Map): none set, false; not a map (an expression), true. */
export function envLoses(env: unknown): boolean {
  if (env === undefined || env === null) return false;
  if (!(env instanceof Map)) return true;
  return settingLoses(
    [...(env as Map<unknown, unknown>)].map(([k, v]): [string, string] => [
      String(k),
      typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '$',
    ]),
  );
}
