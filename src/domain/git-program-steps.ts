// A git program set in one CI step and run in a later one (git-config(1)): `git config --global
// core.hooksPath /tmp/h` (or an `!` alias, core.fsmonitor, diff.external, a filter's smudge, a
// credential helper `!...`, a write to ~/.gitconfig) outlives its step in the runner's home or the
// checkout's .git/config, and any git command after it, in a later step or in the gate step before its
// audit, may run that program, which may rewrite what the gate runs. gitguard's own git reads none of
// it (collect/child-env.ts: GIT_CONFIG_GLOBAL=/dev/null, GIT_CONFIG_NOSYSTEM, an empty HOME, and it runs
// no command that runs a hook, an alias, fsmonitor, a filter or a diff program), so a program set and
// no git command after it keeps the gate (steps111).
import { parseScript } from './shell-syntax.js';
import { scriptWords } from './step-env.js';
import { mayRunGitProgram, setsGitProgram } from './checkout-moves.js';
import { ownBefore } from './earlier-steps.js';

/** A write to git's global or XDG configuration or attributes by other means than `git config` (`cat >> ~/.gitconfig`). */
const GLOBAL_FILES = /\.gitconfig\b|\.config\/git\/(?:config|attributes)\b/;

/** Whether a step's `run:` script leaves a git program set for the steps after it. */
function setsGitProgramFor(run: string): boolean {
  return GLOBAL_FILES.test(run) || scriptWords(parseScript(run)).some(setsGitProgram);
}

/** Whether a script may run git (a git command other than `git config`) and so a program set before it. */
const runsGit = (script: string): boolean => scriptWords(parseScript(script)).some(mayRunGitProgram);

/** An earlier step as gitProgramAbove reads it: its `run:`, its `uses:`, and whether it runs files of the checkout. */
export interface GitStep {
  run: unknown;
  uses: unknown;
  runsFiles: boolean;
}

/**
 * For each of a job's steps in order, whether a git program was set before it: `set` (no git command
 * since, as far as the steps show), `ran` (a step after the setting may have run git: a git command,
 * any `uses:` action, actions/checkout among them, or a file of the checkout, not read for it: fail
 * closed), undefined where none was. `above`: the state the list starts in.
 */
export function gitProgramAbove(steps: readonly GitStep[], above?: 'set' | 'ran'): Array<'set' | 'ran' | undefined> {
  let state = above;
  return steps.map((s) => {
    const here = state;
    const run = typeof s.run === 'string' ? s.run : '';
    if (state === 'set' && (typeof s.uses === 'string' || s.runsFiles || runsGit(run))) state = 'ran';
    if (state === undefined && setsGitProgramFor(run)) state = 'set';
    return here;
  });
}

/**
 * Whether the gate step `script`, after a git program was set (`set`), may run git before its audit:
 * its own lines before the audit run a git command (those it runs through a file are read by the
 * chain, shell-gate.ts, with the program set).
 */
export const gateRunsGitFirst = (script: string): boolean => runsGit(ownBefore(script) ?? '');
