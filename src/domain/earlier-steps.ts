// What an earlier step of a job runs from the checkout, read at the commit, and whether it changes
// what the gate step after it runs (step-env.ts changesLaterSteps, on the step's script and on each
// text it runs: `./ci/setup.sh` by its shebang, `bash ci/setup.sh`, a sourced file, `make`, `npm run
// setup` with its pre/post scripts, as checkout-runs.ts reads them for the gate step itself). A file
// past the reading's bounds, not there, or named by a variable is not followed: the step then counts
// as changing what the gate runs (fail closed). A program outside the checkout (`/usr/bin/x`,
// `~/.cargo/bin/x`) is the image's; a command of another kind (`node ci/test.js`, `jest`) is the
// change's own code, the residual risk README states.
import { parseScript, type Command, type Script, type Word } from './shell-syntax.js';
import { SHELLS, base } from './gitguard-call.js';
import { checkoutRun } from './checkout-runs.js';
import { commandStart, inlineScript, type Checkout } from './shell-state.js';
import { changesLaterSteps, usesChangesLaterSteps } from './step-env.js';
import { writesCheckout, writtenTargets, type Targets } from './written-targets.js';
import { cdTarget } from './step-folder.js';
import { wrappedStart } from './command-wrappers.js';
import { foreignShell, interpreterReaches } from './inline-code.js';
import { foreignReaches } from './pwsh-code.js';
import { actionReach, restoresNpmCache, workspacePaths } from './action-writes.js';
import { checkoutSubmodules } from './checkout-submodules.js';
import { SUBMODULES } from './submodule-writes.js';
import { cacheRestore, namesNpm } from './cache-restores.js';
import { restoreLeaves } from './restore-links.js';
import { GITGUARD_WORD } from './ci-words.js';
import { gitEnvLoses } from './step-git-env.js';

/** How deep files running files are followed. */
const MAX_DEPTH = 8;
/**
 * An interpreter `xargs` or `find -exec` runs (command-wrappers.ts does not read through them): any
 * of their words that names one is read from there as inline-code.ts reads it.
 */
function handedInterpreter(name: string, args: readonly string[]): boolean {
  const tool = base(name);
  return (tool === 'xargs' || tool === 'find') && args.some((a, k) => interpreterReaches(a, args.slice(k + 1), []));
}

/** A program named by where the image keeps it, not a file of the checkout. */
const IMAGE_PROGRAM = /^(?:\/|~|"?\$\{?HOME\}?\/)/;

/**
 * Whether `script`, run by an earlier step in folder `co.dir` of the checkout (null: not known, as
 * `working-directory: /usr/local/bin`), changes what a later step runs, the checkout files it runs
 * read through `co` (a path not read yet is asked for there: the caller reads it and asks again).
 */
function earlierChanges(script: string, co: Checkout, depth = 0): boolean {
  co.judged?.(script, co.dir, depth);
  if (depth > MAX_DEPTH || changesLaterSteps(script, co.dir === null, co.goMoved, co.fetches)) return true;
  return walk(parseScript(script), co, depth);
}

/** `f` run where a subshell runs it: the folder it moves to does not outlive it. */
function inSubshell(co: Checkout, f: () => boolean): boolean {
  const dir = co.dir;
  try {
    return f();
  } finally {
    co.dir = dir;
  }
}

function walk(script: Script, co: Checkout, depth: number): boolean {
  for (const andOr of script)
    for (const p of andOr.pipelines) for (const c of p.commands) if (command(c, co, depth)) return true;
  return false;
}

function command(c: Command, co: Checkout, depth: number): boolean {
  switch (c.kind) {
    case 'simple':
      return simple(c.words, c.heredocs, co, depth);
    case 'group':
      return c.subshell ? inSubshell(co, () => walk(c.body, co, depth)) : walk(c.body, co, depth);
    case 'if':
      return (
        c.clauses.some(([cond, body]) => walk(cond, co, depth) || walk(body, co, depth)) ||
        (c.otherwise !== undefined && walk(c.otherwise, co, depth))
      );
    case 'loop':
      return (c.cond !== undefined && walk(c.cond, co, depth)) || walk(c.body, co, depth);
    case 'case':
      return c.branches.some((b) => walk(b, co, depth));
    case 'function':
      return inSubshell(co, () => command(c.body, co, depth));
  }
}

function simple(all: readonly Word[], heredocs: readonly string[], co: Checkout, depth: number): boolean {
  for (const w of all)
    for (const s of w.substitutions) if (inSubshell(co, () => walk(parseScript(s), co, depth + 1))) return true;
  const words = all.slice(commandStart(all)).map((w) => w.value);
  const [name, ...args] = words.slice(wrappedStart(words).start);
  if (name === undefined || depth > MAX_DEPTH) return name !== undefined;
  if (name === 'cd' || name === 'pushd' || name === 'popd') {
    co.dir = name === 'popd' ? null : cdTarget(args, co.dir);
    return false;
  }
  // `python -c`, `node -e`, code fed to an interpreter: read for what it may reach (inline-code.ts).
  if (interpreterReaches(name, args, heredocs) || handedInterpreter(name, args)) return true;
  if (IMAGE_PROGRAM.test(name)) return false;
  const inline = SHELLS.has(base(name)) ? inlineScript(args, heredocs) : undefined;
  // The script `sh -c` or eval runs (a package script, a make recipe line) is judged as the step's own.
  if (inline) return inSubshell(co, () => earlierChanges(inline.script, co, depth + 1));
  if (name === 'eval') return earlierChanges(args.join(' '), co, depth + 1);
  const run = checkoutRun(name, args, co);
  if (run === 'unfollowed') return true;
  if (run === undefined || run === 'check') return false;
  // A sourced file goes on in this shell (its `cd` holds after it); a script runs in a new one.
  return run.source
    ? earlierChanges(run.text, co, depth + 1)
    : inSubshell(co, () => earlierChanges(run.text, co, depth + 1));
}

/**
 * GitHub's own actions (actions/checkout, actions/setup-node): the runner that runs the job is GitHub's
 * too. Not one whose path in the repository has a `..` name (`actions/checkout/../../x@v1`): it may
 * climb out of GitHub's repository to another's.
 */
const GITHUBS = /^(?:actions|github)\/[\w.-]+(?:\/[^@\s]*)?@[^\s]+$/;
const CLIMBS = /(?:^|\/)\.\.(?:\/|$)/;
/** A remote action vouched for: GitHub's own, or one `trusted` names with the same pin. */
const vouched = (uses: string, trusted: ReadonlySet<string>): boolean =>
  (GITHUBS.test(uses) && !CLIMBS.test(uses.split('@')[0]!)) || trusted.has(uses);

/** An earlier step that runs files of the checkout: its script and folder (null: not known), read at the commit. */
export interface Earlier {
  script: string;
  folder: string | null;
  /** Go's folder is set for the step (runner-files.ts movesGo). */
  goMoved: boolean;
  /** The gate step's own lines before its audit (ownEarlier): only the files they run are judged here. */
  own?: true;
  /**
   * Not a script: a workspace path a restore of GitHub's own writes at (action-writes.ts `plain` or
   * `workspace`, its reach), read at the commit for a link it would write through (restore-links.ts).
   */
  restore?: { path: string; reach: 'plain' | 'workspace' };
  /** Not a script: setup-node (v5 on) restores npm's cache where the checkout's package.json names npm (cache-restores.ts). */
  packageManager?: true;
  /** The fetch-and-run lines its job ran at the start (fetched-code.ts): they keep the gate. */
  fetches?: ReadonlySet<string>;
}

/** Whether any of `before` runs files of the checkout (a script, not a restore path). */
export const runsFiles = (before: readonly Earlier[]): boolean => before.some((b) => !b.restore && !b.packageManager);

/** An earlier step as its CI file writes it: `run:`, `uses:`, the shells its script may run in, a `with:` input by name. */
export interface StepKeys {
  run: unknown;
  uses: unknown;
  shells: readonly unknown[];
  input: (name: string) => unknown;
}

/**
 * An earlier step as the CI file alone shows it, run in each of `folders` (those its matrix gives its
 * `working-directory:`, step-context.ts matrixFolders): `loses` where it changes what a later step runs
 * in one (earlierChanges with no file read; a `uses:` step by usesChangesLaterSteps, a remote action
 * not in `trusted`, those the CI ran where the range starts: collect/trusted-actions.ts, or one of
 * GitHub's that writes where programs come from: action-writes.ts; a script a shell that is no POSIX
 * one runs, read as inline-code.ts reads code), `runs` with an Earlier per folder where that hangs on
 * files of the checkout it runs (the chain reads them at the commit: no gate until then), `restore`
 * where it is one of GitHub's that writes only under folders of the workspace (action-writes.ts
 * `plain` or `workspace`: no gate but gitguard's own action at the workspace), `written` where its script writes files of the checkout
 * and runs none (written-targets.ts writesCheckout; its paths where told: checkout-writes.ts says which
 * gates that loses; one that both writes and runs them loses), `none` where none (EarlierResult).
 * `goMoved`: Go's folder is set for the step (movesGo). `fetches`: the fetch-and-run lines its job ran
 * at the start (fetched-code.ts), which keep the gate. `vars`: the step's variables; one giving git a
 * program or a pager loses (step-git-env.ts).
 */
export function earlierStep(
  step: StepKeys,
  folders: ReadonlyArray<string | null>,
  trusted?: ReadonlySet<string>,
  goMoved = false,
  fetches?: ReadonlySet<string>,
  vars?: ReadonlyMap<string, string>,
): EarlierResult {
  const { run, uses } = step;
  if (gitEnvLoses(vars)) return LOSES;
  if (typeof uses === 'string') {
    const named = uses.trim();
    if (usesChangesLaterSteps(named) || (trusted && !vouched(named, trusted))) return LOSES;
    // A restore of GitHub's cache service: the change writes the entry (cache-restores.ts).
    const cached = cacheRestore(named, step.input);
    if (cached === 'restores') return LOSES;
    if (cached === 'package-manager') return { kind: 'runs', steps: [PACKAGE_MANAGER] };
    const reach = actionReach(named, step.input);
    if (reach === 'anywhere') return LOSES;
    // Its `submodules:` clones the commit's submodules into their folders (checkout-submodules.ts).
    const modules = checkoutSubmodules(named, step.input);
    if (modules === 'unknown' || (modules === 'submodules' && reach !== 'none')) return LOSES;
    if (modules === 'submodules') return { kind: 'written', paths: { written: [SUBMODULES], removed: [] } };
    // npm's cache restored (`cache: npm`, `~/.npm`): what npx runs by name (checkout-writes.ts).
    const npm = restoresNpmCache(named, step.input) ? ({ npm: true } as const) : {};
    if (reach === 'none' && npm.npm) return { kind: 'npm-cache' };
    if (reach !== 'none') {
      // Each workspace path it writes, read at the commit for a link (restore-links.ts).
      const paths = workspacePaths(step.input).map((path) => ({
        script: '',
        folder: '',
        goMoved: false,
        restore: { path, reach },
      }));
      return { kind: 'restore', reach, paths, ...npm };
    }
  }
  if (typeof run !== 'string') return NONE;
  if (step.shells.some((s) => foreignShell(s) && foreignReaches(s, run))) return LOSES;
  const out: Earlier[] = [];
  for (const folder of folders) {
    let asked = false;
    const co: Checkout = {
      read: () => void (asked = true),
      leads: () => false,
      dir: folder,
      vars: new Map(),
      files: 0,
      goMoved,
      fetches,
    };
    if (!earlierChanges(run, co)) continue;
    if (!asked) return LOSES;
    out.push({ script: run, folder, goMoved, fetches });
  }
  const writes = writesCheckout(run);
  if (out.length) return writes ? LOSES : { kind: 'runs', steps: out };
  if (!writes) return NONE;
  // The files it writes, where each folder it runs in tells them (written-targets.ts).
  const paths = folders.map((f) => writtenTargets(run, f));
  if (!paths.length || paths.some((p) => p === undefined)) return WRITTEN;
  const told = paths as Targets[];
  return {
    kind: 'written',
    paths: { written: told.flatMap((t) => t.written), removed: told.flatMap((t) => t.removed) },
  };
}

/**
 * What earlierStep finds of one step: `none`, nothing a later step runs changes; `loses`, the gate
 * after it is lost; `runs`, it runs files of the checkout (read at the commit: `steps`); `restore`, a
 * restore of GitHub's own at workspace `paths` (read at the commit for a link; none told: its reach
 * alone); `written`, it writes files of the checkout and runs none (`paths` where each is told);
 * `npm-cache` (and a restore's `npm`), it restores npm's cache (action-writes.ts restoresNpmCache).
 */
export type EarlierResult =
  | { kind: 'none' }
  | { kind: 'loses' }
  | { kind: 'runs'; steps: Earlier[] }
  | { kind: 'restore'; reach: 'plain' | 'workspace'; paths: Earlier[]; npm?: true }
  | { kind: 'written'; paths?: Targets }
  | { kind: 'npm-cache' };

const NONE: EarlierResult = { kind: 'none' };
/** setup-node's restore where the commit's package.json names npm (read at the commit). */
const PACKAGE_MANAGER: Earlier = { script: '', folder: '', goMoved: false, packageManager: true };
const LOSES: EarlierResult = { kind: 'loses' };
const WRITTEN: EarlierResult = { kind: 'written' };

/** The Earliers a step's result adds to the steps after it (read at the commit). */
export function earliersOf(e: EarlierResult): readonly Earlier[] {
  switch (e.kind) {
    case 'runs':
      return e.steps;
    case 'restore':
      return e.paths;
    case 'none':
    case 'loses':
    case 'written':
    case 'npm-cache':
      return [];
    default:
      return unknownKind(e);
  }
}

/** An exhaustive switch's end: no kind is left. */
export function unknownKind(e: never): never {
  throw new Error(`unknown earlier step ${JSON.stringify(e)}`);
}

/**
 * The gate step's own lines before its audit, read as an earlier step: `./ci/setup.sh` then
 * `gitguard audit` in one step's `run:` or one GitLab job's before_script and script runs the file
 * before the audit, as a step of its own before it would. Those are the lines before the last line
 * naming gitguard and, on that line, the commands before the first naming it (`./ci/setup.sh &&
 * npx gitguard audit`); the gate's own command and its chain are not (under a policy
 * protected-paths judges those), nor a script naming gitguard on no line (a gate through a file).
 * An Earlier where they run checkout files (read at the commit); none else, the lines as written
 * being shell-gate.ts's to judge.
 */
export function ownEarlier(script: string, folder: string | null, fetches?: ReadonlySet<string>): Earlier[] {
  const before = ownBefore(script);
  if (before === undefined) return [];
  let asked = false;
  const co: Checkout = { read: () => void (asked = true), leads: () => false, dir: folder, vars: new Map(), files: 0 };
  co.fetches = fetches;
  return walk(parseScript(before), co, 0) && asked
    ? [{ script: before, folder, goMoved: false, own: true, fetches }]
    : [];
}

/** The gate step's own lines before its audit (ownEarlier); undefined where no line names gitguard. */
export function ownBefore(script: string): string | undefined {
  const lines = script.split('\n');
  let last = lines.length - 1;
  while (last >= 0 && !GITGUARD_WORD.test(lines[last]!)) last -= 1;
  if (last < 0) return undefined;
  // The line's text before the command naming gitguard, its operators kept (`curl URL | sh && npx
  // gitguard audit`: the pipeline `curl URL | sh`), the one just before that command dropped.
  const parts = lines[last]!.split(/(&&|\|\||;|\|)/);
  const at = parts.findIndex((p, k) => k % 2 === 0 && GITGUARD_WORD.test(p));
  return [...lines.slice(0, last), parts.slice(0, at < 0 ? parts.length : Math.max(at - 1, 0)).join('')].join('\n');
}

/** Whether an earlier step changes what a later one runs, read through `co` (earlierChanges; its own lines not judged where `own`). */
export const earlierRuns = (e: Earlier, co: Checkout): boolean =>
  e.packageManager
    ? packageManagerCache(co)
    : e.restore
      ? restoreLeaves(e.restore.path, co) || npmrcMovesCache(co)
      : e.own
        ? walk(parseScript(e.script), co, 0)
        : earlierChanges(e.script, co);

/** setup-node's npm cache (PACKAGE_MANAGER): it reads `$GITHUB_WORKSPACE/package.json`, the checkout's root, whatever the step's folder. */
function packageManagerCache(co: Checkout): boolean {
  const at = co.read('package.json');
  if (at === undefined) return false; // asked for: read and asked again
  return namesNpm(at);
}

/**
 * Whether the checkout's root `.npmrc` sets npm's `cache` (`cache=target/npm`): npx then looks in a
 * folder a restore may fill (its `_npx`, its packuments), not in `~/.npm`. A file with no setting line
 * at all is read as a link (its text the target's name: npm reads the file it leads to), unreadable
 * likewise: either may set it.
 */
function npmrcMovesCache(co: Checkout): boolean {
  const at = co.read('.npmrc');
  if (at === undefined || at === null || at === 'tree') return false;
  if (at === 'unreadable') return true;
  return /^\s*cache\s*=/im.test(at.text) || !/=/.test(at.text);
}
