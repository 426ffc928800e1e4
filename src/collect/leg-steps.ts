// A matrix job's steps read once per job of its matrix (domain/matrix-legs.ts), joined into one
// reading: a step gates only where it gates in every job the matrix starts. Each job is a check of
// its own (`test (web)`, `test (docs)`), and a branch protection may require any of them: a job that
// runs no gitguard passes whatever gitguard would say, so one job of the matrix that gates does not
// make the change checked (as a `shell: ${{ matrix.shell }}` gates only where every shell of the
// matrix does, actions-run.ts stepGates).
import type { Leg } from '../domain/matrix-legs.js';
import type { Earlier } from '../domain/earlier-steps.js';

/** A step as github-gate.ts reads it (GateStep), with its readings in each job of its matrix. */
interface Step {
  legs?: readonly Step[];
}

/** What a job's steps give (github-gate.ts StepReading). */
interface Reading<S> {
  mention: boolean;
  steps: S[];
  pending?: Array<readonly Earlier[]>;
}

/** The step node each pushed step was read from (its `run:` map), to pair a step across the jobs. */
const nodes = new WeakMap<Step, unknown>();

/** `step`, read from `node` (github-gate.ts stepsIn): readLegs pairs it with that node's step in the other jobs. */
export function fromNode<S extends Step>(step: S, node: unknown): S {
  nodes.set(step, node);
  return step;
}

/** A step's reading in each job of its matrix (itself, outside a matrix read per job). */
export const legsOf = <S extends Step>(step: S): readonly S[] => (step.legs as readonly S[] | undefined) ?? [step];

/**
 * Whether `step` gates (`f`) in every job of its matrix: true where each does, UNREAD where none
 * fails but one is not known, else false. The jobs are asked one after the other, the first false ends it.
 */
export async function everyLeg<S extends Step, T extends boolean | 'unread'>(
  step: S,
  f: (s: S) => Promise<T>,
): Promise<T | false> {
  let out: T | boolean = true;
  for (const l of legsOf(step)) {
    const g = await f(l);
    if (g === false) return false;
    if (g !== true) out = g;
  }
  return out as T;
}

/** `step` with `f` applied to it and to its reading in each job of its matrix. */
export function eachLeg<S extends Step>(step: S, f: (s: S) => S): S {
  return step.legs ? { ...f(step), legs: legsOf(step).map(f) } : f(step);
}

/**
 * Reads a job once per job of its matrix (`read`, with `out` emptied of steps, mentions and pending
 * actions), then adds to `out` what every job gives: a mention (gitguard's action with its `with:`)
 * where every job mentions, pending actions where every job mentions or waits on one (their earlier
 * steps joined, each must change nothing), and each step found in every job, its readings its `legs`.
 */
export function readLegs<S extends Step>(out: Reading<S>, legs: readonly Leg[], read: (leg: Leg) => void): void {
  const [steps, mention, pending] = [out.steps, out.mention, out.pending];
  const got: Array<Reading<S>> = [];
  for (const leg of legs) {
    [out.steps, out.mention, out.pending] = [[], false, undefined];
    read(leg);
    got.push({ ...out });
  }
  [out.steps, out.mention, out.pending] = [steps, mention, pending];
  if (!got.length) return;
  if (got.length === 1) {
    out.steps.push(...got[0]!.steps);
    out.mention ||= got[0]!.mention;
    if (got[0]!.pending) (out.pending ??= []).push(...got[0]!.pending);
    return;
  }
  if (got.every((g) => g.mention)) out.mention = true;
  else if (got.every((g) => g.mention || g.pending?.length))
    (out.pending ??= []).push(got.filter((g) => !g.mention).flatMap((g) => g.pending!.flat()));
  // A step is paired across the jobs by the node it was read from and how many of that node's came before it.
  const byNode = got.map((g) => {
    const m = new Map<unknown, S[]>();
    for (const s of g.steps) {
      const same = m.get(nodes.get(s)) ?? [];
      same.push(s);
      m.set(nodes.get(s), same);
    }
    return m;
  });
  const seen = new Map<unknown, number>();
  for (const s of got[0]!.steps) {
    const n = nodes.get(s);
    const k = seen.get(n) ?? 0;
    seen.set(n, k + 1);
    const each = byNode.map((m) => m.get(n)?.[k]);
    if (each.some((x) => x === undefined)) continue;
    out.steps.push({ ...s, legs: each as S[] });
  }
}
