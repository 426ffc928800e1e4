// What makes a signature's cryptography weak: a digest with practical collisions (SHA-1, MD5,
// RIPEMD-160), a key too small or of a retired algorithm (RSA under 2048 bits, DSA, ElGamal), and
// SSH's "ssh-rsa" signature algorithm (RSA over SHA-1) or DSA keys, also in the CA's signature over
// an SSH certificate.
import type { Verdict } from '../../domain/signature.js';

const WEAK_DIGESTS: Record<string, string> = {
  sha1: 'SHA-1',
  md5: 'MD5',
  ripemd: 'RIPEMD-160',
  ripemd160: 'RIPEMD-160',
};
const MIN_RSA_BITS = 2048;

export function weakDigest(hash: string | undefined): string | undefined {
  return hash ? WEAK_DIGESTS[hash.toLowerCase()] : undefined;
}

/** Why a key algorithm and size are weak, or undefined. */
export function weakKey(algorithm: string | undefined, bits: number | undefined): string | undefined {
  const a = (algorithm ?? '').toLowerCase();
  if (a.startsWith('rsa') || a === 'ssh-rsa')
    return bits !== undefined && bits < MIN_RSA_BITS ? `RSA-${bits} key (under ${MIN_RSA_BITS} bits)` : undefined;
  if (a === 'dsa' || a === 'ssh-dss') return 'DSA key';
  if (a === 'elgamal') return 'ElGamal key';
  return undefined;
}

/** Every weakness of one verdict's signature, as short phrases ([] when none or unknown). */
export function signatureWeaknesses(v: Verdict): string[] {
  const out: string[] = [];
  const digest = v.format === 'openpgp' ? weakDigest(v.hashAlgorithm) : undefined;
  if (digest) out.push(`${digest} digest`);
  const key = weakKey(v.keyAlgorithm, v.keyBits);
  if (key) out.push(key);
  if (v.sshSignatureAlgorithm === 'ssh-rsa') out.push('ssh-rsa signature algorithm (RSA over SHA-1)');
  if (v.sshSignatureAlgorithm === 'ssh-dss' && !out.includes('DSA key')) out.push('ssh-dss signature algorithm (DSA)');
  // An SSH certificate is only as strong as its CA's signature over it (a SHA-1 collision forges one).
  const caKey = weakKey(v.certAuthorityAlgorithm, v.certAuthorityBits);
  if (caKey) out.push(`certificate issued by a CA with a ${caKey}`);
  if (v.certSignatureAlgorithm === 'ssh-rsa') out.push('certificate signed by its CA with ssh-rsa (RSA over SHA-1)');
  return out;
}

/** Whether the verdict says anything about algorithms (a signature that could not even be read does not). */
export function algorithmsKnown(v: Verdict): boolean {
  return v.hashAlgorithm !== undefined || v.keyAlgorithm !== undefined || v.sshSignatureAlgorithm !== undefined;
}
