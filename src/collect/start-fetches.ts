// The fetch-and-run lines each job ran where the range starts (vouched-fetches.ts), read from the CI
// files trusted-actions.ts read there: GitHub's workflows job by job, GitLab's configuration as it ran
// (gitlab-gate.ts gitlabSteps: includes, `extends:`, `default:` merged; jobs no change runs ran nothing).
import { gitlabSteps } from './gitlab-gate.js';
import { UNREAD } from './github-gate.js';
import type { StartFiles } from './trusted-actions.js';
import { githubFetchesIn, gitlabFetchesIn, setVouchedFetches, startFetches } from './vouched-fetches.js';

/** Sets the run's vouched lines from the start's files (undefined: no start, none vouched for). */
export async function setStartFetches(files: StartFiles | undefined): Promise<void> {
  if (!files) return setVouchedFetches(undefined);
  const into = startFetches();
  for (const [path, text] of files.github) await githubFetchesIn(path, text, into);
  if (files.gitlab.length) {
    const read = await gitlabSteps(files.gitlab);
    if (read !== UNREAD) gitlabFetchesIn(read.steps, into);
  }
  setVouchedFetches(into);
}
