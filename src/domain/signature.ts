// What a signature check says, in git's own letters so users can compare with `git log --format=%G?`:
//   G good · B bad · U good, signer unknown/untrusted · X good, signature expired · Y good, key expired
//   R good, key revoked · E cannot be checked (missing key, unsupported format) · N no signature
export type SigLetter = 'G' | 'B' | 'U' | 'X' | 'Y' | 'R' | 'E' | 'N';

export type SigFormat = 'openpgp' | 'ssh' | 'x509' | 'unknown';

export interface SignatureVerdict {
  letter: SigLetter;
  format: SigFormat | 'none';
  /** OpenPGP: primary key fingerprint, upper-case hex. SSH: "SHA256:..." key fingerprint. */
  signer?: string;
  /** OpenPGP: fingerprint (or key id when that is all the signature names) of the key that made it. */
  signingKey?: string;
  /** SSH: the "SHA256:..." fingerprint of the CA whose certificate made the signature (its
   *  revocation voids the signature). */
  certAuthority?: string;
  /** SSH: the signature was accepted through a cert-authority line: `identities` are then the
   *  certificate's principals, names compared as addresses, never patterns. */
  byCertAuthority?: true;
  /** SSH: when the certificate that made the signature expires, unix seconds (absent: never). The
   *  verifier checks it at the committer time, as git does; the judgement at the signing time too. */
  certValidBefore?: number;
  /** Identities the trusted key vouches for: e-mail addresses (lower-case) from OpenPGP user IDs or
   *  SSH allowed-signers principals (which may be patterns such as "*@example.com"). */
  identities: string[];
  /** Signature creation time, unix seconds, when the signature carries one. */
  signedAt?: number;
  /** Hard revocation (key compromised / no reason): every signature by the key is void. */
  hardRevoked?: boolean;
  /** One line for people on why the letter is not G. Never contains raw repository bytes. */
  reason?: string;
  /** The signing key's public-key algorithm as the format names it: OpenPGP "rsaEncryptSign",
   *  "dsa", "ed25519", "eddsaLegacy"...; SSH the key type ("ssh-rsa", "ssh-ed25519", "ssh-dss"...). */
  keyAlgorithm?: string;
  /** The signing key's size in bits, for RSA, DSA and ElGamal keys (when the key is known). */
  keyBits?: number;
  /** SSH: the signature algorithm in the signature blob ("rsa-sha2-512", "ssh-rsa" = SHA-1...). */
  sshSignatureAlgorithm?: string;
  /** SSH certificate: the algorithm its CA signed it with, and the CA key's type and size. */
  certSignatureAlgorithm?: string;
  certAuthorityAlgorithm?: string;
  certAuthorityBits?: number;
}

/**
 * Tells which format an armored signature block is in, from its first line, as git does
 * (gpg-interface.c get_format_by_sig): the text must start with the armor line itself, so one
 * after a blank line or a space is no format git knows, and gitguard does not read it either.
 */
export function signatureFormat(armored: string): SigFormat {
  const first = armored.split('\n', 1)[0] ?? '';
  if (first.startsWith('-----BEGIN PGP SIGNATURE-----') || first.startsWith('-----BEGIN PGP MESSAGE-----'))
    return 'openpgp';
  if (first.startsWith('-----BEGIN SSH SIGNATURE-----')) return 'ssh';
  if (first.startsWith('-----BEGIN SIGNED MESSAGE-----') || first.startsWith('-----BEGIN CMS-----')) return 'x509';
  return 'unknown';
}

/** The shared verdict plus the time facts the policy layer needs to judge at signing time. */
export interface OpenPgpVerdict extends SignatureVerdict {
  /** When the signing (sub)key stops being valid, unix seconds (the earlier of subkey and primary). */
  keyExpiresAt?: number;
  /** When the signature itself stops being valid (signature expiration subpacket), unix seconds. */
  signatureExpiresAt?: number;
  /**
   * When the self-signature binding the signing subkey expires (its own signature expiration), unix
   * seconds: from then on gpg ignores it, the subkey cannot sign and git's letter is E, whatever the
   * signing time. Only the clock changes that: a cached verdict is redone once it has passed.
   */
  bindingExpiresAt?: number;
  /**
   * When the signing key's facts read differently by the clock alone, unix seconds: a user-ID
   * certification or direct-key signature they were chosen from reaches its own signature expiration
   * (gpg then expires the user ID, or ignores the signature), or a key dated in the future comes of
   * age. A cached verdict, whatever its letter, is redone once it has passed.
   */
  keyFactsChangeAt?: number;
  /** Creation time of the earliest effective revocation of the signing key or its primary. */
  revokedAt?: number;
  /** RFC 9580 reason code of that revocation; absent when the revocation names none. */
  revocationReason?: number;
  /** Hash algorithm of the signature, lower-case ("sha256", "sha1"...). */
  hashAlgorithm?: string;
  /** The user ID gpg names as the signer, as git's %GS prints it ("[uncertain] " before one that is
   *  not valid), on a good, expired or revoked signature. Raw key text: escape before printing. */
  signerUserId?: string;
}

export type Verdict = SignatureVerdict &
  Partial<
    Pick<
      OpenPgpVerdict,
      | 'keyExpiresAt'
      | 'signatureExpiresAt'
      | 'bindingExpiresAt'
      | 'keyFactsChangeAt'
      | 'revokedAt'
      | 'revocationReason'
      | 'hashAlgorithm'
      | 'signerUserId'
    >
  > & {
    /** E because the signing key is not among the trusted keys (as opposed to an unreadable signature). */
    missingKey?: boolean;
  };
