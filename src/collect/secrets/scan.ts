// Reads what each commit in scope ADDS, and its message, for the secret detector: `git log -p -U0` in the shadow git
// dir (so nothing of the audited repository's config, attributes or textconv drivers runs), over
// rev-list's list of the commits, parents before children, a chunk of it per log process. Only added lines are scanned, so a credential is reported once,
// at the commit that introduced it, however often the file changes afterwards; a file version
// (blob) already scanned is never scanned again (reverts, cherry-picks, branches that share a
// file). Binary blobs, and blobs larger than the limit (git's core.bigFileThreshold makes it treat
// them as binary), are skipped and counted. Memory is bounded by one file's added lines (plus a
// capped set of the blob ids already scanned, and for the chunk read ahead one small entry per
// changed file: log-reader.ts).
// A merge is read as git's dense combined diff (--cc): what its result adds that none of its
// parents has, e.g. a token typed into a conflict resolution, is scanned at the merge; what it
// takes from a parent was scanned at the commit that added it. A merge of more than WIDE_MERGE
// parents is read against its first parent instead, in a pass of its own after the others.
import { GitError } from '../../errors.js';
import type { RepositoryInfo } from '../../domain/model.js';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempFolder } from '../child-env.js';
import { createShadow, spawnGit, Watchdog } from '../git.js';
import { WHOLE_INPUT_ENV } from '../git-reading.js';
import { unreadableAdditions } from '../missing-object.js';
import { CAT_COMMITS, commitObjectText } from './commit-objects.js';
import {
  CHUNK_COMMITS,
  COMMIT_PASS_CONFIG,
  lineRanges,
  longLineHeads,
  sortedCommitList,
  writeRange,
} from '../list-chunks.js';
import { SecretDetector } from './detect.js';
import { REF_NAME, type SecretLeak, type SecretsFacts } from '../../domain/content.js';
import { LogReader } from './log-reader.js';
import { ScanTally } from './scan-tally.js';
import { binaryText, wholeText, type BatchReader } from './blob-text.js';
import { keyBodies } from './key-bodies.js';
import { movedLines } from './moved-lines.js';
import { COPY_LOG, leakCopies } from './leak-copies.js';
import { placedLog, unseenBlobs, WIDE_MERGE } from './placed-blobs.js';
import { LineList, revListTags, scanTagObjects } from './tag-objects.js';
import { offerPathTap } from '../path-tap.js';
import { offerCommitFeed, type CommitFeedOffer } from '../commit-feed.js';

export interface ScanOptions {
  /** The generic high-entropy detector too; may be settled later (git starts reading history at once). */
  entropy?: boolean | Promise<boolean>;
  maxBlobBytes?: number;
  /** Stops the scan (its git is killed and the scan fails): the audit it runs beside has ended. */
  signal?: AbortSignal;
  /** Commits per `git log -p` process (default CHUNK_COMMITS): git keeps what it parsed until it exits. */
  chunkCommits?: number;
  /** One `git log -p` at a time, none read deferred (a test compares the two). */
  serialLogs?: boolean;
  /** Annotated tags the scope publishes (pushed, or every ref's with --all): their objects are read too (tag-objects.ts). */
  tags?: readonly string[];
  /** Refs whose names the scope publishes (--all: every ref's; `git push` sends a name as it is). */
  refs?: readonly { name: string; oid: string }[];
  /** The offer the audit announced before its walk could read (commit-feed.ts); else one made here. */
  commitFeed?: CommitFeedOffer;
  /** Object folders beyond the repository's own (a push held in pre-receive quarantine). */
  objectDirs?: string[];
  /** Leaks found before (a re-audit's checkpoint): their blobs put at another path are reported there (leak-copies.ts). */
  carried?: readonly SecretLeak[];
}

const DEFAULT_MAX_BLOB_BYTES = 8 * 1024 * 1024;
// The most parents of a merge read as a combined diff (WIDE_MERGE): a combined diff holds each path
// once per parent, and an octopus of 2,000 parents over 20,000 files (a few MB packed) made git print
// 640 MB and grow to 2.8 GB.

/**
 * git log -p over a list of commits given on stdin, in that order; `wide`: merges wider than
 * WIDE_MERGE, against their first parent; `raw`: each commit's raw records too, trees included, for
 * the walk's watched paths (path-tap.ts).
 */
export const logArgs = (maxBlobBytes: number, wide = false, raw = false): string[] => [
  '-c',
  `core.bigFileThreshold=${maxBlobBytes}`,
  // Renames with edits are paired only in commits of at most 300 deleted x 300 added files (git's
  // default, 1,000 x 1,000, let one deletion beside a million added files cost 4.4 GB and a minute:
  // a table per candidate; 90,000 at most now, ~400 MB). Exact renames, and moves that keep a file's
  // name unique, are paired whatever the count; past it, a renamed and edited file is read as added:
  // its lines are scanned again, and a secret in it is found again at the new path (a fingerprint
  // names the old one). 100 did that to a refactor moving 150 `index.ts` files.
  '-c',
  'diff.renameLimit=300',
  'log',
  '-p',
  '-U0',
  '--full-index',
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  // A merge's own changes: the lines its result has that none of its parents has (an
  // "evil merge" or a conflict resolution). Lines it takes from a parent were scanned there.
  ...(wide ? ['-m', '--first-parent'] : ['--cc', `--max-parents=${WIDE_MERGE}`]),
  // -t makes folders rename candidates too: a commit they may pair otherwise is read aside (log-reader.ts).
  ...(raw ? ['--raw', '-t', '--no-abbrev'] : []),
  '--no-walk=unsorted',
  // Each commit's message too, every line of it indented by one space (%w with no width only
  // indents), so that no line of it reads as a header, a raw record or a diff: `git log` shows it,
  // and a token pasted into it is as public as one in a file (log-reader.ts). Then its author and
  // committer as written (no mailmap), each on a line of its own after \x02: `git log` prints them too.
  '--format=%x01%H%n%w(0,1,1)%B%w(0,0,0)%x02%an <%ae>%n%x02%cn <%ce>',
  '--stdin',
];

const STOPPED = 'the secrets scan was stopped';

/** A ref's name, as `git push` sends it and `git ls-remote` prints it: reported at `(ref name)`, the ref's object for its commit. */
function scanRefNames(
  refs: readonly { name: string; oid: string }[],
  tally: ScanTally,
  detector: SecretDetector,
): void {
  const keyword = new RegExp(detector.keywordPattern().source, 'i');
  for (const ref of refs)
    if (keyword.test(ref.name)) for (const hit of detector.scan([ref.name], [1])) tally.leak(hit, ref.oid, REF_NAME);
}

/** Rejects once the signal fires (never without one). */
function stopped(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (!signal) return;
    if (signal.aborted) reject(new Error(STOPPED));
    else signal.addEventListener('abort', () => reject(new Error(STOPPED)), { once: true });
  });
}

export async function scanSecrets(
  repo: RepositoryInfo,
  revisions: string[],
  opts: ScanOptions = {},
): Promise<SecretsFacts> {
  const maxBlobBytes = opts.maxBlobBytes ?? DEFAULT_MAX_BLOB_BYTES;
  const facts: SecretsFacts = {
    commits: 0,
    scanned: 0,
    skipped: { binary: 0, oversized: 0, repeated: 0 },
    maxBlobBytes,
    entropy: false,
    leaks: [],
    more: 0,
  };
  if (!revisions.length) {
    facts.entropy = (await opts.entropy) === true;
    return facts;
  }
  const shadow = createShadow(repo.commonDir, repo.objectFormat, opts.objectDirs);
  const work = tempFolder('gitguard-secrets-');
  /** The git processes running now (each is killed when the audit ends). */
  const children = new Set<ChildProcess>();
  const abort = (): void => {
    for (const child of children) child.kill('SIGKILL');
  };
  let release = (): void => undefined;
  opts.signal?.addEventListener('abort', abort, { once: true });
  // A walk of the same list may take its watched paths from these logs (path-tap.ts).
  const offer = offerPathTap(shadow.gitDir, revisions);
  // What the commit objects hold that the logs do not print (commit-objects.ts): from the walk of the
  // same list when one claims it before it reads (commit-feed.ts), else one cat-file of its own.
  const feed = offerCommitFeed(shadow.gitDir, revisions, opts.commitFeed);
  let complete = false;
  try {
    // Parents before children, so that a line is first seen where it was added. rev-list sorts the
    // list once (the walk beside shares it); log -p then reads it in chunks as given
    // (--no-walk=unsorted): one log over the whole history sorted it again and held every commit
    // it had parsed (~1 GB at a million).
    const list = join(work, 'commits');
    const listed = sortedCommitList(shadow.gitDir, revisions, list, opts.signal);
    listed.then((r) => (release = r)).catch(() => undefined); // awaited below, after the detector's options
    let detector: SecretDetector;
    try {
      facts.entropy = (await Promise.race([opts.entropy, stopped(opts.signal)])) === true;
      detector = new SecretDetector({ entropy: facts.entropy });
    } catch (err) {
      abort();
      throw err;
    }
    let objects = commitObjectText(detector, maxBlobBytes);
    feed.ready((oid, body) => objects.commit(oid, body));
    try {
      await listed;
    } catch (err) {
      // rev-list killed because the audit ended: the scan was stopped, git did not fail
      throw opts.signal?.aborted ? new Error(STOPPED) : err;
    }
    if (opts.signal?.aborted) throw new Error(STOPPED);

    const tally = new ScanTally(facts);
    if (opts.refs) scanRefNames(opts.refs, tally, detector);
    /** One git (a log over the commits listed in `input`, or cat-file), its output read by `reader` as it comes. */
    const runReading = async (
      args: string[],
      input: string,
      reader: { read(chunk: Buffer): void | Promise<void>; end(): void },
    ): Promise<void> => {
      const what = args.includes('cat-file')
        ? ['cat-file', '--batch']
        : args.includes('rev-list')
          ? ['rev-list', '--objects']
          : ['log', '-p'];
      const inFd = openSync(input, 'r');
      let child: ChildProcess;
      try {
        child = spawnGit(args, {
          gitDir: shadow.gitDir,
          stdin: inFd,
          env: WHOLE_INPUT_ENV,
        });
      } finally {
        closeSync(inFd);
      }
      children.add(child);
      try {
        const stderr: Buffer[] = [];
        child.stderr!.on('data', (c: Buffer) => stderr.push(c));
        const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
        if (opts.signal?.aborted) abort();
        // A git that stops making progress (blocked opening a FIFO in the object store) is stopped: the
        // dog waits only while we wait on git, since each piece is read before the next is asked for.
        const dog = new Watchdog(child, `git ${what.join(' ')}`);
        dog.arm();
        try {
          for await (const chunk of child.stdout! as AsyncIterable<Buffer>) {
            dog.arm();
            const aside = reader.read(chunk);
            if (aside) {
              // git waits while a commit's diff is read from a log of its own (log-reader.ts).
              dog.disarm();
              await aside;
              dog.arm();
            }
          }
        } catch (err) {
          dog.disarm();
          abort();
          throw err;
        }
        const code = await closed;
        dog.check(what);
        if (opts.signal?.aborted) throw new Error(STOPPED);
        if (code !== 0) {
          const why = Buffer.concat(stderr).toString('utf8');
          throw unreadableAdditions(repo.commonDir, why, new GitError(what, code, why));
        }
        reader.end();
      } finally {
        children.delete(child);
      }
    };
    // One log per range of the list; their outputs, one after the other, are one log's. The next
    // range's log runs while one is read (two at a time, so the last ones do not run alone on one
    // core): its reader is deferred until the one before it is done (log-reader.ts).
    const ranges = lineRanges(list, opts.chunkCommits ?? CHUNK_COMMITS);
    const hex = repo.objectFormat === 'sha256' ? 64 : 40;
    // A walk of the same list may take its watched paths from these logs' raw records, trees
    // included (-t): only where the range has no merge, since git cannot show a combined diff
    // with -t (a tree that differs from every parent is read as a blob: "is not a blob").
    const tap = offer.decide(ranges.map((range) => ({ range, fed: range.longest < 3 * hex + 2 })));
    const startLog = (i: number, deferred: boolean): { reader: LogReader; done: Promise<void> } => {
      const range = ranges[i]!;
      const sink = tap?.ranges()[i]?.fed ? tap.chunk(i, range.lines) : undefined;
      // A commit whose files -t may pair otherwise: its diff from a log of it alone, without -t.
      const aside = (oid: string, into: { read(chunk: Buffer): void; end(): void }): Promise<void> => {
        const input = join(work, `aside-${i}`);
        writeFileSync(input, `${oid}\n`, { mode: 0o600 });
        return runReading(logArgs(maxBlobBytes), input, into);
      };
      const reader = new LogReader(tally, detector, deferred, sink, sink && aside);
      const input = writeRange(list, range, join(work, `chunk-${i % 2}`), true);
      const done = runReading(logArgs(maxBlobBytes, false, sink !== undefined), input, reader);
      done.catch(() => undefined); // awaited in turn, below
      return { reader, done };
    };
    let current = ranges.length ? startLog(0, false) : undefined;
    for (let i = 0; current; i += 1) {
      const next = i + 1 < ranges.length && !opts.serialLogs ? startLog(i + 1, true) : undefined;
      try {
        await current.done;
      } catch (err) {
        abort();
        await next?.done.catch(() => undefined);
        throw err;
      }
      if (next) next.reader.goDirect();
      current = next ?? (i + 1 < ranges.length ? startLog(i + 1, false) : undefined);
    }
    complete = true;
    offer.close(true);
    // The wide merges the logs above left out (--max-parents): lines of "<commit> <parents...>" at least
    // this long, read only when the list has one.
    const wideLine = (hex + 1) * (WIDE_MERGE + 2) - 1;
    const wide = ranges.some((r) => r.longest >= wideLine) ? longLineHeads(list, wideLine) : [];
    const wideInput = join(work, 'wide');
    if (wide.length) {
      writeFileSync(wideInput, `${wide.join('\n')}\n`, { mode: 0o600 });
      await runReading(logArgs(maxBlobBytes, true), wideInput, new LogReader(tally, detector));
    }

    // The walk's bytes, or, when no walk gave them all, one cat-file over the list as it is (what a
    // walk that stopped gave is dropped: each commit is read once); none over an empty list.
    if (!(await Promise.race([feed.taken(), stopped(opts.signal)])) && ranges.length) {
      objects = commitObjectText(detector, maxBlobBytes);
      await runReading([...COMMIT_PASS_CONFIG, ...CAT_COMMITS], list, objects.reader);
    }
    objects.into(tally);

    // What git called binary (a NUL byte, UTF-16, too large) is published all the same: its text.
    if (tally.binaries.size) {
      const input = join(work, 'binaries');
      writeFileSync(input, `${[...tally.binaries.keys()].join('\n')}\n`, { mode: 0o600 });
      await runReading(['cat-file', '--batch'], input, binaryText(tally, detector, maxBlobBytes));
    }
    // Key blocks whose added lines lacked their header (key-bodies.ts), read whole from the file.
    if (tally.edited.size) {
      const input = join(work, 'edited');
      writeFileSync(input, `${[...tally.edited.keys()].join('\n')}\n`, { mode: 0o600 });
      await runReading(['cat-file', '--batch'], input, keyBodies(tally, detector));
    }
    // Files a rename moved with edits: the lines it kept, which no diff prints (moved-lines.ts).
    if (tally.moved.size) {
      const input = join(work, 'moved');
      writeFileSync(input, `${[...tally.moved.keys()].join('\n')}\n`, { mode: 0o600 });
      await runReading(['cat-file', '--batch'], input, movedLines(tally, detector, maxBlobBytes));
    }
    // A scope leaving commits out: every file version its commits put at a path, read whole when
    // this run never read it (a vendored file the remote has, moved to src/: placed-blobs.ts).
    if (revisions.some((r) => r.startsWith('^'))) {
      const unseen = new Map<string, string>();
      for (const range of ranges)
        await runReading(
          placedLog(false),
          writeRange(list, range, join(work, 'placed'), true),
          unseenBlobs(tally, unseen),
        );
      if (wide.length) await runReading(placedLog(true), wideInput, unseenBlobs(tally, unseen));
      if (unseen.size) {
        const input = join(work, 'unseen');
        writeFileSync(input, `${[...unseen.keys()].join('\n')}\n`, { mode: 0o600 });
        const count = (size: number): void => {
          if (size > maxBlobBytes) facts.skipped.oversized += 1;
          else facts.scanned += 1;
        };
        await runReading(['cat-file', '--batch'], input, wholeText(tally, detector, maxBlobBytes, unseen, count));
      }
    }
    // A leaking file version the history puts at another path (moved or copied as it was), reported there too.
    const copies = leakCopies(tally, opts.carried);
    for (const range of copies ? ranges : [])
      await runReading(COPY_LOG, writeRange(list, range, join(work, 'copies'), true), copies!);
    if (opts.tags?.length) {
      const input = join(work, 'tags');
      const read = (ids: string[], reader: BatchReader): Promise<void> => {
        writeFileSync(input, `${ids.join('\n')}\n`, { mode: 0o600 });
        return runReading(['cat-file', '--batch'], input, reader);
      };
      const list = async (ids: string[], trees?: boolean): Promise<string[]> => {
        writeFileSync(input, `${ids.join('\n')}\n`, { mode: 0o600 });
        const lines = new LineList(trees);
        // Trees are left out (tree:0) but for those a tag or ref names (trees): a commit's the logs read.
        await runReading(revListTags(trees), input, lines);
        return lines.ids;
      };
      await scanTagObjects(opts.tags, list, read, tally, detector, maxBlobBytes);
    }
    return facts;
  } finally {
    feed.close(); // a walk starting later reads alone
    if (!complete) offer.close(false);
    opts.signal?.removeEventListener('abort', abort);
    release();
    rmSync(work, { recursive: true, force: true });
    shadow.dispose();
  }
}
