// What a commit changes at the watched paths, against the parents whose state counts, and whether
// the change took gitguard out of the CI configuration. Steps (steps.ts): synchronous unless a
// parent's state or a CI file still has to be read.
import type { CiGateReader, RunnerGates } from './ci-runs-gitguard.js';
import { UNREAD, type Gate } from './github-gate.js';
import { CI_RUNNERS } from '../domain/ci-systems.js';
import { known } from './commit-flags.js';
import type { Steps } from './steps.js';
import { slotsFor } from './ci-slots.js';
import type { WatchedPaths } from './watched-paths.js';
import { hasStart } from './trusted-actions.js';
import { withoutVouching } from './vouching-off.js';

/** What trust.ts keeps of a commit's change (all but ciGateUnknown go to CommitTrust as they are; the optional ones only where set). */
export interface WatchedChanges {
  changedPaths: string[];
  ciGateRemoved: boolean;
  /** The forges (CI_RUNNERS' names) whose CI ran gitguard in a parent and no longer does. */
  ciGateLostFor?: string[];
  /** A CI file a partial clone left out: whether the gate was removed cannot be told. */
  ciGateUnknown: boolean;
  /** The forges whose chain of files the CI runs reached gitguard in a parent and no longer does (CommitTrust.ciChainLostFor). */
  ciChainLostFor?: string[];
  /** The forges for which whether the gate was removed hangs on a CI file past the run's parse budget (CommitTrust.ciGateUnreadFor). */
  ciGateUnreadFor?: string[];
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

function sameStates(parentStates: readonly State[], own: State): boolean {
  for (const s of parentStates) if (s !== own) return false;
  return true;
}

/** `ownState`: the commit's (`oid`'s) entries at `watched`; `counted`: the parents it is measured against. */
export function* watchedChanges(
  watched: readonly string[],
  paths: WatchedPaths,
  ciGates: CiGateReader,
  counted: readonly string[],
  ownState: State,
  cleanMerge?: CleanMerge,
  oid?: string,
): Steps<WatchedChanges> {
  const out: WatchedChanges = { changedPaths: [], ciGateRemoved: false, ciGateUnknown: false };
  if (!watched.length) return out;
  const parentStates = (yield known(counted.map((p) => paths.stateOf(p)))) as State[];
  // Most commits change nothing here: their parents' states are the same interned array as their
  // own (equal states share one, watched-paths.ts), and every step below starts from what changed.
  if (parentStates.length && sameStates(parentStates, ownState)) return out;
  // A few commits read their changes at once (ci-slots.ts): each holds the texts it reads until it is done.
  const slots = slotsFor(ciGates);
  yield slots.take();
  try {
    // A merge that holds one parent's entry but not another's changes that other parent's line:
    // equal to one side is no proof of nothing brought in (`-s ours`, or a merge keeping an old
    // side's tree, drops what the other side changed since they parted), whichever parent is first
    // (whoever makes the merge orders its parents, and a fast-forward then makes it the tip).
    out.changedPaths = watched.filter((_, i) =>
      parentStates.length ? parentStates.some((s) => s[i] !== ownState[i]) : ownState[i] !== null,
    );
    if (!out.changedPaths.length) return out;
    // A file the CI runs in parts (package.json's scripts, a Makefile's targets) changed elsewhere than
    // on the chain to gitguard in each parent: a dependency bumped, another target edited, no change.
    const inParts = out.changedPaths.filter((p) => ciGates.runsInParts(p));
    if (inParts.length && parentStates.length) {
      const same = (yield Promise.all(
        inParts.map((p) => {
          const i = watched.indexOf(p);
          return ciGates.samePart(
            p,
            parentStates.map((s) => s[i] ?? null),
            ownState[i] ?? null,
          );
        }),
      )) as boolean[];
      out.changedPaths = out.changedPaths.filter((p) => !same[inParts.indexOf(p)]);
    }
    // A file the CI's commands run that leads to no gitguard at the tip counts where it named gitguard
    // before or after the change (a signer took the gate out there); else it is a script like any other.
    const ranOnly = out.changedPaths.filter((p) => ciGates.ranOnlyPath(p));
    if (ranOnly.length && parentStates.length) {
      const named = (yield Promise.all(
        ranOnly.map((p) => {
          const i = watched.indexOf(p);
          return ciGates.namesGate(p, [...parentStates.map((s) => s[i] ?? null), ownState[i] ?? null]);
        }),
      )) as boolean[];
      out.changedPaths = out.changedPaths.filter((p) => named[ranOnly.indexOf(p)] !== false);
    }
    // A file the tip's CI runs (a GitLab include, a workflow's `uses: ./tools/x`) is a CI file only
    // where a parent's CI runs it (an unknown parent counts as running it): changed where none did, it
    // was no change to what CI runs (the maintainer who made CI run it vouched for it then); a merge
    // holding what its parents that run it hold brings nothing into a line that runs it.
    const sidesJudged = new Set<string>(); // derived paths every parent runs: each side's change was judged
    const derived = out.changedPaths.filter((p) => ciGates.isDerivedCi(p));
    if (derived.length && parentStates.length) {
      const ran = (yield Promise.all(
        derived.map((p) => Promise.all(parentStates.map((s) => ciGates.runsPath(s, p)))),
      )) as Array<Array<boolean | undefined>>;
      const dropped = new Set<string>();
      derived.forEach((p, k) => {
        const i = watched.indexOf(p);
        const running = parentStates.filter((_, j) => ran[k]![j] !== false);
        if (running.every((s) => s[i] === ownState[i])) dropped.add(p);
        else if (running.length === parentStates.length) sidesJudged.add(p);
      });
      out.changedPaths = out.changedPaths.filter((p) => !dropped.has(p));
    }
    // A merge that holds, at a protected path, what merging its parents gives with no hand
    // resolution (the merge button's merge, an octopus of topic branches) brings nothing in there:
    // each side's changes were judged in the commits that made them.
    const mergeable = out.changedPaths.filter((p) => !ciGates.isDerivedCi(p) || sidesJudged.has(p));
    if (mergeable.length && counted.length >= 2 && cleanMerge) {
      const own = mergeable.map((p) => ownState[watched.indexOf(p)] ?? null);
      const ids = (yield cleanMerge(counted, mergeable, own)) as Array<string | null | undefined>;
      const clean = new Set(
        mergeable.filter((p, k) => ids[k] !== undefined && ids[k] === ownState[watched.indexOf(p)]),
      );
      out.changedPaths = out.changedPaths.filter((p) => !clean.has(p));
    }
    if (!out.changedPaths.some((p) => ciGates.isCiPath(p))) return out;
    const read = yield* gateChange(ciGates, ownState, parentStates, counted, oid, asRead);
    Object.assign(out, read.change);
    // The gate the start had is what must be kept (vouching-off.ts): both sides read again with the
    // start's vouching set aside, a parent whose gate an image, action or condition added since the
    // start unmade still has the gate, and a side that drops it loses it. Only more losses: a side
    // already judged to keep its gate keeps it (and so it does with its vouching set aside), and a
    // forge no parent's files are read by had no gate to lose.
    const mayLose = CI_RUNNERS.some((_, r) => read.own[r] !== true && parentStates.some((s) => ciGates.readsIn(s, r)));
    if (hasStart() && mayLose) {
      const { change: again } = yield* gateChange(ciGates, ownState, parentStates, counted, oid, withoutVouching);
      const lost = union(out.ciGateLostFor, again.ciGateLostFor);
      if (lost.length) Object.assign(out, { ciGateRemoved: true, ciGateLostFor: lost, ciGateUnknown: false });
      if (lost.length) delete out.ciGateUnreadFor;
      const chain = union(out.ciChainLostFor, again.ciChainLostFor);
      if (chain.length) out.ciChainLostFor = chain;
    }
    return out;
  } finally {
    slots.give();
  }
}

/** How a reading is made: as is, or with the start's vouching set aside (vouching-off.ts). */
type Side = <T>(f: () => T) => T;
const asRead: Side = (f) => f();

/** What a commit's change did to the gate (WatchedChanges' ci fields). */
type GateChange = Omit<WatchedChanges, 'changedPaths'>;

const union = (a: readonly string[] = [], b: readonly string[] = []): string[] => [...new Set([...a, ...b])];

/**
 * Whether the CI configuration each forge reads in the commit's state (`ownState`, `oid`'s) still
 * runs gitguard where a parent's (`parentStates`, of `counted`) did, each read by `side`; `own`:
 * whether the commit's side runs it, per forge.
 */
function* gateChange(
  ciGates: CiGateReader,
  ownState: State,
  parentStates: readonly State[],
  counted: readonly string[],
  oid: string | undefined,
  side: Side,
): Steps<{ change: GateChange; own: RunnerGates }> {
  const change: GateChange = { ciGateRemoved: false, ciGateUnknown: false };
  // Whether the CI configuration each forge reads in a state runs gitguard (its files, or the files
  // they run, mention it): a gate is kept forge by forge (a step moved to a place another forge
  // reads, or a `.forgejo/workflows` folder that makes Forgejo stop reading `.github/workflows`,
  // takes it out of the CI that ran it). A CI file a partial clone left out makes its side unknown:
  // no removal is claimed from it, and ci-gate-kept says how many changes it could not judge.
  // The direct reading leaves earlier steps' checkout files unread; on this commit's side they are read.
  const direct = (yield side(() => ciGates.runsGitguard(ownState))) as RunnerGates;
  const own = (
    oid
      ? yield Promise.all(
          direct.map((g, r) =>
            g === true ? side(() => ciGates.chainRunsGitguard(ownState, oid, r, true)) : Promise.resolve(g),
          ),
        )
      : direct
  ) as RunnerGates;
  const parents = own.every((g) => g === true)
    ? []
    : ((yield Promise.all(parentStates.map((s) => side(() => ciGates.runsGitguard(s))))) as RunnerGates[]);
  const dropped = CI_RUNNERS.flatMap((_, r) => (own[r] === false && parents.some((p) => p[r] === true) ? [r] : []));
  // A step moved into a file it runs (`make audit`, `npm run gate`) in the same commit: the chain of
  // this commit's files, read with the same steps (script-files.ts chainGates), still gates.
  const moved =
    oid && dropped.length
      ? ((yield Promise.all(
          dropped.map((r) => side(() => ciGates.chainRunsGitguard(ownState, oid, r, true))),
        )) as Gate[])
      : [];
  // A chain past the YAML budget (UNREAD): whether the step moved there is not known, reported below.
  const chainUnread = dropped.filter((_, k) => moved[k] === UNREAD);
  const lost = dropped.filter((_, k) => !moved[k]).map((r) => CI_RUNNERS[r]!);
  change.ciGateRemoved = lost.length > 0;
  if (lost.length) change.ciGateLostFor = lost.map((runner) => runner.name);
  // A side past the parse budget: the gate may have gone (this side unread, a parent's running or
  // unread; this side without it, a parent's unread). Reported, never taken for a kept gate.
  const unread = CI_RUNNERS.filter(
    (_, r) =>
      chainUnread.includes(r) ||
      (own[r] !== true && parents.some((p) => p[r] === UNREAD || (own[r] === UNREAD && p[r] === true))),
  );
  if (!change.ciGateRemoved && unread.length) change.ciGateUnreadFor = unread.map((runner) => runner.name);
  change.ciGateUnknown =
    !change.ciGateRemoved &&
    !unread.length &&
    own.some((g, r) => g !== true && (g === undefined || parents.some((p) => p[r] === undefined)));
  // Neither side's CI files name gitguard for a forge: whether a chain of files they run reached it in a parent.
  const open = own.flatMap((g, r) => (g === false && !parents.some((p) => p[r] === true) ? [r] : []));
  if (!oid || !open.length) return { change, own };
  const mine = (yield Promise.all(open.map((r) => side(() => ciGates.chainRunsGitguard(ownState, oid, r))))) as Gate[];
  const gone = open.filter((_, k) => mine[k] !== true);
  const reached = (s: State, i: number): Promise<Gate[]> =>
    Promise.all(gone.map((r) => side(() => ciGates.chainRunsGitguard(s, counted[i]!, r))));
  if (!gone.length) return { change, own };
  // Forge by forge, as the direct case: a chain only Forgejo's CI ran is lost for Forgejo only.
  const byParent = (yield Promise.all(parentStates.map(reached))) as Gate[][];
  const chainLost = gone.filter((r, k) => mine[open.indexOf(r)] === false && byParent.some((t) => t[k] === true));
  if (chainLost.length) change.ciChainLostFor = chainLost.map((r) => CI_RUNNERS[r]!.name);
  // A chain past the YAML budget on either side (one side's running, or unread too): not judged.
  const chainUnknown = gone.filter(
    (r, k) =>
      !chainLost.includes(r) &&
      (mine[open.indexOf(r)] === UNREAD ? byParent.some((t) => t[k] !== false) : byParent.some((t) => t[k] === UNREAD)),
  );
  if (chainUnknown.length && !change.ciGateRemoved)
    change.ciGateUnreadFor = [
      ...new Set([...(change.ciGateUnreadFor ?? []), ...chainUnknown.map((r) => CI_RUNNERS[r]!.name)]),
    ];
  return { change, own };
}
