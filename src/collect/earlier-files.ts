// Whether the earlier steps of a job, with the files of the checkout they run read from commit
// `tip`'s tree, change what the gate step after them runs (domain/earlier-steps.ts): each step read,
// the files it asks for read, and read again until it asks for none. Past MAX_ROUNDS or MAX_FILES,
// or a file that cannot be read: it counts as changing it (no gate). Answers kept per run.
import type { GitObject } from './objects.js';
import { earlierRuns, type Earlier } from '../domain/earlier-steps.js';
import { touched, writtenTargets } from '../domain/written-targets.js';
import { writesReach } from './written-reach.js';
import { npxLookupReached } from './npx-reach.js';
import { foldName as fold } from '../domain/path-way.js';
import type { Checkout, FileAt } from '../domain/shell-state.js';
import { runContext } from './run-context.js';
import { GITGUARD, stepJudged, UNREAD, type GateStep } from './github-gate.js';
import { scriptGates } from './script-gate.js';
import { gitlabSteps } from './gitlab-gate.js';
import { readingOf, type ReadText } from './caller-steps.js';
import { everyLeg } from './leg-steps.js';

const MAX_ROUNDS = 12;
const MAX_FILES = 64;
type Read = (spec: string) => Promise<GitObject | null | undefined>;
const answersIn = new WeakMap<object, Map<string, Promise<boolean>>>();

/** A path of the commit as the shell readings take it: text, a folder, absent (null), or unreadable (too large, missing). */
export async function fileAt(read: Read, spec: string): Promise<FileAt> {
  const o = await read(spec);
  // A too-large blob is read as empty (derived-paths.ts readCiObject): unreadable, as a missing object.
  if (o === null) return null;
  if (o?.type === 'tree') return 'tree';
  return o?.type === 'blob' && o.body.length ? { text: o.body.toString('utf8') } : 'unreadable';
}

/** Whether one of `before` (the steps before a gate step, in order) changes what it runs, read at `tip`. */
export async function earlierAt(read: Read, tip: string, before: readonly Earlier[]): Promise<boolean> {
  const run = runContext();
  let answers = answersIn.get(run);
  if (!answers) answersIn.set(run, (answers = new Map<string, Promise<boolean>>()));
  for (const b of before) {
    const key = JSON.stringify([tip, b.folder, b.goMoved, b.script, b.own, b.restore?.path, b.packageManager]);
    let answer = answers.get(key);
    if (!answer) answers.set(key, (answer = oneAt(read, tip, b)));
    if (await answer) return true;
  }
  return false;
}

/** A text an earlier step's reading judged, with its folder and depth (Checkout.judged). */
type Judged = [script: string, dir: string | null, depth: number];

/**
 * earlierRuns of `step` with the files it asks for read at `tip`, round after round; `judged`, when
 * given, gets the texts the last (complete) round judged, and `files` the files read.
 */
async function oneAt(
  read: Read,
  tip: string,
  step: Earlier,
  judged?: Judged[],
  files = new Map<string, FileAt>(),
): Promise<boolean> {
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const asked = new Set<string>();
    judged?.splice(0);
    const co: Checkout = {
      read: (p) => (files.has(p) ? files.get(p) : void asked.add(p)),
      leads: () => false,
      dir: step.folder,
      vars: new Map(),
      files: 0,
      goMoved: step.goMoved,
      fetches: step.fetches,
      ...(judged && { judged: (...j: Judged) => void judged.push(j) }),
    };
    const answer = earlierRuns(step, co);
    if (!asked.size) return answer;
    if (files.size + asked.size > MAX_FILES) return true;
    for (const p of asked) files.set(p, await fileAt(read, `${tip}:${p}`));
  }
  return true;
}

/**
 * The files of the checkout that the files earlier steps run (read at `tip`: a script, a sourced
 * file, a make recipe, a package script) write, by path from the root (written-targets.ts), and the
 * files they read on the way (`ran`); undefined where one is not told or a step is not read to its
 * end. The CI file's own writes are earlierStep's; these are the checkout's, which the gate's chain
 * (read at the commit) would not show: `bash ci/setup.sh` writing ci/gate.sh before `bash ci/gate.sh`.
 */
async function earlierWritesAt(
  read: Read,
  tip: string,
  before: readonly Earlier[],
): Promise<{ writes: string[]; ran: string[] } | undefined> {
  const writes: string[] = [];
  const ran: string[] = [];
  for (const b of before) {
    if (b.restore || b.packageManager) continue;
    const judged: Judged[] = [];
    const files = new Map<string, FileAt>();
    if (await oneAt(read, tip, b, judged, files)) return undefined;
    for (const [script, dir, depth] of judged) {
      if (depth === 0) continue; // the step's own script: earlierStep read its writes
      const w = writtenTargets(script, dir);
      if (w === undefined) return undefined;
      writes.push(...touched(w));
    }
    for (const [p, f] of files) if (f !== null && f !== 'tree') ran.push(p);
  }
  return { writes, ran };
}

/**
 * Whether the checkout files run by `before` (the steps before a gate step) write a file the gate
 * reads: one they run themselves later (`ci/b.sh`, which a later step runs, read at the commit), or
 * one writesReach finds in the gate's `said` words, the files `run` its chain runs, or through a
 * link; or one not told (fail closed).
 */
export async function checkoutRewrites(
  read: Read,
  tip: string,
  before: readonly Earlier[],
  said: string,
  folder: string | null,
  run: readonly string[],
): Promise<boolean> {
  const more = await earlierWritesAt(read, tip, before);
  if (!more) return true;
  if (!more.writes.length) return false;
  const paths = [...run, ...more.ran].map(fold);
  if (more.writes.map(fold).some((w) => paths.some((f) => f === w || f.startsWith(`${w}/`)))) return true;
  // The texts searched for a written path said as a word: the gate's, not the writing files' own.
  const own = new Set(more.ran.map(fold));
  return writesReach(
    read,
    tip,
    more.writes,
    said,
    folder,
    run.filter((f) => !own.has(fold(f))),
  );
}

/**
 * Whether CI texts whose direct reading gates (github-gate.ts namesGitguard, earlier steps taken as the
 * file shows them) still gate with the checkout files their earlier steps run read at `tip`: a step
 * judged a gate whose earlier steps change nothing there, gitguard's action likewise, or a mention.
 * The gate's own chain is not read here (under a policy protected-paths judges it).
 */
export async function directGateAt(
  read: Read,
  tip: string,
  files: readonly ReadText[],
  gitlab?: { named: ReadonlyArray<readonly [string, string]>; absent: ReadonlySet<string> },
): Promise<boolean> {
  const clear = async (before: readonly Earlier[] | undefined): Promise<boolean> =>
    !before?.length ||
    (!(await earlierAt(read, tip, before)) && !(await checkoutRewrites(read, tip, before, '', '', [])));
  // GitLab's configuration is one reading of all its files (gitlab-gate.ts).
  const readings = gitlab
    ? [() => gitlabSteps(gitlab.named, gitlab.absent)]
    : files.filter(([text]) => GITGUARD.test(text)).map((f) => () => readingOf(f));
  for (const reading of readings) {
    const r = await reading();
    if (r === UNREAD || r.mention) return true;
    for (const before of r.pending ?? []) if (await clear(before)) return true;
    const judged = (s: GateStep): boolean => !s.off && stepJudged({ ...s, before: undefined }, scriptGates);
    const reached = async (s: GateStep): Promise<boolean> =>
      !!s.lookup && (await npxLookupReached(read, tip, s.lookup));
    // A matrix job's step: a gate where it is one in every job of the matrix (leg-steps.ts).
    const gates = async (s: GateStep): Promise<boolean> => judged(s) && (await clear(s.before)) && !(await reached(s));
    for (const s of r.steps) if (await everyLeg(s, gates)) return true;
  }
  return false;
}
