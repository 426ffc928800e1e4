// Fuzzing the commit and tag parsers with arbitrary bytes (fast-check, fixed seeds so CI is
// repeatable): they take untrusted bytes from every repository gitguard audits, so they must never
// throw, must answer in time linear in the input, and what they refuse they refuse with a reason.
import fc from 'fast-check';
import { parseCommitObject } from '../../src/collect/commit-object.js';
import { parseTagObject } from '../../src/collect/tag-object.js';

const ID = 'a'.repeat(40);
const TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

// Raw bytes, and bytes that look like objects (so the parsers get past their first lines).
const bytes = fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a));
const pieces = fc.array(
  fc.oneof(
    fc.constantFrom(
      'tree ',
      'parent ',
      'author ',
      'committer ',
      'encoding ',
      'gpgsig ',
      'gpgsig-sha256 ',
      'mergetag ',
      'object ',
      'type ',
      'tag ',
      'tagger ',
      TREE,
      ID,
      '\n',
      '\n\n',
      ' ',
      '<',
      '>',
      '\0',
      '+0000',
      '1700000000',
      'UTF-7',
      'ISO-8859-1',
      'windows-1252',
      '-----BEGIN PGP SIGNATURE-----',
      '-----BEGIN SSH SIGNATURE-----\n',
      'commit',
    ),
    fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a).toString('latin1')),
  ),
  { maxLength: 60 },
);
const objectLike = pieces.map((p) => Buffer.from(p.join(''), 'latin1'));
const input = fc.oneof(bytes, objectLike);

function exercise(parsed: Record<string, unknown>): void {
  // Touch every lazy field: decoding must not throw either.
  for (const k of Object.keys(parsed)) void parsed[k];
  const p = parsed as { message?: string; subject?: string; payload?: Buffer; signatures?: Array<{ armored: string }> };
  void p.message;
  void p.subject;
  void p.payload;
  for (const s of p.signatures ?? []) void s.armored;
}

describe('parser fuzz (fixed seeds)', () => {
  test('parseCommitObject never throws, and a refusal always has a reason', () => {
    fc.assert(
      fc.property(input, (body) => {
        const c = parseCommitObject(ID, body);
        exercise(c as unknown as Record<string, unknown>);
        if (c.malformed !== undefined) expect(c.malformed.length).toBeGreaterThan(0);
        else {
          // Accepted: the shape git writes, so every parent is a full lower-case id.
          expect(c.parents.every((p) => /^[0-9a-f]{40}$/.test(p))).toBe(true);
          expect(body.includes(0)).toBe(false);
        }
      }),
      { seed: 11, numRuns: 3000 },
    );
  });

  test('parseTagObject never throws, and a refusal always has a reason', () => {
    fc.assert(
      fc.property(input, (body) => {
        const t = parseTagObject(ID, body);
        exercise(t as unknown as Record<string, unknown>);
        if (t.malformed !== undefined) expect(t.malformed.length).toBeGreaterThan(0);
        else expect(body.includes(0)).toBe(false);
      }),
      { seed: 12, numRuns: 3000 },
    );
  });

  test('work is linear: a 2 MiB header of tiny lines or of one long line is parsed (no quadratic scan)', () => {
    // No clock is read: a quadratic scan (an indexOf past the end of each line) takes minutes on
    // these and hits jest's timeout; a linear one takes milliseconds.
    for (const unit of ['x\n', 'parent ' + ID + '\n', ' continued\n', 'a']) {
      const big = Buffer.from(`tree ${TREE}\n` + unit.repeat(Math.floor((2 << 20) / unit.length)) + '\n\nm\n');
      expect(parseCommitObject(ID, big).malformed).toBeDefined();
      expect(parseTagObject(ID, big).malformed).toBeDefined();
    }
  }, 30_000);
});

// Fixed seed 11's counterexample (CI, stop 33): a range cut past the object's end made the payload
// writer throw instead of clamping as the concatenation before it did.
test('a header running to the end of the object is cut as far as the object goes', () => {
  const body = Buffer.from('\ngpgsig-sha256 ', 'latin1');
  const c = parseCommitObject(ID, body) as unknown as Record<string, unknown>;
  expect(() => exercise(c)).not.toThrow();
});
