// An earlier step's variables (its `env:` over its job's and workflow's) that give git a program or a
// pager to run (env-names.ts gitSettingLoses: GIT_EDITOR, GIT_SSH_COMMAND, GIT_EXTERNAL_DIFF, a
// GIT_CONFIG_KEY_n of a program's key, GIT_PAGER/PAGER other than cat: pager-vars.ts). They hold for
// that step alone, but any git it runs, under any wrapper (`script -qec "git log"` gives git a
// terminal, so it pages) or through a name a variable spells, may run that program, which may write
// where the gate's programs are looked for. So a step setting one changes what the gate after it runs
// (earlier-steps.ts), whether or not its script is seen to run git: fail closed. So does one naming
// another repository for git (GIT_DIR: ci/x.git, a bare one the change committed: gitRepoVarLoses).
import { gitRepoVarLoses, gitVariableLoses } from './env-names.js';

/** Whether a step's variables give git a program to run, or another repository to open (see above). */
export const gitEnvLoses = (vars: Iterable<readonly [string, string]> | undefined): boolean =>
  vars !== undefined && [...vars].some(([k, v]) => gitVariableLoses(k, v));

/**
 * Whether the gate step's (or a GitLab job's) variables name another repository or work tree for git
 * (env-names.ts gitRepoVarLoses: `GIT_DIR: ci/x.git`): a git command its script runs before the
 * audit opens that one, as after a git program set (git-program-steps.ts); the audit alone keeps it.
 */
export const gitRepoEnv = (vars: Iterable<readonly [string, string]> | undefined): boolean =>
  vars !== undefined && [...vars].some(([k, v]) => gitRepoVarLoses(k, v));
