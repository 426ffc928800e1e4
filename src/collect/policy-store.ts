// The policies a walk meets, each loaded once per .gitguard tree id (a policy changes rarely), with
// its keys handed to the verifier under that id, so verdicts are cached by the policy's content.
import type { Policy } from '../domain/policy.js';
import { PolicyError } from './policy.js';
import type { ObjectReader } from './objects.js';
import { readPolicyTree } from './policy-tree.js';
import type { TrustVerifier } from './trust-verifier.js';
import type { MergetagKeys } from './mergetags.js';

export class PolicyStore {
  private readonly policies = new Map<string, Promise<Policy | undefined>>();
  /** The tree id each loaded policy came from: what verdicts are cached under. */
  private readonly treeIdOf = new WeakMap<Policy, string>();
  /** The policy of a tree id already loaded (undefined: none there), for a lookup without awaiting. */
  private readonly settled = new Map<string, Policy | undefined>();

  constructor(
    private readonly reader: ObjectReader,
    private readonly oidBytes: 20 | 32,
    private readonly verifier: TrustVerifier,
  ) {}

  /** The policy in a .gitguard tree; `where` names the commit in an error. */
  at(treeOid: string, where: string): Promise<Policy | undefined> {
    let p = this.policies.get(treeOid);
    if (!p) {
      p = this.load(treeOid, where).then((pol) => {
        if (pol) this.treeIdOf.set(pol, treeOid);
        return pol;
      });
      this.policies.set(treeOid, p);
    }
    return p;
  }

  /** As at(), and remembered for isLoaded()/get(). */
  async loaded(treeOid: string, where: string): Promise<Policy | undefined> {
    if (this.settled.has(treeOid)) return this.settled.get(treeOid);
    const p = await this.at(treeOid, where);
    this.settled.set(treeOid, p);
    return p;
  }

  /**
   * The policy a walked commit is judged by: at once when loaded (the common case, once per commit);
   * one that cannot be read is no policy, its reason told to `broken`.
   */
  judging(
    treeOid: string,
    at: string,
    broken: (b: { at: string; message: string }) => void,
  ): Policy | undefined | Promise<Policy | undefined> {
    if (this.settled.has(treeOid)) return this.settled.get(treeOid);
    return this.loaded(treeOid, at).catch((err: unknown) => {
      if (!(err instanceof PolicyError)) throw err;
      broken({ at, message: err.message.replace(/^\S+ at [0-9a-f]{12}: /, '') });
      return undefined;
    });
  }

  /** The id a policy's verdicts are cached under. */
  trustIdOf(policy: Policy): string {
    return `policy:${this.treeIdOf.get(policy) ?? policy.label}`;
  }

  /** A policy's key set, its verdicts cached under the tree id it came from. */
  keysOf(policy: Policy): MergetagKeys {
    return {
      policy,
      trustId: this.trustIdOf(policy),
      keys: { keyring: policy.keyring, allowedSigners: policy.allowedSigners },
    };
  }

  private async load(treeOid: string, where: string): Promise<Policy | undefined> {
    const read = await readPolicyTree(this.reader, this.oidBytes, treeOid, where);
    if (!read) return undefined;
    this.verifier.addRawKeys(`policy:${treeOid}`, read.raw);
    return read.policy;
  }
}
