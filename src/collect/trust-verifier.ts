// The signature checks of the trust walk: each verdict under one trusted key set (a policy's, or the
// user's keys), from the verdict cache when it has one, else checked here or, past poolThreshold()
// checks in one run, by the worker pool.
import type { CommitRecord } from '../domain/commit.js';
import type { Verdict } from '../domain/signature.js';
import {
  commitSignature,
  malformedVerdict,
  verifyCommit,
  verifySignature,
  type TrustedKeys,
} from './signatures/verify.js';
import type { VerifyCache } from './verify-cache.js';
import { poolSize, VerifyPool, type CommitTask, type RawKeys, type Task } from './signatures/pool.js';
import type { MergetagKeys } from './mergetags.js';
import { withBoundSubkeys } from './signatures/keyring.js';
import { runEnv } from './run-context.js';

/**
 * Past this many signatures to check in one run, verification moves to worker threads: 64, or
 * GITGUARD_POOL_THRESHOLD (a whole number; the tests take the pool's path with a short history).
 */
export function poolThreshold(env: NodeJS.ProcessEnv = runEnv()): number {
  const n = Number(env.GITGUARD_POOL_THRESHOLD);
  return env.GITGUARD_POOL_THRESHOLD && Number.isSafeInteger(n) && n >= 0 ? n : 64;
}

/**
 * How many verification threads a walk of `commits` commits starts (pool.ts): a thread costs about
 * 0.2-0.3 CPU-seconds to start (loading openpgp.js and the keys, and V8 compiling the same code
 * again), what the main thread spends on a few thousand signatures; so none below PER_THREAD
 * commits, then one per PER_THREAD, up to poolSize(). Unknown (undefined): poolSize().
 */
export function threadsFor(commits: number | undefined): number {
  if (commits === undefined) return poolSize();
  return Math.min(poolSize(), Math.floor(commits / PER_THREAD));
}
const PER_THREAD = 4096;

export class TrustVerifier {
  /** Raw key material per trust id, for the worker pool. */
  private readonly rawKeys = new Map<string, RawKeys>();
  private pool: VerifyPool | undefined;
  private poolTried = false;
  private checked = 0;
  private readonly threshold = poolThreshold();
  /** Told before the walk (expect): how many commits it reads, which sizes the pool. */
  private expected: number | undefined;
  private readonly forcedPool = Boolean(runEnv().GITGUARD_POOL_THRESHOLD);

  constructor(private readonly cache?: VerifyCache) {}

  /** The raw keys behind a trust id, so the workers can check signatures under it. */
  addRawKeys(trustId: string, raw: RawKeys): void {
    this.rawKeys.set(trustId, raw);
  }

  close(): void {
    this.pool?.close();
  }

  /**
   * The walk's length, once its list is read: the pool is sized by it (threadsFor). Not with
   * GITGUARD_POOL_THRESHOLD set, which asks for the pool's path on a short history.
   */
  expect(commits: number): void {
    if (!this.forcedPool) this.expected = commits;
  }

  /** One embedded tag's signature under one key set: cached by the tag's id, in a worker once the pool runs. */
  checkTag(oid: string, k: MergetagKeys, task: Omit<Task, 'trustId'>): Promise<Verdict> {
    return this.cached(oid, k.trustId, () =>
      this.pool && this.rawKeys.has(k.trustId)
        ? this.pool.verify({ trustId: k.trustId, ...task })
        : verifySignature(task.payload, task.armored, k.keys, task.at, task.identity),
    );
  }

  async cached(oid: string, trustId: string, check: () => Promise<Verdict>): Promise<Verdict> {
    const hit = this.cache?.get(oid, trustId);
    if (hit) return hit;
    const v = await check();
    this.cache?.set(oid, trustId, v);
    return v;
  }

  /**
   * A verdict at once when it is known (unsigned, cached), else the promise of one. `carried`: the
   * commit's own keys, which may lend a new signing subkey of a primary key `keys` trusts (a rotation).
   */
  verify(commit: CommitRecord, trustId: string, keys: TrustedKeys, carried?: TrustedKeys): Verdict | Promise<Verdict> {
    // Cached verdicts belong to the bytes that hash to the id; bytes swapped in under it prove nothing.
    if (!commit.hashOk)
      return {
        letter: 'B',
        format: 'unknown',
        identities: [],
        reason: 'the object stored under this commit id does not hash to it: its content was altered',
      };
    if (commit.malformed) return malformedVerdict('commit', commit.malformed);
    if (commit.signatures.length === 0) return { letter: 'N', format: 'none', identities: [] };
    const cached = this.cache?.get(commit.oid, trustId);
    const v = cached ?? this.check(commit, trustId, keys);
    if (!carried?.keyring || carried.keyring === keys.keyring) return v;
    return v instanceof Promise
      ? v.then((x) => this.rotated(commit, trustId, keys, carried, x))
      : this.rotated(commit, trustId, keys, carried, v);
  }

  /**
   * A signature by a key `keys` lacks, checked again with the subkeys the commit's own key files bind
   * to primaries `keys` trusts. The commit id fixes its own keys, so the verdict is cached as usual.
   */
  private rotated(
    commit: CommitRecord,
    trustId: string,
    keys: TrustedKeys,
    carried: TrustedKeys,
    v: Verdict,
  ): Verdict | Promise<Verdict> {
    if (v.letter !== 'E' || !v.missingKey || v.format !== 'openpgp' || !keys.keyring) return v;
    return (async () => {
      const load = (k: NonNullable<TrustedKeys['keyring']>) => (typeof k === 'function' ? k() : k);
      const ring = await withBoundSubkeys(await load(keys.keyring!), await load(carried.keyring!));
      if (!ring) return v;
      const again = await verifyCommit(commit, { keyring: ring, allowedSigners: keys.allowedSigners });
      if (again.letter === 'E' && again.missingKey) return v;
      this.cache?.set(commit.oid, trustId, again);
      return again;
    })();
  }

  // Not async: one promise per signature (the pool's, or verifyCommit's), not three (every promise
  // pays AsyncLocalStorage's hook, steps.ts); a throw still comes back as a rejection.
  private check(commit: CommitRecord, trustId: string, keys: TrustedKeys): Promise<Verdict> {
    let pending: Promise<Verdict>;
    try {
      this.checked += 1;
      if (!this.poolTried && this.checked > this.threshold) {
        this.poolTried = true;
        this.pool = VerifyPool.create(this.rawKeys, threadsFor(this.expected));
      }
      const sig = commitSignature(commit);
      const at = commit.committer.time;
      const identity = commit.committer.email;
      pending =
        this.pool && sig && 'armored' in sig && this.rawKeys.has(trustId)
          ? this.pool.verify(
              commit.writeSigned && commit.signedMaxBytes !== undefined
                ? { trustId, commit: commit as CommitTask['commit'], at, identity }
                : { trustId, payload: commit.payload, armored: sig.armored, at, identity },
            )
          : verifyCommit(commit, keys);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return pending.then((v) => {
      this.cache?.set(commit.oid, trustId, v);
      return v;
    });
  }
}
