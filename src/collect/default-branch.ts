// The repository's default branch, where CI runners name it (the push or pull request event's payload,
// GitLab's CI_DEFAULT_BRANCH) or the clone does (refs/remotes/origin/HEAD), and its tip in the clone.
import type { HistoryFacts } from '../domain/model.js';
import { readBoundedIfExists } from './safe-fs.js';

/** The default branch the event's payload names (GITHUB_EVENT_PATH, the runner's own file; push and pull_request alike). */
function githubDefaultBranch(env: NodeJS.ProcessEnv): string | undefined {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  try {
    const text = readBoundedIfExists(env.GITHUB_EVENT_PATH, 16 * 1024 * 1024)?.toString('utf8') ?? '';
    const event = JSON.parse(text) as { repository?: { default_branch?: unknown } } | null;
    const name = event?.repository?.default_branch;
    return typeof name === 'string' && name ? name : undefined;
  } catch {
    return undefined;
  }
}

/** The repository's default branch as the CI runner names it (any event or pipeline), if it does. */
export function ciDefaultBranch(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GITHUB_ACTIONS === 'true') return githubDefaultBranch(env);
  if (env.GITLAB_CI === 'true') return env.CI_DEFAULT_BRANCH || undefined;
  return undefined;
}

/** The default branch's tip in the clone: its local branch or remote-tracking ref (what a CI checkout fetches), the first listed. */
export function defaultBranchTip(
  refs: ReadonlyArray<{ name: string; oid: string }>,
  branch: string,
): { name: string; oid: string } | undefined {
  const names = [`refs/remotes/origin/${branch}`, `refs/heads/${branch}`];
  return refs.find((r) => names.includes(r.name));
}

/**
 * The default branch's tip: the one the CI runner names, else the branch the clone's
 * refs/remotes/origin/HEAD names (git clone writes it), as its ref and commit; undefined when unknown.
 */
export function defaultBranchOf(
  history: HistoryFacts,
  env: NodeJS.ProcessEnv,
): { name: string; oid: string } | undefined {
  const named = ciDefaultBranch(env);
  if (named) return defaultBranchTip(history.refs, named);
  const head = history.refs.find((r) => r.name === 'refs/remotes/origin/HEAD')?.symref;
  const tip = head?.startsWith('refs/remotes/origin/') ? history.refs.find((r) => r.name === head) : undefined;
  return tip && { name: tip.name, oid: tip.oid };
}
