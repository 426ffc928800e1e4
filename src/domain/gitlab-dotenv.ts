// GitLab's dotenv reports (`artifacts: reports: dotenv: build.env`): the variables a job writes there
// are set for the scripts of the jobs that take its artifacts, over their own `variables:` (GitLab's
// "Pass dotenv variables to specific jobs"): by default every job of a later stage; with
// `dependencies:`, the jobs it lists; with `needs:`, the jobs it needs but those with `artifacts:
// false`. What the file holds is written while the job runs (PATH, BASH_ENV, NODE_OPTIONS...), so a
// report that reaches a job makes its gitguard no gate (step-env.ts); the escape is a gitguard job
// with `needs: []` or `dependencies: []`.

/** A job of the configuration that writes a dotenv report: its name and `stage:` (none: `test`). */
export interface DotenvJob {
  name: string;
  stage: unknown;
}

/** A job as its `stage:`, `needs:` and `dependencies:` (plain values; lists as arrays, maps as Map or objects) say. */
export interface JobOrder {
  stage: unknown;
  needs: unknown;
  dependencies: unknown;
}

/**
 * Whether a dotenv report of one of `sources` reaches `job`. `stages`: the stages in the order they
 * run (`.pre` first, `.post` last); undefined, or a stage not a plain name: not known (it reaches).
 * A `needs:` or `dependencies:` entry not read (an expression, another pipeline's job) reaches too.
 */
export function dotenvReaches(
  job: JobOrder,
  sources: readonly DotenvJob[],
  stages: readonly string[] | undefined,
): boolean {
  if (!sources.length) return false;
  const source = (name: unknown): boolean => typeof name !== 'string' || sources.some((s) => s.name === name);
  const names = (list: unknown, needs: boolean): boolean => {
    if (!Array.isArray(list)) return true;
    return list.some((e) => {
      if (!e || typeof e !== 'object') return source(e);
      const m = e instanceof Map ? (e as Map<unknown, unknown>) : new Map(Object.entries(e));
      return !(needs && m.get('artifacts') === false) && source(m.get('job'));
    });
  };
  if (job.dependencies !== undefined && job.dependencies !== null) return names(job.dependencies, false);
  if (job.needs !== undefined && job.needs !== null) return names(job.needs, true);
  const at = (stage: unknown): number => {
    const i = typeof stage === 'string' && stages ? stages.indexOf(stage) : -1;
    return i < 0 ? Number.NaN : i;
  };
  const mine = at(job.stage ?? 'test');
  // A stage not known: either side may run first.
  return sources.some((s) => !(at(s.stage ?? 'test') >= mine));
}
