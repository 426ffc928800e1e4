// The keys a policy trusts, as the judgement sees them: an OpenPGP keyring and allowed_signers
// entries. Types only; collect/signatures/ parses the files and verifies signatures.
import type { OpenPgpVerdict } from './signature.js';

export interface KeyInfo {
  /** Primary key fingerprint, upper-case hex. */
  fingerprint: string;
  /** The primary key's algorithm ("rsaEncryptSign", "dsa", "ed25519"...) and size where it has one. */
  algorithm?: string;
  bits?: number;
  /** Hash algorithms (lower-case) of the key's own self-signatures: user ID certifications and
   *  subkey bindings. "sha1" here means the key's bindings can be forged with a SHA-1 collision. */
  selfSignatureHashes?: string[];
  /** Fingerprints of the subkeys, upper-case hex. */
  subkeys: string[];
  /** The files this key was read from. */
  files: string[];
}

export interface Keyring {
  /** Number of distinct primary keys. */
  readonly size: number;
  keys(): KeyInfo[];
  /** Lower-cased e-mails of the valid user IDs of a key, by primary fingerprint or key id. */
  identities(fingerprintOrKeyId: string): Promise<string[]>;
  /** Verifies a detached signature over `payload`. Never throws. */
  verify(payload: Uint8Array, armoredSig: string): Promise<OpenPgpVerdict>;
  /** The keys and subkeys carrying a valid hard revocation (compromised, or no reason). Only keys
   *  that hold a revocation signature are examined, so a keyring without any costs nothing. */
  hardRevocations(): Promise<HardRevocation[]>;
}

export interface HardRevocation {
  /** Fingerprint of the revoked primary key or subkey, upper-case hex. */
  fingerprint: string;
  /** Its primary key's fingerprint (the same for a primary key). */
  primary: string;
  /** RFC 9580 reason code; absent when the revocation names none. */
  reason?: number;
  text?: string;
}

export type EcCurve = 'nistp256' | 'nistp384' | 'nistp521';

/** Key kinds this project can verify with node:crypto; the rest are parsed but not checked. */
export type SshKeyKind = 'ed25519' | 'ecdsa' | 'rsa' | 'sk-ed25519' | 'sk-ecdsa' | 'dsa' | 'other';

/** An OpenSSH certificate (PROTOCOL.certkeys) whose CA signature verified when it was parsed. */
export interface SshCertificate {
  /** The certified key's plain type ("ssh-ed25519" for "ssh-ed25519-cert-v01@openssh.com"). */
  plainType: string;
  /** The certified key without the certificate, re-serialized: what ssh-keygen -l fingerprints. */
  plainCanonical: Uint8Array;
  serial: bigint;
  /** 1 = user, 2 = host. */
  certType: number;
  keyId: string;
  principals: string[];
  /** Unix seconds, as the certificate says (valid_before 2^64-1 is "forever"). */
  validAfter: bigint;
  validBefore: bigint;
  /** Names of the critical options (force-command, source-address, verify-required...). */
  criticalOptions: string[];
  /** The CA key that signed it (never a certificate itself), and the algorithm it signed with
   *  ("ssh-rsa" is RSA over SHA-1). */
  signatureKey: SshPublicKey;
  signatureAlgorithm: string;
  /** Why the CA signature could not be checked (a DSA CA key): the certificate is then unusable. */
  unsupported?: string;
}

export interface SshPublicKey {
  /** The key's type name, e.g. "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa". */
  type: string;
  kind: SshKeyKind;
  /** The key re-serialized from its parsed parts: what OpenSSH compares and fingerprints. */
  canonical: Uint8Array;
  /** "SHA256:" + unpadded base64 of SHA-256(canonical), as ssh-keygen -l prints it. */
  fingerprint: string;
  ed25519?: Uint8Array;
  ecdsa?: { curve: EcCurve; point: Uint8Array };
  rsa?: { e: Uint8Array; n: Uint8Array; bits: number };
  /** FIDO application string of an sk- key (usually "ssh:"). */
  application?: string;
  /** For a certificate: its parts. `kind` and the fields above are then the certified key's, and
   *  `canonical` is the whole certificate, as OpenSSH compares certificates. */
  cert?: SshCertificate;
}

export interface AllowedSigner {
  /** Where the entry came from, for messages. */
  file: string;
  line: number;
  /** Principal patterns, in file order, as OpenSSH splits them on commas ("!x" negates x). */
  principals: string[];
  /** The principals field as one pattern list (quotes removed), as OpenSSH matches it. */
  principalList: string;
  /** `namespaces="..."`: a pattern list the signature's namespace must match. */
  namespaces?: string;
  /** `valid-after` / `valid-before`, unix seconds. */
  validAfter?: number;
  validBefore?: number;
  /** `cert-authority`: the key is a CA: the entry matches signatures by user certificates it
   *  signed (for their principals), never signatures by the key itself, as in OpenSSH. */
  certAuthority: boolean;
  key: SshPublicKey;
  /** Free text after the key. */
  comment: string;
}
