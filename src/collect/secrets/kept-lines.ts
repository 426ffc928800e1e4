// Which lines of a text are kept for the detector, the one reading every path of the secrets scan
// shares (a diff's added lines, a commit message, the text of a binary file, a commit or tag object, a
// file's name): a line holding a keyword, the lines after a private key header (its body), and each
// run of lines joined at a line continuation whose joined text holds a keyword, kept whole, so that the
// detector reads it joined (detect.ts `scan`) wherever it was written. A keyword split by the
// continuation (`gh\` then `p_...`) is in no line alone.
import { BLOCK_START, CONTINUED, MAX_BLOCK_LINES, type SecretDetector } from './detect.js';
import type { SecretHit } from '../../domain/content.js';
import { unquoteNames } from './diff-lines.js';

/** Whether text[s, e) (one line) ends in a backslash, before a CR too: detect.ts's CONTINUED, read in place. */
export function endsContinued(text: string, s: number, e: number): boolean {
  const last = e - 1 >= s && text.charCodeAt(e - 1) === 0x0d ? e - 2 : e - 1;
  return last >= s && text.charCodeAt(last) === 0x5c;
}

/** A continued run longer than this (lines, or characters) is decided at that point: a file of nothing
 *  but continued lines is never held whole. */
const MAX_RUN_LINES = MAX_BLOCK_LINES;
const MAX_RUN_CHARS = 1024 * 1024;

export class KeptLines {
  private blockLeft = 0;
  /** A run of lines joined at continuations, not decided yet (its lines and their numbers; empty: none). */
  private readonly runLines: string[] = [];
  private readonly runNumbers: number[] = [];
  private runChars = 0;
  /** Its first line was kept already (the last of a key block's body). */
  private runKept = false;
  /** A line of it holds a keyword. */
  private runInteresting = false;

  /** `keyword`: the detector's keyword pattern, `reach` its longest keyword; `keep`: where a kept line
   *  goes, with its number. */
  constructor(
    private readonly keyword: RegExp,
    private readonly reach: number,
    private readonly keep: (line: string, no: number) => void,
  ) {}

  /**
   * The next line, numbered `no`: `interesting` when it holds a keyword, `continued` when it ends in
   * a backslash (CRLF too); `text` makes the line, asked only when it is kept or may be.
   */
  add(no: number, interesting: boolean, continued: boolean, text: () => string): void {
    if (this.runLines.length > 0 && no !== this.runNumbers.at(-1)! + 1) this.settle();
    if (this.runLines.length > 0) {
      this.extend(text(), no, interesting);
      if (!continued || this.runLines.length >= MAX_RUN_LINES || this.runChars >= MAX_RUN_CHARS) this.settle();
    } else if (continued && this.blockLeft === 0) {
      this.runKept = false;
      this.extend(text(), no, interesting);
    } else {
      const kept = this.consider(no, interesting, text);
      // The last line of a key block (consider ended it), continued: the next is read joined with it.
      if (kept && continued && this.blockLeft === 0) {
        this.runKept = true;
        this.extend(text(), no, interesting);
      }
    }
  }

  /** The text has ended: a run still open is decided, and what is held back forgotten. */
  end(): void {
    if (this.runLines.length > 0) this.settle();
    this.blockLeft = 0;
  }

  /** Nothing held back: no run undecided, no key block's body still to come. */
  get idle(): boolean {
    return this.runLines.length === 0 && this.blockLeft === 0;
  }

  private extend(line: string, no: number, interesting: boolean): void {
    this.runLines.push(line);
    this.runNumbers.push(no);
    this.runChars += line.length;
    this.runInteresting ||= interesting;
  }

  private clearRun(): void {
    this.runLines.length = 0;
    this.runNumbers.length = 0;
    this.runChars = 0;
    this.runInteresting = false;
  }

  /** Keeps the line when it holds a keyword or is in a key block's body; whether it was kept. */
  private consider(no: number, interesting: boolean, text: () => string): boolean {
    if (!interesting && this.blockLeft === 0) return false;
    const line = text();
    this.keep(line, no);
    if (interesting && BLOCK_START.test(line)) this.blockLeft = MAX_BLOCK_LINES;
    else if (this.blockLeft > 0) this.blockLeft -= 1;
    return true;
  }

  /** A run ends: kept whole when a line of it holds a keyword or one spans its joins (else no line of
   *  it is kept: none holds a keyword, and a run starts only outside a key block). */
  private settle(): void {
    const lines = [...this.runLines];
    const numbers = [...this.runNumbers];
    const whole = this.runInteresting || this.spansJoin(lines);
    const from = this.runKept ? 1 : 0;
    this.clearRun();
    if (!whole) return;
    for (let i = from; i < lines.length; i++) this.consider(numbers[i]!, true, () => lines[i]!);
  }

  /** Whether a keyword lies across a join of `lines` (none is in one line alone): only the last
   *  `reach - 1` characters joined so far and the next line's first ones are read at each join. */
  private spansJoin(lines: readonly string[]): boolean {
    const edge = this.reach - 1;
    if (edge <= 0) return false;
    let tail = uncontinued(lines[0]!).slice(-edge);
    for (let i = 1; i < lines.length; i++) {
      const line = uncontinued(lines[i]!);
      this.keyword.lastIndex = 0;
      if (this.keyword.test(tail + line.slice(0, edge))) return true;
      tail = (tail + line.slice(-edge)).slice(-edge);
    }
    return false;
  }
}

/** A line without the backslash (and CR) that continues it. */
function uncontinued(line: string): string {
  return endsContinued(line, 0, line.length) ? line.slice(0, line.lastIndexOf('\\')) : line;
}

/** Whether a header line naming files, text[s, e), may hold a secret: a keyword, or a name git prints
 *  C-quoted with a backslash before a line feed in it (`\\\n`), which may join one across the two. */
export function nameMayHold(keyword: RegExp, text: string, s: number, e: number): boolean {
  const line = text.slice(s, e);
  keyword.lastIndex = 0;
  return keyword.test(line) || line.includes('\\\\\\n');
}

/** A line naming files (a diff header): read as it is, and with each C-quoted name as the name it
 *  stands for (a backslash and a line feed in it join two lines, as in a file). */
export function scanName(detector: SecretDetector, keyword: RegExp, line: string): SecretHit[] {
  const hits = scanText(detector, keyword, line);
  return line.includes('"') ? [...hits, ...scanText(detector, keyword, unquoteNames(line))] : hits;
}

/** A text read alone: its lines through the same keeper, then the detector. */
function scanText(detector: SecretDetector, keyword: RegExp, text: string): SecretHit[] {
  const lines: string[] = [];
  const numbers: number[] = [];
  const kept = new KeptLines(keyword, detector.longestKeyword, (line, no) => {
    lines.push(line);
    numbers.push(no);
  });
  text.split('\n').forEach((line, i) => {
    keyword.lastIndex = 0;
    kept.add(i + 1, keyword.test(line), CONTINUED.test(line), () => line);
  });
  kept.end();
  return lines.length ? detector.scan(lines, numbers) : [];
}
