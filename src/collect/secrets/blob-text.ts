// The text inside the file versions git's diff calls binary: a text file with one NUL byte in it,
// a UTF-16 file, a file over the size limit (core.bigFileThreshold), an executable or an archive
// with strings in it. `git log -p` prints "Binary files differ" for them, but a push publishes their
// bytes, and `git show`/`grep -a` show a token in them. They are read afterwards, from one
// `git cat-file --batch` (scan.ts), as `strings` and gitleaks/trufflehog read binaries: NUL bytes
// dropped (so UTF-16 text of ASCII reads as ASCII), every other control byte ends a run, and a run
// is kept for the detector, with its line (the count of line feeds before it), as kept-lines.ts keeps
// a diff's added lines: a keyword, a private key block's body, a run joined at line continuations.
import type { SecretDetector } from './detect.js';
import { KeptLines } from './kept-lines.js';
import type { SecretHit } from '../../domain/content.js';
import type { ScanTally } from './scan-tally.js';

/** A byte that ends a run: a control character other than tab (NUL bytes are dropped first). */
const SEPARATOR = /[\x01-\x08\x0a-\x1f\x7f]/g;
/** A run longer than this is read in pieces this long, each overlapping the one before by OVERLAP, so
 *  that a file of no line feeds (1 GB of it) is never one string, and a token across a cut is read whole. */
const MAX_RUN = 1024 * 1024;
const OVERLAP = 4096;
/** A backslash before a line feed (a CR between them too), or at the text's end (its line feed in the
 *  next chunk): a line continued on the next. */
const CONTINUED_ANYWHERE = /\\\r?(?:\n|$)/;
const isSeparator = (c: number): boolean => (c < 0x20 && c !== 0x09) || c === 0x7f;

/** One blob's runs, read chunk by chunk: what the detector gets (memory: the kept runs, at most
 *  `flushBytes` of them; past it they are scanned and dropped). Its findings go to `emit` as found. */
export class BlobText implements ObjectSink {
  private lines: string[] = [];
  private numbers: number[] = [];
  private keptBytes = 0;
  private carry = '';
  private lineNo = 1;
  /** Which runs are kept (kept-lines.ts, as every path of the scan reads its lines). */
  private readonly keeper: KeptLines;
  /** What the last scan found: the overlap of a long run, read twice, finds its token twice. */
  private reported = new Set<string>();

  constructor(
    private readonly detector: SecretDetector,
    private readonly keyword: RegExp,
    private readonly flushBytes: number,
    private readonly emit: (hit: SecretHit) => void,
  ) {
    this.keeper = new KeptLines(keyword, detector.longestKeyword, (line, no) => {
      this.lines.push(line);
      this.numbers.push(no);
      this.keptBytes += line.length;
    });
  }

  push(chunk: Buffer): void {
    const text = this.carry + chunk.toString('latin1').replaceAll('\0', '');
    this.carry = '';
    let cut = text.length - 1;
    while (cut >= 0 && !isSeparator(text.charCodeAt(cut))) cut -= 1;
    if (text.length - cut - 1 > MAX_RUN) {
      // A run too long to wait for its end: read as far as it goes, its last OVERLAP characters again
      // with what follows.
      this.segment(text);
      this.carry = text.slice(-OVERLAP);
      return;
    }
    this.segment(text.slice(0, cut + 1));
    this.carry = text.slice(cut + 1);
  }

  /** The blob has ended. */
  end(): void {
    if (this.carry) this.segment(this.carry);
    this.carry = '';
    this.keeper.end();
    this.scan();
  }

  /** Runs of text, each ended by a separator or by the text's end. */
  private segment(text: string): void {
    this.keyword.lastIndex = 0;
    // A backslash at a line's end may join a keyword across the lines: such text is read run by run.
    if (this.keeper.idle && !this.keyword.test(text) && !CONTINUED_ANYWHERE.test(text)) {
      // Most of a binary file: no keyword, nothing kept; only its line feeds count.
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineNo += 1;
      return;
    }
    let start = 0;
    SEPARATOR.lastIndex = 0;
    for (let m = SEPARATOR.exec(text); ; m = SEPARATOR.exec(text)) {
      const end = m ? m.index : text.length;
      this.run(text.slice(start, end));
      if (!m) break;
      if (m[0] === '\n') this.lineNo += 1;
      start = end + 1;
    }
  }

  private run(s: string): void {
    if (!s) return;
    this.keyword.lastIndex = 0;
    const interesting = this.keyword.test(s);
    const continued = s.endsWith('\\');
    if (!interesting && !continued && this.keeper.idle) return;
    this.keeper.add(this.lineNo, interesting, continued, () => s);
    if (this.keptBytes > this.flushBytes && this.keeper.idle) this.scan();
  }

  private scan(): void {
    if (!this.lines.length) return;
    const fresh = new Set<string>();
    for (const hit of this.detector.scan(this.lines, this.numbers)) {
      const key = `${hit.kind}\0${hit.line}\0${hit.redacted}`;
      if (this.reported.has(key) || fresh.has(key)) continue;
      fresh.add(key);
      this.emit(hit);
    }
    this.reported = fresh;
    this.lines = [];
    this.numbers = [];
    this.keptBytes = 0;
  }
}

/** Where one object's bytes go. */
export interface ObjectSink {
  push(chunk: Buffer): void;
  end(): void;
}

/** What `git cat-file --batch` prints for each object asked for: "<id> <type> <size>", its bytes, a
 *  line feed ("<id> missing" for one it lacks). Each object's bytes go to the sink `open` gives for
 *  it (none: they are passed over). */
export class BatchReader {
  private header = '';
  private left = -1;
  private sink: ObjectSink | undefined;
  private id = '';

  constructor(private readonly open: (id: string, type: string, size: number) => ObjectSink | undefined) {}

  read(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.left > 0) {
        const take = Math.min(this.left, chunk.length - at);
        this.sink?.push(chunk.subarray(at, at + take));
        this.left -= take;
        at += take;
        if (this.left === 0) this.finish();
        continue;
      }
      if (this.left === 0) {
        // the line feed after an object's bytes
        this.left = -1;
        at += 1;
        continue;
      }
      const nl = chunk.indexOf(0x0a, at);
      if (nl < 0) {
        this.header += chunk.toString('latin1', at);
        break;
      }
      const line = this.header + chunk.toString('latin1', at, nl);
      this.header = '';
      at = nl + 1;
      const [id, type, size] = line.split(' ');
      if (size === undefined) continue; // "<id> missing": a partial clone's object; nothing to read
      this.id = id!;
      this.sink = this.open(this.id, type!, Number(size));
      this.left = Number(size);
      if (this.left === 0) this.finish();
    }
  }

  end(): void {
    if (this.left > 0) throw new Error('git cat-file --batch ended inside an object');
  }

  private finish(): void {
    this.sink?.end();
    this.sink = undefined;
  }
}

/** The reader of `git cat-file --batch` over the tally's binary blobs: each counted as binary or as
 *  larger than the limit (git calls both binary), read for text, its findings at where it was first seen. */
export function binaryText(tally: ScanTally, detector: SecretDetector, maxBlobBytes: number): BatchReader {
  return wholeText(tally, detector, maxBlobBytes, tally.binaries, (size) => {
    if (size > maxBlobBytes) tally.facts.skipped.oversized += 1;
    else tally.facts.skipped.binary += 1;
  });
}

/** The reader of `git cat-file --batch` over the blobs `where` names ("<commit>\0<path>" each): each
 *  counted, read whole for text, its findings at that commit and path. */
export function wholeText(
  tally: ScanTally,
  detector: SecretDetector,
  maxBlobBytes: number,
  where: ReadonlyMap<string, string>,
  count: (size: number) => void,
): BatchReader {
  const keyword = new RegExp(detector.keywordPattern().source, 'i');
  return new BatchReader((id, _type, size) => {
    count(size);
    const at = where.get(id) ?? '\0';
    const cut = at.indexOf('\0');
    const [commit, path] = [at.slice(0, cut), at.slice(cut + 1)];
    return new BlobText(detector, keyword, maxBlobBytes, (hit) => tally.leak(hit, commit, path, id));
  });
}
