// A fast path for the common OpenPGP signatures (v4 RSA, EdDSA/Ed25519, ECDSA on NIST, brainpool, secp256k1 curves):
// openpgp.js parses, node:crypto hashes and verifies synchronously. openpgp.js's own verify goes
// through WebCrypto and costs ~0.6-0.7 ms a signature here; this costs a small fraction of that.
// Anything unusual (other versions, curves, hashes) returns undefined and takes openpgp.js's path,
// so the verdicts stay exactly what they were. Critical subpackets are the caller's
// (openpgp-critical.ts): this judges the arithmetic only.
import { createHash, createPublicKey, verify as cryptoVerify, constants, type KeyObject } from 'node:crypto';
import type * as openpgp from 'openpgp';
import { ed25519Reduced } from './ed25519-scalar.js';

/** gpg's "Can't check signature: Bad MPI value": a signature it reads as one it cannot check (E). */
export const BAD_MPI = 'Bad MPI value';

const HASHES: Record<number, string> = { 2: 'sha1', 8: 'sha256', 9: 'sha384', 10: 'sha512', 11: 'sha224' };
// The ECDSA curves: a JWK name, or (for those JWK does not name) the curve's DER object identifier.
// secp256k1 and the brainpool curves are ones gpg 2.2 (libgcrypt) checks and openpgp.js cannot
// without an optional module: node:crypto (OpenSSL) checks them here, on every path.
const CURVES: Record<string, { crv?: string; oid?: string; size: number }> = {
  p256: { crv: 'P-256', size: 32 },
  nistP256: { crv: 'P-256', size: 32 },
  nistP384: { crv: 'P-384', size: 48 },
  nistP521: { crv: 'P-521', size: 66 },
  p384: { crv: 'P-384', size: 48 },
  p521: { crv: 'P-521', size: 66 },
  secp256k1: { crv: 'secp256k1', size: 32 },
  brainpoolP256r1: { oid: '06092b2403030208010107', size: 32 },
  brainpoolP384r1: { oid: '06092b240303020801010b', size: 48 },
  brainpoolP512r1: { oid: '06092b240303020801010d', size: 64 },
};

/** A DER element: tag, definite length, content. */
const der = (tag: number, content: Buffer): Buffer => {
  const n = content.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), content]);
};
const EC_PUBLIC_KEY = Buffer.from('06072a8648ce3d0201', 'hex');

/** An uncompressed EC point on a named curve as a node:crypto public key. */
function ecKey(c: { crv?: string; oid?: string; size: number }, q: Uint8Array): KeyObject {
  if (c.oid) {
    const algorithm = der(0x30, Buffer.concat([EC_PUBLIC_KEY, Buffer.from(c.oid, 'hex')]));
    const spki = der(0x30, Buffer.concat([algorithm, der(0x03, Buffer.concat([Buffer.from([0]), q]))]));
    return createPublicKey({ key: spki, format: 'der', type: 'spki' });
  }
  const x = q.subarray(1, 1 + c.size);
  const y = q.subarray(1 + c.size, 1 + 2 * c.size);
  return createPublicKey({ key: { kty: 'EC', crv: c.crv, x: b64url(x), y: b64url(y) }, format: 'jwk' });
}

type KeyPacket =
  openpgp.PublicKeyPacket | openpgp.PublicSubkeyPacket | openpgp.SecretKeyPacket | openpgp.SecretSubkeyPacket;
interface SigInternals {
  version: number;
  hashAlgorithm: number;
  publicKeyAlgorithm: number;
  params: Promise<Record<string, Uint8Array | undefined>> | Record<string, Uint8Array | undefined>;
  toHash(type: number, data: unknown, detached?: boolean): Uint8Array;
}

const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
const strip = (b: Uint8Array): Uint8Array => {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i += 1;
  return b.subarray(i);
};
const pad = (b: Uint8Array, size: number): Uint8Array => {
  const s = strip(b);
  if (s.length === size) return s; // most signatures: no copy
  if (s.length > size) return Buffer.from(s);
  return Buffer.concat([Buffer.alloc(size - s.length), s]);
};

/** A key node:crypto checks with; an RSA key's modulus too (n, its magnitude). */
interface FastKey {
  key: KeyObject;
  kind: 'rsa' | 'ed25519' | 'ecdsa';
  size: number;
  n?: Uint8Array;
}
const keyCache = new WeakMap<object, FastKey | null>();

function publicKey(kp: KeyPacket): FastKey | null {
  if (keyCache.has(kp)) return keyCache.get(kp)!;
  let out: FastKey | null = null;
  try {
    const p = kp.publicParams as unknown as Record<string, unknown>;
    const info = kp.getAlgorithmInfo() as { algorithm: string; curve?: string };
    if ((kp.algorithm === 1 || kp.algorithm === 3) && p.n instanceof Uint8Array && p.e instanceof Uint8Array) {
      const n = strip(p.n);
      out = {
        key: createPublicKey({ key: { kty: 'RSA', n: b64url(n), e: b64url(strip(p.e)) }, format: 'jwk' }),
        kind: 'rsa',
        size: n.length,
        n,
      };
    } else if (
      kp.algorithm === 22 &&
      info.curve === 'ed25519Legacy' &&
      p.Q instanceof Uint8Array &&
      p.Q.length === 33 &&
      p.Q[0] === 0x40
    ) {
      out = {
        key: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(p.Q.subarray(1)) }, format: 'jwk' }),
        kind: 'ed25519',
        size: 32,
      };
    } else if (kp.algorithm === 27 && p.A instanceof Uint8Array && p.A.length === 32) {
      out = {
        key: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(p.A) }, format: 'jwk' }),
        kind: 'ed25519',
        size: 32,
      };
    } else if (
      kp.algorithm === 19 &&
      info.curve &&
      CURVES[info.curve] &&
      p.Q instanceof Uint8Array &&
      p.Q[0] === 0x04 &&
      p.Q.length === 1 + 2 * CURVES[info.curve]!.size
    ) {
      const c = CURVES[info.curve]!;
      out = { key: ecKey(c, p.Q), kind: 'ecdsa', size: c.size };
    }
  } catch {
    out = null;
  }
  keyCache.set(kp, out);
  return out;
}

// Digest lengths in octets, as libgcrypt gives them (gcry_md_get_algo_dlen).
const DIGEST_OCTETS: Record<number, number> = { 1: 16, 2: 20, 3: 20, 8: 32, 9: 48, 10: 64, 11: 28 };
const bitLength = (b: Uint8Array): number => {
  const s = strip(b);
  return s[0] ? (s.length - 1) * 8 + (32 - Math.clz32(s[0])) : 0;
};

/**
 * Why gpg 2.2 will not check a DSA or ECDSA signature of `kp` over `hashAlgorithm` (seskey.c
 * encode_md_value): the digest must be at least as long as the key's q (DSA's q, an ECDSA curve's
 * order: SHA-1 or RIPEMD-160 under a P-256 key, SHA-256 under P-384), and q a multiple of 8 bits and
 * at least 160; gpg then reads the signature as one it cannot check, in data and key signatures
 * alike. undefined when gpg checks it (EdDSA and RSA take any digest).
 */
function digestTooShort(kp: KeyPacket, hashAlgorithm: number): string | undefined {
  const p = kp.publicParams as unknown as Record<string, unknown>;
  let qbits: number;
  if (kp.algorithm === 17 && p.q instanceof Uint8Array) qbits = bitLength(p.q);
  else if (kp.algorithm === 19 && p.Q instanceof Uint8Array) {
    // ecdsa_qbits_from_Q: the point's bit length, less its prefix's bits, halved.
    const n = bitLength(p.Q);
    qbits = n % 8 > 3 ? 0 : Math.min((n - (n % 8)) / 2, 512);
  } else return undefined;
  const name = kp.algorithm === 17 ? 'DSA' : 'ECDSA';
  if (qbits % 8 || qbits < 160) return `Insecure ${name} key: its q of ${qbits} bits is refused by gpg`;
  const octets = DIGEST_OCTETS[hashAlgorithm] ?? 0;
  return octets < qbits / 8
    ? `Insecure hash for a ${name} key: it requires a ${qbits} bit or larger hash (gpg)`
    : undefined;
}

/**
 * true/false when the fast path could judge the signature, undefined to fall back to openpgp.js;
 * throws when gpg would not check it at all (digestTooShort), before either path.
 */
export async function fastVerify(
  sig: openpgp.SignaturePacket,
  kp: KeyPacket,
  type: number,
  data: unknown,
  detached: boolean,
): Promise<boolean | undefined> {
  const s = sig as unknown as SigInternals;
  const short = digestTooShort(kp, s.hashAlgorithm);
  if (short) throw new Error(short);
  if (s.version !== 4 || s.publicKeyAlgorithm !== kp.algorithm) return undefined;
  if (!HASHES[s.hashAlgorithm] || !publicKey(kp)) return undefined;
  const params = await s.params;
  return verifyParams(kp, s.hashAlgorithm, [s.toHash(type, data, detached)], params);
}

/** An RSA signature's s as libgcrypt computes with it, s^e mod n: s mod n. node:crypto (OpenSSL)
 *  refuses an s of n or more, gpg 2.2 takes s + n, made from a good signature by anyone, as good. */
function rsaReduced(s: Uint8Array, n: Uint8Array): Uint8Array {
  const m = strip(s);
  if (m.length < n.length) return m; // below n: every signature a signer makes
  const big = (b: Uint8Array): bigint => BigInt('0x' + Buffer.from(b).toString('hex'));
  const r = (big(m) % big(n)).toString(16);
  return Buffer.from(r.length % 2 ? '0' + r : r, 'hex');
}

/** A legacy EdDSA signature's MPIs r and s as gpg 2.2 hands them to libgcrypt (pkglue.c pk_verify):
 *  each left-padded to 32 octets, and S reduced mod L as libgcrypt computes with it (ed25519-scalar.ts).
 *  An MPI of no bits or over 32 octets gpg does not check at all ("Bad MPI value"): a throw, which the
 *  callers read as E. */
function legacyEdDsa(r: Uint8Array | undefined, s: Uint8Array | undefined): Uint8Array | undefined {
  if (!r || !s) return undefined;
  const [rr, ss] = [strip(r), strip(s)];
  if (!rr[0] || !ss[0] || rr.length > 32 || ss.length > 32) throw new Error(BAD_MPI);
  return ed25519Reduced(Buffer.concat([pad(rr, 32), pad(ss, 32)]), 'libgcrypt');
}

/**
 * Checks a v4 signature's arithmetic: `signed` is what the hash covers (data, hashed part,
 * trailer), `params` the signature's MPIs by openpgp.js's names (s; r and s; or RS).
 * undefined when this path does not handle the key, hash or signature shape.
 */
export function verifyParams(
  kp: KeyPacket,
  hashAlgorithm: number,
  signed: Uint8Array[],
  params: Record<string, Uint8Array | undefined>,
): boolean | undefined {
  const hash = HASHES[hashAlgorithm];
  const k = publicKey(kp);
  // A digest gpg refuses for the key: left to fastVerify's caller, which says so.
  if (!hash || !k || digestTooShort(kp, hashAlgorithm)) return undefined;
  // One-shot calls: a createVerify() object is a stream, and costs a fifth of an RSA check to make.
  const data = () => (signed.length === 1 ? signed[0]! : Buffer.concat(signed));
  switch (k.kind) {
    case 'rsa':
      if (!params.s) return undefined;
      return cryptoVerify(
        hash,
        data(),
        { key: k.key, padding: constants.RSA_PKCS1_PADDING },
        pad(rsaReduced(params.s, k.n!), k.size),
      );
    case 'ed25519': {
      // OpenPGP's EdDSA signs the digest of the data, not the data itself.
      const rs = params.RS ?? legacyEdDsa(params.r, params.s);
      if (!rs || rs.length !== 64) return undefined;
      return cryptoVerify(null, createHash(hash).update(data()).digest(), k.key, rs);
    }
    case 'ecdsa':
      if (!params.r || !params.s) return undefined;
      return cryptoVerify(
        hash,
        data(),
        { key: k.key, dsaEncoding: 'ieee-p1363' },
        Buffer.concat([pad(params.r, k.size), pad(params.s, k.size)]),
      );
    default:
      return undefined;
  }
}
