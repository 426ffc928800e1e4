// SSH public keys: the types OpenSSH knows, their parsed parts, their fingerprint as ssh-keygen -l
// prints it, and strict base64. Pure.
import { createHash } from 'node:crypto';
import type { EcCurve, SshCertificate, SshPublicKey } from '../../domain/keys.js';
import { verifyRaw } from './ssh-verify.js';
import { SshFormatError, SshReader, SshWriter } from './ssh-wire.js';

const RSA_MIN_MODULUS_BITS = 1024;

// Certificate type -> the plain type of the key it certifies.
const CERT_TYPES = new Map([
  ['ssh-rsa-cert-v01@openssh.com', 'ssh-rsa'],
  ['ssh-dss-cert-v01@openssh.com', 'ssh-dss'],
  ['ecdsa-sha2-nistp256-cert-v01@openssh.com', 'ecdsa-sha2-nistp256'],
  ['ecdsa-sha2-nistp384-cert-v01@openssh.com', 'ecdsa-sha2-nistp384'],
  ['ecdsa-sha2-nistp521-cert-v01@openssh.com', 'ecdsa-sha2-nistp521'],
  ['ssh-ed25519-cert-v01@openssh.com', 'ssh-ed25519'],
  ['sk-ecdsa-sha2-nistp256-cert-v01@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com'],
  ['sk-ssh-ed25519-cert-v01@openssh.com', 'sk-ssh-ed25519@openssh.com'],
]);

/** sshkey.h SSHKEY_CERT_MAX_PRINCIPALS. */
const MAX_CERT_PRINCIPALS = 256;

/** Key type names OpenSSH 9.2 accepts at the start of a key in text form (peek_type_nid). */
export const TEXT_TYPE_ALIASES: Record<string, string> = {
  'rsa-sha2-256': 'ssh-rsa',
  'rsa-sha2-512': 'ssh-rsa',
  'rsa-sha2-256-cert-v01@openssh.com': 'ssh-rsa-cert-v01@openssh.com',
  'rsa-sha2-512-cert-v01@openssh.com': 'ssh-rsa-cert-v01@openssh.com',
};

const KNOWN_TYPES = new Set([
  'ssh-ed25519',
  'sk-ssh-ed25519@openssh.com',
  'ssh-rsa',
  'ssh-dss',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ecdsa-sha2-nistp256@openssh.com',
  ...CERT_TYPES.keys(),
]);

export function isKnownKeyType(name: string): boolean {
  return KNOWN_TYPES.has(name) || name in TEXT_TYPE_ALIASES;
}

const EC_POINT_BYTES: Record<EcCurve, number> = { nistp256: 32, nistp384: 48, nistp521: 66 };

function sshFingerprint(blob: Uint8Array): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

function bitLength(mag: Uint8Array): number {
  if (mag.length === 0) return 0;
  return (mag.length - 1) * 8 + (32 - Math.clz32(mag[0]!));
}

function readEcPoint(r: SshReader, curve: EcCurve): Uint8Array {
  const point = r.string();
  // OpenSSH only takes uncompressed points (sshbuf_get_ec).
  if (point.length !== 1 + 2 * EC_POINT_BYTES[curve] || point[0] !== 0x04) {
    throw new SshFormatError('invalid EC point');
  }
  return point;
}

type PlainParts = Omit<SshPublicKey, 'canonical' | 'fingerprint' | 'cert'>;

/** The public parts of a plain key of `type` (sshkey_impl deserialize_public), written to `w` as
 *  OpenSSH serializes them. */
function readPlainParts(type: string, r: SshReader, w: SshWriter): PlainParts {
  const key: PlainParts = { type, kind: 'other' };
  switch (type) {
    case 'ssh-ed25519':
    case 'sk-ssh-ed25519@openssh.com': {
      const pk = r.string();
      if (pk.length !== 32) throw new SshFormatError('invalid Ed25519 key length');
      key.ed25519 = pk;
      w.string(pk);
      if (type === 'ssh-ed25519') key.kind = 'ed25519';
      else {
        key.kind = 'sk-ed25519';
        key.application = r.cstring();
        w.string(key.application);
      }
      break;
    }
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521':
    case 'sk-ecdsa-sha2-nistp256@openssh.com': {
      const expected = (type.startsWith('sk-') ? 'nistp256' : type.slice('ecdsa-sha2-'.length)) as EcCurve;
      const curve = r.cstring();
      if (curve !== expected) throw new SshFormatError('EC curve does not match key type');
      const point = readEcPoint(r, expected);
      key.ecdsa = { curve: expected, point };
      w.string(curve).string(point);
      if (type.startsWith('sk-')) {
        key.kind = 'sk-ecdsa';
        key.application = r.cstring();
        w.string(key.application);
      } else key.kind = 'ecdsa';
      break;
    }
    case 'ssh-rsa': {
      const e = r.mpint();
      const n = r.mpint();
      const bits = bitLength(n);
      if (bits < RSA_MIN_MODULUS_BITS) throw new SshFormatError('RSA key too small');
      key.kind = 'rsa';
      key.rsa = { e, n, bits };
      w.mpint(e).mpint(n);
      break;
    }
    case 'ssh-dss': {
      const p = r.mpint();
      const q = r.mpint();
      const g = r.mpint();
      const y = r.mpint();
      key.kind = 'dsa';
      w.mpint(p).mpint(q).mpint(g).mpint(y);
      break;
    }
    default:
      throw new SshFormatError('unknown key type');
  }
  return key;
}

/** A string of (string name, string data) pairs: the names, or an error when malformed. */
function optionNames(section: Uint8Array): string[] {
  const r = new SshReader(section);
  const names: string[] = [];
  while (r.remaining > 0) {
    names.push(Buffer.from(r.string()).toString('latin1'));
    r.string();
  }
  return names;
}

/** cert_parse: the certificate after the certified key, its CA signature checked over the blob. */
function readCertificate(
  blob: Uint8Array,
  r: SshReader,
  plainType: string,
  plainCanonical: Uint8Array,
): SshCertificate {
  const serial = r.u64();
  const certType = r.u32();
  const keyId = r.cstring();
  const principalSection = r.string();
  const validAfter = r.u64();
  const validBefore = r.u64();
  const critical = r.string();
  const extensions = r.string();
  r.string(); // reserved
  const caBlob = r.string();
  const signedLength = blob.length - r.remaining;
  const signature = r.string();
  if (certType !== 1 && certType !== 2) throw new SshFormatError('unknown certificate type');
  const principals: string[] = [];
  const pr = new SshReader(principalSection);
  while (pr.remaining > 0) {
    if (principals.length >= MAX_CERT_PRINCIPALS) throw new SshFormatError('too many certificate principals');
    principals.push(pr.cstring());
  }
  const criticalOptions = optionNames(critical);
  optionNames(extensions);
  // The CA: a plain key (a certificate cannot sign one), whose signature must verify.
  const signatureKey = parseKey(caBlob, false);
  const cert: SshCertificate = {
    plainType,
    plainCanonical,
    serial,
    certType,
    keyId,
    principals,
    validAfter,
    validBefore,
    criticalOptions,
    signatureKey,
    signatureAlgorithm: new SshReader(signature).cstring(),
  };
  const ok = verifyRaw(signatureKey, signature, blob.subarray(0, signedLength), { allowSha1Rsa: true });
  if (typeof ok === 'string')
    return { ...cert, unsupported: `certificate signed by a CA key that cannot be checked: ${ok}` };
  if (!ok) throw new SshFormatError('certificate signature does not verify');
  return cert;
}

function parseKey(blob: Uint8Array, allowCert: boolean): SshPublicKey {
  const r = new SshReader(blob);
  const type = r.cstring();
  const plainType = CERT_TYPES.get(type);
  if (plainType !== undefined && !allowCert) throw new SshFormatError('a certificate cannot be a CA key');
  if (plainType === undefined) {
    const w = new SshWriter().string(type);
    const key = readPlainParts(type, r, w);
    if (r.remaining !== 0) throw new SshFormatError('trailing data after key');
    const canonical = w.bytes();
    return { ...key, canonical, fingerprint: sshFingerprint(canonical) };
  }
  r.string(); // nonce
  const w = new SshWriter().string(plainType);
  const key = readPlainParts(plainType, r, w);
  const plainCanonical = w.bytes();
  let cert: SshCertificate;
  try {
    cert = readCertificate(blob, r, plainType, plainCanonical);
  } catch (e) {
    if (e instanceof SshFormatError) throw e;
    throw new SshFormatError('certificate signature does not verify'); // node refused the CA key
  }
  if (r.remaining !== 0) throw new SshFormatError('trailing data after certificate');
  // ssh-keygen -l fingerprints the certified key, not the certificate.
  return { ...key, type, canonical: blob, fingerprint: sshFingerprint(plainCanonical), cert };
}

/**
 * Parses an SSH public key blob (RFC 4253 §6.6 / RFC 5656 / RFC 8709 / PROTOCOL.u2f /
 * PROTOCOL.certkeys) the way OpenSSH's sshkey_from_blob does: unknown types, short RSA moduli,
 * malformed points, trailing data and certificates whose CA signature does not verify are errors
 * (SshFormatError). DSA keys are parsed but not looked into further.
 */
export function parseSshPublicKey(blob: Uint8Array): SshPublicKey {
  return parseKey(blob, true);
}

/** The key itself: a certificate's certified key, else the key (sshkey_equal_public's view). */
export function publicPart(key: SshPublicKey): Uint8Array {
  return key.cert?.plainCanonical ?? key.canonical;
}

/** Two parsed keys are the same public key (sshkey_equal for plain keys). */
export function sameKey(a: SshPublicKey, b: SshPublicKey): boolean {
  return Buffer.from(a.canonical).equals(b.canonical);
}

/**
 * OpenBSD b64_pton as OpenSSH uses it: whitespace anywhere is skipped, padding is required, nothing
 * but whitespace may follow it, and the unused bits of the last quantum must be zero.
 */
export function decodeBase64Strict(text: string): Uint8Array | undefined {
  const s = text.replace(/[ \t\n\v\f\r]/g, '');
  const out = Buffer.from(s, 'base64');
  // Node's decoder skips what is not base64 (and takes base64url's "-" and "_"); encoding again gives
  // the one canonical text of those bytes: only the alphabet, padded, "=" only at the end, zero slop
  // bits (a subliminal channel OpenSSH refuses). So `s` is that text or it is refused: this one
  // comparison is the alphabet, padding and length checks too (a regular expression here cost as much).
  if (out.toString('base64') !== s) return undefined;
  return out;
}
