// Key material a commit adds under a header it does not add. The log is read with -U0, so only
// added lines reach the detector, and a private key block is found by its header line: a key pasted
// into a block an earlier commit added (a placeholder "-----BEGIN RSA PRIVATE KEY----- / paste the
// key here / -----END", or a published test key whose body is swapped for a real one), or a header
// wrapped around base64 an earlier commit added, showed the detector no header, or a header and no
// body, and passed while `openssl pkey` read a real key from the file. Such a file version (an added
// line that is base64 of 16 characters or more, or a private key's header or END line: keyEdit in
// diff-lines.ts, as the log is read) is read
// afterwards from one `git cat-file --batch` (scan.ts), and each key block holding one of its added
// lines is read whole, as it stands in the file, at the commit that changed it.
import { BLOCK_START, MAX_BLOCK_LINES, type SecretDetector } from './detect.js';
import { shippedFormats } from './secret-formats.js';
import { BatchReader } from './blob-text.js';
import type { ScanTally } from './scan-tally.js';

const BLOCK_END = /-----end/i;

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
            tally.leak(hit, where.commit, where.path, id);
          }
        }
      },
    };
  });
}
