// Which jobs of a GitHub workflow never run for a change: one whose `if:` is never true (push-filters.ts
// decides it), and one that `needs:` such a job, as GitHub skips a job a needed job was skipped for
// unless its own `if:` calls always(), failure() or cancelled(). A `needs:` naming no job of the
// workflow, or a cycle of them, makes GitHub refuse the whole workflow: no job of it runs.

/** A job as its workflow writes it: whether its own `if:` is never true, what it needs, its `if:`. */
export interface JobRun {
  never: boolean;
  needs: readonly unknown[];
  condition: unknown;
}

/** A condition that runs a job whatever its needed jobs did. */
const STATUS_CALL = /\b(?:always|failure|cancelled)\s*\(/;

/** The names of the jobs that never run for a change; 'all': GitHub refuses the workflow. */
export function deadJobs(jobs: ReadonlyMap<string, JobRun>): Set<string> | 'all' {
  const needs = new Map([...jobs].map(([name, j]) => [name, j.needs.filter((n) => n !== undefined && n !== null)]));
  for (const list of needs.values()) if (list.some((n) => typeof n !== 'string' || !jobs.has(n))) return 'all';
  // A cycle: some job never gets all its needs ordered before it.
  const done = new Set<string>();
  for (let grew = true; grew;) {
    grew = false;
    for (const [name, list] of needs)
      if (!done.has(name) && list.every((n) => done.has(n as string))) grew = Boolean(done.add(name));
  }
  if (done.size < jobs.size) return 'all';
  const dead = new Set([...jobs].filter(([, j]) => j.never).map(([name]) => name));
  for (let grew = true; grew;) {
    grew = false;
    for (const [name, j] of jobs) {
      if (dead.has(name) || (typeof j.condition === 'string' && STATUS_CALL.test(j.condition))) continue;
      if (needs.get(name)!.some((n) => dead.has(n as string))) grew = Boolean(dead.add(name));
    }
  }
  return dead;
}
