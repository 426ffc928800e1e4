// The packets gpg 2.2's import reads past in a key file, dropped before openpgp.js parses it. gpg's
// read_block (g10/import.c) keeps only key, user ID and signature packets and frees the rest once
// parse-packet.c has read them; openpgp.js refused the whole file on a literal data packet, a one-pass
// signature or a tag it does not know, where gpg imports the keys and git says G. Pure.

interface Frame {
  tag: number;
  /** Where the body starts. */
  at: number;
  /** The body's declared length (fixed lengths only). */
  len: number;
  /** A partial (new format) or indeterminate (old format) length: the packet runs on. */
  open: boolean;
}

/** The `n`-byte big-endian number at `at` (no Buffer per header: a keyring may hold a million packets). */
function bigEndian(bin: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i += 1) v = v * 256 + bin[i]!;
  return v;
}

/** A packet header at `p` as gpg reads it; undefined when it cannot be read (gpg: invalid packet). */
function header(bin: Uint8Array, p: number): Frame | undefined {
  const ctb = bin[p]!;
  if (!(ctb & 0x80)) return undefined;
  if (ctb & 0x40) {
    const l0 = bin[p + 1];
    if (l0 === undefined) return undefined;
    if (l0 < 192) return { tag: ctb & 0x3f, at: p + 2, len: l0, open: false };
    if (l0 < 224)
      return p + 2 < bin.length
        ? { tag: ctb & 0x3f, at: p + 3, len: ((l0 - 192) << 8) + bin[p + 2]! + 192, open: false }
        : undefined;
    if (l0 === 255)
      return p + 5 < bin.length
        ? { tag: ctb & 0x3f, at: p + 6, len: bigEndian(bin, p + 2, 4), open: false }
        : undefined;
    return { tag: ctb & 0x3f, at: p + 2, len: 0, open: true };
  }
  const lt = ctb & 3;
  if (lt === 3) return { tag: (ctb >> 2) & 0x0f, at: p + 1, len: 0, open: true };
  const n = 1 << lt;
  if (p + n >= bin.length) return undefined;
  return {
    tag: (ctb >> 2) & 0x0f,
    at: p + 1 + n,
    len: bigEndian(bin, p + 1, n),
    open: false,
  };
}

const LITERAL = 11;
const ONE_PASS = 4;
/** Tags parse-packet.c has no parser for (its default branch, and type 0): skipped unread. */
const unknownToGpg = (tag: number): boolean => tag === 0 || tag === 15 || (tag >= 21 && tag <= 60) || tag === 62;

/**
 * What gpg does with the packet `f`: 'drop' it (and read on after it), 'rest' (it runs to the end of
 * the input: a literal packet of partial or indeterminate length, whose data gpg reads to EOF), or
 * 'keep' (a key packet, or one whose parse fails in gpg: openpgp.js judges it as before).
 */
function gpgReading(bin: Uint8Array, f: Frame): 'drop' | 'rest' | 'keep' {
  if (f.tag === LITERAL) {
    if (f.open) return 'rest';
    // parse_plaintext: "too short" under 6 bytes (mode, name length, date); the data past the header
    // is skipped as far as the input goes (a cut-off literal packet at the end is read to EOF).
    return f.len >= 6 ? 'drop' : 'keep';
  }
  if (f.open || f.at + f.len > bin.length) return 'keep';
  // parse_onepass_sig: 13 bytes at least, version 3.
  if (f.tag === ONE_PASS) return f.len >= 13 && bin[f.at] === 3 ? 'drop' : 'keep';
  return unknownToGpg(f.tag) ? 'drop' : 'keep';
}

/**
 * `bin` without the packets gpg's import reads past (the same array when there are none). Stops at
 * the first header it cannot read, or a packet it keeps that runs past the end, leaving the rest as
 * it is for openpgp.js to refuse as before.
 */
export function dropSkippedPackets(bin: Uint8Array): Uint8Array {
  const kept: Uint8Array[] = [];
  let from = 0;
  let p = 0;
  while (p < bin.length) {
    const f = header(bin, p);
    if (!f) break;
    const reading = gpgReading(bin, f);
    if (reading === 'keep') {
      if (f.open || f.at + f.len > bin.length) break;
      p = f.at + f.len;
      continue;
    }
    kept.push(bin.subarray(from, p));
    p = reading === 'rest' ? bin.length : Math.min(f.at + f.len, bin.length);
    from = p;
  }
  if (from === 0) return bin;
  kept.push(bin.subarray(from));
  return Buffer.concat(kept);
}
