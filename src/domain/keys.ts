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
export type SshKeyKind = 'ed25519' | 'ecdsa' | 'rsa' | 'sk-ed25519' | 'sk-ecdsa' | 'dsa' | 'cert' | 'other';

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
  /** `cert-authority`: the key is a CA for certificates. Certificates are not supported here, so
   *  such an entry never matches a signature (as in OpenSSH, for signatures by plain keys). */
  certAuthority: boolean;
  key: SshPublicKey;
  /** Free text after the key. */
  comment: string;
}
