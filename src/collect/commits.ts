// The commit reader: one `git rev-list` lists the walk (each commit with its parents, as git walks
// them) into a temp file, and one `git cat-file` answers with every commit's bytes, into another
// temp file that we read as it grows. Files, not pipes: git writes one object per write() call, and
// through a pipe every one of those wakes this process, which cost more than the parsing (5,000
// commits: ~170 ms of pipe traffic vs ~90 ms written to a file). Raw objects are parsed as they
// arrive and handed on a batch at a time, so a big history never sits in memory; past
// ANSWERS_FILE_LIMIT commits the answers come through a pipe instead, so the temp file stays
// bounded. With watched paths, a `git diff-tree` beside cat-file reads the same list and says what
// each commit changes at them (src/collect/path-changes.ts), or the secrets scan's log does when it
// reads the same list (src/collect/path-tap.ts).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempFolder } from './child-env.js';
import { GitError } from '../errors.js';
import { parseCommitObject } from './commit-object.js';
import type { CommitRecord } from '../domain/commit.js';
import type { Shadow } from './git.js';
import { gitReading } from './git-reading.js';
import { maxObjectBytes, ObjectTooLargeError } from './objects.js';
import { missingObjectIn, notReadError } from './missing-object.js';
import { NO_CHANGES, pathChangeStream, type CommitPathChanges } from './path-changes.js';
import { tappedChangeStream, type PathTap } from './path-tap.js';
import { claimCommitFeed, passCommitFeed, type CommitFeed } from './commit-feed.js';
import {
  CHUNK_COMMITS,
  COMMIT_PASS_CONFIG,
  lineRanges,
  gitToFile,
  sortedCommitList,
  sortedListKey,
} from './list-chunks.js';

export interface WalkOptions {
  /** Object ids (or ^oid to exclude) to start from. */
  revisions: string[];
  /** Parents before children (needed to judge a commit by its parents' policy). */
  parentsFirst?: boolean;
  /** Stop after this many commits. */
  limit?: number;
  /** Paths (e.g. ".gitguard") whose changes against each commit's first parent come with it (pathChanges). */
  paths?: string[];
  /** Past this many commits git's answers come through a pipe, not a temp file (default ANSWERS_FILE_LIMIT). */
  answersFileLimit?: number;
  /** Told how many commits the walk will yield, once rev-list has listed them (before the first). */
  onTotal?: (commits: number) => void;
  /** Commits per diff-tree process (default CHUNK_COMMITS): git keeps what it parsed until it exits. */
  chunkCommits?: number;
  /** The secrets scan's log may give the changes at `paths` (path-tap.ts; the list must be the sorted one). */
  tap?: PathTap;
  /** Commits of the list not yielded (before the trust root: walk-list.ts); still fed to the scan. */
  skip?: ReadonlySet<string>;
}

/** Above this many commits, cat-file's and diff-tree's answers come through a pipe rather than a temp file. */
const ANSWERS_FILE_LIMIT = 50_000;

/** The decimal number in buf[start, end), or -1 when it is empty or not all digits. */
function decimalAt(buf: Buffer, start: number, end: number): number {
  if (end <= start) return -1;
  if (end - start > 15)
    return /^[0-9]+$/.test(buf.toString('latin1', start, end)) ? Number(buf.toString('latin1', start, end)) : -1;
  let n = 0;
  for (let i = start; i < end; i += 1) {
    const c = buf[i]!;
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
}

const COMMIT_SPACE = Buffer.from('commit ', 'latin1');

/** The walk one commit at a time (see walkCommitBatches). */
export async function* walkCommits(shadow: Shadow, opts: WalkOptions): AsyncGenerator<CommitRecord> {
  for await (const batch of walkCommitBatches(shadow, opts)) yield* batch;
}

/**
 * The walk as it arrives: each batch holds the commits completed by one read from git, in order.
 * Batches, not single commits, cross the async boundary: per-commit promises cost more than the
 * parsing itself on a warm run.
 */
export async function* walkCommitBatches(shadow: Shadow, opts: WalkOptions): AsyncGenerator<CommitRecord[]> {
  if (opts.revisions.length === 0) return;
  const work = tempFolder('gitguard-walk-');
  try {
    yield* walkPipeline(shadow, opts, work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const NO_RELEASE = (): void => undefined;

async function* walkPipeline(shadow: Shadow, opts: WalkOptions, work: string): AsyncGenerator<CommitRecord[]> {
  const gitDir = shadow.gitDir;
  // "<commit> <parents...>" per line, the parents as git walks them (a shallow commit has none).
  const requests = join(work, 'requests');
  let release = NO_RELEASE;
  if (opts.parentsFirst && opts.limit === undefined) {
    release = await sortedCommitList(gitDir, opts.revisions, requests);
  } else {
    const revArgs = [...COMMIT_PASS_CONFIG, 'rev-list', '--stdin', '--parents'];
    if (opts.parentsFirst) revArgs.push('--topo-order', '--reverse');
    if (opts.limit !== undefined) revArgs.push(`--max-count=${opts.limit}`);
    await gitToFile(revArgs, gitDir, `${opts.revisions.join('\n')}\n`, requests);
  }
  // The scan's log reads the sorted list of the same revisions, or feeds no walk.
  let tap = opts.tap;
  if (tap && (release === NO_RELEASE || sortedListKey(gitDir, opts.revisions) !== tap.key)) {
    tap.release();
    tap = undefined;
  }
  // The secrets scan of the same sorted list reads its commit objects from this walk (commit-feed.ts).
  const feed = release === NO_RELEASE ? passCommitFeed() : await claimCommitFeed(gitDir, opts.revisions);
  let complete = false;
  try {
    yield* readList(shadow, { ...opts, tap }, work, requests, feed);
    complete = true;
  } finally {
    feed?.end(complete);
    release();
  }
}

/** The walk over rev-list's list in `requests`: cat-file's answers, parsed, with diff-tree's changes. */
async function* readList(
  shadow: Shadow,
  opts: WalkOptions,
  work: string,
  requests: string,
  feed?: CommitFeed,
): AsyncGenerator<CommitRecord[]> {
  const paths = opts.paths ?? [];
  const gitDir = shadow.gitDir;
  const ranges = lineRanges(requests, opts.chunkCommits ?? CHUNK_COMMITS);
  const total = ranges.reduce((n, r) => n + r.lines, 0);
  const skip = opts.skip;
  opts.onTotal?.(Math.max(0, total - (skip?.size ?? 0)));
  if (total === 0) {
    // No commit to read (a tip the checkpoint holds already: `tip ^tip`): no cat-file is started.
    if (paths.length && opts.tap) await opts.tap.settle();
    return;
  }
  const viaFile = total <= (opts.answersFileLimit ?? ANSWERS_FILE_LIMIT);
  // %(rest) makes cat-file take each line's first word as the object and echo the rest (the parents).
  const catArgs = [
    ...COMMIT_PASS_CONFIG,
    'cat-file',
    '--batch=%(objectname) %(objecttype) %(objectsize) %(rest)',
    '--buffer',
  ];
  const cat = gitReading(catArgs, gitDir, requests, viaFile ? join(work, 'answers') : undefined);
  // The watched paths' changes come from a second git beside cat-file, in the same order.
  // From the secrets scan's log when it reads the same list (path-tap.ts), else a diff-tree of its own.
  const tapped = paths.length && opts.tap ? await opts.tap.settle() : false;
  const changes = !paths.length
    ? undefined
    : tapped
      ? tappedChangeStream(opts.tap!, gitDir, requests, paths, work, viaFile, opts.chunkCommits ?? CHUNK_COMMITS)
      : pathChangeStream(gitDir, requests, ranges, paths, work, viaFile);
  /** The batch of changes being matched with the commits (taken as the stream gave it, never copied). */
  let pendingChanges: readonly CommitPathChanges[] = [];
  let nextChange = 0;
  /** Commits whose bytes do not hash to their id (planted objects): diff-tree may skip them. */
  const altered = new Set<string>();
  const peekChange = async (): Promise<CommitPathChanges | undefined> => {
    while (nextChange >= pendingChanges.length) {
      pendingChanges = [];
      nextChange = 0;
      let r: IteratorResult<CommitPathChanges[]>;
      try {
        r = await changes!.next();
      } catch (err) {
        // A tree the clone left out (git clone --filter=tree:0): said as such, with the way to fetch it;
        // a tree held but unreadable, or missing from no partial clone, is damage.
        const missing = err instanceof GitError ? missingObjectIn(err.stderr) : undefined;
        if (missing) throw notReadError(shadow.commonDir, join(gitDir, 'objects'), missing, 'a tree of the history');
        throw err;
      }
      if (r.done) return undefined;
      pendingChanges = r.value;
    }
    return pendingChanges[nextChange];
  };
  const attachChanges = async (records: CommitRecord[]): Promise<void> => {
    for (const record of records) {
      // Awaited only when the changes read so far are used up (a promise per commit cost more than the rest).
      let c = nextChange < pendingChanges.length ? pendingChanges[nextChange] : await peekChange();
      // A skipped commit's changes are read past: it is not walked (skip).
      while (skip && c && c.oid !== record.oid && skip.has(c.oid)) {
        nextChange += 1;
        c = nextChange < pendingChanges.length ? pendingChanges[nextChange] : await peekChange();
      }
      if (!record.hashOk) altered.add(record.oid);
      if (c?.oid === record.oid) nextChange += 1;
      else if (record.hashOk)
        throw new GitError(
          ['diff-tree'],
          null,
          c
            ? `git diff-tree answered for ${c.oid} where ${record.oid} was expected`
            : `git diff-tree stopped before commit ${record.oid}`,
        );
      // git refuses to diff an object whose bytes do not hash to its id (and it may not diff its
      // children against it): their ids at the watched paths are then looked up in their own trees.
      if (c?.oid !== record.oid || !record.hashOk || (altered.size > 0 && altered.has(record.pathChanges!.base ?? '')))
        delete record.pathChanges;
      else record.pathChanges!.changed = c.changed;
    }
  };

  let buf: Buffer = Buffer.alloc(0);
  // Chunks of an object still arriving, kept aside and joined once it is complete: joining on
  // every chunk copied a big object over and over (a 100 MB message took 13 s, 300 MB never ended).
  let parts: Buffer[] = [];
  let partsLen = 0;
  /** How many bytes `buf` must hold before parsing can go on (0: any new byte may do). */
  let need = 0;
  const limit = maxObjectBytes();
  let completed = false;
  /** Bytes of a skipped commit too large to hold, still to come: passed over. */
  let discard = 0;
  try {
    for await (const answer of cat.chunks) {
      let chunk: Buffer = answer;
      if (discard > 0) {
        const d = Math.min(discard, chunk.length);
        discard -= d;
        if (d === chunk.length) continue;
        chunk = chunk.subarray(d);
      }
      if (buf.length + partsLen + chunk.length < need) {
        parts.push(chunk);
        partsLen += chunk.length;
        continue;
      }
      buf =
        buf.length || partsLen ? Buffer.concat([buf, ...parts, chunk], buf.length + partsLen + chunk.length) : chunk;
      parts = [];
      partsLen = 0;
      need = 0;
      const out: CommitRecord[] = [];
      let pos = 0;
      for (;;) {
        const nl = buf.indexOf(10, pos);
        if (nl === -1) break;
        // "<oid> <type> <size> <parents...>", or "<oid> missing".
        const sp1 = buf.indexOf(32, pos);
        const sp2 = sp1 < 0 || sp1 > nl ? -1 : buf.indexOf(32, sp1 + 1);
        const sp3 = sp2 < 0 || sp2 > nl ? -1 : buf.indexOf(32, sp2 + 1);
        const sizeEnd = sp3 < 0 || sp3 > nl ? nl : sp3;
        const size = sp2 < 0 || sp2 > nl ? -1 : decimalAt(buf, sp2 + 1, sizeEnd);
        if (size < 0)
          throw new GitError(
            ['cat-file'],
            null,
            `object ${buf.toString('utf8', pos, sp1 < 0 || sp1 > nl ? nl : sp1)} is missing from the repository`,
          );
        if (size > limit && skip?.has(buf.toString('latin1', pos, sp1))) {
          // A skipped commit is not judged: not held either. The scan reads it with its own cat-file.
          feed?.end(false);
          const end = nl + 1 + size + 1;
          discard = Math.max(0, end - buf.length);
          pos = Math.min(end, buf.length);
          continue;
        }
        if (size > limit)
          throw new ObjectTooLargeError(
            buf.toString('latin1', pos, sp1),
            buf.toString('latin1', sp1 + 1, sp2),
            size,
            limit,
          );
        if (buf.length < nl + 1 + size + 1) {
          need = nl + 1 + size + 1 - pos; // wait for the rest of this object
          break;
        }
        const isCommit = sp2 - sp1 === 7; // "commit" is the only six-letter object type
        const oid = buf.toString('latin1', pos, sp1);
        const start = nl + 1;
        const next = start + size + 1;
        if (!isCommit) {
          pos = next;
          continue;
        }
        if (skip?.has(oid)) {
          feed?.commit(oid, buf.subarray(start, start + size));
          pos = next;
          continue;
        }
        let firstParent: string | null = null;
        if (paths.length && sizeEnd + 1 < nl) {
          const sp = buf.indexOf(32, sizeEnd + 1);
          firstParent = buf.toString('latin1', sizeEnd + 1, sp < 0 || sp > nl ? nl : sp);
        }
        pos = next;
        // The end of the header line becomes "commit <size>\0", just before the body: the object
        // exactly as git hashes it, built in place (the buffer is ours and this line is already read).
        const digits = sizeEnd - sp2 - 1;
        const headerStart = nl - digits - 7;
        buf.copyWithin(headerStart + 7, sp2 + 1, sizeEnd);
        COMMIT_SPACE.copy(buf, headerStart);
        buf[nl] = 0;
        const record = parseCommitObject(
          oid,
          buf.subarray(start, start + size),
          buf.subarray(headerStart, start + size),
        );
        if (paths.length) record.pathChanges = { base: firstParent, changed: NO_CHANGES };
        feed?.commit(oid, buf.subarray(start, start + size));
        out.push(record);
      }
      buf = pos < buf.length ? buf.subarray(pos) : Buffer.alloc(0);
      if (changes && out.length) await attachChanges(out);
      if (out.length) yield out;
    }
    completed = true;
  } finally {
    // A consumer that stops early (or an error) must not leave git running.
    if (!completed) cat.child.kill();
    if (changes) await changes.return(undefined);
  }
  const catCode = await cat.done;
  cat.dog.check(catArgs);
  // null: ended by a signal we did not send (ours end the loop above with an error or an early stop): the list is cut short.
  if (catCode !== 0) throw new GitError(catArgs, catCode, cat.stderr());
}
