// The packets gpg 2.2's import reads past in a key file, dropped before openpgp.js parses it. gpg's
// read_block (g10/import.c) keeps only key, user ID and signature packets and frees the rest once
// parse-packet.c has read them; openpgp.js refused the whole file on a literal data packet, a one-pass
// signature or a tag it does not know, where gpg imports the keys and git says G. And the signature
// packets gpg's parser refuses (gpgRefusesSignature), and the key packets (openpgp-key-packet.ts), on
// which its import stops: read as far as gpg reads, each key packet's MPIs as gpg reads them. Pure.
import { readKeyPacket } from './openpgp-key-packet.js';

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

const SIGNATURE = 2;
const PRIMARY = new Set([5, 6]); // secret and public key packets: a key starts there
const KEY_TAGS = new Set([5, 6, 7, 14]); // and secret and public subkey packets
// pubkey_get_nsig (g10/misc.c): the MPIs of a signature by each algorithm; others are read as opaque data.
const SIG_MPIS: Record<number, number> = { 1: 1, 2: 1, 3: 1, 16: 2, 17: 2, 19: 2, 20: 2, 22: 2 };
const MAX_MPI_BITS = 16384; // MAX_EXTERN_MPI_BITS

/**
 * Why gpg 2.2's parse_signature (g10/parse-packet.c) refuses the signature packet `b` (its body),
 * undefined when it reads it: a version other than 2, 3 or 4 (RFC 9580's v6, LibrePGP's v5, which
 * openpgp.js reads or skips), fields cut short, a subpacket area over 10000 octets, an MPI past the
 * packet's end. gpg's import then stops with "read_block: read error: Invalid packet" and imports
 * nothing from that key on; openpgp.js left the packet out and read the key without it (G where git
 * holds no key).
 */
function gpgRefusesSignature(b: Uint8Array): string | undefined {
  if (b.length < 16) return undefined; // "too short", skipped without an error
  const version = b[0]!;
  if (version !== 2 && version !== 3 && version !== 4) return `a version ${version} signature packet`;
  const short = 'a signature packet cut short';
  let p = version === 4 ? 2 : 1 + 1 + 1 + 12; // version, (md5 length,) class, (time, key id)
  if (p + 2 > b.length) return short;
  const algo = b[p]!;
  p += 2; // public-key and hash algorithms
  if (version === 4)
    for (const area of ['hashed', 'unhashed']) {
      if (p + 2 > b.length) return short;
      const n = (b[p]! << 8) | b[p + 1]!;
      p += 2;
      if (p + n > b.length) return short;
      if (n > 10000) return `a signature packet whose ${area} subpackets are over 10000 octets`;
      p += n;
    }
  if (p + 2 > b.length) return short; // the digest's first two octets
  p += 2;
  const mpis = SIG_MPIS[algo] ?? 0;
  if (!mpis && b.length - p > (5 * MAX_MPI_BITS) / 8) return 'a signature packet of an unknown algorithm, too large';
  for (let i = 0; i < mpis; i += 1) {
    if (p + 2 > b.length) return 'a signature packet with an MPI past its end';
    const bits = (b[p]! << 8) | b[p + 1]!;
    p += 2 + Math.ceil(bits / 8);
    if (bits > MAX_MPI_BITS || p > b.length) return 'a signature packet with an MPI past its end';
  }
  return undefined;
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
 * `bin` as gpg's import reads it: without the packets it reads past (the same array when there are
 * none) and the keys of a version other than 4 it skips, each key packet's MPIs in their shortest
 * form, and, at a signature or key packet its parser refuses, without the key block pending then (the
 * key that packet is in; for a primary key's packet, the key before it) and all after it (`stopped`:
 * gpg imports the keys before that block, then stops reading the file). Stops at the
 * first header it cannot read, or a packet it keeps that runs past the end, leaving the rest as it is
 * for openpgp.js to refuse as before.
 */
export function dropSkippedPackets(bin: Uint8Array): { bytes: Uint8Array; stopped?: string } {
  const kept: Uint8Array[] = [];
  let from = 0;
  let p = 0;
  let keyAt = 0; // where the key being read starts (gpg's pending key block)
  let legacy = false; // within a version 2 or 3 key, which gpg skips up to the next primary key
  while (p < bin.length) {
    const f = header(bin, p);
    if (!f) break;
    const reading = gpgReading(bin, f);
    let rewritten: Uint8Array | undefined;
    if (reading === 'keep') {
      if (f.open || f.at + f.len > bin.length) break;
      const body = bin.subarray(f.at, f.at + f.len);
      const key = KEY_TAGS.has(f.tag) ? readKeyPacket(body, PRIMARY.has(f.tag)) : undefined;
      const refused =
        f.tag === SIGNATURE ? gpgRefusesSignature(body) : key && 'refused' in key ? key.refused : undefined;
      // A primary key packet gpg refuses fails the key block still pending too (the one before it).
      if (refused) return { bytes: dropSkippedPackets(bin.subarray(0, keyAt)).bytes, stopped: refused };
      if (PRIMARY.has(f.tag)) legacy = key !== undefined && 'legacy' in key;
      if (PRIMARY.has(f.tag) && !legacy) keyAt = p;
      if (key && 'body' in key && key.body !== body) rewritten = newFormatPacket(f.tag, key.body);
      if (!legacy && !rewritten) {
        p = f.at + f.len;
        continue;
      }
    }
    kept.push(bin.subarray(from, p));
    if (rewritten && !legacy) kept.push(rewritten);
    p = reading === 'rest' ? bin.length : Math.min(f.at + f.len, bin.length);
    from = p;
  }
  if (from === 0) return { bytes: bin };
  kept.push(bin.subarray(from));
  return { bytes: Buffer.concat(kept) };
}

/** A new-format packet of `tag` around `body` (a five-octet length). */
function newFormatPacket(tag: number, body: Uint8Array): Uint8Array {
  const head = Buffer.from([0xc0 | tag, 0xff, 0, 0, 0, 0]);
  head.writeUInt32BE(body.length, 2);
  return Buffer.concat([head, body]);
}
