// The walk checkpoint, .git/gitguard/checkpoint.json: what the last complete audit judged, so the
// next one walks only the commits added since (src/engine/incremental.ts decides when it may).
// It lives in a repository that may be hostile, so it is sealed with the per-user HMAC secret the
// verify cache uses (state-secret.ts): a file that does not authenticate is never trusted. Every
// read and write goes through safe-fs (no links followed, no FIFOs, bounded, atomic).
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { HistoryFacts, RepositoryInfo } from '../domain/model.js';
import type { SecretsFacts } from '../domain/content.js';
import { UnsafeFileError, mkdirNoFollow, readBoundedIfExists, readStateFile } from './safe-fs.js';
import { writeFileSafe } from './safe-write.js';
import { openSealed, sealState, userSecret } from './state-secret.js';
import type { RangeRecord } from './range-memo.js';
import { shippedJsonHash } from './shipped-json.js';
import { objectFiles, objectsChangedSince, type ObjectFiles } from './object-files.js';

// v2: what a commit changes at protected paths is judged by mode and id, and a merge equal to one
// parent is a change unless it is the clean merge (red-team round 6): rule states saved before
// may hold a pass for such a commit, so they are not resumed. v3: octopus and criss-cross merges,
// merges of a branch forked before the trust root and merge=union files are compared with what
// merging gives: a v2 state may hold a finding for such a clean merge that would never go away.
// v4: a file the tip's CI runs is a protected change only where a parent's CI ran it: a v3 state
// may hold a finding for an edit made before CI ran the file. v5: a tip inside the judged history
// that the checkpoint did not record is not resumed (red-team round 24): a v4 checkpoint may record
// such a tip (HEAD detached at an old commit) without its state, as if it lay before the trust root.
// v6: a user ID re-certified in the second of its revocation speaks for its address, and a key whose
// user IDs are all revoked signs, as in gpg: a v5 state may hold a finding for such a commit
// (impersonation, a signature that cannot be checked) that would never go away.
// Also v6: a signing time's floor is the latest committer date among all the commit's ancestors, not its
// parents' (red-team round 46): a v5 state may hold a pass for a commit signed by a retired key on a
// parent dated back, and its tips carry no reach.
// v7: a user ID that is not valid UTF-8 is hashed as its bytes, and the secrets scan reads the author
// and committer after a commit with no diff and a header line with a NUL byte: a v6 state may hold a
// finding for a commit signed by such a key (E where git says G), or lack a token the scan missed.
// v8: a key's self-signatures are read after the part of the key they are over, and a subkey listed
// twice as gpg's first kept copy (red-team round 51): a v7 state may hold a pass for a commit signed
// by a subkey or for an address revoked by a signature placed elsewhere in the key. Also v8: validUntil
// comes due at a date after the clock among commits the walk did not read (before the trust root),
// which the floors take once the clock reaches it: a v7 checkpoint never came due for them.
// v9: the secrets scan reads the names a commit gives files, and the bytes of a commit whose `encoding`
// makes git's log print it decoded, and a token split by a line continuation (red-team round 53): a v8
// state may lack such a token.
// v10: ci-gate-kept keeps its losses forge by forge and judges them with each run's remotes and CI
// variables (round 78): a v9 state dropped the losses its run's hosts did not count, for good.
// v11: an Ed25519 signature's S is read mod L, as OpenSSH and gpg read it (red-team round 94): a v10
// state may hold a finding for a commit whose signature git calls good. Also v11: an SSH signature
// dated in the local year 10000 or later is B, as git says (a v10 state may hold a pass for it).
// v12: an OpenPGP signature with an MPI over 16384 bits is not G (red-team round 98): gpg reads no
// packet from it, git shows N (a v11 state may hold a pass for it).
// v13: a commit changing a --keyring/--allowed-signers file of the work tree is judged by its parent's
// version, and ci-gate-kept reads wrappers, jobs that never run, a new repository's folder, a
// --trust-root the change can be, and what earlier steps change (this stop's rounds): a v12 state may
// hold a pass for such a commit.
// v14: a key file is read as gpg 2.2's parser reads its key packets (sig116): a v13 state may hold a
// pass for a commit by a key gpg's import loses, or by a v4 Ed25519/Ed448 (RFC 9580) key, or by a
// subkey gpg calls not cross-certified, or one bound by a local signature.
// v15: mergetags-valid fails a merged tag signed by a known key for another tagger, or by a retired
// signer (red-team round 149): a v14 state counted it as unknown and may hold a pass for it. Also
// ci-gate-kept reads an `if:` on the gate not vouched for where the range starts, GitHub's
// cache/artifact actions restoring where programs come from, and inline code of another language
// before the gate as no gate (redteam140): a v14 state may hold a pass for such a commit.
// Also (v15) local self-signatures are weighed as gpg's import weighs them before it drops them (keys144):
// a v14 state may hold a pass for a commit by a subkey whose newest binding is local.
// Also (v15) ci-gate-kept reads the gate step's own lines before its audit with the checkout files they run,
// and a GitLab job's keys that run nothing no longer mention gitguard (redteam141): a v14 state may
// hold a pass for such a commit.
// v16: ci-gate-kept reads GitLab includes and template inputs against the start, code fetched and
// run before the audit, pwsh steps, restores through committed links, a restore and a checkout write in
// one job, checkout writes by the files they reach, and more writers (this stop's rounds 158-172): a
// v15 state may hold a verdict either way for such a commit.
// v17: ci-gate-kept loses the gate to actions/cache of a workspace folder, bash builtins and traps that
// change what runs, package managers' settings, writers that name chain files (split, pwsh's cmdlets, a
// checkout script's cp), writes into npx's lookup, and fetch lines another job ran; it keeps it for told
// downloads, unpackings and $HOME removals (this stop's rounds 173-187): a v16 state may hold a verdict
// either way for such a commit.
// v18: ci-gate-kept loses the gate to npm's cache restored before a plain npx call, temp folders on PATH or
// BASH_ENV, readers and git programs, a name merely containing gitguard, user or global registry installs,
// git's program variables, writes through committed links and fetch lines not run or run with other
// variables; it keeps it for removals before a direct call, a written-out matrix and our GitLab template's
// variables; the secrets scan pairs renames as git without -t (this stop's rounds 188-200): a v17 state may
// hold a verdict either way for such a commit.
// v19: ci-gate-kept loses the gate to a cache restored before the audit in its job, any pip install, npx of a
// fetched spec, named npm/yarn installs, a `--base` the change can choose, a removal after the start's image,
// action or condition changed, git run by wrappers or git-running tools after a git program, unknown git options,
// GitHub merge keys or no `on:`, GitLab SHELLOPTS; it keeps it for a pwsh `git config` of a quiet setting,
// GitLab's commit id variables in a value and `git submodule update` of ordinary folders; findings carry
// locationsLeftOut (this stop's rounds 201-212): a v18 state may hold a verdict either way for such a commit.
// v20: ci-gate-kept reads a `--base` naming a branch per trigger (a protected branch, on a pull request or a
// push to another) and no longer accepts other names, tags or abbreviated ids; GitLab artifacts of earlier jobs,
// pager variables, step variables giving git a program, `..` after a link, checkout's `submodules:` and the paths
// a direct call names through links, npx of a name the commit does not declare, git opening a committed repository
// (`cd`, GIT_DIR) and a global install of the checkout lose it; `||` of forge bases and pwsh package-manager lines
// keep it; real paths are libc's (this stop's rounds 213-224): a v19 state may hold a verdict either way.
export const CHECKPOINT_VERSION = 'gitguard-checkpoint-v20';
const VERSION = CHECKPOINT_VERSION;
/** Kept findings (--max-findings per rule) and up to 10,000 secrets: far below this. */
const CHECKPOINT_MAX_BYTES = 64 * 1024 * 1024;

/** A walked tip as the checkpoint keeps it: what a child walked in a later run needs of its parent. */
export interface CheckpointTip {
  oid: string;
  /** Committer date (unix seconds); absent for a tip no walk reached (before the trust root). */
  time?: number;
  /** Whether its policy may judge its children (collect/trust.ts, policyOk); absent without signature rules. */
  policyOk?: boolean;
  /** The latest committer date, not after that run's clock, among it and its ancestors (collect/parent-times.ts):
   *  the floor of its children's signing times; absent: read from git again. */
  reach?: number;
}

export interface Checkpoint {
  version: string;
  /** When the run that wrote it started (ms since the epoch). */
  writtenAt: number;
  /** The repository it was written for (its git dir, links resolved): a checkpoint copied from another
   *  repository of the same user authenticates, but is not this repository's. */
  repository: string;
  /** Hash of everything that changes verdicts besides the commits (see engine/incremental.ts). */
  options: string;
  /** Hash of the options that decide the tips' policyOk (engine/incremental.ts): a run without per-commit rules compares only these. */
  vetting?: string;
  /** Hash of what could change what old objects mean: replace refs, grafts, shallow, alternates. */
  environment: string;
  /** The trust root the walk started from ('' without one). */
  trustRoot: string;
  /** A tip that run found descending from trustRoot (trust-root-in-history passed for it): a later run
   *  asks git whether a commit descends from it before asking about the root (collect/ancestry.ts knowDescendant). */
  rootBelow?: string;
  /** The .gitguard tree id at the tip ('' without one): goodlist, revocations, protected paths, severities;
   *  then, after a space, the hash of the paths derived from the tip (the files its CI runs, nested .gitattributes). */
  headPolicyTree: string;
  /** Unix seconds from which an old verdict may read differently by the clock (a key or signature
   *  expires, a future-dated commit stops being in the future); null: never. */
  validUntil: number | null;
  /** The positive revisions walked, with the state their children need. */
  tips: CheckpointTip[];
  /** Commits judged from the trust root to the tips, over every run since the last full walk. */
  commits: number;
  /** When the last full walk ran (ms since the epoch). */
  fullWalkAt: number;
  /** Each per-commit rule's saved state (JSON text). */
  rules: Record<string, string>;
  /** The default trust root by tip: the first commit carrying the policy on its first-parent chain ('' none). */
  firstPolicy?: Array<[string, string]>;
  /** The object files that held the judged history: each must be unchanged for the checkpoint to hold. */
  objects?: ObjectFiles;
  /** What the secrets scan found in the same history, when it ran. */
  secrets?: SecretsFacts;
  /** The files the CI ran inside the judged range, as the range search found them (range-memo.ts). */
  rangeSearch?: RangeRecord;
}

/** The repository's identity as a checkpoint records it. */
export function repositoryIdentity(repo: RepositoryInfo): string {
  try {
    return realpathSync.native(repo.commonDir);
  } catch {
    return repo.commonDir;
  }
}

function checkpointFile(repo: RepositoryInfo): string {
  return join(repo.commonDir, 'gitguard', 'checkpoint.json');
}

const safeHint = (path: string): string => `remove ${path}, or run with --no-cache`;

/**
 * The checkpoint, or why there is none to use. Throws UnsafeFileError when the file (or the state
 * folder) is a link or not a regular file: someone tampered with gitguard's state, and says so.
 */
export function readCheckpoint(
  repo: RepositoryInfo,
  env: NodeJS.ProcessEnv,
): { checkpoint: Checkpoint } | { none: string } {
  const file = checkpointFile(repo);
  let bytes: Buffer | undefined;
  try {
    bytes = readStateFile(repo.commonDir, file, CHECKPOINT_MAX_BYTES);
  } catch (err) {
    if (err instanceof UnsafeFileError && err.reason !== 'too-large')
      throw new UnsafeFileError(err.path, err.reason, err.detail, safeHint(err.path));
    return { none: 'the checkpoint is too large to read' };
  }
  if (!bytes) return { none: 'no checkpoint yet' };
  const secret = userSecret(env);
  if (!secret) return { none: 'no per-user secret to check the checkpoint with' };
  const body = openSealed(secret, VERSION, bytes.toString('utf8'));
  if (body === undefined)
    return { none: 'the checkpoint does not authenticate (altered, or written by another user or version)' };
  try {
    const cp = JSON.parse(body) as Checkpoint;
    if (cp.version !== VERSION || !Array.isArray(cp.tips) || typeof cp.rules !== 'object')
      return { none: 'the checkpoint is of another version' };
    return { checkpoint: cp };
  } catch {
    return { none: 'the checkpoint cannot be parsed' };
  }
}

/** Writes the checkpoint atomically; returns why not when it cannot (the next run then walks everything). */
export function writeCheckpoint(repo: RepositoryInfo, env: NodeJS.ProcessEnv, cp: Checkpoint): string | undefined {
  const secret = userSecret(env);
  if (!secret) return 'no per-user secret to seal it with';
  const text = sealState(secret, VERSION, JSON.stringify(cp));
  if (Buffer.byteLength(text) > CHECKPOINT_MAX_BYTES) return 'it would be too large';
  const file = checkpointFile(repo);
  try {
    mkdirNoFollow(repo.commonDir, dirname(file));
    writeFileSafe(file, text, { mode: 0o600 });
    return undefined;
  } catch (err) {
    if (err instanceof UnsafeFileError && (err.reason === 'symlink' || err.reason === 'not-a-file'))
      throw new UnsafeFileError(err.path, err.reason, err.detail, safeHint(err.path));
    return `cannot be written: ${(err as Error).message}`;
  }
}

/** A file's bytes as a hash ('-' when absent); unreadable files (links, FIFOs) hash their refusal, never their target. */
function fileHash(path: string, follow = false): string {
  try {
    const b = readBoundedIfExists(path, 64 * 1024 * 1024, { follow });
    return b ? createHash('sha256').update(b).digest('hex') : '-';
  } catch (err) {
    return `unreadable:${err instanceof UnsafeFileError ? err.reason : 'error'}`;
  }
}

/**
 * What could change the meaning of objects an earlier run judged, outside the objects themselves:
 * replace refs, info/grafts, the shallow boundary and objects/info/alternates (gitguard's own reads
 * ignore the first two, but the report on them must not be carried over unseen). The commit-graph is
 * not part of it: gitguard never reads it.
 */
export function environmentFingerprint(repo: RepositoryInfo, history: HistoryFacts): string {
  const h = createHash('sha256');
  for (const r of [...history.replaceRefs].map((x) => `${x.replaced}>${x.replacement}`).sort())
    h.update(`replace ${r}\n`);
  h.update(`grafts ${fileHash(join(repo.commonDir, 'info', 'grafts'))}\n`);
  h.update(`shallow ${fileHash(join(repo.commonDir, 'shallow'))}\n`);
  h.update(`alternates ${fileHash(join(repo.commonDir, 'objects', 'info', 'alternates'))}\n`);
  h.update(`format ${repo.objectFormat}\n`);
  return h.digest('hex');
}

/** Hashes of files the user named (key files): name and bytes, so a changed key file changes the hash. */
export function userFilesHash(files: readonly string[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(f).update('\0').update(fileHash(f, true)).update('\n');
  return h.digest('hex');
}

/** The shipped rule data (rules/*.json): a new rule text or database changes what a run reports. */
export const dataDirHash = (dir: string): string => shippedJsonHash(dir);

/**
 * The sealed checkpoint as a run that does not resume it (--base, pre-receive) may still use what it
 * recorded of commits by their ids (the reaches, the default trust root's answers): only when it
 * authenticates (its HMAC covers every field), was written for this repository, its object files are
 * unchanged (no object read differently now), its environment too (replace refs, grafts, shallow
 * boundary, alternates), no date it left out as future has come due (validUntil) and the run's clock
 * is not before it. Undefined otherwise.
 */
export async function carriedCheckpoint(
  repo: RepositoryInfo,
  env: NodeJS.ProcessEnv,
  history: HistoryFacts,
  nowMs: number,
): Promise<Checkpoint | undefined> {
  let read: ReturnType<typeof readCheckpoint>;
  try {
    read = readCheckpoint(repo, env);
  } catch {
    return undefined; // tampered state: the audit that reads it says so; nothing is carried
  }
  if (!('checkpoint' in read)) return undefined;
  const cp = read.checkpoint;
  const usable =
    cp.repository === repositoryIdentity(repo) &&
    typeof cp.writtenAt === 'number' &&
    cp.writtenAt <= nowMs &&
    (cp.validUntil === null || nowMs / 1000 < cp.validUntil) &&
    !!cp.objects &&
    cp.environment === environmentFingerprint(repo, history);
  if (!usable || (await objectsChangedSince(repo, cp.objects, objectFiles(repo, cp.objects)))) return undefined;
  return cp;
}

/**
 * The reaches (collect/parent-times.ts) a checkpoint records for its walked tips: each is the latest
 * committer date among a tip and its ancestors, which the tip's id fixes, so it holds while the
 * objects mean what they meant (carriedCheckpoint).
 */
export function tipReaches(cp: Checkpoint | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of cp?.tips ?? [])
    if (typeof t.oid === 'string' && typeof t.time === 'number' && typeof t.reach === 'number') out.set(t.oid, t.reach);
  return out;
}

/** The reaches of carriedCheckpoint's checkpoint; empty without one. */
export async function carriedReaches(
  repo: RepositoryInfo,
  env: NodeJS.ProcessEnv,
  history: HistoryFacts,
  nowMs: number,
): Promise<Map<string, number>> {
  return tipReaches(await carriedCheckpoint(repo, env, history, nowMs));
}

/**
 * The default trust root's answers a checkpoint records, by tip ('' none): each a function of the tip's
 * first-parent chain, which its id fixes (collect/trust-root.ts uses one only for a tip on that chain).
 */
export function firstPolicyAnswers(cp: Checkpoint | undefined): Array<[string, string]> {
  return (cp?.firstPolicy ?? []).filter(
    (e): e is [string, string] => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'string',
  );
}

/** The trust root and a tip it found descending from it (Checkpoint.rootBelow), for a run that trusts its objects as then. */
export function rootBelowOf(cp: Checkpoint | undefined): { rootBelow?: readonly [root: string, tip: string] } {
  return cp?.trustRoot && typeof cp.rootBelow === 'string' ? { rootBelow: [cp.trustRoot, cp.rootBelow] } : {};
}
