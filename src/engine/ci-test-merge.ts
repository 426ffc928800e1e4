// A pull_request workflow on GitHub Actions checks out refs/pull/<n>/merge: a merge of the pull
// request's head into its base that GitHub makes to test the result, and that is never pushed
// anywhere (the merge button makes its own commit). Judged as HEAD, it is an unsigned commit on
// every pull request. The audit judges its two parents instead: the base and the pull request's
// commits, everything that could land. Only GitHub's own shape is taken: the runner's environment
// names the merge ref and its commit, which has exactly two parents and GitHub's message.
import { runGit } from '../collect/git.js';
import { parseCommitObject } from '../collect/commit-object.js';
import type { RepositoryInfo } from '../domain/model.js';

export interface TestMerge {
  /** refs/pull/<n>/merge, from GITHUB_REF. */
  ref: string;
  /** The merge commit the runner checked out (GITHUB_SHA). */
  sha: string;
}

/** The test merge the environment says was checked out, if this is a GitHub Actions pull_request run. */
export function githubTestMerge(env: NodeJS.ProcessEnv): TestMerge | undefined {
  const event = env.GITHUB_EVENT_NAME;
  const ref = env.GITHUB_REF ?? '';
  const sha = env.GITHUB_SHA ?? '';
  if (env.GITHUB_ACTIONS !== 'true' || (event !== 'pull_request' && event !== 'pull_request_target')) return undefined;
  if (!/^refs\/pull\/[1-9][0-9]*\/merge$/.test(ref) || !/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(sha)) return undefined;
  return { ref, sha };
}

/** HEAD's two parents when HEAD is that test merge, else undefined (HEAD is judged as it is). */
export async function testMergeParents(
  repo: RepositoryInfo,
  head: string,
  merge: TestMerge | undefined,
): Promise<{ parents: string[]; description: string } | undefined> {
  if (!merge || merge.sha !== head) return undefined;
  const body = await runGit(['cat-file', 'commit', head], { gitDir: repo.gitDir, timeoutMs: 30_000 }).then(
    (r) => r.stdout,
    () => undefined,
  );
  if (body === undefined) return undefined;
  const c = parseCommitObject(head, body);
  const [base, pr] = c.parents;
  if (c.parents.length !== 2 || c.malformed || !c.hashOk || c.subject !== `Merge ${pr} into ${base}`) return undefined;
  // A shallow checkout (actions/checkout's default depth 1) has the merge without its parents: it
  // stays the tip, and history-complete says what is missing.
  const present = await runGit(['cat-file', '--batch-check'], {
    gitDir: repo.gitDir,
    input: `${base}\n${pr}\n`,
    timeoutMs: 30_000,
  }).then(
    (r) => !r.stdout.toString('utf8').includes(' missing'),
    () => false,
  );
  if (!present) return undefined;
  return {
    parents: [base!, pr!],
    description: `the pull request ${pr!.slice(0, 12)} and its base ${base!.slice(0, 12)} (HEAD ${head.slice(0, 12)} is GitHub's test merge ${merge.ref}, never pushed: not judged)`,
  };
}
