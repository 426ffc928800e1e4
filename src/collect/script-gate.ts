// domain/shell-gate.ts's reading of a CI step's script, within one run's budget: a hostile history
// can hold thousands of versions of a workflow full of long scripts (2-8 µs a byte to read). Past
// the budget a script runs no gate (fail closed: counting any mention would let a padded history
// keep a gate `|| true` neutralised); an honest gate script is tens of bytes. Each text is read
// once per run.
import { failsWithGitguard, type ShellMode } from '../domain/shell-gate.js';
import { GITGUARD_WORD } from '../domain/ci-words.js';
import { runContext } from './run-context.js';
import { ROOT, type Place } from '../domain/step-folder.js';

export { startupEnv } from '../domain/checkout-runs.js';

/** Bytes of scripts naming gitguard read in one run, at most (2-8 s). */
const SCRIPT_BUDGET = 1024 * 1024;
const usedIn = new WeakMap<object, { bytes: number; answers: Map<string, boolean> }>();

/** Whether `script`, run as `mode` says at `at`, fails when gitguard fails (failsWithGitguard); past the run's budget: no. */
export function scriptGates(script: string, mode: ShellMode, at: Place = ROOT): boolean {
  if (!GITGUARD_WORD.test(script)) return false;
  const run = runContext();
  let used = usedIn.get(run);
  if (!used) usedIn.set(run, (used = { bytes: 0, answers: new Map() }));
  const key = `${mode.errexit ? 'e' : ''}${mode.pipefail ? 'p' : ''}\0${JSON.stringify([at.folder, at.roots, at.triggers])}\0${script}`;
  const known = used.answers.get(key);
  if (known !== undefined) return known;
  if (used.bytes + script.length > SCRIPT_BUDGET) return false;
  used.bytes += script.length;
  const answer = failsWithGitguard(script, mode, undefined, at);
  used.answers.set(key, answer);
  return answer;
}
