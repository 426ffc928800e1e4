// Attaches to each commit what the signature rules judge: the policies that may authorize it (its
// parents'), the signature verdict under each, and whether it changes the policy itself. Commits
// arrive parents first, so a parent's policy is always known before its children are judged.
import type { CommitRecord } from './commit-object.js';
import { ExpectedError } from '../errors.js';
import { parsePolicy, PolicyError, type Policy } from './policy.js';
import { ObjectReader, parseTree } from './objects.js';
import { commitSignature, malformedVerdict, verifyCommit, verifySignature, type TrustedKeys, type Verdict } from './signatures/verify.js';
import type { TagRecord } from './tag-object.js';
import type { VerifyCache } from './verify-cache.js';
import { VerifyPool, type RawKeys, type Task } from './signatures/pool.js';
import { CI_PATHS } from './protected-paths.js';
import { verifyMergetags, type MergetagKeys, type MergetagTrust } from './mergetags.js';
import type { RevokedKeys } from './revocations.js';

/** Past this many signatures to check in one run, verification moves to worker threads. */
const POOL_THRESHOLD = 64;

export const POLICY_DIR = '.gitguard';

export interface Verification {
  /** The parent policy this verdict was computed under; undefined when judged by user-supplied keys. */
  policy?: Policy;
  verdict: Verdict;
}

export interface CommitTrust {
  /** policy: judged by its parents' policies; keys: by keys the user supplied; none: no keys at all. */
  mode: 'policy' | 'keys' | 'none';
  verifications: Verification[];
  /** The policy at this commit, if it has one. */
  ownPolicy?: Policy;
  /** Its .gitguard folder differs from a parent's (added, changed or removed). */
  policyChanged: boolean;
  /** The first commit carrying a policy: it is trusted by that policy itself. */
  trustRoot: boolean;
  /** Watched protected paths whose content differs from every parent's (added, changed, removed). */
  changedPaths: string[];
  /** A CI configuration that ran gitguard in a parent no longer does here. */
  ciGateRemoved: boolean;
  /** Signed tags embedded in a merge ("mergetag" headers), checked with the keys that judge it. */
  mergetags?: MergetagTrust[];
  /** Keys revoked at the tip or by --revoked-keys: void whichever policy judges (one shared map). */
  revoked?: RevokedKeys;
  /** The goodlist of the policy at the tip (commit id -> reason): one shared map. */
  tipGoodlist?: ReadonlyMap<string, string>;
}

export interface TrustedCommit extends CommitRecord {
  trust: CommitTrust;
}

export class TrustCollector {
  /** Policy tree id of each commit walked ('' = none). Small strings, one per commit. */
  private readonly policyTreeOf = new Map<string, string>();
  private readonly policies = new Map<string, Promise<Policy | undefined>>();
  /** The tree id each loaded policy came from: what verdicts are cached under. */
  private readonly treeIdOf = new WeakMap<Policy, string>();
  private readonly oidBytes: 20 | 32;
  /** Raw key material per trust id, for the worker pool. */
  private readonly rawKeys = new Map<string, RawKeys>();
  private pool: VerifyPool | undefined;
  /** Ids of the watched paths in each commit (arrays shared between commits with the same state). */
  private readonly pathStateOf = new Map<string, readonly (string | null)[]>();
  private readonly states = new Map<string, readonly (string | null)[]>();
  private readonly gateOf = new Map<string, Promise<boolean>>();
  private poolTried = false;
  private checked = 0;

  constructor(
    private readonly reader: ObjectReader,
    objectFormat: 'sha1' | 'sha256',
    private readonly userKeys: (TrustedKeys & { id: string; raw: RawKeys }) | undefined,
    private readonly cache?: VerifyCache,
  ) {
    this.oidBytes = objectFormat === 'sha256' ? 32 : 20;
    if (userKeys) this.rawKeys.set(`keys:${userKeys.id}`, userKeys.raw);
    this.userTrustId = userKeys && `keys:${userKeys.id}`;
  }

  private readonly userTrustId: string | undefined;
  private trustRootOid: string | undefined;
  /** Protected paths watched besides .gitguard (see protected-paths.ts). */
  private watched: readonly string[] = [];

  /** Set before the walk: the explicit trust root, and the paths the walk looks up in each commit. */
  setScope(trustRootOid: string | undefined, watched: readonly string[]): void {
    this.trustRootOid = trustRootOid;
    this.watched = watched;
  }

  private revoked: RevokedKeys | undefined;
  /** Set before the walk: the revocations every commit and tag is judged with (see revocations.ts). */
  setRevocations(revoked: RevokedKeys): void {
    if (revoked.size) this.revoked = revoked;
  }

  private tipGoodlist: ReadonlyMap<string, string> | undefined;
  /**
   * The tip policy's goodlist applies to every commit in scope. A parent's policy can never name
   * its child (the child's id depends on the parent), so an exception recorded after the fact has
   * to come from a later policy: the current one, whose changes needed a maintainer.
   */
  setTipGoodlist(policy: Policy | undefined): void {
    if (policy?.goodlist.length) this.tipGoodlist = new Map(policy.goodlist.map((g) => [g.commit, g.reason]));
  }

  close(): void {
    this.pool?.close();
  }

  /** The policy in a .gitguard tree (memoised by tree id: it changes rarely). */
  policyAt(treeOid: string, where: string): Promise<Policy | undefined> {
    let p = this.policies.get(treeOid);
    if (!p) {
      p = this.loadPolicy(treeOid, where).then((pol) => {
        if (pol) this.treeIdOf.set(pol, treeOid);
        return pol;
      });
      this.policies.set(treeOid, p);
    }
    return p;
  }

  private async loadPolicy(treeOid: string, where: string): Promise<Policy | undefined> {
    const label = `${POLICY_DIR} at ${where.slice(0, 12)}`;
    const tree = await this.reader.read(treeOid);
    if (!tree || tree.type !== 'tree') return undefined;
    const entries = parseTree(tree.body, this.oidBytes);
    const blob = async (oid: string, name: string): Promise<Buffer> => {
      const o = await this.reader.read(oid);
      if (!o || o.type !== 'blob') throw new PolicyError(`${label}: ${name} is not a file`);
      if (o.body.length > 1024 * 1024) throw new PolicyError(`${label}: ${name} is larger than 1 MiB`);
      return o.body;
    };
    const policyEntry = entries.find((e) => e.name === 'policy.yml');
    if (!policyEntry) return undefined;
    const signersEntry = entries.find((e) => e.name === 'allowed_signers');
    const keysEntry = entries.find((e) => e.name === 'keys');
    const keys: { name: string; data: Uint8Array }[] = [];
    if (keysEntry) {
      const kt = await this.reader.read(keysEntry.oid);
      if (kt?.type === 'tree') {
        for (const k of parseTree(kt.body, this.oidBytes)) {
          if (k.mode.startsWith('10')) keys.push({ name: k.name, data: await blob(k.oid, `keys/${k.name}`) });
        }
      }
    }
    const allowedSigners = signersEntry ? (await blob(signersEntry.oid, 'allowed_signers')).toString('utf8') : undefined;
    const policy = await parsePolicy({ label, policyYml: (await blob(policyEntry.oid, 'policy.yml')).toString('utf8'), keys, allowedSigners });
    this.rawKeys.set(`policy:${treeOid}`, {
      openpgp: keys.map((k) => ({ file: `keys/${k.name}`, data: k.data })),
      allowedSigners: allowedSigners === undefined ? [] : [{ file: 'allowed_signers', text: allowedSigners }],
    });
    return policy;
  }

  /** Policy tree id of a commit: from the walk, or looked up for a parent outside it. */
  private async treeOf(commitOid: string): Promise<string> {
    const known = this.policyTreeOf.get(commitOid);
    if (known !== undefined) return known;
    const o = await this.reader.read(`${commitOid}:${POLICY_DIR}`);
    const tree = o?.type === 'tree' ? o.oid : '';
    this.policyTreeOf.set(commitOid, tree);
    return tree;
  }

  private async policyOf(commitOid: string): Promise<Policy | undefined> {
    const tree = await this.treeOf(commitOid);
    return tree ? this.policyAt(tree, commitOid) : undefined;
  }

  /** The commit's watched-path ids, interned so equal states share one array. */
  private recordState(commit: CommitRecord): readonly (string | null)[] {
    const ids = this.watched.map((p) => commit.pathOids?.[p] ?? null);
    const key = ids.join(' ');
    let state = this.states.get(key);
    if (!state) {
      state = ids;
      this.states.set(key, state);
    }
    this.pathStateOf.set(commit.oid, state);
    return state;
  }

  private async stateOf(commitOid: string): Promise<readonly (string | null)[]> {
    const known = this.pathStateOf.get(commitOid);
    if (known) return known;
    const ids = await Promise.all(this.watched.map(async (p) => (await this.reader.read(`${commitOid}:${p}`))?.oid ?? null));
    this.pathStateOf.set(commitOid, ids);
    return ids;
  }

  /** Whether the CI configuration in this state runs gitguard (its files mention it). */
  private ciGate(state: readonly (string | null)[]): Promise<boolean> {
    const ids = CI_PATHS.map((p) => state[this.watched.indexOf(p)] ?? null);
    const key = ids.join(' ');
    let gate = this.gateOf.get(key);
    if (!gate) {
      gate = (async () => {
        for (const id of ids) {
          if (!id) continue;
          const o = await this.reader.read(id);
          if (!o) continue;
          const blobs = o.type === 'tree' ? parseTree(o.body, this.oidBytes).filter((e) => /\.ya?ml$/.test(e.name)).map((e) => e.oid) : [id];
          for (const b of blobs) {
            const f = b === id ? o : await this.reader.read(b);
            if (f?.type === 'blob' && /\bgitguard\b/.test(f.body.toString('utf8'))) return true;
          }
        }
        return false;
      })();
      this.gateOf.set(key, gate);
    }
    return gate;
  }

  /** The policy of a tree id already loaded (undefined: none there, or not loaded yet). */
  private readonly loaded = new Map<string, Policy | undefined>();

  private async policyLoaded(treeOid: string, where: string): Promise<Policy | undefined> {
    if (this.loaded.has(treeOid)) return this.loaded.get(treeOid);
    const p = await this.policyAt(treeOid, where);
    this.loaded.set(treeOid, p);
    return p;
  }

  // Runs once per commit. Everything it needs is usually known already (parents come first, verdicts
  // come from the cache), so it only awaits when something has to be read or verified.
  async enrich(commit: CommitRecord): Promise<TrustedCommit> {
    const ownTree = commit.pathOids?.[POLICY_DIR] ?? '';
    this.policyTreeOf.set(commit.oid, ownTree);
    const ownState = this.watched.length ? this.recordState(commit) : [];
    try {
      let changedPaths: string[] = [];
      let ciGateRemoved = false;
      if (this.watched.length) {
        const parentStates = await Promise.all(commit.parents.map((p) => this.stateOf(p)));
        changedPaths = this.watched.filter((_, i) => (parentStates.length ? parentStates.every((s) => s[i] !== ownState[i]) : ownState[i] !== null));
        const ciTouched = changedPaths.some((p) => (CI_PATHS as readonly string[]).includes(p));
        ciGateRemoved = ciTouched && !(await this.ciGate(ownState)) && (await Promise.all(parentStates.map((s) => this.ciGate(s)))).some(Boolean);
      }
      // Policies already loaded are taken without awaiting: the common case, once per commit.
      const ownPolicy = !ownTree ? undefined : this.loaded.has(ownTree) ? this.loaded.get(ownTree) : await this.policyLoaded(ownTree, commit.oid);
      const parentTrees: string[] = [];
      for (const p of commit.parents) parentTrees.push(this.policyTreeOf.get(p) ?? (await this.treeOf(p)));
      const policyChanged = commit.parents.length ? parentTrees.every((t) => t !== ownTree) : ownTree !== '';
      const parentPolicies: Policy[] = [];
      for (let i = 0; i < parentTrees.length; i += 1) {
        const tree = parentTrees[i]!;
        if (!tree) continue;
        const pol = this.loaded.has(tree) ? this.loaded.get(tree) : await this.policyLoaded(tree, commit.parents[i]!);
        if (pol && !parentPolicies.includes(pol)) parentPolicies.push(pol);
      }
      // The trust root (explicit, or the first commit with a policy) is trusted by its own policy.
      const isRoot = (commit.oid === this.trustRootOid || parentPolicies.length === 0) && ownPolicy !== undefined;
      const judges = isRoot ? [ownPolicy!] : parentPolicies;
      let trust: CommitTrust;
      if (judges.length) {
        const verifications: Verification[] = [];
        for (const policy of judges) {
          const v = this.verify(commit, `policy:${this.treeIdOf.get(policy) ?? policy.label}`, policy);
          verifications.push({ policy, verdict: v instanceof Promise ? await v : v });
        }
        trust = { mode: 'policy', verifications, trustRoot: isRoot, policyChanged, changedPaths, ciGateRemoved };
        if (ownPolicy) trust.ownPolicy = ownPolicy;
      } else if (this.userKeys) {
        const v = this.verify(commit, this.userTrustId!, this.userKeys);
        trust = { mode: 'keys', verifications: [{ verdict: v instanceof Promise ? await v : v }], trustRoot: false, policyChanged, changedPaths, ciGateRemoved };
      } else {
        trust = { mode: 'none', verifications: [{ verdict: await verifyCommit(commit, { allowedSigners: [] }) }], trustRoot: false, policyChanged, changedPaths, ciGateRemoved };
      }
      if (commit.mergetags.length) trust.mergetags = await verifyMergetags(commit, this.mergetagKeys(trust), (oid, keys, task) => this.checkTag(oid, keys, task));
      if (this.revoked) trust.revoked = this.revoked;
      if (this.tipGoodlist) trust.tipGoodlist = this.tipGoodlist;
      const trusted = commit as TrustedCommit;
      trusted.trust = trust;
      return trusted;
    } catch (err) {
      if (err instanceof PolicyError) throw new ExpectedError(`unreadable policy: ${err.message}`, 'fix the policy in a new commit, or audit from a later --trust-root');
      throw err;
    }
  }

  /** Judges a signed tag (tagger as committer and author) by the policy at the tip, or the user's keys. */
  async trustTag(tag: TagRecord, policy: Policy | undefined): Promise<TrustedCommit> {
    const who = tag.tagger ?? { name: '', email: '', time: 0, tz: '+0000' };
    const keysFor = (): { trustId: string; keys: TrustedKeys } | undefined =>
      policy
        ? { trustId: `policy:${this.treeIdOf.get(policy) ?? policy.label}`, keys: { keyring: policy.keyring, allowedSigners: policy.allowedSigners } }
        : this.userKeys
          ? { trustId: `keys:${this.userKeys.id}`, keys: this.userKeys }
          : undefined;
    const k = keysFor();
    // As for commits: a verdict is only the bytes' that hash to the tag's id, and only for a tag read as git reads it.
    const verdict: Verdict = !tag.hashOk
      ? { letter: 'B', format: 'unknown', identities: [], reason: 'the object stored under this tag id does not hash to it: its content was altered' }
      : tag.malformed
        ? malformedVerdict('tag', tag.malformed)
        : !tag.signature
      ? { letter: 'N', format: 'none', identities: [] }
      : k
        ? await this.cached(tag.oid, k.trustId, () => verifySignature(tag.payload, tag.signature!, k.keys, who.time, who.email))
        : await verifySignature(tag.payload, tag.signature, { allowedSigners: [] }, who.time, who.email);
    const record: CommitRecord = {
      oid: tag.oid, tree: '', parents: [], author: who, committer: who, signatures: [], mergetags: [],
      payload: tag.payload, message: tag.message, subject: `tag ${tag.name}`, hashOk: tag.hashOk,
    };
    const mode = policy ? 'policy' : this.userKeys ? 'keys' : 'none';
    return Object.assign(record, {
      trust: { mode, verifications: [{ ...(policy ? { policy } : {}), verdict }], policyChanged: false, trustRoot: false, changedPaths: [], ciGateRemoved: false, ...(this.revoked ? { revoked: this.revoked } : {}) } as CommitTrust,
    });
  }

  /** The key sets that judged a commit, for the tags embedded in it (undefined: no keys at all). */
  private mergetagKeys(trust: CommitTrust): MergetagKeys[] | undefined {
    if (trust.mode === 'keys' && this.userKeys) return [{ trustId: `keys:${this.userKeys.id}`, keys: this.userKeys }];
    if (trust.mode !== 'policy') return undefined;
    return trust.verifications.flatMap(({ policy: p }) => (p ? [{ policy: p, trustId: `policy:${this.treeIdOf.get(p) ?? p.label}`, keys: { keyring: p.keyring, allowedSigners: p.allowedSigners } }] : []));
  }

  /** One embedded tag's signature under one key set: cached by the tag's id, in a worker once the pool runs. */
  private checkTag(oid: string, k: MergetagKeys, task: Omit<Task, 'trustId'>): Promise<Verdict> {
    return this.cached(oid, k.trustId, () => (this.pool && this.rawKeys.has(k.trustId) ? this.pool.verify({ trustId: k.trustId, ...task }) : verifySignature(task.payload, task.armored, k.keys, task.at, task.identity)));
  }

  private async cached(oid: string, trustId: string, check: () => Promise<Verdict>): Promise<Verdict> {
    const hit = this.cache?.get(oid, trustId);
    if (hit) return hit;
    const v = await check();
    this.cache?.set(oid, trustId, v);
    return v;
  }

  /** A verdict at once when it is known (unsigned, cached), else the promise of one. */
  private verify(commit: CommitRecord, trustId: string, keys: TrustedKeys): Verdict | Promise<Verdict> {
    // Cached verdicts belong to the bytes that hash to the id; bytes swapped in under it prove nothing.
    if (!commit.hashOk && commit.signatures.length) return { letter: 'B', format: 'unknown', identities: [], reason: 'the object stored under this commit id does not hash to it: its content was altered' };
    if (commit.malformed) return malformedVerdict('commit', commit.malformed);
    if (commit.signatures.length === 0) return { letter: 'N', format: 'none', identities: [] };
    const cached = this.cache?.get(commit.oid, trustId);
    return cached ?? this.check(commit, trustId, keys);
  }

  private async check(commit: CommitRecord, trustId: string, keys: TrustedKeys): Promise<Verdict> {
    this.checked += 1;
    if (!this.poolTried && this.checked > POOL_THRESHOLD) {
      this.poolTried = true;
      this.pool = VerifyPool.create(this.rawKeys);
    }
    const sig = commitSignature(commit);
    const v = this.pool && sig && 'armored' in sig && this.rawKeys.has(trustId)
      ? await this.pool.verify({ trustId, payload: commit.payload, armored: sig.armored, at: commit.committer.time, identity: commit.committer.email })
      : await verifyCommit(commit, keys);
    this.cache?.set(commit.oid, trustId, v);
    return v;
  }
}
