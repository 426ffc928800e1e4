// Ancestry questions put to git (`merge-base --is-ancestor`), answered once per pair of object ids
// in a run: what the ledger, the trust root search, the floating tags and the pre-root judges ask.
import { runGit, type Shadow } from './git.js';
import { runContext, type RunContext } from './run-context.js';

// Ancestry between two object ids never changes (a commit's id hashes its parents), so within one run
// each question is put to git once per view of the objects (Shadow.objects: the object dirs and the
// shallow boundary; the run fixes the git): the walk's shadow and the ledger's ask the same. Names are
// always asked.
type Answers = Map<string, Promise<boolean | undefined>>;
const ancestry = new WeakMap<RunContext, Map<string, Answers>>();
const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

function answersOf(shadow: Shadow): Answers {
  const run = runContext();
  let views = ancestry.get(run);
  if (!views) ancestry.set(run, (views = new Map<string, Answers>()));
  let answers = views.get(shadow.objects);
  if (!answers) views.set(shadow.objects, (answers = new Map<string, Promise<boolean | undefined>>()));
  return answers;
}

/** Per view, a commit known to descend from each ancestor (knowDescendant). */
const descendants = new WeakMap<RunContext, Map<string, Map<string, string>>>();

function descendantsOf(shadow: Shadow): Map<string, string> {
  const run = runContext();
  let views = descendants.get(run);
  if (!views) descendants.set(run, (views = new Map<string, Map<string, string>>()));
  let known = views.get(shadow.objects);
  if (!known) views.set(shadow.objects, (known = new Map<string, string>()));
  return known;
}

/**
 * Records that `below` descends from `ancestor` in this view, as an earlier run found it (the sealed
 * checkpoint's rootBelow, given only while its objects, grafts, replace refs, shallow boundary and
 * alternates are as then). isAncestor(ancestor, tip) then first asks whether `tip` descends from
 * `below`: git walks from the tip down to it (the commits added since), not down to `ancestor`
 * through the whole history. Only "yes" is taken from it; otherwise git is asked about `ancestor`.
 */
export function knowDescendant(shadow: Shadow, ancestor: string, below: string): void {
  if (OBJECT_ID.test(ancestor) && OBJECT_ID.test(below) && ancestor !== below)
    descendantsOf(shadow).set(ancestor, below);
}

/** Is `ancestor` an ancestor of (or equal to) `tip`? undefined when git cannot tell (object missing). */
export function isAncestor(shadow: Shadow, ancestor: string, tip: string): Promise<boolean | undefined> {
  const ask = async (): Promise<boolean | undefined> => {
    const below = OBJECT_ID.test(tip) ? descendantsOf(shadow).get(ancestor) : undefined;
    if (below && (below === tip || (await isAncestor(shadow, below, tip)) === true)) return true;
    const r = await runGit(['merge-base', '--is-ancestor', '--end-of-options', ancestor, tip], {
      gitDir: shadow.gitDir,
      okCodes: [1, 128],
      timeoutMs: 60_000,
    });
    return r.code === 0 ? true : r.code === 1 ? false : undefined;
  };
  if (!OBJECT_ID.test(ancestor) || !OBJECT_ID.test(tip)) return ask();
  const answers = answersOf(shadow);
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

/** isAncestor's answer when this run already has it (asked, or known), else undefined: nothing is asked. */
export function knownAncestry(shadow: Shadow, ancestor: string, tip: string): Promise<boolean | undefined> | undefined {
  return answersOf(shadow).get(`${ancestor} ${tip}`);
}

/**
 * Records what git showed otherwise: `tip` listed `ancestor` walking back (a rev-list from it, in this
 * shadow), or a batch that answers exactly as isAncestor does (ancestry-batch.ts). Only object ids.
 */
export function knowAncestry(shadow: Shadow, ancestor: string, tip: string, answer: boolean): void {
  if (!OBJECT_ID.test(ancestor) || !OBJECT_ID.test(tip)) return;
  const answers = answersOf(shadow);
  const key = `${ancestor} ${tip}`;
  if (!answers.has(key)) answers.set(key, Promise.resolve(answer));
}

/**
 * Is `oid` one of `tips` or an ancestor of one? One `rev-list -n1 oid --not tips` (empty exactly when
 * it is: whatever oid reaches is then held too), however long oid's own history. undefined when git
 * cannot tell (an object missing).
 */
export async function heldBy(shadow: Shadow, oid: string, tips: readonly string[]): Promise<boolean | undefined> {
  if (tips.includes(oid)) return true;
  if (!tips.length) return false;
  const r = await runGit(['rev-list', '-n1', '--stdin'], {
    gitDir: shadow.gitDir,
    input: `${oid}\n${tips.map((t) => `^${t}`).join('\n')}\n`,
    okCodes: [128],
    timeoutMs: 120_000,
  });
  return r.code === 0 ? r.stdout.toString('latin1').trim() === '' : undefined;
}
