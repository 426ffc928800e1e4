// The common OpenPGP commit signature, read without openpgp.js: what gpg writes for `git commit -S`
// (one v4 binary-document signature, armored with a CRC, no armor headers), and what openpgp.js
// writes (the same, plus a salt notation). openpgp.js's
// readSignature costs ~100-300 us a signature (web streams, packet classes); this costs a few.
//
// It reads a strict subset and refuses everything else by returning undefined, and the caller then
// takes openpgp.js's path, so no verdict depends on this reader: for what it accepts, both read the
// same fields (test/collect/openpgp-sig.test.ts compares them, and gpg, on generated blocks).
// Pure: no I/O, bounded by the input.
import { criticalProblem, GPG_MAX_MPI_BITS, subpacketAreas } from './openpgp-critical.js';

/** The fields of an accepted signature that the verification needs. */
export interface QuickSignature {
  publicKeyAlgorithm: number;
  hashAlgorithm: number;
  /** Signature creation time, unix seconds. */
  created: number;
  /** The issuer's v4 fingerprint, 40 upper-case hex digits. */
  issuerFingerprint: string;
  /** Version through the hashed subpackets: what the hash covers after the data. */
  hashed: Uint8Array;
  /** The MPIs' magnitudes (RSA: s; ECDSA and legacy EdDSA: r, s). */
  mpis: Uint8Array[];
}

const BEGIN = '-----BEGIN PGP SIGNATURE-----\n\n';
const END = '\n-----END PGP SIGNATURE-----\n';
const MAX_ARMORED = 16 * 1024;
/** The algorithms this reader takes: RSA (1, 3), ECDSA (19), legacy EdDSA (22), and their MPI count. */
const MPI_COUNT: Record<number, number> = { 1: 1, 3: 1, 19: 2, 22: 2 };
/** sha1, sha256, sha384, sha512, sha224. */
const HASHES = new Set([2, 8, 9, 10, 11]);
const SUB_CREATED = 2;
const SUB_ISSUER = 16;
const SUB_SIGNERS_UID = 28;
const SUB_ISSUER_FPR = 33;
const SUB_NOTATION = 20;

/** A notation's body: four flag bytes, name and value lengths, then exactly that much. */
const wellFormedNotation = (b: Buffer): boolean =>
  b.length >= 8 && 8 + b.readUInt16BE(4) + b.readUInt16BE(6) === b.length;

/** RFC 4880 6.1 CRC-24, a byte at a time from a table. */
const CRC_TABLE = Int32Array.from({ length: 256 }, (_, i) => {
  let crc = i << 16;
  for (let b = 0; b < 8; b += 1) {
    crc <<= 1;
    if (crc & 0x1000000) crc ^= 0x1864cfb;
  }
  return crc & 0xffffff;
});
function crc24(data: Uint8Array): number {
  let crc = 0xb704ce;
  for (let i = 0; i < data.length; i += 1) crc = ((crc << 8) ^ CRC_TABLE[((crc >> 16) ^ data[i]!) & 0xff]!) & 0xffffff;
  return crc;
}

/**
 * Whether an armored block's CRC-24 line, when it has one, disagrees with its bytes: gpg then reads
 * nothing from the block ("CRC error": no signature, no key imported), while openpgp.js ignores the
 * line. gpg's armor reader takes the first line starting with `=` as the checksum and the data as
 * ending there, so such a line anywhere before the last is a mismatch too (openpgp.js cut the
 * checksum off at the last `=` and read the lines after it). `bytes`: the block dearmored.
 */
export function armorCrcMismatch(armored: string, bytes: Uint8Array): boolean {
  const lines = armored.split('\n').map((l) => l.trim());
  const end = lines.findIndex((l) => l.startsWith('-----END PGP'));
  let i = end - 1;
  while (i > 0 && lines[i] === '') i -= 1;
  if (lines.slice(1, i).some((l) => l.startsWith('='))) return true;
  const m = /^=([A-Za-z0-9+/]{4})$/.exec(lines[i] ?? '');
  return m !== null && Buffer.from(m[1]!, 'base64').readUIntBE(0, 3) !== crc24(bytes);
}

/** The armored block's bytes: canonical base64 lines, a matching CRC, nothing else. */
function dearmor(armored: string): Buffer | undefined {
  if (armored.length > MAX_ARMORED || !armored.startsWith(BEGIN) || !armored.endsWith(END)) return undefined;
  const lines = armored.slice(BEGIN.length, armored.length - END.length).split('\n');
  const crcLine = lines.pop();
  if (crcLine?.length !== 5 || crcLine[0] !== '=' || !lines.length) return undefined;
  // Every line but the last a whole number of base64 quanta, none longer than 76 characters; the
  // alphabet and the padding are checked by decoding and encoding again.
  for (let i = 0; i < lines.length; i += 1) {
    const n = lines[i]!.length;
    if (n === 0 || n > 76 || (i < lines.length - 1 && n % 4 !== 0)) return undefined;
  }
  const text = lines.join('');
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) return undefined;
  const crc = Buffer.from(crcLine.slice(1), 'base64');
  if (crc.length !== 3 || crc.toString('base64') !== crcLine.slice(1)) return undefined;
  return crc.readUIntBE(0, 3) === crc24(bytes) ? bytes : undefined;
}

/** The body of the one packet in `b`, when it is a signature packet with a definite length spanning all of `b`. */
function signaturePacketBody(b: Buffer): Buffer | undefined {
  const ctb = b[0];
  if (ctb === undefined || !(ctb & 0x80)) return undefined;
  let len: number;
  let at: number;
  if (ctb & 0x40) {
    if ((ctb & 0x3f) !== 2 || b.length < 2) return undefined;
    const l0 = b[1]!;
    if (l0 < 192) [len, at] = [l0, 2];
    else if (l0 < 224 && b.length >= 3) [len, at] = [((l0 - 192) << 8) + b[2]! + 192, 3];
    else if (l0 === 255 && b.length >= 6) [len, at] = [b.readUInt32BE(2), 6];
    else return undefined; // partial body lengths
  } else {
    if (((ctb >> 2) & 0x0f) !== 2) return undefined;
    const lt = ctb & 3;
    if (lt === 3) return undefined; // indeterminate length
    const n = 1 << lt;
    if (b.length < 1 + n) return undefined;
    [len, at] = [b.readUIntBE(1, n), 1 + n];
  }
  return at + len === b.length ? b.subarray(at) : undefined;
}

interface Subpacket {
  type: number;
  critical: boolean;
  body: Buffer;
}

/** The subpackets of one area, or undefined when a length runs past it. */
function subpackets(area: Buffer): Subpacket[] | undefined {
  const out: Subpacket[] = [];
  let p = 0;
  while (p < area.length) {
    const l0 = area[p]!;
    let len: number;
    if (l0 < 192) [len, p] = [l0, p + 1];
    else if (l0 < 255 && p + 1 < area.length) [len, p] = [((l0 - 192) << 8) + area[p + 1]! + 192, p + 2];
    else if (l0 === 255 && p + 4 < area.length) [len, p] = [area.readUInt32BE(p + 1), p + 5];
    else return undefined;
    if (len < 1 || p + len > area.length) return undefined;
    out.push({ type: area[p]! & 0x7f, critical: (area[p]! & 0x80) !== 0, body: area.subarray(p + 1, p + len) });
    p += len;
  }
  return out;
}

/**
 * The signature in an armored block, when it is the common, unambiguous kind this reader takes;
 * undefined for anything else (the caller then reads it with openpgp.js).
 */
export function readQuickSignature(armored: string): QuickSignature | undefined {
  const bin = dearmor(armored);
  const body = bin && signaturePacketBody(bin);
  if (!body || body.length < 6) return undefined;
  const [version, type, publicKeyAlgorithm, hashAlgorithm] = [body[0]!, body[1]!, body[2]!, body[3]!];
  const mpiCount = MPI_COUNT[publicKeyAlgorithm];
  if (version !== 4 || type !== 0x00 || !mpiCount || !HASHES.has(hashAlgorithm)) return undefined;
  // Areas gpg would not read, or critical subpackets it does not understand: openpgp.js's path judges those.
  const areas = subpacketAreas(body);
  if (!areas || criticalProblem(areas.hashed, areas.unhashed)) return undefined;
  const hashedEnd = 6 + areas.hashed.length;
  const unhashedEnd = hashedEnd + 2 + areas.unhashed.length;
  if (unhashedEnd + 2 > body.length) return undefined;
  const hashed = subpackets(body.subarray(6, hashedEnd));
  const unhashed = subpackets(body.subarray(hashedEnd + 2, unhashedEnd));
  if (!hashed || !unhashed) return undefined;

  // Hashed: creation time and issuer fingerprint once each, optionally issuer key id and signer's
  // user id, and any number of well-formed notations (openpgp.js adds a salt as one); only the
  // creation time may be marked critical. Unhashed: at most the issuer key id.
  let created: number | undefined;
  let fpr: Buffer | undefined;
  const keyIds: Buffer[] = [];
  const seen = new Set<number>();
  for (const s of hashed) {
    if (s.type === SUB_NOTATION && !s.critical && wellFormedNotation(s.body)) continue;
    if (seen.has(s.type) || (s.critical && s.type !== SUB_CREATED)) return undefined;
    seen.add(s.type);
    if (s.type === SUB_CREATED && s.body.length === 4) created = s.body.readUInt32BE(0);
    else if (s.type === SUB_ISSUER_FPR && s.body.length === 21 && s.body[0] === 4) fpr = s.body.subarray(1);
    else if (s.type === SUB_ISSUER && s.body.length === 8) keyIds.push(s.body);
    else if (s.type !== SUB_SIGNERS_UID) return undefined;
  }
  if (unhashed.length > 1) return undefined;
  for (const s of unhashed) {
    if (s.type !== SUB_ISSUER || s.critical || s.body.length !== 8) return undefined;
    keyIds.push(s.body);
  }
  const issuer = fpr;
  if (created === undefined || !issuer || keyIds.some((id) => !id.equals(issuer.subarray(12)))) return undefined;

  // The two-byte digest prefix is skipped (gpg ignores it too), then the MPIs, filling the packet.
  let p = unhashedEnd + 2;
  const mpis: Uint8Array[] = [];
  for (let i = 0; i < mpiCount; i += 1) {
    if (p + 2 > body.length) return undefined;
    const bits = body.readUInt16BE(p);
    const n = (bits + 7) >> 3;
    const top = body[p + 2];
    // Canonical only: no leading zero byte, and the bit count that of the top byte; one gpg reads.
    if (
      !bits ||
      bits > GPG_MAX_MPI_BITS ||
      p + 2 + n > body.length ||
      top === undefined ||
      32 - Math.clz32(top) !== bits - 8 * (n - 1)
    )
      return undefined;
    mpis.push(body.subarray(p + 2, p + 2 + n));
    p += 2 + n;
  }
  if (p !== body.length) return undefined;
  return {
    publicKeyAlgorithm,
    hashAlgorithm,
    created,
    issuerFingerprint: issuer.toString('hex').toUpperCase(),
    hashed: body.subarray(0, hashedEnd),
    mpis,
  };
}
