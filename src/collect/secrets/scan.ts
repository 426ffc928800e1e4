// Reads what each commit in scope ADDS, for the secret detector: `git log -p -U0` in the shadow git
// dir (so nothing of the audited repository's config, attributes or textconv drivers runs), over
// rev-list's list of the commits, parents before children, a chunk of it per log process. Only added lines are scanned, so a credential is reported once,
// at the commit that introduced it, however often the file changes afterwards; a file version
// (blob) already scanned is never scanned again (reverts, cherry-picks, branches that share a
// file). Binary blobs, and blobs larger than the limit (git's core.bigFileThreshold makes it treat
// them as binary), are skipped and counted. Memory is bounded by one file's added lines (plus a
// capped set of the blob ids already scanned).
// A merge is read as git's dense combined diff (--cc): what its result adds that none of its
// parents has, e.g. a token typed into a conflict resolution, is scanned at the merge; what it
// takes from a parent was scanned at the commit that added it. A merge of more than WIDE_MERGE
// parents is read against its first parent instead, in a pass of its own after the others.
import { GitError } from '../../errors.js';
import type { RepositoryInfo } from '../../domain/model.js';
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createShadow, runGit, spawnGit, Watchdog } from '../git.js';
import { missingObjectIn, missingObjectReason } from '../missing-object.js';
import {
  BOUNDED_PACK_CONFIG,
  CHUNK_COMMITS,
  lineRanges,
  longLineHeads,
  sortedCommitList,
  writeRange,
} from '../list-chunks.js';
import { SecretDetector } from './detect.js';
import type { SecretsFacts } from '../../domain/content.js';
import { OidIndex } from '../../domain/oid-index.js';

export interface ScanOptions {
  /** The generic high-entropy detector too; may be settled later (git starts reading history at once). */
  entropy?: boolean | Promise<boolean>;
  maxBlobBytes?: number;
  /** Stops the scan (its git is killed and the scan fails): the audit it runs beside has ended. */
  signal?: AbortSignal;
  /** Commits per `git log -p` process (default CHUNK_COMMITS): git keeps what it parsed until it exits. */
  chunkCommits?: number;
}

const DEFAULT_MAX_BLOB_BYTES = 8 * 1024 * 1024;
export const MAX_LEAKS = 10_000;
const MAX_BLOCK_LINES = 400;
/** The most parents of a merge read as a combined diff: a combined diff holds each path once per
 *  parent, and an octopus of 2,000 parents over 20,000 files (a few MB packed) made git print 640 MB
 *  and grow to 2.8 GB. */
const WIDE_MERGE = 8;
const BLOCK_START = /-----begin/i;
const HUNK = /^(@{2,}) ((?:-\d+(?:,\d+)? )+)\+(\d+)(?:,(\d+))? @/;
/** Blob ids remembered to skip repeats (their raw bytes in an OidIndex, ~40 bytes each). Past this many the set starts over: a
 *  repeat may then be scanned twice (a duplicate finding at worst, never a missed one), and memory
 *  stays bounded whatever the size of the history. */
const MAX_SEEN = 1_000_000;

/** git log -p over a list of commits given on stdin, in that order; `wide`: merges wider than WIDE_MERGE, against their first parent. */
const LOG_ARGS = (maxBlobBytes: number, wide = false): string[] => [
  ...BOUNDED_PACK_CONFIG,
  '-c',
  `core.bigFileThreshold=${maxBlobBytes}`,
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
  '--no-walk=unsorted',
  '--format=%x01%H',
  '--stdin',
];

/** A path as git prints it in a diff header: bare, or C-quoted (octal escapes for bytes). */
export function unquotePath(s: string): string {
  const t = s.replace(/\t$/, '');
  if (!t.startsWith('"')) return t;
  const bytes: number[] = [];
  const esc: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '\\': 92, '"': 34 };
  for (let i = 1; i < t.length - 1; i++) {
    const ch = t[i]!;
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'latin1'));
      continue;
    }
    const next = t[i + 1]!;
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(t.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(esc[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

const STOPPED = 'the secrets scan was stopped';

/** Rejects once the signal fires (never without one). */
function stopped(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (!signal) return;
    if (signal.aborted) reject(new Error(STOPPED));
    else signal.addEventListener('abort', () => reject(new Error(STOPPED)), { once: true });
  });
}

interface FileChange {
  blob?: string;
  path?: string;
  skip: boolean;
  lines: string[];
  numbers: number[];
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
  const shadow = createShadow(repo.commonDir, repo.objectFormat);
  const work = mkdtempSync(join(tmpdir(), 'gitguard-secrets-'));
  let seen = new OidIndex();
  const binaries = new Set<string>();
  /** The git process running now (each is killed when the audit ends). */
  let child: ChildProcess | undefined;
  const abort = (): void => void child?.kill('SIGKILL');
  let release = (): void => undefined;
  opts.signal?.addEventListener('abort', abort, { once: true });
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
    try {
      await listed;
    } catch (err) {
      // rev-list killed because the audit ended: the scan was stopped, git did not fail
      throw opts.signal?.aborted ? new Error(STOPPED) : err;
    }
    if (opts.signal?.aborted) throw new Error(STOPPED);

    let commit = '';
    let file: FileChange | undefined;
    let cols = 1;
    let oldLeft = 0;
    let newLeft = 0;
    let lineNo = 0;
    // Added lines after a private key header are kept whatever they hold: they are its body.
    let blockLeft = 0;
    const flush = (): void => {
      if (file && !file.skip && file.lines.length && file.path !== undefined) {
        for (const hit of detector.scan(file.lines, file.numbers)) {
          if (facts.leaks.length < MAX_LEAKS) facts.leaks.push({ ...hit, commit, path: file.path });
          else facts.more += 1;
        }
      }
      file = undefined;
      blockLeft = 0;
    };
    // Lines are read from each chunk decoded once as latin1 (one byte, one character; the formats
    // are ASCII), and an added line becomes a string of its own only when a keyword of some format
    // occurs in it (one pass of `keywords` over the chunk finds them): most lines never do.
    const onLine = (text: string, s: number, e: number, interesting: boolean): void => {
      const first = text.charCodeAt(s);
      if (oldLeft > 0 || newLeft > 0) {
        // Inside a hunk: git says how many lines of each side follow.
        let inResult: boolean;
        let added: boolean;
        if (cols === 1) {
          inResult = first === 0x2b; /* + */
          added = inResult;
          if (first === 0x2d /* - */) oldLeft -= 1;
          else if (first === 0x20)
            oldLeft -= 1; // context: on both sides
          else if (!inResult) return; // "\ No newline at end of file" and the like
          if (first === 0x20) inResult = true;
        } else {
          // A merge's combined diff: one column per parent. A line with "-" in some column is
          // gone from the result; a result line counts for each parent it is in (" "), and the
          // merge itself added it only when it is in none of them ("+" in every column).
          if (first !== 0x2b && first !== 0x2d && first !== 0x20) return;
          let minus = 0;
          let plus = 0;
          for (let i = 0; i < cols; i++) {
            const c = text.charCodeAt(s + i);
            if (c === 0x2d) minus += 1;
            else if (c === 0x2b) plus += 1;
          }
          inResult = minus === 0;
          added = plus === cols;
          oldLeft -= inResult ? cols - plus : minus;
        }
        if (!inResult) return;
        newLeft -= 1;
        if (added && file && !file.skip && (interesting || blockLeft > 0)) {
          const line = text.slice(s + cols, e);
          file.lines.push(line);
          file.numbers.push(lineNo);
          if (interesting && BLOCK_START.test(line)) blockLeft = MAX_BLOCK_LINES;
          else if (blockLeft > 0) blockLeft -= 1;
        }
        lineNo += 1;
        return;
      }
      if (first === 0x01) {
        flush();
        commit = text.slice(s + 1, e);
        facts.commits += 1;
        return;
      }
      if (first === 0x40 /* @ */ && text.charCodeAt(s + 1) === 0x40 && file) {
        // "@@ -a,b +c,d @@", or a merge's "@@@ -a,b -a,b +c,d @@@" (one "@" and one "-" range more per parent)
        const m = HUNK.exec(text.slice(s, Math.min(e, s + 400)));
        if (m) {
          cols = m[1]!.length - 1;
          oldLeft = 0;
          for (const r of m[2]!.matchAll(/-\d+(?:,(\d+))? /g)) oldLeft += r[1] === undefined ? 1 : Number(r[1]);
          lineNo = Number(m[3]);
          newLeft = m[4] === undefined ? 1 : Number(m[4]);
        }
        return;
      }
      if (first === 0x64 /* d */ && (text.startsWith('diff --git ', s) || text.startsWith('diff --cc ', s))) {
        flush();
        file = { skip: false, lines: [], numbers: [] };
        return;
      }
      if (!file) return;
      if (text.startsWith('index ', s)) {
        const m = /\.\.([0-9a-f]+)/.exec(text.slice(s, Math.min(e, s + 200)));
        if (m) {
          file.blob = m[1]!;
          // One lookup, not a get and an add: the index grows only when the blob is new.
          const before = seen.size;
          if (seen.add(file.blob) < before) {
            file.skip = true;
            facts.skipped.repeated += 1;
          } else if (before >= MAX_SEEN) {
            seen = new OidIndex();
            seen.add(file.blob);
          }
        }
      } else if (text.startsWith('+++ ', s)) {
        const p = Buffer.from(text.slice(s + 4, e), 'latin1').toString('utf8');
        if (p !== '/dev/null') file.path = unquotePath(p).replace(/^b\//, '');
        if (!file.skip) facts.scanned += 1;
      } else if (text.startsWith('Binary', s)) {
        if (!file.skip && file.blob && !/^0+$/.test(file.blob)) binaries.add(file.blob);
        file.skip = true;
      }
    };

    const keywords = detector.keywordPattern();
    let carry: string | undefined;
    const read = (chunk: Buffer): void => {
      const text = chunk.toString('latin1');
      let start = 0;
      if (carry !== undefined) {
        const nl = text.indexOf('\n');
        if (nl < 0) {
          carry += text;
          return;
        }
        const line = carry + text.slice(0, nl);
        carry = undefined;
        keywords.lastIndex = 0;
        onLine(line, 0, line.length, keywords.test(line));
        start = nl + 1;
      }
      // Where the keywords are in this chunk, in order.
      const marks: number[] = [];
      keywords.lastIndex = start;
      for (let m = keywords.exec(text); m !== null; m = keywords.exec(text)) marks.push(m.index);
      let mi = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl < 0) break;
        while (mi < marks.length && marks[mi]! < start) mi += 1;
        onLine(text, start, nl, mi < marks.length && marks[mi]! < nl);
        start = nl + 1;
      }
      if (start < text.length) carry = text.slice(start);
    };
    /** One git log over the commits listed in `input`: its output read as the scan's. */
    const runLog = async (input: string, wide: boolean): Promise<void> => {
      const inFd = openSync(input, 'r');
      try {
        child = spawnGit(LOG_ARGS(maxBlobBytes, wide), { gitDir: shadow.gitDir, stdin: inFd });
      } finally {
        closeSync(inFd);
      }
      const stderr: Buffer[] = [];
      child.stderr!.on('data', (c: Buffer) => stderr.push(c));
      const closed = new Promise<number | null>((resolve) => child!.once('close', (code) => resolve(code)));
      if (opts.signal?.aborted) abort();
      // A git that stops making progress (blocked opening a FIFO in the object store) is stopped: the
      // dog waits only while we wait on git, since each chunk is scanned before the next is read.
      const dog = new Watchdog(child, 'git log -p');
      dog.arm();
      try {
        for await (const chunk of child.stdout! as AsyncIterable<Buffer>) {
          dog.arm();
          read(chunk);
        }
      } catch (err) {
        dog.disarm();
        abort();
        throw err;
      }
      const code = await closed;
      dog.check(['log', '-p']);
      if (opts.signal?.aborted) throw new Error(STOPPED);
      if (code !== 0) {
        const why = Buffer.concat(stderr).toString('utf8');
        const missing = missingObjectIn(why);
        if (missing) throw new Error(missingObjectReason(missing, 'what the commits added cannot be read'));
        throw new GitError(['log', '-p'], code, why);
      }
    };
    // One log per range of the list; their outputs, one after the other, are one log's.
    const ranges = lineRanges(list, opts.chunkCommits ?? CHUNK_COMMITS);
    for (const range of ranges) await runLog(writeRange(list, range, join(work, 'chunk'), true), false);
    // The wide merges the logs above left out (--max-parents): lines of "<commit> <parents...>" at least
    // this long, read only when the list has one.
    const hex = repo.objectFormat === 'sha256' ? 64 : 40;
    const wideLine = (hex + 1) * (WIDE_MERGE + 2) - 1;
    if (ranges.some((r) => r.longest >= wideLine)) {
      const wide = longLineHeads(list, wideLine);
      if (wide.length) {
        const input = join(work, 'wide');
        writeFileSync(input, `${wide.join('\n')}\n`, { mode: 0o600 });
        await runLog(input, true);
      }
    }
    if (carry !== undefined) {
      keywords.lastIndex = 0;
      onLine(carry, 0, carry.length, keywords.test(carry));
    }
    flush();

    // Binary or too large? git said "Binary files differ" for both; their sizes tell them apart.
    if (binaries.size) {
      const ids = [...binaries];
      const out = (
        await runGit(['cat-file', '--batch-check=%(objectsize)'], {
          gitDir: shadow.gitDir,
          input: `${ids.join('\n')}\n`,
          timeoutMs: 120_000,
        })
      ).stdout
        .toString('latin1')
        .split('\n');
      for (let i = 0; i < ids.length; i++) {
        if (Number(out[i]) > maxBlobBytes) facts.skipped.oversized += 1;
        else facts.skipped.binary += 1;
      }
    }
    return facts;
  } finally {
    opts.signal?.removeEventListener('abort', abort);
    release();
    rmSync(work, { recursive: true, force: true });
    shadow.dispose();
  }
}
