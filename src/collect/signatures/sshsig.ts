// In-process verification of SSH signatures in the sshsig format (OpenSSH PROTOCOL.sshsig), which
// git writes with gpg.format=ssh, giving the letter git's %G? gives for the same commit with the
// same allowed-signers file. Never runs ssh-keygen; node:crypto does the arithmetic.
//
// What git 2.39 + OpenSSH 9.2 do for a commit (gpg-interface.c verify_ssh_signed_buffer), which
// this mirrors step by step:
//   1. `ssh-keygen -Y find-principals -Overify-time=<committer time>`: the first allowed-signers
//      line holding the signature's key (not as cert-authority) whose valid-after/valid-before
//      admit the time — namespaces are NOT looked at here, nor is the signature checked;
//   2. none: `ssh-keygen -Y check-novalidate -n git`: a sound "git" signature is U, anything else B;
//   3. else, for each principal of that line in order, `ssh-keygen -Y verify -n git -I principal`:
//      the signature must be sound for namespace "git" and some line must list the principal
//      (pattern match), hold the key, allow namespace "git" and the time; the first principal
//      that passes gives G; when none does, B.
// So: key not listed, or listed only outside its validity window -> U; wrong namespace, bad
// signature, tampered payload, or a listed key whose entries exclude namespace "git" -> B. git
// does not compare the principal with the committer: that is a rule's job (see `identities`).
import { createPublicKey, createHash, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { entryAllows } from './allowed-signers.js';
import { decodeBase64Strict, parseSshPublicKey } from './ssh-key.js';
import { SshFormatError, SshReader, SshWriter } from './ssh-wire.js';
import type { AllowedSigner, EcCurve, SshPublicKey } from '../../domain/keys.js';
import type { SignatureVerdict } from '../../domain/signature.js';

export interface SshVerifyOptions {
  /** The namespace the signature must carry; git always uses "git". */
  namespace?: 'git';
  /** The time to check valid-after/valid-before at, unix seconds: git passes the commit's committer
   *  time (-Overify-time). 0 or missing means now, as ssh-keygen does without the option. */
  at: number;
  /** The committer's e-mail: when the key is allowed for it (as `ssh-keygen -Y verify -I identity`
   *  would say), it is listed first in `identities`. It never changes the letter (git's does not
   *  depend on it either). */
  identity?: string;
}

/** An sshsig blob, parsed (PROTOCOL.sshsig §2). */
export interface SshSig {
  version: number;
  publicKey: SshPublicKey;
  namespace: string;
  reserved: Uint8Array;
  hashAlgorithm: string;
  /** The SSH signature blob (string sig-type, string sig-data, ...). */
  signature: Uint8Array;
}

const BEGIN = '-----BEGIN SSH SIGNATURE-----';
const END = '-----END SSH SIGNATURE-----';
const MAGIC = 'SSHSIG';

/** sshsig_dearmor: header at the very start, footer after a newline, strict base64 between. */
function dearmorSshSignature(armored: string): Uint8Array {
  if (!armored.startsWith(BEGIN + '\n')) throw new SshFormatError('missing SSH signature header');
  const body = armored.slice(BEGIN.length + 1);
  const end = body.indexOf('\n' + END);
  if (end === -1) throw new SshFormatError('missing SSH signature footer');
  const bytes = decodeBase64Strict(body.slice(0, end));
  if (!bytes) throw new SshFormatError('invalid base64 in SSH signature');
  return bytes;
}

// A signer's commits all carry the same key blob: parsed (and fingerprinted) once per run. Bounded.
const signatureKeys = new Map<string, SshPublicKey>();
function signatureKey(blob: Uint8Array): SshPublicKey {
  const id = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength).toString('latin1');
  let key = signatureKeys.get(id);
  if (!key) {
    key = parseSshPublicKey(blob); // throws for a malformed blob: nothing is remembered
    if (signatureKeys.size >= 1024) signatureKeys.clear();
    signatureKeys.set(id, key);
  }
  return key;
}

/** Parses an armored SSH signature; throws SshFormatError when it is malformed. */
export function parseSshSignature(armored: string): SshSig {
  const r = new SshReader(dearmorSshSignature(armored));
  const magic = Buffer.from(r.bytes(MAGIC.length)).toString('latin1');
  if (magic !== MAGIC) throw new SshFormatError('bad SSHSIG magic');
  const version = r.u32();
  // OpenSSH rejects only versions above the one it knows.
  if (version > 1) throw new SshFormatError('unsupported SSHSIG version');
  const publicKey = signatureKey(r.string());
  const namespace = r.cstring();
  const reserved = r.string();
  const hashAlgorithm = r.cstring();
  const signature = r.string();
  if (r.remaining !== 0) throw new SshFormatError('trailing data after SSH signature');
  return { version, publicKey, namespace, reserved, hashAlgorithm, signature };
}

// ---------------------------------------------------------------------------------------------
// Signature arithmetic

const CURVE_JWK: Record<EcCurve, { crv: string; bytes: number; hash: string }> = {
  nistp256: { crv: 'P-256', bytes: 32, hash: 'sha256' },
  nistp384: { crv: 'P-384', bytes: 48, hash: 'sha384' },
  nistp521: { crv: 'P-521', bytes: 66, hash: 'sha512' },
};

const keyCache = new Map<string, KeyObject>();

function b64url(b: Uint8Array): string {
  return Buffer.from(b).toString('base64url');
}

/** A node:crypto key for a parsed SSH key; throws when node refuses it (e.g. a point off-curve). */
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
  else throw new SshFormatError('key type not supported');
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

/**
 * sshkey_verify for the key types node:crypto can check. Returns true/false, or a string naming
 * why the signature cannot be checked at all (the caller's 'E').
 */
function verifyRaw(key: SshPublicKey, sigBlob: Uint8Array, data: Uint8Array): boolean | string {
  const r = new SshReader(sigBlob);
  const sigType = r.cstring();
  switch (key.kind) {
    case 'ed25519': {
      if (sigType !== 'ssh-ed25519') return false;
      const sig = r.string();
      if (r.remaining !== 0 || sig.length !== 64) return false;
      return cryptoVerify(null, data, nodeKey(key), sig);
    }
    case 'ecdsa': {
      if (sigType !== key.type) return false;
      const inner = r.string();
      if (r.remaining !== 0) return false;
      const curve = key.ecdsa!.curve;
      const sig = ecdsaSignature(inner, curve);
      if (!sig) return false;
      return cryptoVerify(CURVE_JWK[curve].hash, data, { key: nodeKey(key), dsaEncoding: 'ieee-p1363' }, sig);
    }
    case 'rsa': {
      // sshsig accepts only SHA-2 RSA signatures; "ssh-rsa" (SHA-1) is refused, as in OpenSSH.
      const hash = sigType === 'rsa-sha2-256' ? 'sha256' : sigType === 'rsa-sha2-512' ? 'sha512' : undefined;
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
      if (sigType !== key.type) {
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
        if (inner.length !== 64) return false;
        return cryptoVerify(null, signed, nodeKey(key), inner);
      }
      const sig = ecdsaSignature(inner, 'nistp256');
      if (!sig) return false;
      return cryptoVerify('sha256', signed, { key: nodeKey(key), dsaEncoding: 'ieee-p1363' }, sig);
    }
    case 'dsa':
      return 'DSA keys are not supported';
    case 'cert':
      return 'SSH certificates are not supported';
    default:
      return 'unsupported key type';
  }
}

/**
 * Checks the signature's arithmetic for `payload` in `namespace` (sshsig_verify_fd without the
 * allowed-signers part). true/false, or a string saying why it cannot be checked.
 */
function checkSshSig(sig: SshSig, payload: Uint8Array, namespace: string): boolean | string {
  if (sig.hashAlgorithm !== 'sha256' && sig.hashAlgorithm !== 'sha512') return false;
  if (sig.namespace !== namespace) return false;
  const toVerify = new SshWriter()
    .raw(MAGIC)
    .string(namespace)
    .string(new Uint8Array(0)) // reserved: OpenSSH verifies against an empty one, whatever was sent
    .string(sig.hashAlgorithm)
    .string(createHash(sig.hashAlgorithm).update(payload).digest())
    .bytes();
  try {
    return verifyRaw(sig.publicKey, sig.signature, toVerify);
  } catch (e) {
    if (e instanceof SshFormatError) return false;
    // node refused the key (e.g. an EC point not on the curve): OpenSSH refuses it too.
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// The verdict

function verdict(letter: SignatureVerdict['letter'], rest: Partial<SignatureVerdict> = {}): SignatureVerdict {
  return { letter, format: 'ssh', identities: [], ...rest };
}

/**
 * Verifies a commit's SSH signature the way `git log --format=%G?` does with
 * gpg.ssh.allowedSignersFile holding `signers`. Never throws on malformed input.
 */
export function verifySshSignature(
  payload: Uint8Array,
  armored: string,
  signers: readonly AllowedSigner[],
  opts: SshVerifyOptions,
): SignatureVerdict {
  const namespace = opts.namespace ?? 'git';
  const at = opts.at > 0 ? Math.floor(opts.at) : Math.floor(Date.now() / 1000);
  if (armored.trim() === '') return { letter: 'N', format: 'none', identities: [], reason: 'no signature' };
  if (!armored.startsWith(BEGIN)) {
    return verdict('E', { format: 'unknown', reason: 'not an SSH signature' });
  }
  let sig: SshSig;
  try {
    sig = parseSshSignature(armored);
  } catch (e) {
    const why = e instanceof SshFormatError ? e.message : 'unreadable';
    return verdict('B', { reason: `malformed SSH signature (${why})` });
  }
  const key = sig.publicKey;
  const signer = key.fingerprint;
  // The algorithms, whatever the verdict, for the weak-cryptography rule.
  const algorithms = sshAlgorithms(sig);
  const judged = (letter: SignatureVerdict['letter'], rest: Partial<SignatureVerdict> = {}): SignatureVerdict =>
    verdict(letter, { ...algorithms, ...rest });
  let sound: boolean | string;
  try {
    sound = checkSshSig(sig, payload, namespace);
  } catch {
    sound = false;
  }
  if (typeof sound === 'string') return judged('E', { signer, reason: sound });

  // A signature that does not verify (or was made for another namespace) is bad, whoever made it.
  const unsound = (): SignatureVerdict =>
    judged('B', {
      signer,
      reason:
        sig.namespace !== namespace
          ? `signature was made for another namespace than "${namespace}"`
          : 'signature does not verify',
    });
  // find-principals: first line holding the key, valid at `at`, namespaces ignored.
  const found = signers.find((e) => entryAllows(e, key, at));
  if (!found) {
    if (!sound) {
      return unsound();
    }
    const listed = signers.some((e) => !e.certAuthority && Buffer.from(e.key.canonical).equals(key.canonical));
    return judged('U', {
      signer,
      reason: listed
        ? 'signing key is in allowed signers, but not valid at the commit time'
        : 'signing key is not in allowed signers',
    });
  }
  if (!sound) {
    return unsound();
  }
  // verify -I principal, for each principal of the found line in order.
  const identities: string[] = [];
  for (const p of found.principals) {
    if (signers.some((e) => entryAllows(e, key, at, namespace, p)) && !identities.includes(p)) identities.push(p);
  }
  if (!identities.length) {
    return judged('B', { signer, reason: `allowed signers do not permit this key for namespace "${namespace}"` });
  }
  if (opts.identity !== undefined && !identities.includes(opts.identity)) {
    if (signers.some((e) => entryAllows(e, key, at, namespace, opts.identity))) identities.unshift(opts.identity);
  } else if (opts.identity !== undefined) {
    identities.splice(identities.indexOf(opts.identity), 1);
    identities.unshift(opts.identity);
  }
  return judged('G', { signer, identities });
}

/** The key type and size and the signature algorithm named in the signature blob ("ssh-rsa" there
 *  means an RSA signature over SHA-1). */
function sshAlgorithms(sig: SshSig): Pick<SignatureVerdict, 'keyAlgorithm' | 'keyBits' | 'sshSignatureAlgorithm'> {
  const out: Pick<SignatureVerdict, 'keyAlgorithm' | 'keyBits' | 'sshSignatureAlgorithm'> = {
    keyAlgorithm: sig.publicKey.type,
  };
  if (sig.publicKey.rsa) out.keyBits = sig.publicKey.rsa.bits;
  try {
    out.sshSignatureAlgorithm = new SshReader(sig.signature).cstring();
  } catch {
    // an unreadable blob is judged bad elsewhere; it names no algorithm
  }
  return out;
}
