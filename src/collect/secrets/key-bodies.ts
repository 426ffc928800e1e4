// Key material a commit adds under a header it does not add. The log is read with -U0, so only
// added lines reach the detector, and a private key block is found by its header line: a key pasted
// into a block an earlier commit added (a placeholder "-----BEGIN RSA PRIVATE KEY----- / paste the
// key here / -----END", or a published test key whose body is swapped for a real one), or a header
// wrapped around base64 an earlier commit added, showed the detector no header, or a header and no
// body, and passed while `openssl pkey` read a real key from the file. Such a file version (an added
// line that is base64 of 16 characters or more, or a private key's header or END line) is read
// afterwards from one `git cat-file --batch` (scan.ts), and each key block holding one of its added
// lines is read whole, as it stands in the file, at the commit that changed it.
import { BLOCK_START, MAX_BLOCK_LINES, shippedFormats, type SecretDetector } from './detect.js';
import { BatchReader } from './blob-text.js';
import type { ScanTally } from './log-reader.js';

/** Added lines noted per file version; past this many, every key block of the version is read. */
const MAX_EDITS = 1000;
const EDGE = /-----(?:BEGIN|END)[ A-Z0-9_-]{0,100}PRIVATE KEY/i;
const BLOCK_END = /-----end/i;

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
  const dash = text.indexOf('-----', s);
  return dash >= 0 && dash < e && EDGE.test(text.slice(dash, Math.min(e, dash + 140)));
}

/** Notes added line `n` of a file version (0 at the front: too many, read every block). */
export function noteEdit(edits: number[], n: number): void {
  if (edits.length < MAX_EDITS) edits.push(n);
  else edits[0] = 0;
}

/** The header lines (1-based) of the key blocks holding the edited lines: each line's block is the
 *  last header before it with no END line between (its own END line included), within MAX_BLOCK_LINES. */
function editedBlocks(lines: string[], edits: number[]): number[] {
  const all = edits.includes(0);
  const wanted = new Set(edits);
  const heads = new Set<number>();
  let head = 0;
  for (let k = 1; k <= lines.length; k++) {
    const line = lines[k - 1]!;
    const begins = BLOCK_START.test(line);
    if (begins) head = k;
    if (head && (all || wanted.has(k)) && k - head <= MAX_BLOCK_LINES) heads.add(head);
    if (!begins && BLOCK_END.test(line)) head = 0;
  }
  return [...heads];
}

/** The reader of `git cat-file --batch` over the tally's edited file versions (`tally.edited`): the
 *  key blocks holding their added lines, reported at the commit and path each was first seen at,
 *  unless the log's reading already reported that block there. */
export function keyBodies(tally: ScanTally, detector: SecretDetector): BatchReader {
  const blockKinds = new Set(
    shippedFormats()
      .formats.filter((f) => f.block)
      .map((f) => f.id),
  );
  const reported = new Set(tally.facts.leaks.map((l) => `${l.commit}\0${l.path}\0${l.line}\0${l.kind}`));
  return new BatchReader((id) => {
    const where = tally.edited.get(id);
    const chunks: Buffer[] = [];
    return {
      push: (chunk: Buffer) => chunks.push(chunk),
      end: () => {
        const text = Buffer.concat(chunks).toString('latin1');
        if (!where || !/private key/i.test(text)) return;
        const lines = text.split('\n');
        for (const head of editedBlocks(lines, where.edits)) {
          const block = lines.slice(head - 1, head + MAX_BLOCK_LINES);
          for (const hit of detector.scan(
            block,
            block.map((_, i) => head + i),
          )) {
            const key = `${where.commit}\0${where.path}\0${hit.line}\0${hit.kind}`;
            if (hit.line !== head || !blockKinds.has(hit.kind) || reported.has(key)) continue;
            reported.add(key);
            tally.leak(hit, where.commit, where.path);
          }
        }
      },
    };
  });
}
