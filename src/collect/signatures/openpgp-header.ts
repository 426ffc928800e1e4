// The algorithms an OpenPGP signature names in its own header, read without its key: what the
// weak-cryptography rule needs when gitguard was given no key for the signer (the full check in
// openpgp.ts needs the key). Pure and bounded: a malformed block yields {}.
import type { SignatureVerdict } from '../../domain/signature.js';

const HASHES: Record<number, string> = {
  1: 'md5',
  2: 'sha1',
  3: 'ripemd',
  8: 'sha256',
  9: 'sha384',
  10: 'sha512',
  11: 'sha224',
  12: 'sha3_256',
  14: 'sha3_512',
};
// openpgp.js's names for the public-key algorithms (enums.publicKey), so verdicts read the same.
const PUBKEYS: Record<number, string> = {
  1: 'rsaEncryptSign',
  2: 'rsaEncrypt',
  3: 'rsaSign',
  16: 'elgamal',
  17: 'dsa',
  18: 'ecdh',
  19: 'ecdsa',
  20: 'elgamal',
  22: 'eddsaLegacy',
  25: 'x25519',
  26: 'x448',
  27: 'ed25519',
  28: 'ed448',
};

export type SignatureHeader = { hashAlgorithm?: string } & Pick<SignatureVerdict, 'keyAlgorithm' | 'keyBits'>;

function dearmor(armored: string): Buffer | undefined {
  const lines = armored.replace(/\r/g, '').split('\n');
  const begin = lines.findIndex((l) => l.startsWith('-----BEGIN PGP '));
  if (begin < 0) return undefined;
  let i = begin + 1;
  while (i < lines.length && lines[i]!.trim() !== '' && /^[A-Za-z-]+: /.test(lines[i]!)) i += 1; // armor headers
  const body: string[] = [];
  for (; i < lines.length && !lines[i]!.startsWith('-----END'); i++) {
    const l = lines[i]!.trim();
    if (l.startsWith('=') && l.length === 5) break; // CRC24 line
    body.push(l);
  }
  return Buffer.from(body.join(''), 'base64');
}

/** Hash and public-key algorithm of the first signature packet; for RSA, the key size as the
 *  signature's length shows it (s < n, so its bit length rounded up to 128 bits is the modulus size
 *  except with negligible probability). */
export function openpgpSignatureHeader(armored: string): SignatureHeader {
  try {
    const b = dearmor(armored);
    if (!b || b.length < 8) return {};
    let p = 0;
    const first = b[p++]!;
    if (!(first & 0x80)) return {};
    let tag: number;
    if (first & 0x40) {
      tag = first & 0x3f;
      const l0 = b[p++]!;
      if (l0 >= 192 && l0 < 224) p += 1;
      else if (l0 === 255) p += 4;
    } else {
      tag = (first >> 2) & 0x0f;
      p += [1, 2, 4, 0][first & 3]!;
    }
    if (tag !== 2) return {};
    const version = b[p]!;
    let pk: number;
    let hash: number;
    let mpi: number;
    if (version === 3) {
      pk = b[p + 15]!;
      hash = b[p + 16]!;
      mpi = p + 19;
    } else if (version === 4 || version === 5) {
      pk = b[p + 2]!;
      hash = b[p + 3]!;
      let q = p + 4;
      q += 2 + b.readUInt16BE(q); // hashed subpackets
      q += 2 + b.readUInt16BE(q); // unhashed subpackets
      mpi = q + 2; // after the two-byte digest prefix
    } else if (version === 6) {
      pk = b[p + 2]!;
      hash = b[p + 3]!;
      let q = p + 4;
      q += 4 + b.readUInt32BE(q);
      q += 4 + b.readUInt32BE(q);
      q += 2;
      mpi = q + 1 + b[q]!; // salt
    } else return {};
    const out: SignatureHeader = {};
    if (HASHES[hash]) out.hashAlgorithm = HASHES[hash];
    if (PUBKEYS[pk]) out.keyAlgorithm = PUBKEYS[pk];
    if ((pk === 1 || pk === 3) && mpi + 2 <= b.length) {
      const bits = b.readUInt16BE(mpi);
      if (bits > 0) out.keyBits = Math.ceil(bits / 128) * 128;
    }
    return out;
  } catch {
    return {};
  }
}
