// Reads the output of one `git log -p -U0 --cc` process (src/collect/secrets/scan.ts) into the scan's
// tally. The scan gives git its sorted list a chunk at a time, one process per chunk, and runs the
// next chunk's process while the current one is still read, so that the last chunks do not run
// alone on one core. What a blob counts for depends on every file version before it (a blob seen
// earlier is skipped as repeated), so the next chunk's reader starts *deferred*: it parses and scans
// its files as they come but keeps, per changed file, only what it saw (its blob ids, whether a
// "+++" or "Binary" line came, and what the detector found), and hands that to the tally in order
// once the chunk before it is done (then it goes on directly). The facts are the same whether a
// reader ran deferred or not; a deferred reader only scans, and then drops, a file the tally would
// have skipped as repeated.
// A log with `--raw -t` (the walk's watched paths, path-tap.ts) has folders in git's diff, and git's
// rename detection counts them as candidates (its limit, its basenames): a commit that adds, removes
// or moves a folder while files leave and arrive may be paired otherwise than without -t. Its diff is
// read from a log of that one commit without -t (`aside`), while this log waits, and this log's diff
// of it is skipped: the pairing is always git's own, whatever the walk needs.
import type { SecretDetector } from './detect.js';
import { endsContinued, KeptLines, nameMayHold, scanName } from './kept-lines.js';
import { COMMIT_IDENTITY, COMMIT_MESSAGE } from '../../domain/content.js';
import { binaryPath, hunkHeader, keyEdit, newBlobAt, noteEdit, unquotePath } from './diff-lines.js';
import { LogFiles } from './log-files.js';
import type { TapChunk } from '../path-tap.js';
import type { ScanTally } from './scan-tally.js';

/** One git log process's output, read chunk by chunk (see the top of this file). */
export class LogReader extends LogFiles {
  private cols = 1;
  private oldLeft = 0;
  private newLeft = 0;
  private lineNo = 0;
  /** Which added lines are kept (kept-lines.ts); each a slice of git's output, copied when kept (see `src`). */
  private readonly keeper: KeptLines;
  private carry: string | undefined;
  /** Reading the commit's message: its lines, indented by one space, come before its first file. */
  private message = false;
  /** Reading its author and committer: the lines after the message that start with \x02. */
  private identity = false;
  /** The bytes `text` was decoded from (latin1: the same offsets). What is kept is copied out of
   *  them: a slice of `text` would keep the whole piece of git's output alive (a kept file's commit,
   *  a binary blob's id, a finding's line), and a deferred reader keeps a chunk's worth of them. */
  private src: Buffer = Buffer.alloc(0);
  private readonly keywords: RegExp;
  /** The "diff --git" line of the file being read when it holds a keyword: its name, read if the file is new. */
  private nameLine: string | undefined;
  /** What the commit's names were found to hold: a folder's name is in every new path under it. */
  private namesSaid = new Set<string>();
  /** The current commit's -t records: a folder is a rename candidate; a file is a source; a file is a target. */
  private folders = false;
  private sources = false;
  private targets = false;
  /** Skipping the rest of a commit whose diff was read aside. */
  private skipping = false;
  /** Reading an aside log: `head` until its first file (its header and message were read here already). */
  private inAside = false;
  private asideHead = false;
  /** The commit whose diff is to be read aside, then where this log's output goes on. */
  private pausing: string | undefined;
  private rest: { chunk: Buffer; text: string; start: number } | undefined;

  constructor(
    tally: ScanTally,
    detector: SecretDetector,
    deferred = false,
    /** Where the log's --raw records go (the walk's watched paths), when it has them. */
    private readonly sink?: TapChunk,
    /** Reads one commit's diff from a log without -t into `reader` (required with a sink). */
    private readonly aside?: (oid: string, reader: { read(chunk: Buffer): void; end(): void }) => Promise<void>,
  ) {
    super(tally, detector, deferred);
    this.keywords = detector.keywordPattern();
    this.keeper = new KeptLines(this.keywords, detector.longestKeyword, (line, no) => {
      this.file?.lines.push(Buffer.from(line, 'latin1').toString('latin1'));
      this.file?.numbers.push(no);
    });
  }

  private flush(): void {
    this.keeper.end();
    this.endFile();
  }

  // Lines are read from each chunk decoded once as latin1 (one byte, one character; the formats
  // are ASCII), and an added line becomes a string of its own only when a keyword of some format
  // occurs in it: most lines never do. Only the added lines of files still scanned are searched
  // for keywords: one pass over the whole chunk also searched the headers, the raw records and the
  // removed lines (nearly all of the bytes), and cost a quarter of this reader's time.
  private onLine(text: string, s: number, e: number): void {
    const first = text.charCodeAt(s);
    if (this.skipping) {
      if (first !== 0x01) return;
      this.skipping = false;
    }
    if (this.asideHead) {
      if (first !== 0x64 /* d */ || !text.startsWith('diff --', s)) return;
      this.asideHead = false;
    }
    if (first === 0x01) {
      // A commit header ends whatever came before; no line of a hunk starts with \x01 (each has
      // a column per parent of "+", "-" or " "), so it is taken whatever the hunk counts say.
      this.oldLeft = 0;
      this.newLeft = 0;
      this.flush();
      // A commit with no diff (an empty one, a merge that keeps its parents' lines) ends on its
      // committer line: the next commit's author opens a file of its own, not the one flushed here.
      this.identity = false;
      this.commit = this.src.toString('latin1', s + 1, e);
      this.namesSaid.clear();
      this.folders = this.sources = this.targets = false;
      if (this.kept) this.keptCommits += 1;
      else this.tally.facts.commits += 1;
      this.sink?.commit(this.commit);
      // Its message is read as a file of its own, every line of it added by this commit.
      this.open();
      this.file!.path = COMMIT_MESSAGE;
      this.message = true;
      this.lineNo = 1;
      return;
    }
    if (this.message) {
      if (first === 0x20) {
        this.added(text, s, e, 1);
        return;
      }
      // The message ends at the first line git did not indent: a blank line, a raw record, a diff.
      this.message = false;
      this.flush();
    }
    if (first === 0x02 && this.oldLeft === 0 && this.newLeft === 0) {
      // The author, then the committer: a file of their own, one line each.
      if (!this.identity) {
        this.open();
        this.file!.path = COMMIT_IDENTITY;
        this.identity = true;
        this.lineNo = 1;
      }
      this.added(text, s, e, 1);
      return;
    }
    if (this.identity) {
      this.identity = false;
      this.flush();
    }
    if (this.oldLeft > 0 || this.newLeft > 0) {
      // Inside a hunk: git says how many lines of each side follow.
      let inResult: boolean;
      let added: boolean;
      const cols = this.cols;
      if (cols === 1) {
        inResult = first === 0x2b; /* + */
        added = inResult;
        if (first === 0x2d /* - */) this.oldLeft -= 1;
        else if (first === 0x20)
          this.oldLeft -= 1; // context: on both sides
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
        this.oldLeft -= inResult ? cols - plus : minus;
      }
      if (!inResult) return;
      this.newLeft -= 1;
      if (added) this.added(text, s, e, cols);
      else this.lineNo += 1;
      return;
    }
    const file = this.file;
    if (first === 0x3a /* : */ && !file) {
      // A --raw record (before the commit's first file), for the walk's watched paths (path-tap.ts).
      if (this.sink && text.charCodeAt(s + 1) !== 0x3a) {
        this.sink.raw(text, s, e);
        this.candidate(text, s, e);
      }
      return;
    }
    if (first === 0x40 /* @ */ && text.charCodeAt(s + 1) === 0x40 && file) {
      // "@@ -a,b +c,d @@", or a merge's "@@@ -a,b -a,b +c,d @@@" (one "@" and one "-" range more per parent)
      const h = hunkHeader(text, s, Math.min(e, s + 400));
      if (h) [this.cols, this.oldLeft, this.lineNo, this.newLeft] = h;
      return;
    }
    if (first === 0x64 /* d */ && (text.startsWith('diff --git ', s) || text.startsWith('diff --cc ', s))) {
      if (this.folders && this.sources && this.targets && !this.inAside) {
        // git may pair this commit's files otherwise without -t: its diff is read aside.
        this.pausing = this.commit;
        return;
      }
      this.open();
      // A merge's file is named here (its "Binary files differ" names none).
      if (text.charCodeAt(s + 7) === 0x63 /* c */) this.file!.path = unquotePath(this.src.toString('utf8', s + 10, e));
      this.nameLine = nameMayHold(this.keywords, text, s, e) ? this.src.toString('latin1', s, e) : undefined;
      return;
    }
    if (!file) return;
    // A name the commit gives a file (a new file, or a rename's or copy's target) is published like
    // its lines: `git log --stat`, `git ls-tree` print it. Read once where it first appears; an
    // octopus read against its first parent (scan.ts) may name one a side branch added again.
    // Told apart by their first letter first: every header line of every file comes here ("---" too).
    if (first === 0x6e /* n */) {
      if (text.startsWith('new file mode ', s) && this.nameLine !== undefined) this.name(this.nameLine);
    } else if (first === 0x72 /* r */ || first === 0x63 /* c */) {
      if (
        (text.startsWith('rename to ', s) || text.startsWith('copy to ', s)) &&
        nameMayHold(this.keywords, text, s, e)
      )
        this.name(this.src.toString('latin1', s, e));
      else if (text.startsWith('rename from ', s) || text.startsWith('copy from ', s)) {
        // The lines a rename keeps are printed nowhere: its new version is read whole afterwards (moved-lines.ts).
        const from = this.src.toString('utf8', s + (first === 0x72 ? 12 : 10), e);
        file.movedFrom = unquotePath(from);
      }
    } else if (first === 0x69 /* i */) {
      if (!text.startsWith('index ', s)) return;
      const at = newBlobAt(text, s, e);
      if (at) this.onBlob(file, this.src.toString('latin1', at[0], at[1]));
    } else if (first === 0x2b /* + */) {
      if (!text.startsWith('+++ ', s)) return;
      const p = this.src.toString('utf8', s + 4, e);
      if (p !== '/dev/null') file.path = unquotePath(p).replace(/^b\//, '');
      this.onPlus(file);
    } else if (first === 0x42 /* B */ && text.startsWith('Binary', s)) {
      this.onBinary(file, `${this.commit}\0${binaryPath(this.src.toString('utf8', s, e)) ?? file.path ?? ''}`);
    }
  }

  /** What a -t record ":<old mode> <new mode> <ids> <status>\t<path>..." is to git's rename detection. */
  private candidate(text: string, s: number, e: number): void {
    const tab = text.indexOf('\t', s);
    const status = text.charCodeAt(text.lastIndexOf(' ', tab < 0 ? e : tab) + 1);
    const folder = text.startsWith('04', s + 1) || text.startsWith('04', s + 8);
    if (status === 0x41 /* A */) this[folder ? 'folders' : 'targets'] = true;
    else if (status === 0x44 /* D */) this[folder ? 'folders' : 'sources'] = true;
    else if (status === 0x52 /* R */ || status === 0x43 /* C */) {
      if (folder) this.folders = true;
      else this.sources = this.targets = true;
    }
  }

  /** A line naming a file the commit adds (its path as git prints it, quoted or not): what it holds, once per commit. */
  private name(line: string): void {
    const hits = scanName(this.detector, this.keywords, line).filter((hit) => {
      const key = `${hit.kind}\0${hit.redacted}`;
      if (this.namesSaid.has(key)) return false;
      this.namesSaid.add(key);
      return true;
    });
    if (hits.length) this.nameHits(hits);
  }

  /** Ends the file before and starts the next one. */
  private open(): void {
    this.flush();
    this.nameLine = undefined;
    this.startFile();
  }

  /** An added line, text[s, e), its first `cols` characters git's columns: kept as kept-lines.ts keeps one. */
  private added(text: string, s: number, e: number, cols: number): void {
    const file = this.file;
    if (file?.blob !== undefined && !file.skip && keyEdit(text, s + cols, e))
      noteEdit((file.edits ??= []), this.lineNo);
    if (file && !file.skip) {
      this.keywords.lastIndex = 0;
      const interesting = this.keywords.test(text.slice(s, e)); // its columns included: no keyword starts there
      const continued = endsContinued(text, s + cols, e);
      if (interesting || continued || !this.keeper.idle)
        this.keeper.add(this.lineNo, interesting, continued, () => text.slice(s + cols, e));
    }
    this.lineNo += 1;
  }

  /** The next piece of git's output; a promise while a commit's diff is read aside (git waits). */
  read(chunk: Buffer): void | Promise<void> {
    const oid = this.take(chunk, chunk.toString('latin1'), 0);
    return oid === undefined ? undefined : this.readAside(oid);
  }

  /** The lines of `text` from `start` (after what was carried): the commit to read aside, when one is met. */
  private take(chunk: Buffer, text: string, start: number): string | undefined {
    if (this.carry !== undefined) {
      const nl = text.indexOf('\n');
      if (nl < 0) {
        this.carry += text;
        return undefined;
      }
      const line = this.carry + text.slice(0, nl);
      this.carry = undefined;
      this.src = Buffer.from(line, 'latin1');
      this.onLine(line, 0, line.length);
      start = nl + 1;
      if (this.pausing !== undefined) return this.pause(chunk, text, start);
    }
    this.src = chunk;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.onLine(text, start, nl);
      start = nl + 1;
      if (this.pausing !== undefined) return this.pause(chunk, text, start);
    }
    if (start < text.length) this.carry = text.slice(start);
    this.sink?.flush();
    return undefined;
  }

  private pause(chunk: Buffer, text: string, start: number): string {
    this.rest = { chunk, text, start };
    const oid = this.pausing!;
    this.pausing = undefined;
    return oid;
  }

  /** Each commit met to be read aside, its diff from a log of its own, then the rest of this piece. */
  private async readAside(oid: string | undefined): Promise<void> {
    if (!this.aside) throw new Error('a log with --raw -t is read without an aside log');
    for (; oid !== undefined;) {
      this.inAside = true;
      this.asideHead = true;
      await this.aside(oid, {
        read: (c) => void this.take(c, c.toString('latin1'), 0),
        end: () => this.lastLine(),
      });
      this.inAside = this.asideHead = false;
      this.skipping = true; // this log's diff of it, up to the next commit
      const rest = this.rest!;
      this.rest = undefined;
      oid = this.take(rest.chunk, rest.text, rest.start);
    }
  }

  /** The line git's output ended with, when it had no newline. */
  private lastLine(): void {
    if (this.carry === undefined) return;
    const line = this.carry;
    this.carry = undefined;
    this.keywords.lastIndex = 0;
    this.src = Buffer.from(line, 'latin1');
    this.onLine(line, 0, line.length);
  }

  /** git's output has ended: its last line and last file are done (deferred: kept for goDirect). */
  end(): void {
    this.lastLine();
    this.flush();
    this.sink?.end();
  }
}
