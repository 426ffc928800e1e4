// What runs before a CI step and changes what its gitguard runs, or where, in a way the reading of
// the step's own script cannot follow (the real run: GitHub's runner reads each step's $GITHUB_ENV
// and $GITHUB_PATH lines into the steps after it; every step of a job shares the checkout): a
// variable of env-names.ts set by an earlier step or by `env:`/`variables:`, a folder put on PATH, a
// checkout moved to another commit or replaced (`git checkout <old>`, `git reset --hard`, `rm -rf
// .git`, GitLab's `GIT_STRATEGY: none`), a program written where one is looked for. Only what the CI
// file shows is read: the change's own code run first (`npm test`) keeps the gate (README's residual
// risk; the escape is to run gitguard first, or in a job of its own).
import { curlWrites, tarArchive, tarExtracts, writesHere } from './download-folders.js';
import { runsFetchedCode, type FetchLines } from './fetched-code.js';
import { parseScript, type Command, type Pipeline, type Script } from './shell-syntax.js';
import { SHELLS, base } from './gitguard-call.js';
import { commandStart, inlineScript, unfollowedAssignment } from './shell-state.js';
import { commandString } from './command-wrappers.js';
import { freshCloneInstalls, localGlobalSpecs, takeFresh } from './global-install.js';
import { addsToolFolders, writesEnvFile } from './runner-files.js';
import { assignsGitProgram, gitSettingLoses } from './env-names.js';
import { GitRunFolder, gitIn } from './git-run-folder.js';
import { commandDirs } from './step-folder.js';
import { gitSubcommand } from './git-options.js';
import {
  changesCheckout,
  mayRunGitProgram,
  setsGitProgram,
  GIT_FOLDER,
  redirectionsOnly,
  writesGitFolder,
} from './checkout-moves.js';

/** The variables the gate step's own reading follows itself (BASH_ENV's file, make's flags: checkout-runs.ts). */
const FOLLOWED = /^(?:BASH_ENV|SHELLOPTS|BASHOPTS|MAKEFLAGS|MFLAGS|GNUMAKEFLAGS)$/;

/** The words of each simple command `script` runs, nested ones too (`$( )`, `bash -c '...'`, `eval`, functions). */
function* commandWords(script: Script, depth = 0): Generator<string[]> {
  if (depth > 8) return;
  const inCommand = function* (c: Command): Generator<string[]> {
    switch (c.kind) {
      case 'simple': {
        for (const w of c.words) for (const s of w.substitutions) yield* commandWords(parseScript(s), depth + 1);
        const start = commandStart(c.words);
        // git under a wrapper naming a folder (`env -C ci/x.git git fetch`) as git's `-C` reads it.
        const dirs = commandDirs(c.words.slice(0, start).map((w) => w.value));
        const words = [
          ...gitIn(
            dirs,
            c.words.slice(start).map((w) => w.value),
          ),
        ];
        yield words;
        const [name, ...args] = words;
        const inline = name !== undefined && SHELLS.has(base(name)) ? inlineScript(args, c.heredocs) : undefined;
        if (inline) yield* commandWords(parseScript(inline.script), depth + 1);
        if (name === 'eval') yield* commandWords(parseScript(args.join(' ')), depth + 1);
        const handed = commandString(words);
        if (handed !== undefined) yield* commandWords(parseScript(handed), depth + 1);
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

/** commandWords' lists by the reading they come from (parseScript keeps one reading per text). */
const WORDS = new WeakMap<Script | Pipeline, ReadonlyArray<readonly string[]>>();

/** commandWords of `script`, or of one pipeline of it, listed once per reading (frozen: every reader shares them). */
export function scriptWords(script: Script | Pipeline): ReadonlyArray<readonly string[]> {
  const had = WORDS.get(script);
  if (had) return had;
  const read = Array.isArray(script) ? script : [{ pipelines: [script], ops: [], background: false }];
  const words = Object.freeze([...commandWords(read)].map((w) => Object.freeze(w)));
  WORDS.set(script, words);
  return words;
}

/** Where an earlier step's redirection may go and write no program: the runner's own files and descriptors. */
export const REDIRECT = />{1,2}\|?\s*(["']?)(&?[^\s"'<>;&|]*)\1/g;
export const SAFE_TARGET =
  /^(?:&\d|\/dev\/(?:null|stdout|stderr)|\$\{?GITHUB_(?:ENV|PATH|OUTPUT|STEP_SUMMARY|STATE)\}?)$/;
/** A path's start that names the checkout: not searched for programs. */
export const PLACE = /^\$\{?(?:PWD|GITHUB_WORKSPACE|CI_PROJECT_DIR|CI_BUILDS_DIR)\}?(?:\/|$)/;
/**
 * A file of the job's temp folder by plain names (`$RUNNER_TEMP/settings.json`): not where programs
 * are looked for. Not the runner's own command files there (`_runner_file_commands/set_env_<id>` is
 * $GITHUB_ENV, `add_path_<id>` $GITHUB_PATH), nor a pattern, an expansion or `..` that may reach them.
 */
export const RUNNER_TEMP_FILE =
  /^\$\{?RUNNER_TEMP\}?\/(?!_runner_file_commands(?:\/|$))[\w.+@%=,-]+(?:\/[\w.+@%=,-]+)*$/;
/** A `..` name: the path climbs out of where it starts (the checkout, /tmp, $RUNNER_TEMP) to anywhere. */
const CLIMBS = /(?:^|\/)\.\.(?:\/|$)/;

/**
 * Whether a path an earlier step writes is where a program the gate runs may be looked for: an
 * absolute path (a PATH folder, npx's own file) but /tmp and /dev/null, `~` or $HOME, a node_modules
 * folder (`node_modules/.bin/gitguard`, gitguard's own code), an `.npmrc`, the git folder, or a path
 * not read (another expansion, `$(command -v npx)`). A file of the checkout is not: the gate audits
 * the commit, not the work tree.
 */
function programPlace(path: string): boolean {
  if (CLIMBS.test(path)) return true;
  if (RUNNER_TEMP_FILE.test(path)) return false;
  const p = path.replace(PLACE, './');
  if (p === '' || /\$/.test(p) || /^~/.test(p)) return true;
  if (/^\//.test(p)) return !/^\/(?:tmp\/|dev\/null$)/.test(p);
  return /(?:^|\/)(?:node_modules|\.npmrc$)/.test(p) || GIT_FOLDER.test(p);
}

/** Commands whose last path is where they write (`cp a b`, `ln -s a b`; `-t dir` names it). */
const COPIES = new Set(['cp', 'mv', 'ln', 'install', 'rsync', 'scp']);
/**
 * Commands that write every path they name (`tee`, `sed -i`, `truncate -s0 ~/bin/npx`: an empty
 * executable runs as an empty script and exits 0); a removal writes no program (`rm -rf node_modules`).
 */
const EACH = new Set(['tee', 'sed', 'touch', 'truncate']);
/** Where a download or an unpacking writes: curl -o/--output(-dir), wget -O/-P, tar -C, unzip -d. */
const OUTPUT =
  /^(?:-[A-Za-z]*[oOPCd]|--output|--output-dir|-O|--output-document|-P|--directory-prefix|-C|--directory|-d)$/;
const OUTPUT_JOINED = /^(?:--(?:output|output-dir|output-document|directory-prefix|directory)=|-[oOPCd](?=.))(.*)$/;

/**
 * The paths the command `words` writes, as the CI file shows them. npm's global install and link
 * write a PATH folder and `npm config set` the user's ~/.npmrc: they are read as writing `/`.
 */
export function writtenPaths(words: readonly string[]): string[] {
  const [name, ...args] = words;
  if (name === undefined) return [];
  const tool = base(name);
  const paths = args.filter((a) => !a.startsWith('-'));
  if (/^(?:npm|pnpm|yarn)$/.test(tool)) {
    // A global install of a registry name (`npm i -g npm@10`) is the registry's; of a path, a URL or
    // the folder it runs in, the change's (but in a fresh clone: global-install.ts).
    const local = localGlobalSpecs(words)?.length;
    return local || /^(?:link|ln|set)$/.test(args[0] ?? '') || (args[0] === 'config' && args[1] === 'set') ? ['/'] : [];
  }
  // A link also lets a later write reach what it points at (`ln -s ~/bin b; cp x b/npx`): each path counts.
  if (tool === 'ln') return paths;
  if (tool === 'git') return gitWrites(args);
  if (COPIES.has(tool)) {
    const t = args.findIndex((a) => a === '-t' || a === '--target-directory');
    if (t >= 0) return [args[t + 1] ?? ''];
    const joined = args.find((a) => a.startsWith('--target-directory='));
    return joined ? [joined.slice(19)] : paths.slice(-1);
  }
  // sed's `w file` command or `s///w file` flag writes that file, its `e` runs a command: anywhere.
  if (tool === 'sed' && args.some((a) => SED_WRITES.test(a))) return ['/'];
  if (EACH.has(tool)) return tool === 'sed' && !args.some((a) => /^-[^-]*i|^--in-place/.test(a)) ? [] : paths;
  // `gh run download` / `gh release download`: an artifact or asset another run or repository made,
  // unpacked by its own names (`node_modules/.bin/...`, over a checkout script): as actions/download-artifact.
  if (tool === 'gh' && args.includes('download')) return ['/'];
  if (tool === 'dd') return args.flatMap((a) => (a.startsWith('of=') ? [a.slice(3)] : []));
  if (tool === 'cpio' || absoluteNames(tool, args)) return ['/'];
  if (!/^(?:curl|wget|tar|bsdtar|unzip)$/.test(tool)) return [];
  if (tool === 'curl') return curlWrites(args);
  // A tar that creates (`tar czf out.tgz dist`) writes its archive only, wherever its `-C` reads.
  if (tool !== 'unzip' && /tar$/.test(tool) && !tarExtracts(args)) return tarArchive(args);
  const named = args.flatMap((a, i) =>
    OUTPUT.test(a) ? [args[i + 1] ?? ''] : (OUTPUT_JOINED.exec(a)?.slice(1) ?? []),
  );
  // Where no option tells it (curl's -O: the URL's own name), they write into the folder they run in.
  return writesHere(tool, args) ? [...named, '.'] : named;
}

/** A sed script with a `w`/`W` command, or an `s` command whose flags write (`w`) or run (`e`) one. */
const SED_WRITES =
  /(?:^|[;{}\n])\s*(?:\d+|\$|\/[^/]*\/)?\s*[wWe](?:\s|$)|^s(.)(?:(?!\1).)*\1(?:(?!\1).)*\1[gpiImM\d]*[we]/;

/**
 * Whether an unpacking writes the names its archive holds as they are, `/` and `..` kept: tar's
 * -P/--absolute-names (`xPf` too), unzip's `-:`; cpio does by default.
 */
const absoluteNames = (tool: string, args: readonly string[]): boolean =>
  (/^(?:bsd)?tar$/.test(tool) &&
    args.some((a, i) => a === '--absolute-names' || /^-[A-Za-z]*P/.test(a) || (i === 0 && /^[A-Za-z]*P/.test(a)))) ||
  (tool === 'unzip' && args.some((a) => /^-[A-Za-z]*:/.test(a)));

/**
 * The folder `git clone <url> <dir>` or `git worktree add <dir>` fills (a PATH folder not made yet,
 * `~/.local/bin`); the last of clone's words not an option, when there are two (an option's value
 * read as one names no program place). Under git's `-C` folders, each from the one before (`git -C
 * /usr/local/bin clone URL`: a folder there); an option git does not know: `/` (not told).
 */
function gitWrites(args: readonly string[]): string[] {
  const git = gitSubcommand(args);
  if (git === 'unknown') return ['/'];
  const words = git.rest.filter((a) => !a.startsWith('-'));
  const named =
    git.sub === 'clone'
      ? words.length >= 2
        ? words.slice(-1)
        : []
      : git.sub === 'worktree' && words[0] === 'add'
        ? words.slice(1)
        : [];
  const rooted = (p: string): boolean => /^[/~$]/.test(p);
  const at = git.options.reduce(
    (d, [o, v]) => (o !== '-C' || v === '' ? d : d === '' || rooted(v) ? v : `${d}/${v}`),
    '',
  );
  if (at === '') return named;
  // A clone naming no folder makes one of its URL's name in `-C`'s.
  if (git.sub === 'clone' && !named.length) return words.length ? [`${at}/.`] : [];
  return named.map((p) => (rooted(p) ? p : `${at}/${p}`));
}

/** A `cd` away from the checkout: the relative paths written after it are read as `/` (any folder). */
const leavesCheckout = (words: readonly string[]): boolean =>
  /^(?:cd|pushd)$/.test(words[0] ?? '') &&
  (words.length === 1 || words.slice(1).some((a) => !a.startsWith('-') && (programPlace(a) || /^\.\./.test(a))));

/** `go env -w GOPATH=...` (or `-u`): Go's settings file, read by a later `go env GOPATH` (runner-files.ts). */
const writesGoSettings = (words: readonly string[]): boolean =>
  words[0] === 'go' && words[1] === 'env' && words.some((w) => w === '-w' || w === '-u');

/**
 * `script` with the expressions naming the runner's workspace and temp folder (`${{ github.workspace
 * }}`, `${{ runner.temp }}`), which GitHub writes in before the shell runs, as the variables holding
 * the same folders: `unzip x.zip -d ${{ runner.temp }}/tools` is read as `-d $RUNNER_TEMP/tools`.
 */
export const runnerPlaces = (script: string): string =>
  script
    .replace(/\$\{\{\s*github\.workspace\s*\}\}/g, '$GITHUB_WORKSPACE')
    .replace(/\$\{\{\s*runner\.temp\s*\}\}/g, '$RUNNER_TEMP');

/**
 * Whether a step's script, run before the gate step of its job, visibly changes what the gate runs or
 * where: it adds a folder to $GITHUB_PATH (searched before the image's, filled at run time) other than a
 * tool folder outside the checkout (addsToolFolders), writes a $GITHUB_ENV line for env-names.ts's
 * names or one not read, moves or replaces the checkout, or
 * writes (a redirection, cp, tee, curl -o, npm -g) where a program is looked for (programPlace). A
 * step that runs the change's own code (`npm test`, `make`, `./ci/setup.sh`) is read as keeping the
 * gate, as is the gate step's own script: what that code does is the change's, judged by the audit
 * it cannot skip once the gate runs first or in its own job (README: the residual risk; the files
 * it runs are read at the commit by earlier-steps.ts). `away`: it starts out of the checkout
 * (`working-directory: /usr/local/bin`), so a relative path it writes may be where programs are.
 * `goMoved`: Go's folder is set for the step (runner-files.ts movesGo). `fetches`: the fetch-and-run
 * lines its job ran at the start (fetched-code.ts), which keep it. `errexit`: its lines run under
 * `set -e` (GitLab's script), where a clone on a line of its own holds for the lines after it.
 */
export function changesLaterSteps(
  written: string,
  away = false,
  goMoved = false,
  fetches?: FetchLines,
  errexit = false,
): boolean {
  const script = runnerPlaces(written);
  if (runsFetchedCode(script, fetches)) return true;
  if (/GITHUB_PATH/.test(script) && !addsToolFolders(script, goMoved)) return true;
  if (/GITHUB_ENV/.test(script) && writesEnvFile(script)) return true;
  if (writesGitFolder(script)) return true;
  // A git program set (`git config alias.w '!...'`, `export GIT_EXTERNAL_DIFF=...`): a git command after
  // it may run it and move HEAD before the audit; one set with none after it is for a later step
  // (git-program-steps.ts), as gitguard's own git reads no global, system or environment setting.
  let configured = assignsGitProgram(script);
  const parsed = parseScript(script);
  const fresh = freshCloneInstalls(parsed, errexit);
  const folder = new GitRunFolder();
  for (const words of scriptWords(parsed)) {
    folder.saw(words);
    if (changesCheckout(folder.git(words)) || writesGoSettings(words) || (configured && mayRunGitProgram(words)))
      return true;
    configured ||= setsGitProgram(words);
    away ||= leavesCheckout(words);
    if (takeFresh(fresh, words)) continue;
    if (writtenPaths(words).some((p) => away || programPlace(p))) return true;
  }
  // A redirection's target is no word of its command: any after a `cd` away counts.
  for (const m of redirectionsOnly(script).matchAll(REDIRECT))
    if (!SAFE_TARGET.test(m[2]!) && (away || programPlace(m[2]!))) return true;
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
    if (gitSettingLoses(k, v)) return true;
  }
  return false;
}

/**
 * Whether an earlier `uses:` step may change what the gate step runs: a local action (`./x`, the
 * checkout's own file), a container (`docker://`, run on the workspace with the workflow's args) or
 * `actions/github-script` (the workflow's JavaScript: `core.addPath`, `core.exportVariable`). Another
 * remote action is judged against where the range starts (earlier-steps.ts, collect/trusted-actions.ts).
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

/**
 * For each step of a job (`runs`: their `run:` values), the scripts before it that name $GITHUB_ENV
 * after `above`'s: the lines they write are literal `NAME=value` ones (writesEnvFile; any other
 * loses the gate), so a variable none of them names keeps the value the CI file gives it.
 */
export function envWritesBefore(runs: readonly unknown[], above = ''): string[] {
  const out = [above];
  for (const r of runs) out.push(typeof r === 'string' && /GITHUB_ENV/.test(r) ? `${out.at(-1)}\n${r}` : out.at(-1)!);
  return out;
}
