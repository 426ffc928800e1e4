// Which policies judge a commit, and whether it changes the policy (trust.ts judgeCommit): only the
// trust root is judged by its own policy; every other commit by the policies of its parents that
// descend from the trust root and may judge (or, forked before the root, by preRootJudges). A policy
// change is measured against the parents whose policy state is vetted.
import type { CommitRecord } from '../domain/commit.js';
import type { Policy } from '../domain/policy.js';
import { known } from './commit-flags.js';
import type { WatchedPaths } from './watched-paths.js';
import type { CleanMerge } from './watched-changes.js';
import type { Steps } from './steps.js';
import { entryOf, folderId, TREE_MODE } from './tree-entry.js';
import type { AcceptedPolicy, SharedHistory } from './shared-history.js';
import { preRootJudges, type PreRootJudges } from './pre-root-judges.js';
import { POLICY_DIR, type TrustedCommit } from '../domain/trust.js';
import type { VettedTrees } from './vetted-trees.js';
// The one judgement (pure, in the domain layer: the rules judge with it too).
import { judge, policyChangeAuthorized } from '../domain/judgement.js';

/** What judging a commit's policy reads of the walk (the TrustCollector). */
export interface JudgeContext {
  readonly paths: WatchedPaths;
  readonly shared: SharedHistory;
  readonly cleanMerge: CleanMerge | undefined;
  readonly trustRootOid: string | undefined;
  readonly accepted: AcceptedPolicy | undefined;
  /** Judged by a policy not known yet to pass on, so judged again after the walk; value: pre-root, judged once. */
  readonly unsettled: Map<string, boolean>;
  /** The policy the tip's goodlist may bring back per commit. */
  readonly vetted: VettedTrees;
  policyOkOf(oid: string): boolean | Promise<boolean>;
}

/**
 * Which of a commit's parents descend from the trust root (`parentRooted`, none for the root itself),
 * and the parents its changes are measured against.
 */
export function* countedParents(
  ctx: JudgeContext,
  commit: CommitRecord,
  parentRooted: Array<boolean | Promise<boolean>>,
  isRoot: boolean,
): Steps<{ rootedFlags: boolean[]; counted: readonly string[] }> {
  // What a commit changes is measured against the parents whose policy counts (those descending
  // from the trust root): content taken over from an unrelated history is a change like any other.
  const rootedFlags = (yield isRoot ? commit.parents.map(() => false) : known(parentRooted)) as boolean[];
  // A parent forked before the root (a pull request open on adoption day) counts too: the root's
  // policy judged every commit it holds since the fork, so a merge of it is measured against it.
  const sharedFlags =
    rootedFlags.some(Boolean) && !rootedFlags.every(Boolean)
      ? ((yield known(commit.parents.map((p, i) => rootedFlags[i] || ctx.shared.of(p)))) as boolean[])
      : rootedFlags;
  const counted = sharedFlags.some(Boolean) ? commit.parents.filter((_, i) => sharedFlags[i]) : commit.parents;
  return { rootedFlags, counted };
}

/** The parents' policy trees, which of them are vetted, and whether the commit changes the policy. */
export interface PolicyChange {
  parentTrees: string[];
  vetted: boolean[];
  policyChanged: boolean;
}

/** `commit`'s policy tree `ownTree` against its parents' (`rootedFlags`: each descends from the root; `counted`: those measured against). */
export function* policyChange(
  ctx: JudgeContext,
  commit: CommitRecord,
  ownTree: string,
  rootedFlags: readonly boolean[],
  counted: readonly string[],
  isRoot: boolean,
): Steps<PolicyChange> {
  const parentTrees: string[] = [];
  for (const p of commit.parents) parentTrees.push(ctx.paths.knownTree(p) ?? ((yield ctx.paths.treeOf(p)) as string));
  // A policy change is measured against the parents whose policy state is vetted (none, or one
  // that may judge): keeping a policy nobody vouched for is not "unchanged".
  const vetted = (yield known(
    commit.parents.map((p, i) => !isRoot && rootedFlags[i] === true && (parentTrees[i] === '' || ctx.policyOkOf(p))),
  )) as boolean[];
  const countedTrees = vetted.some(Boolean)
    ? parentTrees.filter((_, i) => vetted[i])
    : parentTrees.filter((_, i) => counted.includes(commit.parents[i]!));
  // A merge that keeps one parent's policy but not another's changes the other's (see watched-changes.ts).
  let policyChanged = countedTrees.length ? countedTrees.some((t) => t !== ownTree) : ownTree !== '';
  // Two vetted policies merged as the merge button merges them (no hand resolution): each side's
  // change was authorized where it was made, so the merged policy is no new change.
  if (policyChanged && ownTree && vetted.length >= 2 && vetted.every(Boolean) && ctx.cleanMerge) {
    const [id] = (yield ctx.cleanMerge(commit.parents, [POLICY_DIR], [entryOf(TREE_MODE, ownTree)])) as Array<
      string | null | undefined
    >;
    if (folderId(id) === ownTree) policyChanged = false;
  }
  return { parentTrees, vetted, policyChanged };
}

/** The policies that judge a commit, the first parent whose policy may not, and how many parents descend from the root. */
export interface ParentJudges {
  judges: Array<{ policy: Policy; from: string }>;
  unvetted: string | undefined;
  rootedParents: number;
}

/**
 * Only the trust root is judged by its own policy (`ownPolicy`); every other commit by the policies of
 * its parents that descend from the trust root. A policy that came in through an unrelated history
 * (an orphan branch merged with --allow-unrelated-histories) never judges anything. `load` reads the
 * policy in a tree at a commit.
 */
export function* parentJudges(
  ctx: JudgeContext,
  commit: CommitRecord,
  {
    parentTrees,
    rootedFlags,
    isRoot,
    ownPolicy,
  }: {
    parentTrees: readonly string[];
    rootedFlags: readonly boolean[];
    isRoot: boolean;
    ownPolicy: Policy | undefined;
  },
  load: (tree: string, at: string) => Policy | undefined | Promise<Policy | undefined>,
): Steps<ParentJudges> {
  const judges: Array<{ policy: Policy; from: string }> = [];
  let unvetted: string | undefined;
  let rootedParents = 0;
  if (isRoot) {
    if (ownPolicy) judges.push({ policy: ownPolicy, from: commit.oid });
    return { judges, unvetted, rootedParents };
  }
  for (let i = 0; i < parentTrees.length; i += 1) {
    if (!rootedFlags[i]) continue;
    rootedParents += 1;
    const tree = parentTrees[i]!;
    if (!tree) continue;
    const pol = (yield load(tree, commit.parents[i]!)) as Policy | undefined;
    if (!((yield pol ? ctx.policyOkOf(commit.parents[i]!) : true) as boolean)) {
      unvetted ??= commit.parents[i]!;
      continue;
    }
    if (pol && !judges.some((j) => j.policy === pol)) judges.push({ policy: pol, from: commit.parents[i]! });
  }
  // Forked before the trust root, brought in after it (merged, or pushed onto an older branch): see preRootJudges.
  const { trustRootOid: root, accepted } = ctx;
  if (!rootedParents && root && ((yield ctx.shared.of(commit.oid)) as boolean)) {
    let pol: Policy | undefined;
    if (!accepted || accepted.recorded) {
      const tree = ctx.paths.knownTree(root) ?? ((yield ctx.paths.treeOf(root)) as string);
      pol = (yield tree ? load(tree, root) : undefined) as Policy | undefined;
    }
    const pre = (yield preRootJudges(commit.oid, accepted, pol && { policy: pol, from: root })) as PreRootJudges;
    judges.push(...pre.judges);
    // Judged once more after the walk, by the policies then known to pass on (HEAD's is walked last).
    if (pre.once || pre.judges.some((j) => j.from !== root)) ctx.unsettled.set(commit.oid, pre.once);
  }
  return { judges, unvetted, rootedParents };
}

/** Whether this commit's policy may judge its children (trust.ts policyOk). */
export function passesPolicyOn(ctx: JudgeContext, c: TrustedCommit): boolean {
  const t = c.trust;
  if (!t.ownPolicy) return false;
  if (t.trustRoot) return true;
  // Judged by no policy: only a maintainer's goodlisting (at the tip) vouches for what it brought in.
  if (t.mode !== 'policy') return t.mode === 'no-policy' && judge(c).status === 'goodlisted' && restores(ctx, c);
  if (!t.policyChanged) return true; // the same policy as a parent whose policy judged it
  // Excused by the tip's goodlist alone: only a policy brought back passes on (vetted-trees.ts).
  const alone = !!t.tipGoodlist && !policyChangeAuthorized({ ...c, trust: { ...t, tipGoodlist: undefined } });
  return policyChangeAuthorized(c) && (!alone || restores(ctx, c));
}

/** Whether a commit's policy is the one in force before it (vetted-trees.ts). */
function restores(ctx: JudgeContext, c: TrustedCommit): boolean {
  const own = ctx.paths.knownTree(c.oid);
  return !!own && own === ctx.vetted.before(c.parents);
}
