// An Ed25519 signature's S as the programs git runs read it. node:crypto (OpenSSL) refuses an S that
// is not below the group order L; OpenSSH 9.2's own Ed25519 (SUPERCOP's reference code,
// crypto_sign_ed25519_open) refuses only an S with one of its top three bits set, and libgcrypt
// (gpg 2.2's EdDSA) no 32-byte S at all: both compute with S mod L. So S + L, which anyone can make
// from a good signature, is good to git (G): node is given S mod L, the scalar they compute with. Pure.

const L = (1n << 252n) + 27742317777372353535851937790883648493n;

/**
 * R || S (64 bytes, S little-endian) with S reduced mod L, as `reader` reads it: 'openssh' refuses
 * (undefined) an S of 2^253 or more, 'libgcrypt' takes any. The signature itself when S < 2^252,
 * below L already (every signature a signer makes); undefined when it is not 64 bytes.
 */
export function ed25519Reduced(sig: Uint8Array, reader: 'openssh' | 'libgcrypt'): Uint8Array | undefined {
  if (sig.length !== 64) return undefined;
  const top = sig[63]!;
  if (reader === 'openssh' && (top & 0xe0) !== 0) return undefined;
  if (top < 0x10) return sig;
  const s = BigInt('0x' + Buffer.from(sig.subarray(32)).reverse().toString('hex')) % L;
  const out = Buffer.from(sig);
  Buffer.from(s.toString(16).padStart(64, '0'), 'hex').reverse().copy(out, 32);
  return out;
}
