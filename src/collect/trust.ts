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
import { CommitFlags } from './commit-flags.js';
import { PolicyStore } from './policy-store.js';
import { CiGateReader } from './ci-runs-gitguard.js';
import { TrustVerifier } from './trust-verifier.js';
import { commitTrust } from './commit-trust.js';
import type { RevokedKeys } from '../domain/trust.js';
import { OidIndex } from '../domain/oid-index.js';
import { WatchedPaths, type OwnPaths } from './watched-paths.js';
import { NO_DERIVED, type DerivedWatch } from './derived-paths.js';
import { watchedChanges, type CleanMerge } from './watched-changes.js';
import { runSteps, type Steps } from './steps.js';
import { type AcceptedPolicy, RootRelation, SharedHistory } from './shared-history.js';
import { settleCommit } from './pre-root-judges.js';
import { countedParents, parentJudges, passesPolicyOn, policyChange, type JudgeContext } from './policy-judges.js';
import { VettedTrees } from './vetted-trees.js';
import { ParentTimes } from './parent-times.js';
import { POLICY_DIR, type TrustedCommit } from '../domain/trust.js';

export class TrustCollector implements JudgeContext {
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
  readonly paths: WatchedPaths;

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
  trustRootOid: string | undefined;
  /** Protected paths watched besides .gitguard (see protected-paths.ts). */
  private watched: readonly string[] = [];
  /** Watched paths found at the tip -> the protected path each stands for (derived-paths.ts). */
  private origins = NO_DERIVED.origins;
  /** Per commit: is it the trust root or a descendant of it? Only such commits' policies may judge. */
  private readonly rooted = new RootRelation(this.index);
  /** Per commit: does it share history with the trust root? (Forked before it: its policy judges.) */
  readonly shared = new SharedHistory(this.index);
  /** Per commit: may its policy judge its children? Yes for the trust root's, for one inherited unchanged from a
   *  parent whose policy may, and for a change a maintainer of that parent's policy signed (or the tip's goodlist
   *  accepts). A policy brought in any other way (from an unrelated history, or without a maintainer) judges nothing. */
  private readonly policyOk = new CommitFlags(this.index);
  /** The policy the tip's goodlist may bring back per commit (vetted-trees.ts). */
  readonly vetted = new VettedTrees(this.index);
  readonly times: ParentTimes; // the floor of signing times and tags' (parent-times.ts), kept for the checkpoint's tips
  /** Judged by a policy not known yet to pass on, so judged again after the walk (settle); value: pre-root, judged once. */
  readonly unsettled = new Map<string, boolean>();

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
  cleanMerge: CleanMerge | undefined;

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
      done(passesPolicyOn(this, judged));
      return judged;
    }
    // Still pending: children walked meanwhile wait for whether this commit's policy passes on.
    if (!settled) this.policyOk.set(commit.oid, new Promise<boolean>((res) => (settle = res)));
    return judged.then(
      (trusted) => {
        done(passesPolicyOn(this, trusted));
        return trusted;
      },
      (err: unknown) => {
        done(false);
        throw err;
      },
    );
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
    const { rootedFlags, counted } = yield* countedParents(this, commit, parentRooted, isRoot);
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
    const { parentTrees, vetted, policyChanged } = yield* policyChange(
      this,
      commit,
      ownTree,
      rootedFlags,
      counted,
      isRoot,
    );
    // Most commits keep a vetted parent's policy (or are the root): their children need not wait
    // for this commit's signature to be checked, so verifications still overlap.
    if (ownPolicy && (isRoot || (!policyChanged && vetted.some(Boolean)))) early(true);
    else if (!ownTree) early(false);
    if (!isRoot) broken = undefined;
    const { judges, unvetted, rootedParents } = yield* parentJudges(
      this,
      commit,
      { parentTrees, rootedFlags, isRoot, ownPolicy },
      load,
    );
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
