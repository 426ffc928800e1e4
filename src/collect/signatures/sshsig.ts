// In-process verification of SSH signatures in the sshsig format (OpenSSH PROTOCOL.sshsig), which
// git writes with gpg.format=ssh, giving the letter git's %G? gives for the same commit with the
// same allowed-signers file. Never runs ssh-keygen; node:crypto does the arithmetic.
//
// What git 2.39 + OpenSSH 9.2 do for a commit (gpg-interface.c verify_ssh_signed_buffer), which
// this mirrors step by step:
//   1. `ssh-keygen -Y find-principals -Overify-time=<committer time>`: the first allowed-signers
//      line holding the signature's key (not as cert-authority) whose valid-after/valid-before
//      admit the time — namespaces are NOT looked at here, nor is the signature checked. A
//      signature by an OpenSSH user certificate (user.signingkey = the -cert.pub file) matches a
//      `cert-authority` line holding the CA that signed it instead, when the certificate is a user
//      certificate valid at that time (valid_after <= t < valid_before) and one of the line's
//      patterns matches one of its principals: those principals are the line's;
//   2. none: `ssh-keygen -Y check-novalidate -n git`: a sound "git" signature is U, anything else B;
//   3. else, for each principal of that line in order, `ssh-keygen -Y verify -n git -I principal`:
//      the signature must be sound for namespace "git" and some line must list the principal
//      (pattern match), hold the key (or the CA of a certificate listing that exact principal),
//      allow namespace "git" and the time; the first principal
//      that passes gives G; when none does, B.
// So: key not listed, or listed only outside its validity window -> U; wrong namespace, bad
// signature, tampered payload, or a listed key whose entries exclude namespace "git" -> B. git
// does not compare the principal with the committer: that is a rule's job (see `identities`).
import { createHash } from 'node:crypto';
import { certificateRefusal, entryAllows, entryPrincipals } from './allowed-signers.js';
import { decodeBase64Strict, parseSshPublicKey, sameKey } from './ssh-key.js';
import { keySpeaksFor, principalMatches } from '../../domain/principals.js';
import { verifyRaw } from './ssh-verify.js';
import { gitVerifyTime } from './local-time.js';
import { SshFormatError, SshReader, SshWriter } from './ssh-wire.js';
import type { AllowedSigner, SshCertificate, SshPublicKey } from '../../domain/keys.js';
import type { SignatureVerdict } from '../../domain/signature.js';

export interface SshVerifyOptions {
  /** The namespace the signature must carry; git always uses "git". */
  namespace?: 'git';
  /** The time to check valid-after/valid-before at, unix seconds: git passes the commit's committer
   *  time (-Overify-time). 0 or missing means now, as ssh-keygen does without the option. */
  at: number;
  /** The committer's e-mail: when the key is allowed for it (as `ssh-keygen -Y verify -I identity`
   *  would say, without regard to case), it is listed first in `identities`. It never changes the
   *  letter (git's does not depend on it either). */
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

/** 10000-01-01T00:00:00Z: git writes a later time with a five-digit year, which ssh-keygen refuses. */
const YEAR_10000 = 253402300800;
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
  // git's -Overify-time is local wall time, read back by ssh-keygen's mktime (local-time.ts); a zone
  // that cannot be read exactly leaves the time as it is (its local valid-* lines are refused anyway).
  // 0: a time ssh-keygen refuses as -Overify-time (a year past 9999).
  const t = Math.floor(opts.at);
  const at = opts.at > 0 ? (gitVerifyTime(t) ?? (t < YEAR_10000 ? t : 0)) : Math.floor(Date.now() / 1000);
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
  // The algorithms, whatever the verdict, for the weak-cryptography rule; a certificate's CA, so
  // that a revoked CA voids what its certificates signed.
  const algorithms = sshAlgorithms(sig);
  const ca = key.cert ? certFacts(key.cert) : {};
  const judged = (letter: SignatureVerdict['letter'], rest: Partial<SignatureVerdict> = {}): SignatureVerdict =>
    verdict(letter, { ...algorithms, ...ca, ...rest });
  // git's find-principals and check-novalidate then both fail: B, whatever key signed and whatever it signed.
  if (at === 0) {
    const reason = 'ssh-keygen refuses the commit time git gives it (-Overify-time): a year past 9999';
    return judged('B', { signer, reason });
  }
  if (key.cert?.unsupported) return judged('E', { signer, reason: key.cert.unsupported });
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
  // find-principals: the principals of the first line holding the key (or its certificate's CA)
  // that admits it at `at`, namespaces ignored.
  let found: string[] | undefined;
  let byCa = false;
  for (const e of signers) {
    if ((found = entryPrincipals(e, key, at))) {
      byCa = e.certAuthority;
      break;
    }
  }
  // A line that matched but prints no principal (a certificate principal "") is no answer to git.
  if (!found?.length) {
    if (!sound) {
      return unsound();
    }
    return judged('U', { signer, reason: notFoundReason(key, signers, at) });
  }
  if (!sound) {
    return unsound();
  }
  // verify -I principal, for each principal of the found line in order. gitguard then takes each as
  // the e-mail it folds to, which the line must admit too: `*,!alice@example.com` admits a certificate
  // for `Alice@example.com` (ssh-keygen compares exactly), and ssh-keygen -I alice@example.com refuses it.
  const permitted: string[] = [];
  const identities: string[] = [];
  for (const p of found) {
    const lines = signers.filter((e) => entryAllows(e, key, at, namespace, p));
    if (!lines.length || permitted.includes(p)) continue;
    permitted.push(p);
    if (lines.some((e) => principalMatches(p, e.principalList))) identities.push(p);
  }
  if (!permitted.length) {
    return judged('B', { signer, reason: `allowed signers do not permit this key for namespace "${namespace}"` });
  }
  if (opts.identity !== undefined && !identities.includes(opts.identity)) {
    // ssh-keygen -Y verify -I <committer>; for a plain key without regard to case, as gitguard
    // compares e-mails (the judgement takes these names literally, never as patterns).
    const allowed =
      signers.some((e) => entryAllows(e, key, at, namespace, opts.identity)) ||
      (!byCa && keySpeaksFor(signers, key.fingerprint, opts.identity, at));
    if (allowed) identities.unshift(opts.identity);
  } else if (opts.identity !== undefined) {
    identities.splice(identities.indexOf(opts.identity), 1);
    identities.unshift(opts.identity);
  }
  return judged('G', { signer, identities, ...(byCa ? { byCertAuthority: true as const } : {}) });
}

/** A certificate's CA, named by fingerprint (its revocation voids the certificate), and its algorithms. */
function certFacts(cert: SshCertificate): Partial<SignatureVerdict> {
  const ca = cert.signatureKey;
  return {
    certAuthority: ca.fingerprint,
    // 2^64-1 is "forever" (ssh-keygen -V without an end); anything past 2^53 s never comes either.
    ...(cert.validBefore <= BigInt(Number.MAX_SAFE_INTEGER) ? { certValidBefore: Number(cert.validBefore) } : {}),
    certSignatureAlgorithm: cert.signatureAlgorithm,
    certAuthorityAlgorithm: ca.type,
    ...(ca.rsa ? { certAuthorityBits: ca.rsa.bits } : {}),
  };
}

/** Why find-principals found no line for the key: for people, never a verdict of its own. */
function notFoundReason(key: SshPublicKey, signers: readonly AllowedSigner[], at: number): string {
  const cert = key.cert;
  if (!cert) {
    const listed = signers.some((e) => !e.certAuthority && sameKey(e.key, key));
    return listed
      ? 'signing key is in allowed signers, but not valid at the commit time'
      : 'signing key is not in allowed signers';
  }
  const caLines = signers.filter((e) => e.certAuthority && sameKey(e.key, cert.signatureKey));
  // Its key id and principals are the repository's bytes: the reason names only numbers and fingerprints.
  const who = `certificate (serial ${cert.serial}) by CA ${cert.signatureKey.fingerprint}`;
  if (!caLines.length) return `signing ${who}: the CA is not a cert-authority in allowed signers`;
  const refusal = certificateRefusal(cert, at);
  if (refusal) return `signing ${who}: ${refusal}`;
  return `signing ${who}: no cert-authority line admits its principals at the commit time`;
}

/** The key type and size and the signature algorithm named in the signature blob ("ssh-rsa" there
 *  means an RSA signature over SHA-1). */
function sshAlgorithms(sig: SshSig): Pick<SignatureVerdict, 'keyAlgorithm' | 'keyBits' | 'sshSignatureAlgorithm'> {
  const out: Pick<SignatureVerdict, 'keyAlgorithm' | 'keyBits' | 'sshSignatureAlgorithm'> = {
    keyAlgorithm: sig.publicKey.cert?.plainType ?? sig.publicKey.type,
  };
  if (sig.publicKey.rsa) out.keyBits = sig.publicKey.rsa.bits;
  try {
    out.sshSignatureAlgorithm = new SshReader(sig.signature).cstring();
  } catch {
    // an unreadable blob is judged bad elsewhere; it names no algorithm
  }
  return out;
}
