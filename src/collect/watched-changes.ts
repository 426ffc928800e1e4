// What a commit changes at the watched paths, against the parents whose state counts, and whether
// the change took gitguard out of the CI configuration. Steps (steps.ts): synchronous unless a
// parent's state or a CI file still has to be read.
import type { CiGateReader } from './ci-runs-gitguard.js';
import { known } from './commit-flags.js';
import type { Steps } from './steps.js';
import type { WatchedPaths } from './watched-paths.js';

export interface WatchedChanges {
  changedPaths: string[];
  ciGateRemoved: boolean;
  /** A CI file a partial clone left out: whether the gate was removed cannot be told. */
  ciGateUnknown: boolean;
}

type State = readonly (string | null)[];

/**
 * The entries a clean merge of commits has at some paths (collect/clean-merge.ts); undefined: unknown.
 * `own`: the merge's entries there (an octopus is checked against them, entry by entry).
 */
export type CleanMerge = (
  parents: readonly string[],
  paths: readonly string[],
  own: State,
) => Promise<Array<string | null | undefined>>;

/** `ownState`: the commit's entries at `watched`; `counted`: the parents it is measured against. */
export function* watchedChanges(
  watched: readonly string[],
  paths: WatchedPaths,
  ciGates: CiGateReader,
  counted: readonly string[],
  ownState: State,
  cleanMerge?: CleanMerge,
): Steps<WatchedChanges> {
  const out: WatchedChanges = { changedPaths: [], ciGateRemoved: false, ciGateUnknown: false };
  if (!watched.length) return out;
  const parentStates = (yield known(counted.map((p) => paths.stateOf(p)))) as State[];
  // A merge that holds one parent's entry but not another's changes that other parent's line:
  // equal to one side is no proof of nothing brought in (`-s ours`, or a merge keeping an old
  // side's tree, drops what the other side changed since they parted), whichever parent is first
  // (whoever makes the merge orders its parents, and a fast-forward then makes it the tip).
  out.changedPaths = watched.filter((_, i) =>
    parentStates.length ? parentStates.some((s) => s[i] !== ownState[i]) : ownState[i] !== null,
  );
  // A merge that holds, at a protected path, what merging its parents gives with no hand
  // resolution (the merge button's merge, an octopus of topic branches) brings nothing in there:
  // each side's changes were judged in the commits that made them.
  if (out.changedPaths.length && counted.length >= 2 && cleanMerge) {
    const own = out.changedPaths.map((p) => ownState[watched.indexOf(p)] ?? null);
    const ids = (yield cleanMerge(counted, out.changedPaths, own)) as Array<string | null | undefined>;
    out.changedPaths = out.changedPaths.filter(
      (p, k) => ids[k] === undefined || ids[k] !== ownState[watched.indexOf(p)],
    );
  }
  if (!out.changedPaths.some((p) => ciGates.isCiPath(p))) return out;
  // Whether the CI configuration in a state runs gitguard (its files, or the files they run, mention it).
  const gate = (state: State): Promise<boolean | undefined> => ciGates.runsGitguard(state);
  // A CI file a partial clone left out makes its side unknown: no removal is claimed from it,
  // and ci-gate-kept says how many changes it could not judge.
  const own = (yield gate(ownState)) as boolean | undefined;
  const parents = own === true ? [] : ((yield Promise.all(parentStates.map(gate))) as Array<boolean | undefined>);
  out.ciGateRemoved = own === false && parents.some((g) => g === true);
  out.ciGateUnknown = !out.ciGateRemoved && own !== true && (own === undefined || parents.includes(undefined));
  return out;
}
