// Ancestry questions put to git (`merge-base --is-ancestor`), answered once per pair of object ids
// in a run: what the ledger, the trust root search, the floating tags and the pre-root judges ask.
import { runGit, type Shadow } from './git.js';

// Ancestry between two object ids never changes (a commit's id hashes its parents), so within one
// shadow (one run's view of the objects) each question is put to git once; names are always asked.
const ancestry = new WeakMap<Shadow, Map<string, Promise<boolean | undefined>>>();
const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** Is `ancestor` an ancestor of (or equal to) `tip`? undefined when git cannot tell (object missing). */
export function isAncestor(shadow: Shadow, ancestor: string, tip: string): Promise<boolean | undefined> {
  const ask = async (): Promise<boolean | undefined> => {
    const r = await runGit(['merge-base', '--is-ancestor', '--end-of-options', ancestor, tip], {
      gitDir: shadow.gitDir,
      okCodes: [1, 128],
      timeoutMs: 60_000,
    });
    return r.code === 0 ? true : r.code === 1 ? false : undefined;
  };
  if (!OBJECT_ID.test(ancestor) || !OBJECT_ID.test(tip)) return ask();
  let answers = ancestry.get(shadow);
  if (!answers) ancestry.set(shadow, (answers = new Map<string, Promise<boolean | undefined>>()));
  const key = `${ancestor} ${tip}`;
  let answer = answers.get(key);
  if (!answer) {
    answer = ask();
    answers.set(key, answer);
    // A failure or "cannot tell" is not remembered: it may be an object still arriving.
    answer.then(
      (a) => a === undefined && answers.delete(key),
      () => answers.delete(key),
    );
  }
  return answer;
}
