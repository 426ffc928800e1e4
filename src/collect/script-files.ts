// Whether a CI step's script gates, with the files it runs from the checkout read at the commit
// (domain/checkout-runs.ts): the script is read, each file it asks for is read from the commit's
// tree, and the script read again, until it asks for none (MAX_ROUNDS, MAX_FILES: past them no gate).
// What the chain of the gate (gate-chains.ts) reads as reaching gitguard counts for a command of
// another kind (`node ci/gate.js`). Answers memoised per run by the script and the files read.
import { failsWithGitguard, type ShellMode } from '../domain/shell-gate.js';
import { commandFiles, GITGUARD_WORD } from '../domain/ci-commands.js';
import { bashEnvFirst } from '../domain/checkout-runs.js';
import type { Checkout, FileAt } from '../domain/shell-state.js';
import type { GitObject } from './objects.js';
import { ciVariables, runCommands, type RunCommand } from './ci-yaml.js';
import { stepJudged, UNREAD, type Gate, type GateStep } from './github-gate.js';
import { filesRun } from './command-reading.js';
import { GITLAB_SHELL, gitlabSteps } from './gitlab-gate.js';
import { gateChains } from './gate-chains.js';
import { runContext } from './run-context.js';
import { checkoutRewrites, earlierAt, fileAt } from './earlier-files.js';
import { ROOT, type Place } from '../domain/step-folder.js';
import { readingOf, type ReadText } from './caller-steps.js';
import { everyLeg, legsOf } from './leg-steps.js';
import { writesReach } from './written-reach.js';
import { npxLookupReached } from './npx-reach.js';

const MAX_ROUNDS = 12;
const MAX_FILES = 64;
/** Bytes of scripts and the files they run read in one run, at most; past it: no gate. */
const BUDGET = 4 * 1024 * 1024;
/** GitLab's pipeline file. */
const GITLAB_CI = '.gitlab-ci.yml';
/** One command alone in pwsh or cmd: its status is the step's. */
const PLAIN: ShellMode = { errexit: false, pipefail: false };
const usedIn = new WeakMap<object, { bytes: number; answers: Map<string, { answer: boolean; asked: string[] }> }>();

/**
 * Whether the CI configuration a forge reads at commit `tip` gates through the files its steps run:
 * `files`, the texts read (ci-runs-gitguard.ts Reading) with whether a workflow that starts calls
 * them; `gitlab`, GitLab's configuration read as one. The steps are those the direct reading judges
 * (github-gate.ts gateSteps, gitlab-gate.ts gitlabSteps: events, filters, `if:`, rules, matrix and
 * runner shells), each judged by stepJudged with the files it runs read at the commit. UNREAD: a
 * command past the run's YAML budget (command-reading.ts), so whether it gates is not known.
 */
export async function chainGates(
  read: (spec: string) => Promise<GitObject | null | undefined>,
  oidBytes: 20 | 32,
  tip: string,
  files: readonly ReadText[],
  gitlab: { named: ReadonlyArray<readonly [string, string]>; absent: ReadonlySet<string> } | undefined,
): Promise<Gate> {
  const origin = gitlab ? GITLAB_CI : '.github/workflows';
  const texts = gitlab ? gitlab.named.map(([, t]) => t) : files.map(([t]) => t);
  const steps: GateStep[] = [];
  const readings = gitlab ? [await gitlabSteps(gitlab.named, gitlab.absent)] : await Promise.all(files.map(readingOf));
  for (const [k, r] of readings.entries()) {
    if (r !== UNREAD) {
      if (r.mention) return true;
      // gitguard's action after steps that run files of the checkout: a gate where they change nothing.
      for (const before of r.pending ?? []) if (!(await earlierAt(read, tip, before))) return true;
      steps.push(...r.steps);
      continue;
    }
    // Past the run's parse budget: each line a command, as the files it runs are watched (ci-yaml.ts).
    for (const t of gitlab ? texts : [texts[k]!]) {
      // Past the allowance for line readings too: whether it gates is not known.
      const lines = await runCommands(t, origin);
      if (!lines) return UNREAD;
      for (const c of lines)
        steps.push({
          script: c.text,
          own: c.shell,
          shells: [undefined],
          strategy: undefined,
          off: false,
          at: { folder: c.dirUnknown ? null : c.dir, roots: [''] },
          vars: c.vars ?? new Map(),
          ...(gitlab ? { mode: GITLAB_SHELL } : {}),
          ...(files[k]?.[2]?.length ? { before: files[k][2] } : {}),
        });
    }
  }
  const values: Array<[string, string]> = [];
  for (const t of texts) {
    const vs = await ciVariables(t, origin);
    if (!vs) return UNREAD;
    values.push(...vs);
  }
  const shellOf = (s: GateStep): string | undefined =>
    [s.own, ...s.shells].find((x): x is string => typeof x === 'string');
  const commands = steps.flatMap(legsOf).map((s): RunCommand => {
    const shell = s.mode ? undefined : shellOf(s);
    return { text: s.script, ...dirOf(s.at), ...(s.vars.size ? { vars: s.vars } : {}), ...(shell ? { shell } : {}) };
  });
  const { chain, ran, unread } = await gateChains(read, oidBytes, tip, commands, values);
  return unread ? UNREAD : stepsGateAt(read, tip, steps, chain, [...chain.keys(), ...ran.keys()]);
}

/** A step's folder as a RunCommand names it: one not known read as the root, marked so. */
const dirOf = (at: Place): { dir: string; dirUnknown?: true } =>
  at.folder === null ? { dir: '', dirUnknown: true } : { dir: at.folder };

/**
 * Whether one of `steps` (a CI configuration's, at commit `tip`) gates, read with the files it runs
 * in each shell it may run in (stepJudged). `chain`: the files the gate's chain (gate-chains.ts)
 * reads as reaching gitguard; `run`, the files the commands run or read on their way (an earlier
 * step's writes reaching one of them: no gate, written-reach.ts).
 */
async function stepsGateAt(
  read: (spec: string) => Promise<GitObject | null | undefined>,
  tip: string,
  steps: readonly GateStep[],
  chain: ReadonlyMap<string, unknown>,
  run: readonly string[],
): Promise<Gate> {
  for (const full of steps) {
    // A matrix job's step gates where it gates in every job of the matrix (leg-steps.ts).
    if (full.legs) {
      const each = await everyLeg(full, (l) => stepsGateAt(read, tip, [l], chain, run));
      if (each !== false) return each;
      continue;
    }
    // Earlier steps that run files of the checkout: read at the commit, the step is judged after them.
    if (full.before?.length && (await earlierAt(read, tip, full.before))) continue;
    // The step's own words, its variables and the $GITHUB_ENV lines before it may name a written file too.
    const said = [full.script, ...full.vars.values(), full.envWrites ?? ''].join('\n');
    if (full.writes && (await writesReach(read, tip, full.writes, said, full.at.folder, run))) continue;
    if (full.lookup && (await npxLookupReached(read, tip, full.lookup))) continue;
    // What the checkout files those steps run write: a file the gate's chain runs, or one they run later.
    if (full.before?.length && (await checkoutRewrites(read, tip, full.before, said, full.at.folder, run))) continue;
    const step = { ...full, before: undefined, writes: undefined, lookup: undefined };
    const files = filesRun(step.script, dirOf(step.at).dir);
    if (!files) return UNREAD;
    const reaches = files.some((f) => chain.has(f.path));
    if (!reaches && !GITGUARD_WORD.test(step.script)) continue;
    // SHELLOPTS or BASHOPTS set for the step's shell: how it starts is not read (startupEnv).
    if (step.vars.has('SHELLOPTS') || step.vars.has('BASHOPTS')) continue;
    // The step's own bash reads BASH_ENV first (GitHub's `bash -e {0}`, GitLab's bash).
    const shells = typeof step.own === 'string' ? [step.own] : step.shells;
    const bash =
      step.mode !== undefined || shells.some((s) => s === undefined || (typeof s === 'string' && /^bash\b/.test(s)));
    const command = { text: step.script, ...dirOf(step.at), vars: step.vars };
    // stepJudged asks each (script, mode) it needs; read first, then judged with the answers.
    const asked = new Map<string, Promise<boolean>>();
    const ask = (script: string, mode: ShellMode): boolean => {
      const key = `${mode.errexit ? 'e' : ''}${mode.pipefail ? 'p' : ''}${mode.actions ? 'a' : ''}\0${script}`;
      const text = bash ? bashEnvFirst(script, step.vars) : script;
      // A git program an earlier step set: the chain's git commands before the audit may run it (shell-gate.ts).
      const m = step.gitProgram ? { ...mode, gitProgram: true } : mode;
      if (!asked.has(key))
        asked.set(
          key,
          stepGatesAt(read, tip, { ...command, text }, m, chain, step.at, [step.script, step.envWrites ?? '']),
        );
      return true;
    };
    // pwsh or cmd running one command alone: its status is the step's, as a POSIX shell without -e.
    const other = (line: string): boolean => ask(line, PLAIN);
    stepJudged(step, ask, other);
    const answers = new Map<string, boolean>();
    for (const [k, p] of asked) answers.set(k, await p);
    const answer = (script: string, mode: ShellMode): boolean =>
      answers.get(`${mode.errexit ? 'e' : ''}${mode.pipefail ? 'p' : ''}${mode.actions ? 'a' : ''}\0${script}`) ??
      false;
    if (stepJudged(step, answer, (line) => answer(line, PLAIN))) return true;
  }
  return false;
}

/** `read`: a commit's object by `<tip>:<path>`; `chain`: the files the gate's chain reads as reaching gitguard. */
async function stepGatesAt(
  read: (spec: string) => Promise<GitObject | null | undefined>,
  tip: string,
  command: RunCommand,
  mode: ShellMode,
  chain: ReadonlyMap<string, unknown>,
  { roots, triggers }: Place = ROOT,
  [ran, envWrites]: readonly [string, string] = ['', ''],
): Promise<boolean> {
  const run = runContext();
  let used = usedIn.get(run);
  if (!used) usedIn.set(run, (used = { bytes: 0, answers: new Map() }));
  const files = new Map<string, FileAt>();
  const vars = command.vars ?? new Map<string, string>();
  const leads = (words: readonly string[], dir: string): boolean =>
    commandFiles(words.join(' '), dir).some((f) => chain.has(f.path));
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    // Each reading memoised with the files it asked for: a step is read again only for other contents.
    const key = JSON.stringify([
      mode,
      command.dir,
      command.dirUnknown,
      roots,
      triggers,
      [...vars],
      command.text,
      ran,
      envWrites,
      [...files],
    ]);
    let known = used.answers.get(key);
    if (!known) {
      if (used.bytes + key.length > BUDGET) return false;
      used.bytes += key.length;
      const asked = new Set<string>();
      const checkout: Checkout = {
        read: (p) => (files.has(p) ? files.get(p) : void asked.add(p)),
        leads,
        dir: command.dirUnknown ? null : command.dir,
        vars,
        files: 0,
        ran,
        envWrites,
      };
      const at = { folder: checkout.dir, roots, ...(triggers ? { triggers } : {}) };
      known = { answer: failsWithGitguard(command.text, mode, checkout, at), asked: [...asked] };
      used.answers.set(key, known);
    }
    if (!known.asked.length) return known.answer;
    if (files.size + known.asked.length > MAX_FILES) return false;
    for (const p of known.asked) files.set(p, await fileAt(read, `${tip}:${p}`));
  }
  return false;
}
