// sshkey_verify for the SSH key types node:crypto can check: the arithmetic shared by sshsig
// signatures (sshsig.ts) and the CA signature over an SSH certificate (ssh-key.ts). Pure.
import { createPublicKey, createHash, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { ed25519Reduced } from './ed25519-scalar.js';
import { SshReader, SshWriter } from './ssh-wire.js';
import type { EcCurve, SshPublicKey } from '../../domain/keys.js';

const CURVE_JWK: Record<EcCurve, { crv: string; bytes: number; hash: string }> = {
  nistp256: { crv: 'P-256', bytes: 32, hash: 'sha256' },
  nistp384: { crv: 'P-384', bytes: 48, hash: 'sha384' },
  nistp521: { crv: 'P-521', bytes: 66, hash: 'sha512' },
};

const keyCache = new Map<string, KeyObject>();

function b64url(b: Uint8Array): string {
  return Buffer.from(b).toString('base64url');
}

/** A node:crypto key for a parsed SSH key (a certificate: its own key); throws when node refuses
 *  it (e.g. a point off-curve). */
function nodeKey(key: SshPublicKey): KeyObject {
  const cacheKey = Buffer.from(key.canonical).toString('base64');
  const hit = keyCache.get(cacheKey);
  if (hit) return hit;
  let jwk: Record<string, string>;
  if (key.ed25519) jwk = { kty: 'OKP', crv: 'Ed25519', x: b64url(key.ed25519) };
  else if (key.ecdsa) {
    const { crv, bytes } = CURVE_JWK[key.ecdsa.curve];
    const p = key.ecdsa.point;
    jwk = { kty: 'EC', crv, x: b64url(p.subarray(1, 1 + bytes)), y: b64url(p.subarray(1 + bytes)) };
  } else if (key.rsa) jwk = { kty: 'RSA', n: b64url(key.rsa.n), e: b64url(key.rsa.e) };
  else throw new Error('key type not supported');
  const obj = createPublicKey({ key: jwk, format: 'jwk' });
  if (keyCache.size >= 1024) keyCache.clear();
  keyCache.set(cacheKey, obj);
  return obj;
}

/** Left-pads an unsigned magnitude to `len` bytes; undefined when it does not fit. */
function padTo(mag: Uint8Array, len: number): Buffer | undefined {
  if (mag.length > len) return undefined;
  const out = Buffer.alloc(len);
  out.set(mag, len - mag.length);
  return out;
}

/** (mpint r, mpint s) with nothing after, as IEEE P1363 r||s for the curve; undefined if bad. */
function ecdsaSignature(blob: Uint8Array, curve: EcCurve): Buffer | undefined {
  const r = new SshReader(blob);
  const rr = r.mpint();
  const ss = r.mpint();
  if (r.remaining !== 0) return undefined;
  const n = CURVE_JWK[curve].bytes;
  const a = padTo(rr, n);
  const b = padTo(ss, n);
  return a && b ? Buffer.concat([a, b]) : undefined;
}

export interface VerifyRawOptions {
  /** Accept "ssh-rsa" (RSA over SHA-1) signatures: OpenSSH does for a CA's signature over a
   *  certificate (sshkey_verify without an algorithm), never for an sshsig signature. */
  allowSha1Rsa?: boolean;
}

/**
 * sshkey_verify: `sigBlob` (string sig-type, string sig-data, ...) over `data` by `key` (for a
 * certificate, by the key it certifies). true/false, or a string naming why the signature cannot be
 * checked at all (the caller's 'E'). Throws SshFormatError for a truncated blob.
 */
export function verifyRaw(
  key: SshPublicKey,
  sigBlob: Uint8Array,
  data: Uint8Array,
  opts: VerifyRawOptions = {},
): boolean | string {
  const r = new SshReader(sigBlob);
  const sigType = r.cstring();
  const plainType = key.cert?.plainType ?? key.type;
  switch (key.kind) {
    case 'ed25519': {
      if (sigType !== 'ssh-ed25519') return false;
      const raw = r.string();
      if (r.remaining !== 0) return false;
      // OpenSSH's own Ed25519 reads S mod L (ed25519-scalar.ts).
      const sig = ed25519Reduced(raw, 'openssh');
      return !!sig && cryptoVerify(null, data, nodeKey(key), sig);
    }
    case 'ecdsa': {
      if (sigType !== plainType) return false;
      const inner = r.string();
      if (r.remaining !== 0) return false;
      const curve = key.ecdsa!.curve;
      const sig = ecdsaSignature(inner, curve);
      if (!sig) return false;
      return cryptoVerify(CURVE_JWK[curve].hash, data, { key: nodeKey(key), dsaEncoding: 'ieee-p1363' }, sig);
    }
    case 'rsa': {
      // sshsig accepts only SHA-2 RSA signatures; "ssh-rsa" (SHA-1) is refused, as in OpenSSH.
      const hash =
        sigType === 'rsa-sha2-256'
          ? 'sha256'
          : sigType === 'rsa-sha2-512'
            ? 'sha512'
            : sigType === 'ssh-rsa' && opts.allowSha1Rsa
              ? 'sha1'
              : undefined;
      if (!hash) return false;
      const sig = r.string();
      if (r.remaining !== 0 || sig.length === 0) return false;
      const padded = padTo(sig, Math.ceil(key.rsa!.bits / 8));
      if (!padded) return false;
      return cryptoVerify(hash, data, nodeKey(key), padded);
    }
    case 'sk-ed25519':
    case 'sk-ecdsa': {
      // PROTOCOL.u2f: the authenticator signs SHA256(application) || flags || counter ||
      // extensions || SHA256(message). WebAuthn signatures carry more and are not supported.
      if (sigType !== plainType) {
        return sigType.startsWith('webauthn-') ? 'WebAuthn security-key signatures are not supported' : false;
      }
      const inner = r.string();
      const flags = r.u8();
      const counter = r.u32();
      if (r.remaining !== 0) return false;
      const signed = new SshWriter()
        .raw(
          createHash('sha256')
            .update(key.application ?? '')
            .digest(),
        )
        .u8(flags)
        .u32(counter)
        .raw(createHash('sha256').update(data).digest())
        .bytes();
      if (key.kind === 'sk-ed25519') {
        const sig = ed25519Reduced(inner, 'openssh');
        return !!sig && cryptoVerify(null, signed, nodeKey(key), sig);
      }
      const sig = ecdsaSignature(inner, 'nistp256');
      if (!sig) return false;
      return cryptoVerify('sha256', signed, { key: nodeKey(key), dsaEncoding: 'ieee-p1363' }, sig);
    }
    case 'dsa':
      return 'DSA keys are not supported';
    default:
      return 'unsupported key type';
  }
}
