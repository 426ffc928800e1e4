// Attaches to each commit what the signature rules judge: the policies that may authorize it (its
// parents'), the signature verdict under each, and whether it changes the policy itself. Commits
// arrive parents first, so a parent's policy is always known before its children are judged.
import type { CommitRecord, TagRecord } from '../domain/commit.js';
import type { Policy } from '../domain/policy.js';
import type { ObjectReader } from './objects.js';
import type { TrustedKeys } from './signatures/verify.js';
import { trustTag } from './tag-trust.js';
import type { VerifyCache } from './verify-cache.js';
import { CheckoutKeys } from './checkout-keys.js';
import type { RawKeys } from './signatures/pool.js';
import { mergetagKeys, verifyMergetags, type MergetagKeys } from './mergetags.js';
import { CommitFlags, known } from './commit-flags.js';
import { PolicyStore } from './policy-store.js';
import { CiGateReader } from './ci-runs-gitguard.js';
import { TrustVerifier } from './trust-verifier.js';
import { commitTrust } from './commit-trust.js';
import type { RevokedKeys } from '../domain/trust.js';
// The one judgement (pure, in the domain layer: the rules judge with it too).
import { judge, policyChangeAuthorized } from '../domain/judgement.js';
import { OidIndex } from '../domain/oid-index.js';
import { WatchedPaths, type OwnPaths } from './watched-paths.js';
import { NO_DERIVED, type DerivedWatch } from './derived-paths.js';
import { watchedChanges, type CleanMerge } from './watched-changes.js';
import { runSteps, type Steps } from './steps.js';
import { entryOf, folderId, TREE_MODE } from './tree-entry.js';
import { type AcceptedPolicy, RootRelation, SharedHistory } from './shared-history.js';
import { preRootJudges, settleCommit, type PreRootJudges } from './pre-root-judges.js';
import { VettedTrees } from './vetted-trees.js';
import { ParentTimes } from './parent-times.js';
import { POLICY_DIR, type TrustedCommit } from '../domain/trust.js';

export class TrustCollector {
  /** Every commit walked or looked up, numbered: the per-commit state below is columns indexed by it. */
  private readonly index = new OidIndex();
  /** The index, for the rules' own columns (RuleContext.commitIndex): an id they add has no value here. */
  get commitIndex(): OidIndex {
    return this.index;
  }
  readonly verifier: TrustVerifier;
  private readonly store: PolicyStore;
  private readonly ciGates: CiGateReader;
  /** The policy folder's and the protected paths' ids in each commit. */
  private readonly paths: WatchedPaths;

  constructor(
    private readonly reader: ObjectReader,
    objectFormat: 'sha1' | 'sha256',
    private readonly userKeys: (TrustedKeys & { id: string; raw: RawKeys }) | undefined,
    cache?: VerifyCache,
    nowMs = Date.now(),
    /** The audited work tree: a key file in it is judged as history (checkout-keys.ts). */
    workTree?: string,
  ) {
    this.times = new ParentTimes(this.index, () => this.reader, nowMs);
    const oidBytes = objectFormat === 'sha256' ? 32 : 20;
    this.verifier = new TrustVerifier(cache);
    this.store = new PolicyStore(reader, oidBytes, this.verifier);
    this.ciGates = new CiGateReader(reader, oidBytes);
    this.paths = new WatchedPaths(this.index, reader, oidBytes, () => this.watched);
    if (userKeys) this.verifier.addRawKeys(`keys:${userKeys.id}`, userKeys.raw);
    this.userTrustId = userKeys && `keys:${userKeys.id}`;
    this.userKeySet = userKeys && { trustId: this.userTrustId!, keys: userKeys };
    this.checkoutKeys = userKeys && new CheckoutKeys(reader, this.verifier, userKeys, workTree);
  }

  private readonly checkoutKeys: CheckoutKeys | undefined;

  /** Reads which commits of the walk change a key file of the work tree (checkout-keys.ts), before the walk. */
  scopeKeyFiles(gitDir: string, revisions: readonly string[]): Promise<void> {
    return this.checkoutKeys?.scope(gitDir, revisions) ?? Promise.resolve();
  }

  private readonly userTrustId: string | undefined;
  private readonly userKeySet: MergetagKeys | undefined;
  private trustRootOid: string | undefined;
  /** Protected paths watched besides .gitguard (see protected-paths.ts). */
  private watched: readonly string[] = [];
  /** Watched paths found at the tip -> the protected path each stands for (derived-paths.ts). */
  private origins = NO_DERIVED.origins;
  /** Per commit: is it the trust root or a descendant of it? Only such commits' policies may judge. */
  private readonly rooted = new RootRelation(this.index);
  /** Per commit: does it share history with the trust root? (Forked before it: its policy judges.) */
  private readonly shared = new SharedHistory(this.index);
  /** Per commit: may its policy judge its children? Yes for the trust root's, for one inherited unchanged from a
   *  parent whose policy may, and for a change a maintainer of that parent's policy signed (or the tip's goodlist
   *  accepts). A policy brought in any other way (from an unrelated history, or without a maintainer) judges nothing. */
  private readonly policyOk = new CommitFlags(this.index);
  /** The policy the tip's goodlist may bring back per commit (vetted-trees.ts). */
  private readonly vetted = new VettedTrees(this.index);
  readonly times: ParentTimes; // the floor of signing times and tags' (parent-times.ts), kept for the checkpoint's tips
  /** Judged by a policy not known yet to pass on, so judged again after the walk (settle); value: pre-root, judged once. */
  private readonly unsettled = new Map<string, boolean>();

  /** Whether a commit's policy may judge its children, once known (the walk checkpoint keeps it for the tips). */
  passesOn(oid: string): boolean | undefined {
    const v = this.policyOk.get(oid);
    return typeof v === 'boolean' ? v : undefined;
  }

  /** An incremental walk: a parent outside it that an earlier run judged, with what that run found. */
  assumeJudged(oid: string, policyOk: boolean): void {
    this.policyOk.set(oid, policyOk);
  }

  /** The policy at a commit whose policy may judge (where a pre-root branch landed), else undefined. */
  private async landedPolicy(at: string): Promise<Policy | undefined> {
    const tree = this.paths.knownTree(at) ?? (await this.paths.treeOf(at));
    return tree && (await this.policyOkOf(at)) ? this.policyAt(tree, at).catch(() => undefined) : undefined;
  }

  /** A parent outside the walk is accepted history: its policy may judge when it descends from the root. */
  policyOkOf(oid: string): boolean | Promise<boolean> {
    return this.policyOk.get(oid) ?? this.rooted.of(oid);
  }

  /** Set before the walk: the trust root (trust-root.ts), the paths looked up, how to ask git about the rest. */
  setScope(
    trustRootOid: string | undefined,
    watched: readonly string[],
    descends?: (ancestor: string, oid: string) => Promise<boolean | undefined>,
    cleanMerge?: CleanMerge,
    sharesWith?: (a: string, b: string) => Promise<boolean | undefined>,
    derived: DerivedWatch = NO_DERIVED,
  ): void {
    this.trustRootOid = trustRootOid;
    this.watched = watched;
    this.origins = derived.origins;
    this.ciGates.scope(watched, derived);
    this.rooted.scope(trustRootOid, descends);
    this.cleanMerge = cleanMerge;
    this.shared.scope(trustRootOid, sharesWith);
  }
  /** The ids a clean merge of two commits has at some paths (collect/clean-merge.ts). */
  private cleanMerge: CleanMerge | undefined;

  /** Whether any commit walked so far has a policy folder (.gitguard, of any kind). */
  sawPolicyFolder = (): boolean => this.paths.sawPolicyFolder;

  /** What the walk watches in each commit: the policy folder, then `watched`, in this order. */
  walkPaths(): string[] {
    return [POLICY_DIR, ...this.watched];
  }

  private revoked: RevokedKeys | undefined;
  /** Set before the walk: the revocations every commit and tag is judged with (see revocations.ts). */
  setRevocations(revoked: RevokedKeys): void {
    if (revoked.size) this.revoked = revoked;
  }

  private tipGoodlist: ReadonlyMap<string, string> | undefined;
  private tip: string | undefined;
  // The tip policy's goodlist applies to every commit in scope. A parent's policy can never name its child (the
  // child's id depends on the parent), so an exception recorded after the fact has to come from a later policy: the
  // current one (read at `from`), and only if its changes had a maintainer: what it names is judged again (settle).
  setTipGoodlist(policy: Policy | undefined, from: string | undefined): void {
    if (policy?.goodlist.length) this.tipGoodlist = new Map(policy.goodlist.map((g) => [g.commit, g.reason]));
    this.tip = from;
  }

  /** Whether a walked commit's verdict leaned on a policy not known yet to pass on: it waits for settle. */
  isUnsettled(oid: string): boolean {
    return this.unsettled.has(oid);
  }

  /** After the walk: an unsettled commit's verdict, by the policies found to pass on (pre-root-judges.ts). */
  settle(c: TrustedCommit): Promise<TrustedCommit> {
    const once = this.unsettled.get(c.oid) ?? false;
    return settleCommit(c, once, {
      tip: this.tip,
      passesOn: (oid) => this.policyOkOf(oid),
      accepted: this.accepted,
      policyAt: (at) => this.landedPolicy(at),
      verify: (p) => this.verifier.verify(c, this.store.trustIdOf(p), p, c.trust.ownPolicy),
    });
  }

  /** Set before the walk: the policy accepted where a branch forked before the root lands (it judges it). */
  accepted: AcceptedPolicy | undefined;

  close(): void {
    this.verifier.close();
  }

  /** The policy in a .gitguard tree (memoised by tree id: it changes rarely). */
  policyAt(treeOid: string, where: string): Promise<Policy | undefined> {
    return this.store.at(treeOid, where);
  }

  // Runs once per commit. Everything it needs is usually known already (parents come first, verdicts
  // come from the cache), so it runs synchronously, and returns a promise only when something has to
  // be read or verified (see steps.ts). It may throw as well as reject.
  enrich(commit: CommitRecord): TrustedCommit | Promise<TrustedCommit> {
    // Recorded before the first await, like the flags below: children are enriched right after.
    const own = this.paths.recordWalked(commit);
    this.times.record(commit.oid, commit.committer.time, commit.parents);
    const isRoot = commit.oid === this.trustRootOid;
    const parentRooted = isRoot ? commit.parents.map(() => false) : commit.parents.map((p) => this.rooted.of(p)); // the root's own are not asked
    this.rooted.set(
      commit.oid,
      isRoot || parentRooted.some((r) => r === true)
        ? true
        : parentRooted.every((r) => r === false)
          ? false
          : Promise.all(parentRooted.map((r) => Promise.resolve(r))).then((rs) => rs.some(Boolean)),
    );
    this.shared.record(commit.oid, isRoot, commit.parents, parentRooted);
    let settle: ((ok: boolean) => void) | undefined;
    let settled = false;
    const done = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      this.policyOk.set(commit.oid, ok); // a plain boolean: one per commit, not a promise
      if (this.rooted.get(commit.oid) === true)
        this.vetted.record(commit.oid, commit.parents, ok ? this.paths.knownTree(commit.oid) : undefined);
      settle?.(ok);
    };
    let judged: TrustedCommit | Promise<TrustedCommit>;
    try {
      judged = runSteps(this.judgeCommit(commit, own, parentRooted, isRoot, done));
    } catch (err) {
      done(false);
      throw err;
    }
    if (!(judged instanceof Promise)) {
      done(this.passesPolicyOn(judged));
      return judged;
    }
    // Still pending: children walked meanwhile wait for whether this commit's policy passes on.
    if (!settled) this.policyOk.set(commit.oid, new Promise<boolean>((res) => (settle = res)));
    return judged.then(
      (trusted) => {
        done(this.passesPolicyOn(trusted));
        return trusted;
      },
      (err: unknown) => {
        done(false);
        throw err;
      },
    );
  }

  /** Whether this commit's policy may judge its children (see policyOk). */
  private passesPolicyOn(c: TrustedCommit): boolean {
    const t = c.trust;
    if (!t.ownPolicy) return false;
    if (t.trustRoot) return true;
    // Judged by no policy: only a maintainer's goodlisting (at the tip) vouches for what it brought in.
    if (t.mode !== 'policy') return t.mode === 'no-policy' && judge(c).status === 'goodlisted' && this.restores(c);
    if (!t.policyChanged) return true; // the same policy as a parent whose policy judged it
    // Excused by the tip's goodlist alone: only a policy brought back passes on (vetted-trees.ts).
    const alone = !!t.tipGoodlist && !policyChangeAuthorized({ ...c, trust: { ...t, tipGoodlist: undefined } });
    return policyChangeAuthorized(c) && (!alone || this.restores(c));
  }

  /** Whether a commit's policy is the one in force before it (vetted-trees.ts). */
  private restores(c: TrustedCommit): boolean {
    const own = this.paths.knownTree(c.oid);
    return !!own && own === this.vetted.before(c.parents);
  }

  /**
   * `early` is told as soon as it is known whether the commit passes its policy on, before any
   * verification. Each `yield` is an await that costs nothing when the value is at hand (steps.ts).
   */
  private *judgeCommit(
    commit: CommitRecord,
    own: OwnPaths | Promise<OwnPaths>,
    parentRooted: Array<boolean | Promise<boolean>>,
    isRoot: boolean,
    early: (ok: boolean) => void,
  ): Steps<TrustedCommit> {
    const { tree: ownTree, state: ownState } = (yield own) as OwnPaths;
    // What a commit changes is measured against the parents whose policy counts (those descending
    // from the trust root): content taken over from an unrelated history is a change like any other.
    const rootedFlags = (yield isRoot ? commit.parents.map(() => false) : known(parentRooted)) as boolean[];
    // A parent forked before the root (a pull request open on adoption day) counts too: the root's
    // policy judged every commit it holds since the fork, so a merge of it is measured against it.
    const sharedFlags =
      rootedFlags.some(Boolean) && !rootedFlags.every(Boolean)
        ? ((yield known(commit.parents.map((p, i) => rootedFlags[i] || this.shared.of(p)))) as boolean[])
        : rootedFlags;
    const counted = sharedFlags.some(Boolean) ? commit.parents.filter((_, i) => sharedFlags[i]) : commit.parents;
    const { changedPaths, ciGateUnknown, ...gate } = yield* watchedChanges(
      this.watched,
      this.paths,
      this.ciGates,
      counted,
      ownState,
      this.cleanMerge,
      commit.oid,
    );
    // A policy that cannot be read judges nothing (the commits it would judge are not authorized, with the reason).
    let broken: { at: string; message: string } | undefined;
    const load = (tree: string, at: string) => this.store.judging(tree, at, (b) => (broken ??= b));
    const ownPolicy = (yield ownTree ? load(ownTree, commit.oid) : undefined) as Policy | undefined;
    const ownBroken = broken;
    const parentTrees: string[] = [];
    for (const p of commit.parents)
      parentTrees.push(this.paths.knownTree(p) ?? ((yield this.paths.treeOf(p)) as string));
    // A policy change is measured against the parents whose policy state is vetted (none, or one
    // that may judge): keeping a policy nobody vouched for is not "unchanged".
    const vetted = (yield known(
      commit.parents.map((p, i) => !isRoot && rootedFlags[i] === true && (parentTrees[i] === '' || this.policyOkOf(p))),
    )) as boolean[];
    const countedTrees = vetted.some(Boolean)
      ? parentTrees.filter((_, i) => vetted[i])
      : parentTrees.filter((_, i) => counted.includes(commit.parents[i]!));
    // A merge that keeps one parent's policy but not another's changes the other's (see watched-changes.ts).
    let policyChanged = countedTrees.length ? countedTrees.some((t) => t !== ownTree) : ownTree !== '';
    // Two vetted policies merged as the merge button merges them (no hand resolution): each side's
    // change was authorized where it was made, so the merged policy is no new change.
    if (policyChanged && ownTree && vetted.length >= 2 && vetted.every(Boolean) && this.cleanMerge) {
      const [id] = (yield this.cleanMerge(commit.parents, [POLICY_DIR], [entryOf(TREE_MODE, ownTree)])) as Array<
        string | null | undefined
      >;
      if (folderId(id) === ownTree) policyChanged = false;
    }
    // Most commits keep a vetted parent's policy (or are the root): their children need not wait
    // for this commit's signature to be checked, so verifications still overlap.
    if (ownPolicy && (isRoot || (!policyChanged && vetted.some(Boolean)))) early(true);
    else if (!ownTree) early(false);
    // Only the trust root is judged by its own policy; every other commit by the policies of its
    // parents that descend from the trust root. A policy that came in through an unrelated history
    // (an orphan branch merged with --allow-unrelated-histories) never judges anything.
    const judges: Array<{ policy: Policy; from: string }> = [];
    let unvetted: string | undefined;
    let rootedParents = 0;
    if (isRoot) {
      if (ownPolicy) judges.push({ policy: ownPolicy, from: commit.oid });
    } else {
      broken = undefined;
      for (let i = 0; i < parentTrees.length; i += 1) {
        if (!rootedFlags[i]) continue;
        rootedParents += 1;
        const tree = parentTrees[i]!;
        if (!tree) continue;
        const pol = (yield load(tree, commit.parents[i]!)) as Policy | undefined;
        if (!((yield pol ? this.policyOkOf(commit.parents[i]!) : true) as boolean)) {
          unvetted ??= commit.parents[i]!;
          continue;
        }
        if (pol && !judges.some((j) => j.policy === pol)) judges.push({ policy: pol, from: commit.parents[i]! });
      }
      // Forked before the trust root, brought in after it (merged, or pushed onto an older branch): see preRootJudges.
      const { trustRootOid: root, accepted } = this;
      if (!rootedParents && root && ((yield this.shared.of(commit.oid)) as boolean)) {
        let pol: Policy | undefined;
        if (!accepted || accepted.recorded) {
          const tree = this.paths.knownTree(root) ?? ((yield this.paths.treeOf(root)) as string);
          pol = (yield tree ? load(tree, root) : undefined) as Policy | undefined;
        }
        const pre = (yield preRootJudges(commit.oid, accepted, pol && { policy: pol, from: root })) as PreRootJudges;
        judges.push(...pre.judges);
        // Judged once more after the walk, by the policies then known to pass on (HEAD's is walked last).
        if (pre.once || pre.judges.some((j) => j.from !== root)) this.unsettled.set(commit.oid, pre.once);
      }
    }
    const trust = yield* commitTrust(
      commit,
      judges,
      ownPolicy,
      { isRoot, broken: isRoot ? ownBroken : broken, rootedParents, unvetted },
      { policyChanged, changedPaths, ...gate },
      {
        verifier: this.verifier,
        store: this.store,
        trustRootOid: this.trustRootOid,
        userKeys: this.userKeys,
        userTrustId: this.userTrustId,
        checkoutKeys: this.checkoutKeys,
      },
    );
    if (ciGateUnknown) trust.ciGateUnknown = true;
    if (changedPaths.some((p) => this.origins.has(p))) trust.pathOrigins = this.origins;
    if (commit.mergetags.length)
      trust.mergetags = (yield verifyMergetags(
        commit,
        mergetagKeys(trust, this.store, this.userKeySet),
        (oid, keys, task) => this.verifier.checkTag(oid, keys, task),
        this.reader,
        this.times.reachOf,
      )) as TrustedCommit['trust']['mergetags'];
    if (this.revoked) trust.revoked = this.revoked;
    yield this.times.floor(trust, commit.parents);
    if (this.tipGoodlist) trust.tipGoodlist = this.tipGoodlist;
    if (this.tipGoodlist?.has(commit.oid) && !this.unsettled.has(commit.oid)) this.unsettled.set(commit.oid, false);
    const trusted = commit as TrustedCommit;
    trusted.trust = trust;
    return trusted;
  }

  /** Judges a signed tag (tagger as committer and author) by the policy at the tip, or the user's keys. */
  trustTag(tag: TagRecord, policy: Policy | undefined, madeAfter?: number): Promise<TrustedCommit> {
    return trustTag(tag, policy ? this.store.keysOf(policy) : this.userKeySet, this.verifier, this.revoked, madeAfter);
  }
}
