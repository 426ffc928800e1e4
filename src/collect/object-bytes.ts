// A commit or tag object's bytes as a signature covers them: without its signature headers, and a
// header's value with its continuation lines unfolded, written where the caller says.
const LF = 10;
const SP = 32;

/** `body` without the byte ranges `cut` (in order, not overlapping). */
export function withoutRanges(body: Buffer, cut: Array<[number, number]>): Buffer {
  let size = body.length;
  for (const [s, e] of cut) size -= Math.min(e, body.length) - Math.min(s, body.length);
  const out = Buffer.allocUnsafe(size);
  writeWithoutRanges(body, cut, out, 0);
  return out;
}

/** The same bytes written into `into` at `at`: returns where they end. */
export function writeWithoutRanges(body: Buffer, cut: Array<[number, number]>, into: Uint8Array, at: number): number {
  let pos = at;
  let from = 0;
  // A range may end past the object (a header that runs to its end has no newline to cut): clamped,
  // as subarray clamps.
  for (const [s0, e] of cut) {
    const s = Math.min(s0, body.length);
    into.set(body.subarray(from, s), pos);
    pos += s - from;
    from = Math.min(e, body.length);
  }
  if (from < body.length) {
    into.set(body.subarray(from), pos);
    pos += body.length - from;
  }
  return pos;
}

/**
 * Bytes `start`..`end` of a header's value with each continuation line's leading space dropped: the
 * UTF-8 of lazySignature's `armored` (0x0A and 0x20 never occur inside a UTF-8 sequence, so dropping
 * them from the bytes or from the decoded text is the same; invalid bytes decode to the same
 * replacement characters either way). Returns where the copy ends.
 */
export function writeUnfolded(body: Buffer, start: number, end0: number, into: Uint8Array, at: number): number {
  const end = Math.min(end0, body.length);
  let from = start;
  let pos = at;
  for (let nl = body.indexOf(LF, from); nl !== -1 && nl + 1 < end; nl = body.indexOf(LF, from)) {
    into.set(body.subarray(from, nl + 1), pos);
    pos += nl + 1 - from;
    from = body[nl + 1] === SP ? nl + 2 : nl + 1;
  }
  if (from < end) {
    into.set(body.subarray(from, end), pos);
    pos += end - from;
  }
  return pos;
}
