// Which jobs of a GitHub workflow may not run for a change, and so gate nothing: one whose `if:` is
// never true (push-filters.ts decides it), one that runs only when a needed job failed or was
// cancelled (`if: failure()`), and one that `needs:` any job unless its own `if:` calls always() or
// !cancelled(): GitHub skips a job a needed job failed or was skipped for, and "a job that is skipped
// will report its status as Success; it will not prevent a pull request from merging, even if it is a
// required check" (GitHub's docs on jobs.<id>.if), so a change that makes the needed job fail (a test
// it breaks, `exit 1`) passes the gate's check unaudited. A `needs:` naming no job of the workflow, or
// a cycle of them, makes GitHub refuse the whole workflow: no job of it runs.

/** A job as its workflow writes it: whether its own `if:` is never true, what it needs, its `if:`. */
export interface JobRun {
  never: boolean;
  needs: readonly unknown[];
  condition: unknown;
}

/** A call that runs a job whatever its needed jobs did: `always()`, `!cancelled()` (names ignore case, as GitHub's). */
const RUNS_ANYWAY = /\balways\s*\(\s*\)|!\s*cancelled\s*\(\s*\)/gi;
/** A call that asks how the needed jobs ended (`failure()`, `cancelled()`): true only when one failed. */
const STATUS_CALL = /\b(?:failure|cancelled)\s*\(/i;
/** Any status call, success() too: the condition hangs on what the needed jobs did. */
const ANY_STATUS = /\b(?:failure|cancelled|success)\s*\(/i;
/** A condition's text with its always() and !cancelled() taken out: what else it asks. */
const besides = (c: string): string => c.replace(RUNS_ANYWAY, ' ');
/**
 * Whether a job's `if:` runs it whatever its needed jobs did: it calls always() or !cancelled() and
 * asks no other status (`always() && failure()` runs only when one failed).
 */
const runsAnyway = (j: JobRun): boolean =>
  typeof j.condition === 'string' && besides(j.condition) !== j.condition && !ANY_STATUS.test(besides(j.condition));

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
  const asksStatus = (j: JobRun): boolean => typeof j.condition === 'string' && STATUS_CALL.test(besides(j.condition));
  return new Set(
    [...jobs]
      .filter(([name, j]) => j.never || (!runsAnyway(j) && (needs.get(name)!.length > 0 || asksStatus(j))))
      .map(([name]) => name),
  );
}
