// The branch a CI push pipeline builds, as the runner's environment names it, and whether it is one
// whose history must only move forward. `audit --base <the push's previous tip>` fails when HEAD
// does not descend from it: right for a protected branch, but a topic branch rebased and
// force-pushed (every pull request's, routinely) rewrites nothing protected. Only a branch the
// environment positively names, that is neither protected by the forge nor the default branch nor
// named by the policy or gitguard's defaults, is let go; anything unknown stays checked.
import { ciDefaultBranch } from '../collect/default-branch.js';
import { refGlob } from '../domain/ledger.js';

export interface CiBranch {
  /** refs/heads/<name>. */
  ref: string;
  forge: 'GitHub' | 'GitLab';
  /** The forge protects it (GITHUB_REF_PROTECTED, CI_COMMIT_REF_PROTECTED). */
  protectedByForge: boolean;
  /** The repository's default branch, when the runner says (undefined: unknown). */
  defaultBranch?: string;
}

const OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** The branch a GitHub Actions push run or a GitLab branch pipeline builds at `head`, if the environment says. */
export function ciBranch(env: NodeJS.ProcessEnv, head: string | undefined): CiBranch | undefined {
  if (env.GITHUB_ACTIONS === 'true' && env.GITHUB_EVENT_NAME === 'push') {
    const ref = env.GITHUB_REF ?? '';
    if (!ref.startsWith('refs/heads/') || !OID.test(env.GITHUB_SHA ?? '') || env.GITHUB_SHA !== head) return undefined;
    const defaultBranch = ciDefaultBranch(env);
    return {
      ref,
      forge: 'GitHub',
      protectedByForge: env.GITHUB_REF_PROTECTED === 'true',
      ...(defaultBranch ? { defaultBranch } : {}),
    };
  }
  if (env.GITLAB_CI === 'true' && env.CI_COMMIT_BRANCH && env.CI_PIPELINE_SOURCE !== 'merge_request_event') {
    if (!OID.test(env.CI_COMMIT_SHA ?? '') || env.CI_COMMIT_SHA !== head) return undefined;
    return {
      ref: `refs/heads/${env.CI_COMMIT_BRANCH}`,
      forge: 'GitLab',
      protectedByForge: env.CI_COMMIT_REF_PROTECTED === 'true',
      ...(env.CI_DEFAULT_BRANCH ? { defaultBranch: env.CI_DEFAULT_BRANCH } : {}),
    };
  }
  return undefined;
}

/**
 * Why the --base check does not apply to the branch CI builds (the note says so), or undefined when
 * it does: the branch is protected, the default, named by `globs`, or not known for certain.
 */
export function unprotectedCiBranch(branch: CiBranch | undefined, globs: readonly string[]): string | undefined {
  if (!branch || branch.protectedByForge || branch.defaultBranch === undefined) return undefined;
  if (branch.ref === `refs/heads/${branch.defaultBranch}`) return undefined;
  if (globs.some((g) => refGlob(g).test(branch.ref))) return undefined;
  return `${branch.ref} is not a protected branch (${branch.forge} does not protect it, the default branch is ${branch.defaultBranch}, and the protected refs are ${globs.join(', ')}): a force-push to it rewrites nothing protected; its commits that --base does not have are judged`;
}
