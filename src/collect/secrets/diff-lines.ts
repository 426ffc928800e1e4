// The header lines of `git log -p` the secrets scan reads a path or a blob id from (log-reader.ts),
// and the added lines that may lie in a key block without its header (keyEdit: key-bodies.ts); the
// record the reader keeps of each file of a diff.
import type { SecretHit } from '../../domain/content.js';
import { quotedPathAt } from '../path-changes.js';

/** One file of a commit's diff as the log reader reads it. */
export interface FileChange {
  blob?: string;
  path?: string;
  /** No more lines kept: binary, or (read directly) a blob seen before. */
  skip: boolean;
  /** Read while deferred: its header lines go to the kept list, not to the tally. */
  deferred: boolean;
  lines: string[];
  numbers: number[];
  /** Added lines that may be key material or a key's header or END (key-bodies.ts). */
  edits?: number[];
  /** The path a rename or copy took it from: its unchanged lines are read afterwards (scan-tally.ts `moved`). */
  movedFrom?: string;
}

/** What one file's lines held, and what is read of its version afterwards. */
export interface Found {
  commit: string;
  path: string;
  hits: SecretHit[];
  edits?: number[];
  movedFrom?: string;
}

/** A path as git prints it in a diff header: bare, or C-quoted (octal escapes for bytes). */
export function unquotePath(s: string): string {
  const t = s.replace(/\t$/, '');
  if (!t.startsWith('"')) return t;
  return Buffer.from(quotedPathAt(t, 0, t.length)[0], 'latin1').toString('utf8');
}

/** A header line with each C-quoted name in it replaced by the name it stands for (bytes as latin1). */
export function unquoteNames(line: string): string {
  let out = '';
  let at = 0;
  for (let q = line.indexOf('"'); q !== -1; q = line.indexOf('"', at)) {
    const [name, end] = quotedPathAt(line, q, line.length);
    out += line.slice(at, q) + name;
    at = end;
  }
  return out + line.slice(at);
}

/** The new path of "Binary files a/<old> and b/<new> differ" (either may be C-quoted): the first
 *  " and " followed by b/ starts it (a rename's old path holding " and b/" names the file wrongly in
 *  the finding, never hides it); undefined for a merge's "Binary files differ" or a deletion. */
export function binaryPath(line: string): string | undefined {
  const m = / and ("?b\/.*) differ$/.exec(line);
  return m ? unquotePath(m[1]!).replace(/^b\//, '') : undefined;
}

/**
 * Where the new blob's id is in an "index <old>..<new> <mode>" line (text[s, e)): the first ".."
 * followed by hex within the line's first 200 characters, as /\.\.([0-9a-f]+)/ finds it.
 */
export function newBlobAt(text: string, s: number, e: number): [number, number] | undefined {
  const lim = Math.min(e, s + 200);
  for (let dd = text.indexOf('..', s); dd !== -1 && dd + 2 < lim; dd = text.indexOf('..', dd + 1)) {
    let k = dd + 2;
    while (k < lim && isHexAt(text, k)) k += 1;
    if (k > dd + 2) return [dd + 2, k];
  }
  return undefined;
}

const isDigitAt = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
};

/** The number written by the digits text[a, b): by hand when exact in a double, as Number() reads it past that. */
function digitsAt(text: string, a: number, b: number): number {
  if (b - a > 15) return Number(text.slice(a, b));
  let n = 0;
  for (let i = a; i < b; i += 1) n = n * 10 + (text.charCodeAt(i) - 48);
  return n;
}

/** Where the digits from i end (i itself when there are none). */
function digitsEnd(text: string, i: number, end: number): number {
  while (i < end && isDigitAt(text, i)) i += 1;
  return i;
}

/**
 * A hunk's header, "@@ -a,b +c,d @@" (a merge's combined diff: one "@" and one "-" range more per
 * parent), in text[s, end): its columns (one per parent), the lines it takes from the parents (the
 * "-" ranges' counts summed, 1 where a range has none), its first new line and its new lines; read
 * as /^(@{2,}) ((?:-\d+(?:,\d+)? )+)\+(\d+)(?:,(\d+))? @/ and its ranges would read them, by hand:
 * the expression and a second one over its ranges cost more than the rest of a hunk's reading.
 */
export function hunkHeader(text: string, s: number, end: number): [number, number, number, number] | undefined {
  let i = s;
  while (i < end && text.charCodeAt(i) === 0x40 /* @ */) i += 1;
  if (i - s < 2 || i >= end || text.charCodeAt(i) !== 0x20) return undefined;
  const cols = i - s - 1;
  i += 1;
  let old = 0;
  let ranges = 0;
  while (i < end && text.charCodeAt(i) === 0x2d /* - */) {
    let k = digitsEnd(text, i + 1, end);
    if (k === i + 1) return undefined;
    let count = 1;
    if (k < end && text.charCodeAt(k) === 0x2c /* , */) {
      const q = digitsEnd(text, k + 1, end);
      if (q === k + 1) return undefined;
      count = digitsAt(text, k + 1, q);
      k = q;
    }
    if (k >= end || text.charCodeAt(k) !== 0x20) return undefined;
    old += count;
    ranges += 1;
    i = k + 1;
  }
  if (!ranges || i >= end || text.charCodeAt(i) !== 0x2b /* + */) return undefined;
  let k = digitsEnd(text, i + 1, end);
  if (k === i + 1) return undefined;
  const first = digitsAt(text, i + 1, k);
  let lines = 1;
  if (k < end && text.charCodeAt(k) === 0x2c) {
    const q = digitsEnd(text, k + 1, end);
    if (q === k + 1) return undefined;
    lines = digitsAt(text, k + 1, q);
    k = q;
  }
  if (k + 1 >= end || text.charCodeAt(k) !== 0x20 || text.charCodeAt(k + 1) !== 0x40) return undefined;
  return [cols, old, first, lines];
}

/** 1 for a lowercase hex digit, by character code: a table read measured 3x faster here than the
 *  comparisons (this runs over every new blob id of the log). */
const HEX = new Uint8Array(65536);
for (const c of '0123456789abcdef') HEX[c.charCodeAt(0)] = 1;
const isHexAt = (s: string, i: number): boolean => HEX[s.charCodeAt(i)] === 1;

/** Added lines noted per file version (key-bodies.ts); past this many, every key block of the version is read. */
const MAX_EDITS = 1000;
const EDGE = /-----(?:BEGIN|END)[ A-Z0-9_-]{0,100}PRIVATE KEY/i;

const isBase64 = (c: number): boolean =>
  (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f;
/** Not a hex digit (a line of hex is a hash, not key material). */
const nonHex = (c: number): boolean =>
  !((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));
const isQuoteOrSpace = (ch: string | undefined): boolean =>
  ch === ' ' || ch === '\t' || ch === '"' || ch === "'" || ch === '`';

/**
 * Whether text[s, e) may be part of a private key block: a line of base64 (16 characters or more, not
 * all hex, quoted or not, as keyBlock reads a pasted one), or a private key's header or END line.
 * One pass over the line, no backtracking: the line is attacker-sized.
 */
export function keyEdit(text: string, s: number, e: number): boolean {
  let i = s;
  while (i < e && isQuoteOrSpace(text[i])) i += 1;
  const from = i;
  let letters = false;
  for (; i < e && isBase64(text.charCodeAt(i)); i += 1) letters ||= nonHex(text.charCodeAt(i));
  const run = i - from;
  while (i < e && text[i] === '=') i += 1;
  for (;;) {
    if (i < e && (isQuoteOrSpace(text[i]) || text[i] === ',' || text[i] === ';' || text[i] === '+' || text[i] === '\r'))
      i += 1;
    else if (i + 1 < e && text[i] === '\\' && (text[i + 1] === 'n' || text[i + 1] === 'r')) i += 2;
    else break;
  }
  if (i === e) return run >= 16 && letters;
  const dash = dashesIn(text, s, e);
  return dash >= 0 && EDGE.test(text.slice(dash, Math.min(e, dash + 140)));
}

/** Where the first "-----" of text[s, e) starts, or -1. Searched within the line: `text` is a whole
 *  chunk of git's output, and indexOf from `s` went on to the chunk's end for every added line
 *  without one (node_modules committed whole: ~3 of an 11 CPU-s scan). */
function dashesIn(text: string, s: number, e: number): number {
  // A slice of a long string is a view of it (V8), so the native search costs the line only.
  const at = text.slice(s, e).indexOf('-----');
  return at < 0 ? -1 : s + at;
}

/** Notes added line `n` of a file version (0 at the front: too many, read every block). */
export function noteEdit(edits: number[], n: number): void {
  if (edits.length < MAX_EDITS) edits.push(n);
  else edits[0] = 0;
}
