// Whether one CI file runs gitguard where it can fail the run, as GitHub reads a workflow or an action (and GitLab's
// file where its configuration cannot be read as one): a mention outside steps and jobs that never run or fail nothing.
import { resolveAlias } from './yaml-aliases.js';
import { githubRefusesKeys, keyTwice, readsMergeKeys, refusedYaml } from './yaml-refused.js';
import { parsedYaml } from './yaml-budget.js';
import {
  defaultShells,
  checkedIds,
  matrixMayBeTrue,
  runningKeys,
  runsForChanges,
  stepGates,
} from '../domain/actions-run.js';
import type { ShellMode } from '../domain/shell-state.js';
import { scriptGates, startupEnv } from './script-gate.js';
import { MAX_ALIASES, memo } from './ci-yaml-memo.js';
import { envValue, nodeReader, plainValue } from './yaml-nodes.js';
import { changeEvents, triggersOf } from '../domain/push-filters.js';
import { gateKey, gateScopeFor } from './gate-branches.js';
import { legFolder, matrixFolders, variablesOf } from '../domain/step-context.js';
import { actionGates, OWN_ACTION, withFixedIds } from '../domain/audit-options.js';
import { checkoutRoots, ROOT, type Place } from '../domain/step-folder.js';
import { deadJobNodes } from './job-runs.js';
import { changesLaterSteps, envLoses, envWritesBefore } from '../domain/step-env.js';
import { writesGitFolder } from '../domain/checkout-moves.js';
import { movesGo } from '../domain/runner-files.js';
import { earlierStep, ownBefore, ownEarlier, type Earlier } from '../domain/earlier-steps.js';
import { gateRunsGitFirst, gitProgramAbove } from '../domain/git-program-steps.js';
import { gitRepoEnv } from '../domain/step-git-env.js';
import { eachAbove, gateWrites, ownActionLost, type NpxLookup, type Restored } from '../domain/checkout-writes.js';
import { switchedOff } from '../domain/switched-off.js';
import { trustedActions, trustedImages } from './trusted-actions.js';
import { containersLose } from './ci-images.js';
import { neverTrue } from './never-true.js';
import { fetchKey, githubFetches } from './vouched-fetches.js';
import type { FetchLines } from '../domain/fetched-code.js';
import { legStrategy, legText, matrixLegs, type Leg } from '../domain/matrix-legs.js';
import { fromNode, legsOf, readLegs } from './leg-steps.js';

export const GITGUARD = /\bgitguard\b/;

/** Nodes visited in one file before the answer falls back to the text (aliases of aliases multiply them). */
export const MAX_VISITS = 100_000;

/**
 * Whether a CI file runs gitguard: true, false, or UNREAD when it mentions gitguard and the run's
 * parse budget is spent (ci-gate-kept reports a change whose answer depends on it).
 */
export type Gate = boolean | typeof UNREAD;
export const UNREAD = 'unread';

/**
 * Whether a CI file names gitguard where it runs and can fail the run: in a value (not a comment,
 * nor a key), outside the steps and jobs switchedOff. A text too large or deep to read as YAML here, or
 * whose aliases expand past MAX_VISITS, runs no gate; one past the run's parse budget is UNREAD (a
 * mention is no gate: one in a comment, the budget spent first, kept a removed gate). Only a text
 * that mentions gitguard is parsed for it. Its steps are read by gateSteps, as the chain reads them.
 */
export function namesGitguard(text: string, called = false, path?: string): Promise<Gate> {
  return memo(`gate ${called} ${gateKey()} ${fetchKey(path)} ${readsMergeKeys(path)}`, text, async () => {
    if (!GITGUARD.test(text)) return false;
    const read = await gateSteps(text, called, path);
    if (read === UNREAD) return UNREAD;
    // Earlier steps that run checkout files are read as the CI file shows them here (a parent's gate
    // stays a gate, so deleting it is a loss); the commit's own side reads their files (earlier-files.ts directGateAt).
    const judged = (s: GateStep): boolean =>
      legsOf(s).every((l) => !l.off && stepJudged({ ...l, before: undefined }, scriptGates));
    return read.mention || Boolean(read.pending?.length) || read.steps.some(judged);
  });
}

/**
 * A parsed text's gate answer, settled while its parse is at hand (yaml-budget.ts keeps a few): the
 * range search reads the versions the walk asks about later, and a second parse would count twice.
 */
export function alsoGate(text: string): void {
  if (GITGUARD.test(text)) void namesGitguard(text);
}

/**
 * A `run:` step that runs for a change, as GitHub runs it: its script, its own `shell:`, the shells it
 * may run in where it names none (defaultShells), its job's `strategy:`, its folder and variables, and
 * `off`: an `env:` above it that changes how its bash starts (startupEnv).
 */
export interface GateStep {
  script: string;
  own: unknown;
  shells: readonly unknown[];
  strategy: unknown;
  off: boolean;
  /** Where it runs and where the change is checked out (step-folder.ts). */
  at: Place;
  vars: ReadonlyMap<string, string>;
  /** GitLab's job script: the one way its runner runs it (its own shell, not GitHub's). */
  mode?: ShellMode;
  /** What runs before it, or a variable set for it, changes what it runs in a way not followed (step-env.ts). */
  lost?: boolean;
  /** Earlier steps that run files of the checkout: no gate until the chain reads them (earlier-steps.ts). */
  before?: readonly Earlier[] | undefined;
  /** Files of the checkout written before it, by path: lost where its chain reads one (collect/written-reach.ts). */
  writes?: readonly string[];
  /** A direct call's writes: lost where the commit's links lead one into npx's lookup (npx-reach.ts). */
  lookup?: NpxLookup;
  /** The scripts before it in its job that write $GITHUB_ENV (step-env.ts envWritesBefore). */
  envWrites?: string;
  /** GitLab's job name (start-fetches.ts). */
  job?: string;
  /** A git program set by an earlier step (git-program-steps.ts): a git command its chain runs before the audit may run it. */
  gitProgram?: true;
  /** In a matrix job: its reading in each job of the matrix, every one a gate for it to gate (leg-steps.ts). */
  legs?: readonly GateStep[];
}

/**
 * Whether a step gates in every shell it may run in (stepGates; a GitLab job's: its mode), its script
 * judged by `posix` and, one command alone in pwsh or cmd, by `other`: the one judgement both
 * readings give a step, namesGitguard with the script as written, the chain with the checkout.
 */
export function stepJudged(
  step: GateStep,
  posix: (script: string, mode: ShellMode, at: Place) => boolean,
  other?: (line: string, at: Place) => boolean,
): boolean {
  if (step.legs) return step.legs.every((l) => stepJudged(l, posix, other));
  if (step.lost || step.before?.length || step.writes || writesGitFolder(step.script)) return false;
  const script = withFixedIds(step.script, step.vars, step.envWrites, step.job !== undefined);
  if (step.mode) return posix(script, step.mode, step.at);
  return stepGates(step.own, step.shells, step.strategy, script, posix, step.at, other);
}

/** What a CI file runs for a change: its steps, and whether it names gitguard elsewhere where it runs (a `uses:`, a `with:`). */
export interface StepReading {
  mention: boolean;
  steps: GateStep[];
  /** gitguard's action after steps that run files of the checkout, their list each (chainGates reads them). */
  pending?: Array<readonly Earlier[]>;
  local?: Array<[string, boolean]>; // each `uses:` where it runs, and whether a step before it loses the gate
  calls?: Array<[string, readonly Earlier[]]>; // each `uses:` not lost, with the earlier steps that run checkout files
}

/**
 * The one reading of a workflow's or action's steps for a change to a protected branch (its `on:` and
 * filters, `if:`, switchedOff, matrix and runner shells): namesGitguard judges their scripts as
 * written, the chain (script-files.ts) with the files they run read at the commit. None where the
 * file is refused or too large; UNREAD past the run's parse budget. `path`: the file's, whose jobs'
 * fetch-and-run lines the start vouches for (vouched-fetches.ts; none without it).
 */
export function gateSteps(text: string, called = false, path?: string): Promise<StepReading | typeof UNREAD> {
  return memo(`steps ${called} ${gateKey()} ${fetchKey(path)} ${readsMergeKeys(path)}`, text, () =>
    stepsIn(text, called, path),
  );
}

/** `called`: a reusable workflow or action run by a workflow that starts (its `on: workflow_call` counts). */
async function stepsIn(text: string, called: boolean, path?: string): Promise<StepReading | typeof UNREAD> {
  const none: StepReading = { mention: false, steps: [] };
  const out: StepReading = { mention: false, steps: [] };
  // Too large or deep to read as YAML, or aliases past MAX_VISITS: no gate (a mention in a comment of
  // a padded file, the gate job removed, kept it).
  const docs = await parsedYaml(text);
  if (docs === 'too-large') return none;
  if (docs === 'past-budget') return UNREAD;
  const yaml = await import('yaml');
  const [scope, trusted, images] = [await gateScopeFor([text]), trustedActions(), trustedImages()];
  const fetches = (job: string | undefined, vars: ReadonlyMap<string, string>, writes?: string): FetchLines =>
    githubFetches(path, job, vars, writes);
  let visits = 0;
  const tick = (): void => {
    if ((visits += 1) > MAX_VISITS) throw new Error('too many nodes');
  };
  try {
    for (const doc of docs) {
      // GitHub (and Forgejo, Gitea: Go's yaml.v3) refuse a whole workflow or action that is no valid
      // YAML, or with a key written twice in one map ("'env' is already defined"): it runs nothing,
      // whatever the rest of it says.
      if (refusedYaml(yaml, doc) || keyTwice(yaml, doc) || githubRefusesKeys(yaml, doc, path)) return none;
      const { scalar, list, keys, entry, lookup } = nodeReader(yaml, doc, tick);
      const top = doc.contents;
      const jobMap = resolveAlias(yaml, entry(top, 'jobs'), doc); // its keys are job ids
      let dead = new Set<unknown>();
      // A job's `actions/checkout` steps: where they put the change (step-folder.ts checkoutRoots).
      const checkouts = (steps: unknown): string[] | undefined => {
        if (!yaml.isSeq(steps)) return undefined;
        const input = (m: unknown, k: string): unknown => scalar(entry(scalar(entry(m, 'with')), k));
        return checkoutRoots(
          steps.items.map((st) => {
            const m = resolveAlias(yaml, st, doc);
            const got = { repository: input(m, 'repository'), ref: input(m, 'ref'), path: input(m, 'path') };
            return { uses: scalar(entry(m, 'uses')), ...got };
          }),
        );
      };
      // `shells`: those a step's `run:` may run in where it names none (defaultShells); `strategy`: its job's;
      // `at`, `vars`: the folder set above it (`defaults: run: working-directory:`, as ci-yaml.ts runCommands
      // reads it) with the job's checkouts, and the variables.
      const collect = (n: unknown, at: Above): void => {
        tick();
        const node = resolveAlias(yaml, n, doc);
        if (dead.has(node)) return; // a job that never runs (job-runs.ts)
        if (yaml.isScalar(node)) out.mention ||= typeof node.value === 'string' && GITGUARD.test(node.value);
        if (yaml.isSeq(node)) {
          // A step whose failure a later step of the list fails the job on: its continue-on-error does not switch it off.
          const items = node.items.map((i) => resolveAlias(yaml, i, doc));
          const get = (i: unknown, key: string): unknown => scalar(entry(i, key));
          const lenient = (i: unknown): unknown => get(i, 'continue-on-error');
          const checked = checkedIds(
            items.map((i) => ({ id: get(i, 'id'), if: get(i, 'if'), run: get(i, 'run'), lenient: lenient(i) })),
          );
          // After a step that may change what it runs: no gate; that runs checkout files: the chain reads them.
          const stepFolders = (wd: unknown): Array<string | null> => matrixFolders(wd, at.at.folder, at.strategy);
          const goMoved = (i: unknown): boolean => movesGo(plainValue(yaml, get(i, 'env'), doc), at.vars);
          const runs = items.map((i) => get(i, 'run'));
          const writes = envWritesBefore(runs, at.envWrites);
          const earlier = items.map((i, k) => {
            const [own, input] = [get(i, 'shell'), (k: string): unknown => scalar(entry(get(i, 'with'), k))];
            const step = {
              run: legText(get(i, 'run'), at.leg),
              uses: get(i, 'uses'),
              shells: own ? [own] : at.shells,
              input,
            };
            const vars = variablesOf(new Map([['env', plainValue(yaml, get(i, 'env'), doc)]]), at.vars);
            return earlierStep(
              step,
              stepFolders(get(i, 'working-directory')),
              trusted,
              goMoved(i),
              fetches(at.job, vars, writes[k]),
              vars,
            );
          });
          const above = eachAbove({ lost: at.lost, before: at.before, restored: at.restored }, earlier);
          const git = gitProgramAbove(
            items.map((i, k) => ({ run: get(i, 'run'), uses: get(i, 'uses'), runsFiles: earlier[k]!.kind === 'runs' })),
            at.git,
          );
          for (const [k, i] of node.items.entries())
            collect(i, { ...at, checked, ...above[k]!, envWrites: writes[k]!, git: git[k] });
        }
        const checked = yaml.isMap(node) && at.checked.has(String(scalar(entry(node, 'id'))));
        const value = (key: string): unknown =>
          checked && key === 'continue-on-error' ? undefined : plainValue(yaml, lookup(node, key, 0), doc);
        if (!yaml.isMap(node) || switchedOff(value)) return;
        if (neverTrue(events)(lookup(node, 'if', 0))) return;
        const run = scalar(entry(scalar(entry(node, 'defaults')), 'run'));
        const own = scalar(entry(run, 'shell'));
        const whole =
          entry(node, 'strategy') === undefined ? at.strategy : plainValue(yaml, scalar(entry(node, 'strategy')), doc);
        // A matrix written out: the job read once per job it starts (leg-steps.ts), `${{ matrix.x }}` each one's value.
        const legs = at.leg || entry(node, 'strategy') === undefined ? undefined : matrixLegs(whole);
        if (legs) return readLegs(out, legs, (leg) => collect(n, { ...at, leg }));
        const job = at.leg && entry(node, 'strategy') !== undefined ? legStrategy(whole, at.leg) : whole;
        // `continue-on-error: ${{ matrix.x }}`: off where a job of the matrix sets x.
        if (matrixMayBeTrue(value('continue-on-error'), job)) return;
        const labels = list(scalar(entry(node, 'runs-on'))).map((l) => legText(l, at.leg));
        const shells = defaultShells(own, at.shells, labels, job);
        const envLost = envLoses(envValue(yaml, scalar(entry(node, 'env')), doc));
        const lost =
          at.lost ||
          envLost ||
          at.git === 'ran' ||
          containersLose(yaml, doc, (k) => lookup(node, k, 0), at.vars, images);
        const off =
          at.off || startupEnv(keys(scalar(entry(node, 'env'))), scalar(entry(scalar(entry(node, 'env')), 'BASH_ENV')));
        // gitguard's own action runs the audit its `with:` inputs give: `fail-on: critical` gates nothing.
        const uses = scalar(entry(node, 'uses'));
        if (typeof uses === 'string') (out.local ??= []).push([uses, off || lost || !!at.restored]);
        // A composite action runs in this job, after its earlier steps (caller-steps.ts).
        if (typeof uses === 'string' && !off && !lost && !at.restored) (out.calls ??= []).push([uses, at.before]);
        if (typeof uses === 'string' && OWN_ACTION.test(uses.trim())) {
          const inputs = scalar(entry(node, 'with'));
          // An action runs in the workspace (no `working-directory:`), its `path:` read from there.
          const ws = { folder: '', roots: at.at.roots, triggers: at.at.triggers };
          const input = (name: string): unknown => plainValue(yaml, scalar(entry(inputs, name)), doc);
          const path = input('path') ?? '.';
          const moved = ownActionLost(at.restored, path, at.before);
          const gates = !off && !lost && !moved && actionGates(input, ws);
          if (gates && at.before.length) (out.pending ??= []).push(at.before);
          else out.mention ||= gates;
          return;
        }
        const place: Place = {
          folder: legFolder(scalar(entry(run, 'working-directory')), at.at.folder, job),
          roots: checkouts(entry(node, 'steps')) ?? at.at.roots,
          triggers: at.at.triggers,
        };
        const plain = (key: string): unknown => plainValue(yaml, scalar(entry(node, key)), doc);
        const vars = variablesOf(
          new Map([
            ['env', plain('env')],
            ['with', plain('with')],
          ]),
          at.vars,
        );
        const here: Above = { ...at, shells, strategy: job, off, lost, at: place, vars, checked: new Set() };
        // Only the values that run something may mention gitguard (a step's `name:` runs nothing).
        const names = node.items.map((p) => scalar(p.key));
        const running = runningKeys((k) => scalar(entry(node, k)), names, at.under, n === doc.contents);
        for (const p of node.items) {
          const v = legText(scalar(p.value), at.leg);
          const key = scalar(p.key);
          if (key !== 'run' || typeof v !== 'string') {
            if (!running || (typeof key === 'string' && running.has(key)))
              collect(p.value, { ...here, under: [key, at.under[0]], job: node === jobMap ? String(key) : at.job });
          } else {
            const step = { ...here, own: scalar(entry(node, 'shell')) };
            const folder = legFolder(scalar(entry(node, 'working-directory')), place.folder, at.strategy);
            const mine = ownEarlier(v, folder, fetches(at.job, vars, at.envWrites));
            const before = mine.length ? [...at.before, ...mine] : at.before;
            // Its own lines before the audit that write where programs are looked for lose it, as an earlier step's would.
            const own = changesLaterSteps(
              ownBefore(v) ?? '',
              folder === null,
              false,
              fetches(at.job, vars, at.envWrites),
            );
            // A git program set above, or another repository its variables name (`GIT_DIR`), for git run first.
            const set = at.git === 'set' || gitRepoEnv(vars);
            const gone = lost || own || (set && gateRunsGitFirst(v));
            const w = gateWrites(gone, at.restored, v, before, folder);
            const git = set ? { gitProgram: true as const } : {};
            out.steps.push(
              fromNode<GateStep>({ ...step, script: v, at: { ...place, folder }, before, ...w, ...git }, node),
            );
          }
        }
      };
      // A workflow no change to a protected branch starts (`schedule`, `branches: [x]`: push-filters.ts) gates none.
      const node = scalar(entry(top, 'on'));
      const on: unknown = yaml.isNode(node) ? node.toJS(doc, { mapAsMap: true, maxAliasCount: MAX_ALIASES }) : node;
      const events = changeEvents(on, scope);
      if (!runsForChanges(events, called)) continue;
      const never = neverTrue(events);
      const jobs = deadJobNodes(yaml, doc, never);
      if (jobs === 'all') continue;
      dead = jobs;
      const start: Above = {
        shells: [undefined],
        strategy: undefined,
        off: false,
        lost: false,
        at: { ...ROOT, triggers: triggersOf(on, scope, called) }, // whether a branch-named --base judges
        vars: new Map(),
        checked: new Set(),
        under: [undefined, undefined],
        before: [],
      };
      collect(doc.contents, start);
    }
  } catch {
    return none;
  }
  return out;
}

/** What a step takes from the nodes above it (stepsIn). */
interface Above {
  shells: readonly unknown[];
  strategy: unknown;
  off: boolean;
  lost: boolean;
  at: Place;
  vars: ReadonlyMap<string, string>;
  checked: ReadonlySet<string>; // ids of the steps beside it whose failure a later one fails the job on (failsOnOutcome)
  under: readonly [unknown, unknown]; // the keys it lies under, the nearest first (a list's items: runningKeys)
  before: readonly Earlier[];
  envWrites?: string;
  /** An earlier step restored files into the workspace (earlier-steps.ts `workspace`): only gitguard's own action gates. */
  restored?: Restored;
  job?: string; // the job id it lies in (`jobs: <id>:`), whose fetch-and-run lines the start vouches for
  git?: 'set' | 'ran'; // a git program set by a step before it (git-program-steps.ts), and run since
  leg?: Leg; // in a matrix job read per job it starts: that job's values (domain/matrix-legs.ts)
}
