// A CI text's answers, asked once per run whatever reads it (ci-yaml.ts's readers, github-gate.ts's
// gate): the walk asks the same questions of the same files for each commit that changes them.
import { runContext } from './run-context.js';
import { textKey } from './yaml-budget.js';

/**
 * Each text's answers in one run, by what was asked ('uses', 'include', 'gate', 'action'): the CI
 * gate's check reads a workflow folder per commit that changes it, mostly the same files again.
 */
const answersIn = new WeakMap<object, Map<string, Promise<unknown>>>();

export function memo<T>(kind: string, text: string, compute: () => Promise<T>): Promise<T> {
  const run = runContext();
  let answers = answersIn.get(run);
  if (!answers) answersIn.set(run, (answers = new Map<string, Promise<unknown>>()));
  const key = `${kind}\0${textKey(text)}`;
  let answer = answers.get(key) as Promise<T> | undefined;
  if (!answer) answers.set(key, (answer = compute()));
  return answer;
}

/** Aliases expanded in one value (a value of nested aliases could otherwise grow exponentially). */
export const MAX_ALIASES = 64;
