// Sets up the one walk over history that every per-commit rule (and `gitguard verify`) consumes:
// the scope (HEAD, --all, a range, from the trust root on), the shadow git dir, and, when signature
// rules run, the trust collector that attaches policies and verdicts to each commit.
import { readBounded, UnsafeFileError } from '../collect/safe-fs.js';
import { createHash } from 'node:crypto';
import { ExpectedError, GitError, firstLine } from '../errors.js';
import type { CommitFacts, HistoryFacts, RepositoryInfo } from '../model.js';
import { createShadow, gitText, type Shadow } from '../collect/git.js';
import { walkCommitBatches, walkCommits } from '../collect/commits.js';
import { parseCommitObject } from '../collect/commit-object.js';
import { ObjectReader } from '../collect/objects.js';
import { parseTagObject, type TagRecord } from '../collect/tag-object.js';
import { POLICY_DIR, TrustCollector, type TrustedCommit } from '../collect/trust.js';
import { VerifyCache } from '../collect/verify-cache.js';
import { loadKeyring } from '../collect/signatures/keyring.js';
import { parseAllowedSigners, type AllowedSigner } from '../collect/signatures/allowed-signers.js';
import type { TrustedKeys } from '../collect/signatures/verify.js';
import type { RawKeys } from '../collect/signatures/pool.js';
import { DEFAULT_PROTECTED_PATHS, type Policy } from '../collect/policy.js';
import { CI_PATHS, watchList } from '../collect/protected-paths.js';
import type { Keyring } from '../collect/signatures/openpgp.js';
import { policyRevocations, revocationMap, revokedKeysFromFile } from '../collect/revocations.js';

export interface TrustOptions {
  /** OpenPGP key files (armored or binary) to check signatures against when there is no policy. */
  keyrings?: string[];
  /** SSH allowed-signers files, likewise. */
  allowedSigners?: string[];
  /** Commits before this one are out of scope; it is trusted by its own policy. */
  trustRoot?: string;
  /** Revocation files (SSH public keys or fingerprints, one per line): signatures by these keys are void. */
  revokedKeys?: string[];
  /** Use and update the verdict cache in .git/gitguard/ (default true). */
  cache?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface HistoryScope {
  all?: boolean;
  /** A revision range as git takes it ("main~10..main", "v1.0..", a single commit). */
  range?: string;
  /** CI: only commits after this revision (base..HEAD, or base..each tip with all). */
  base?: string;
  /** Exact revisions (object ids, ^id to exclude), as the pre-push check computes them. */
  revisions?: string[];
  /** Object folders beyond the repository's own (a pushed update in pre-receive quarantine). */
  objectDirs?: string[];
}

export interface HistorySession {
  revisions: string[];
  description: string;
  /** The policy at the tip (HEAD), when signature checks run and there is one. */
  headPolicy?: Policy;
  trustRoot?: string;
  commits(): AsyncGenerator<CommitFacts>;
  /** The same commits in arrays, in order: cheaper for consumers that look at every one. */
  batches(): AsyncGenerator<CommitFacts[]>;
  /** Annotated tags under refs/tags, each judged like a commit (tagger as the identity). */
  tags(): Promise<TrustedTag[]>;
  close(): void;
}

export interface TrustedTag {
  ref: string;
  tag: TagRecord;
  judged: TrustedCommit;
}

/** A key file named on the command line (a whole exported keyring fits). */
const USER_KEY_FILE_MAX = 64 * 1024 * 1024;

function readKeyFile(file: string): Buffer {
  try {
    return readBounded(file, USER_KEY_FILE_MAX, { follow: true });
  } catch (err) {
    if (err instanceof UnsafeFileError) throw new ExpectedError(`cannot read key file ${err.message}`);
    throw new ExpectedError(`cannot read key file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

async function loadUserKeys(opts: TrustOptions, cache: VerifyCache | undefined): Promise<(TrustedKeys & { id: string; raw: RawKeys }) | undefined> {
  const pgp = (opts.keyrings ?? []).map((file) => ({ file, data: readKeyFile(file) }));
  const ssh = (opts.allowedSigners ?? []).map((file) => ({ file, data: readKeyFile(file) }));
  if (!pgp.length && !ssh.length) return undefined;
  const id = createHash('sha256');
  for (const k of [...pgp, ...ssh]) id.update(k.file).update('\0').update(k.data);
  const keysId = id.copy().digest('hex');
  let loaded: Promise<Keyring> | undefined;
  const load = (): Promise<Keyring> => {
    loaded ??= loadKeyring(pgp).catch((err: Error) => {
      throw new ExpectedError(firstLine(err.message));
    });
    return loaded;
  };
  // Keys are parsed up front so a bad key file is reported at once, unless this exact set (same
  // bytes) parsed cleanly in an earlier run: then only when a signature needs them.
  let keyring: Keyring | (() => Promise<Keyring>) | undefined;
  if (pgp.length) {
    if (cache?.knownGoodKeys(keysId)) keyring = load;
    else {
      keyring = await load();
      cache?.markGoodKeys(keysId);
    }
  }
  const allowedSigners: AllowedSigner[] = [];
  for (const k of ssh) {
    try {
      allowedSigners.push(...parseAllowedSigners(k.data.toString('utf8'), k.file));
    } catch (err) {
      throw new ExpectedError(firstLine((err as Error).message));
    }
  }
  const raw: RawKeys = { openpgp: pgp, allowedSigners: ssh.map((k) => ({ file: k.file, text: k.data.toString('utf8') })) };
  return { ...(keyring ? { keyring } : {}), allowedSigners, id: id.digest('hex').slice(0, 16), raw };
}

async function resolveCommit(repo: RepositoryInfo, rev: string, what: string): Promise<string> {
  if (rev.startsWith('-')) throw new ExpectedError(`${what} "${rev}" is not a revision`);
  try {
    return await gitText(['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`], { gitDir: repo.gitDir, timeoutMs: 30_000 });
  } catch (err) {
    if (err instanceof GitError) throw new ExpectedError(`${what} "${rev}" is not a commit in ${repo.path}`);
    throw err;
  }
}

async function resolveRange(repo: RepositoryInfo, range: string): Promise<string[]> {
  if (range.startsWith('-')) throw new ExpectedError(`"${range}" is not a revision range`);
  try {
    const out = await gitText(['rev-parse', '--revs-only', '--end-of-options', range], { gitDir: repo.gitDir, timeoutMs: 30_000 });
    const revs = out.split('\n').filter(Boolean);
    if (!revs.length) throw new ExpectedError(`"${range}" names no commits`);
    return revs;
  } catch (err) {
    if (err instanceof GitError) throw new ExpectedError(`"${range}" is not a revision range in ${repo.path}: ${firstLine(err.stderr)}`);
    throw err;
  }
}

export async function openHistory(repo: RepositoryInfo, history: HistoryFacts, scope: HistoryScope, withTrust: boolean, trust: TrustOptions = {}, watchProtected = false): Promise<HistorySession> {
  let revisions: string[];
  let description: string;
  if (scope.revisions) {
    revisions = [...scope.revisions];
    description = `${revisions.filter((r) => !r.startsWith('^')).length} tip(s) to publish`;
  } else if (scope.range) {
    revisions = await resolveRange(repo, scope.range);
    description = `range ${scope.range}`;
  } else if (scope.all) {
    revisions = [...new Set(history.refs.filter((r) => !r.name.startsWith('refs/replace/')).map((r) => r.peeled ?? r.oid))];
    description = `all refs (${revisions.length} tips)`;
  } else if (history.head.oid) {
    revisions = [history.head.oid];
    description = `HEAD${history.head.ref ? ` (${history.head.ref})` : ''}`;
  } else {
    revisions = [];
    description = 'HEAD has no commits yet';
  }
  if (scope.base && revisions.length) {
    const base = await resolveCommit(repo, scope.base, '--base');
    revisions = [...revisions, `^${base}`];
    description += `, after --base ${base.slice(0, 12)}`;
  }

  const shadow: Shadow = createShadow(repo.commonDir, repo.objectFormat, scope.objectDirs);
  const reader = new ObjectReader(shadow);
  const collectors: TrustCollector[] = [];
  const close = (): void => {
    for (const c of collectors) c.close();
    reader.close();
    shadow.dispose();
  };
  try {
    if (!withTrust || revisions.length === 0) {
      return { revisions, description, commits: () => walkCommits(shadow, { revisions, parentsFirst: true }), batches: () => walkCommitBatches(shadow, { revisions, parentsFirst: true }), tags: async () => [], close };
    }
    const cache = trust.cache === false ? undefined : VerifyCache.open(repo.commonDir, trust.env);
    const userKeys = await loadUserKeys(trust, cache);
    const collector = new TrustCollector(reader, repo.objectFormat, userKeys, cache);
    // The policy at the tip names the trust root unless the user does.
    const tip = history.head.oid ?? revisions.find((r) => !r.startsWith('^'));
    let headPolicy: Policy | undefined;
    let headTree: string | undefined;
    if (tip) {
      const tree = await reader.read(`${tip}:${POLICY_DIR}`);
      if (tree?.type === 'tree') {
        headTree = tree.oid;
        try {
          headPolicy = await collector.policyAt(tree.oid, tip);
        } catch (err) {
          throw new ExpectedError(`unreadable policy: ${firstLine((err as Error).message)}`, 'fix .gitguard/policy.yml');
        }
      }
    }
    // Revocations at the tip (and in --revoked-keys files) void a key's signatures everywhere in scope.
    const fileRevocations = (trust.revokedKeys ?? []).map((file) => revokedKeysFromFile(readKeyFile(file), file));
    collector.setTipGoodlist(headPolicy);
    collector.setRevocations(revocationMap(headPolicy ? await policyRevocations(headPolicy, headTree && `policy:${headTree}`, cache) : [], ...fileRevocations));
    const rootRev = trust.trustRoot ?? headPolicy?.trustRoot;
    let trustRoot: string | undefined;
    if (rootRev) {
      trustRoot = await resolveCommit(repo, rootRev, trust.trustRoot ? '--trust-root' : 'the policy\'s trust_root');
      const raw = await reader.read(trustRoot);
      if (!raw) throw new ExpectedError(`trust root ${trustRoot} is missing from the repository`);
      const root = parseCommitObject(trustRoot, raw.body);
      // History before the trust root is out of scope: stop the walk at its parents.
      revisions = [...revisions, ...root.parents.map((p) => `^${p}`)];
      description += `, from trust root ${trustRoot.slice(0, 12)}`;
    }
    // Protected paths are watched in the same pass: the tip policy's patterns (or the defaults), and
    // the CI configuration, whose gitguard step must not silently disappear.
    const watch = watchList(headPolicy?.protected.paths ?? DEFAULT_PROTECTED_PATHS);
    const watched = watchProtected ? [...new Set([...watch.paths.filter((p) => p !== POLICY_DIR && !p.startsWith(`${POLICY_DIR}/`)), ...CI_PATHS])] : [];
    collector.setScope(trustRoot, watched);
    const active = collector;
    collectors.push(active);
    async function* batches(): AsyncGenerator<CommitFacts[]> {
      // enrich() records each commit's policy before it first awaits, so children always see their
      // parents; up to 256 commits are in flight at once so their signature checks overlap.
      let pending: Array<Promise<CommitFacts>> = [];
      try {
        for await (const records of walkCommitBatches(shadow, { revisions, parentsFirst: true, paths: [POLICY_DIR, ...watched] })) {
          for (const c of records) {
            const p = active.enrich(c);
            p.catch(() => undefined); // a failure surfaces through Promise.all below, not as unhandled
            pending.push(p);
          }
          if (pending.length >= 256) {
            const done = pending;
            pending = [];
            yield await Promise.all(done);
          }
        }
        if (pending.length) yield await Promise.all(pending);
      } finally {
        cache?.save();
      }
    }
    async function* commits(): AsyncGenerator<CommitFacts> {
      for await (const batch of batches()) yield* batch;
    }
    const tags = async (): Promise<TrustedTag[]> => {
      const out: TrustedTag[] = [];
      for (const ref of history.refs) {
        if (!ref.name.startsWith('refs/tags/') || ref.type !== 'tag') continue;
        const o = await reader.read(ref.oid);
        if (o?.type !== 'tag') continue;
        const tag = parseTagObject(ref.oid, o.body);
        out.push({ ref: ref.name, tag, judged: await active.trustTag(tag, headPolicy) });
      }
      return out;
    };
    return { revisions, description, ...(headPolicy ? { headPolicy } : {}), ...(trustRoot ? { trustRoot } : {}), commits, batches, tags, close };
  } catch (err) {
    close();
    throw err;
  }
}
