// Whether a `--base` naming a branch (`origin/main`, `main`, `refs/remotes/origin/main`,
// `origin/$CI_DEFAULT_BRANCH`) judges the change on the runs a CI step has. After the forge's checkout
// the branch being pushed IS the pushed commit: actions/checkout fetches `+<sha>:refs/remotes/origin/<branch>`
// and makes the local branch there (ref-helper.ts getRefSpec, getCheckoutInfo), GitLab's runner
// fetches `+refs/heads/<branch>:refs/remotes/origin/<branch>` for a branch pipeline; so on a push to
// main `--base origin/main` starts at HEAD and judges nothing. On a pull request or merge group (a
// merge request pipeline) the same text names the target branch, which the run does not move: with
// the whole history fetched it is the target's tip and the change is judged; with only the change
// fetched it is missing and the audit fails (exit 2). `pull_request_target` checks out the target's
// tip: like a push to it. An event not known here, a workflow called by another, an action's file or
// a GitLab job may run as a push to any branch.

/** The runs of a step for a change, as far as a branch-named `--base` goes. */
export interface BaseTriggers {
  /** The branches a push (or a run that checks out a branch's tip) may run the step for; `any`: not known. */
  pushed: readonly string[] | 'any';
  /** Whether some run is for a change proposed to a branch (pull request, merge group, merge request). */
  proposed: boolean;
  /**
   * The protected branches (the policy's, those a gate must run for): only such a branch stays where
   * the run found it; any other the change's author may point at the change itself (`git push origin
   * HEAD:evil` before the run fetches it). Undefined: none known.
   */
  protectedBranches?: readonly string[];
}

/** A branch-named `--base` that may name any branch: the default branch the forge names (`origin/$CI_DEFAULT_BRANCH`). */
export const ANY_BRANCH = '*';

/** The reading where the runs are not known: a push to any branch may run the step. */
const UNKNOWN: BaseTriggers = { pushed: 'any', proposed: false };

/**
 * Whether `name` (the branch-named revision, without moves) may be the branch `pushed` after the
 * checkout: `main`, `origin/main`, `refs/heads/main`, `refs/remotes/origin/main`, another remote's
 * or a folder's (`upstream/main`) too, in any case (a runner on a case-folding file system finds a
 * loose ref so).
 */
function mayBe(name: string, pushed: string): boolean {
  if (name === ANY_BRANCH) return true;
  const [n, p] = [name.toLowerCase(), pushed.toLowerCase()];
  return n === p || n.endsWith(`/${p}`);
}

/**
 * Whether a `--base` naming the branch `name` judges the change on some run `triggers` gives: a
 * protected branch, on a run for a proposed change or a push to a branch it does not name. Runs not
 * known: none.
 */
export function branchBaseJudges(name: string, triggers: BaseTriggers = UNKNOWN): boolean {
  if (!(triggers.protectedBranches ?? []).some((b) => mayBe(name, b))) return false;
  if (triggers.proposed) return true;
  return triggers.pushed !== 'any' && triggers.pushed.some((b) => !mayBe(name, b));
}

/** GitHub's events whose run is for a change proposed to a branch: the target is not moved by it. */
const PROPOSED = new Set(['pull_request', 'merge_group']);

/**
 * The runs (BaseTriggers) of a workflow whose `on:` starts it for a change through `events`
 * (push-filters.ts changeEvents: filters applied) and whose pushes run for `pushes` (the protected
 * branches a push or `pull_request_target` filter lets through; undefined: any). `called`: a reusable
 * workflow, whose callers' events are not read here.
 */
export function workflowTriggers(
  events: readonly unknown[] | undefined,
  pushes: (event: string) => readonly string[] | undefined,
  called: boolean,
  noChange: (event: unknown) => boolean,
  protectedBranches?: readonly string[],
): BaseTriggers {
  if (events === undefined || called) return UNKNOWN;
  const pushed = new Set<string>();
  let [proposed, any] = [false, false];
  for (const e of events) {
    if (noChange(e)) continue;
    if (typeof e === 'string' && PROPOSED.has(e)) {
      proposed = true;
      continue;
    }
    const branches = typeof e === 'string' && ['push', 'pull_request_target'].includes(e) ? pushes(e) : undefined;
    if (branches === undefined) any = true;
    else for (const b of branches) pushed.add(b);
  }
  return { pushed: any ? 'any' : [...pushed], proposed, ...(protectedBranches ? { protectedBranches } : {}) };
}
