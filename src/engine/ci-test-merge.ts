// A pull_request workflow on GitHub Actions checks out refs/pull/<n>/merge: a merge of the pull
// request's head into its base that GitHub makes to test the result, and that is never pushed
// anywhere (the merge button makes its own commit). Judged as HEAD, it is an unsigned commit on
// every pull request. The audit judges its two parents instead: the base and the pull request's
// commits, everything that could land. Only GitHub's own shape is taken: the runner's environment
// names the merge ref and its commit, which has exactly two parents and GitHub's message, and whose
// tree is what merging those parents gives (git merge-tree), nothing added.
// GitLab's merged results pipelines (and merge trains) do the same with refs/merge-requests/<iid>/merge:
// an internal, unsigned merge commit that is never pushed. Its message is a project template, so the
// shape taken is the environment's: the job's commit, whose parents are exactly the target and source
// branch tips GitLab names (CI_MERGE_REQUEST_TARGET_BRANCH_SHA, CI_MERGE_REQUEST_SOURCE_BRANCH_SHA).
import { createShadow, runGit } from '../collect/git.js';
import { mergedTree } from '../collect/clean-merge.js';
import { ObjectReader } from '../collect/objects.js';
import { parseCommitObject } from '../collect/commit-object.js';
import type { RepositoryInfo } from '../domain/model.js';

export interface TestMerge {
  /** refs/pull/<n>/merge (GITHUB_REF), refs/merge-requests/<iid>/merge or /train (GitLab). */
  ref: string;
  /** The merge commit the runner checked out (GITHUB_SHA, CI_COMMIT_SHA). */
  sha: string;
  forge: 'GitHub' | 'GitLab';
  /** GitLab: the parents the merge must have, [target, source]; GitHub's are read from its message. */
  parents?: [string, string];
}

const OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** The test merge the environment says was checked out, on GitHub Actions or GitLab CI. */
export function ciTestMerge(env: NodeJS.ProcessEnv): TestMerge | undefined {
  return githubTestMerge(env) ?? gitlabTestMerge(env);
}

/** The test merge the environment says was checked out, if this is a GitHub Actions pull_request run. */
function githubTestMerge(env: NodeJS.ProcessEnv): TestMerge | undefined {
  const event = env.GITHUB_EVENT_NAME;
  const ref = env.GITHUB_REF ?? '';
  const sha = env.GITHUB_SHA ?? '';
  if (env.GITHUB_ACTIONS !== 'true' || (event !== 'pull_request' && event !== 'pull_request_target')) return undefined;
  if (!/^refs\/pull\/[1-9][0-9]*\/merge$/.test(ref) || !OID.test(sha)) return undefined;
  return { ref, sha, forge: 'GitHub' };
}

/**
 * A GitLab merged results (or merge train) pipeline: the only merge request pipeline in which GitLab
 * sets the target branch's SHA. CI_MERGE_REQUEST_EVENT_TYPE is not relied on (GitLab has reported
 * `detached` for merged results pipelines).
 */
function gitlabTestMerge(env: NodeJS.ProcessEnv): TestMerge | undefined {
  const sha = env.CI_COMMIT_SHA ?? '';
  const target = env.CI_MERGE_REQUEST_TARGET_BRANCH_SHA ?? '';
  const source = env.CI_MERGE_REQUEST_SOURCE_BRANCH_SHA ?? '';
  const iid = env.CI_MERGE_REQUEST_IID ?? '';
  if (env.GITLAB_CI !== 'true' || env.CI_PIPELINE_SOURCE !== 'merge_request_event') return undefined;
  if (![sha, target, source].every((x) => OID.test(x)) || !/^[1-9][0-9]*$/.test(iid)) return undefined;
  const kind = env.CI_MERGE_REQUEST_EVENT_TYPE === 'merge_train' ? 'train' : 'merge';
  return { ref: `refs/merge-requests/${iid}/${kind}`, sha, forge: 'GitLab', parents: [target, source] };
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
  if (c.parents.length !== 2 || c.malformed || !c.hashOk) return undefined;
  const shaped = merge.parents
    ? merge.parents[0] === base && merge.parents[1] === pr
    : c.subject === `Merge ${pr} into ${base}`;
  if (!shaped) return undefined;
  // A shallow checkout (actions/checkout's default depth 1, GitLab's GIT_DEPTH) has the merge without its parents: it
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
  // The forge's merge is the merge of its parents and nothing else: a commit that only claims to be
  // it (GitLab pipeline variables outrank the predefined ones) may carry any tree, and is judged.
  const shadow = createShadow(repo.commonDir, repo.objectFormat);
  const reader = new ObjectReader(shadow);
  let merged: string | undefined;
  try {
    merged = await mergedTree(shadow, reader, base!, pr!);
  } finally {
    reader.close();
    shadow.dispose();
  }
  if (merged !== c.tree) return undefined;
  return {
    parents: [base!, pr!],
    description: `the ${merge.forge === 'GitHub' ? 'pull' : 'merge'} request ${pr!.slice(0, 12)} and its base ${base!.slice(0, 12)} (HEAD ${head.slice(0, 12)} is ${merge.forge}'s test merge ${merge.ref}, never pushed: not judged)`,
  };
}
