// Whether a CI step's shell script fails when gitguard fails, as the forge's shell runs it: a step
// `npx gitguard audit || true` runs gitguard but can never fail the job, nor can `gitguard audit | tee
// out` without pipefail, `gitguard audit; true` without -e, `! gitguard audit`, `gitguard audit &`,
// `if gitguard audit; then ...; fi`, a `trap 'exit 0' EXIT`, or `gitguard --version`. The script is
// run on a few bits of state (errexit, pipefail, whether gitguard failed, the last status): every
// gitguard audit fails, `false` and `exit 1` fail, a test of `$?` (or of `rc=$?`) against 0 is decided,
// and any other command succeeds, except in a condition, where it may go either way (`[ -n "$SKIP" ] &&
// exit 0` may not run; after gitguard failed, `if [ -n "" ]; then exit 1; fi` may not exit). The
// script gates if some run ends with a non-zero status after gitguard failed.
import { parseScript } from './shell-syntax.js';
import { withForgeBasesOwned } from './audit-options.js';
import { GITGUARD_WORD } from './ci-words.js';
import { E, F, N, P, S, statusVariable, type Checkout, type ShellMode } from './shell-state.js';
import { Shell } from './shell-run.js';
import { checkoutOpens, FolderTable, realFolder, type Place } from './step-folder.js';

export type { ShellMode } from './shell-state.js';

/** Commands evaluated per script at most, and its length. */
const MAX_STEPS = 20_000;
const MAX_SCRIPT = 64 * 1024;

/**
 * Whether `script`, run as `mode` says, can end with a non-zero status because gitguard failed: a step
 * whose gitguard run cannot fail it is no gate. A script past MAX_STEPS or MAX_SCRIPT is no gate either.
 * `checkout`: the files the script runs from the checkout are read as it runs them (checkout-runs.ts).
 * `at`: the folder the script starts in and the checkout's roots (step-folder.ts; default: the
 * checkout's folder, or the root).
 */
export function failsWithGitguard(script: string, mode: ShellMode, checkout?: Checkout, at?: Place): boolean {
  // A step script is kilobytes; one past MAX_SCRIPT is no gate (as a CI file too large to read).
  if ((!checkout && !GITGUARD_WORD.test(script)) || script.length > MAX_SCRIPT) return false;
  try {
    // With the checkout read, a folder of it gates where git opens the checkout from there (step-folder.ts).
    const place = at ?? { folder: checkout ? checkout.dir : '', roots: [''] };
    const opens = checkout && ((f: string): boolean => checkoutOpens(f, (p) => checkout.read(p)));
    const folders = new FolderTable(place.roots, opens, place.triggers);
    // A shell started through a link climbs from where it leads (`cd ..`): its folder is not known
    // (without the checkout read, none under a root is).
    const real = checkout
      ? realFolder(place, (p) => checkout.read(p))
      : place.folder === null || place.roots.includes(place.folder);
    const start = folders.in((mode.errexit ? E : 0) | (mode.pipefail ? P : 0), real ? place.folder : null);
    // The event is the runner's unless the script names the variable other than to read it.
    const names = script.match(/GITHUB_EVENT_NAME/g)?.length ?? 0;
    const reads = script.match(/\$\{?GITHUB_EVENT_NAME\b/g)?.length ?? 0;
    const budget = {
      steps: MAX_STEPS,
      event: mode.actions === true && names === reads,
      checkout,
      status: statusVariable(script),
      folders,
      gitProgram: mode.gitProgram === true,
    };
    // A forge's base variable the script sets itself (`CI_COMMIT_BEFORE_SHA=HEAD`) is any variable.
    const ends = new Shell(budget, 0).main(parseScript(withForgeBasesOwned(script)), new Set([start]));
    // Every run must end failing, gitguard failed in one: a condition the reading cannot decide
    // (`if [ 1 = 1 ]; then exit 0; fi`, `[ -n "$SKIP" ]` with `env: SKIP: 1`) may take either branch,
    // and one run that passes is a job gitguard's failure did not fail.
    const all = [...ends];
    return all.some((s) => (s & F) !== 0) && all.every((s) => (s & S) !== 0 && (s & N) === 0);
  } catch {
    return false;
  }
}
