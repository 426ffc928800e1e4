// One signature check for one commit against one set of trusted keys, whatever the format.
import type { CommitRecord } from '../../domain/commit.js';
import type { AllowedSigner, Keyring } from '../../domain/keys.js';
import { verifySshSignature } from './sshsig.js';
import { openpgpSignatureHeader } from './openpgp-header.js';
import { signatureFormat, type OpenPgpVerdict, type Verdict } from '../../domain/signature.js';

export interface TrustedKeys {
  /** The OpenPGP keys, or a loader for them (so a run whose verdicts are all cached never pays for
   *  loading openpgp.js and parsing the keys). */
  keyring?: Keyring | (() => Promise<Keyring>);
  allowedSigners: readonly AllowedSigner[];
}

/** A verdict plus the OpenPGP time facts, when there are any. */
/** The signature header git uses for this repository's hash: gpgsig (SHA-1) or gpgsig-sha256. */
export function commitSignature(commit: CommitRecord): { armored: string } | { other: true } | undefined {
  const wanted = commit.oid.length === 64 ? 'gpgsig-sha256' : 'gpgsig';
  const sig = commit.signatures.find((s) => s.header === wanted);
  if (sig) return sig;
  return commit.signatures.length ? { other: true } : undefined;
}

/**
 * The verdict of an object gitguard cannot read exactly as git does (see commit-object.ts,
 * tag-object.ts): E, whatever it carries, so it is never authorized; the reason names the anomaly.
 */
export function malformedVerdict(kind: 'commit' | 'tag', why: string): Verdict {
  return { letter: 'E', format: 'unknown', identities: [], reason: `malformed ${kind} object: ${why}` };
}

/** The verdict of a commit that no key can change (malformed, unsigned, signed for the other format), else undefined. */
function verdictWithoutKeys(commit: CommitRecord): Verdict | undefined {
  if (commit.malformed) return malformedVerdict('commit', commit.malformed);
  const sig = commitSignature(commit);
  if (!sig) return { letter: 'N', format: 'none', identities: [] };
  if ('other' in sig)
    return {
      letter: 'E',
      format: 'unknown',
      identities: [],
      reason: 'signed only for the other object format (gpgsig-sha256 / gpgsig)',
    };
  return undefined;
}

export async function verifyCommit(commit: CommitRecord, keys: TrustedKeys): Promise<Verdict> {
  const plain = verdictWithoutKeys(commit);
  if (plain) return plain;
  const sig = commitSignature(commit) as { armored: string };
  return verifySignature(commit.payload, sig.armored, keys, commit.committer.time, commit.committer.email);
}

/** verifyCommit with no trusted keys, at once (no promise) for the commits whose verdict needs none: most unsigned ones. */
export function keylessVerdict(commit: CommitRecord): Verdict | Promise<Verdict> {
  return verdictWithoutKeys(commit) ?? verifyCommit(commit, { allowedSigners: [] });
}

/** Checks one armored signature over `payload`; `at` is the committer time (git's -Overify-time). */
export async function verifySignature(
  payload: Uint8Array,
  armored: string,
  keys: TrustedKeys,
  at: number,
  identity: string,
): Promise<Verdict> {
  const format = signatureFormat(armored);
  switch (format) {
    case 'openpgp':
      if (!keys.keyring)
        return {
          letter: 'E',
          format,
          identities: [],
          reason: 'no OpenPGP keys to check against',
          missingKey: true,
          ...openpgpSignatureHeader(armored),
        };
      return withHeader(
        markMissingKey(
          await (typeof keys.keyring === 'function' ? await keys.keyring() : keys.keyring).verify(payload, armored),
        ),
        armored,
      );
    case 'ssh':
      return verifySshSignature(payload, armored, keys.allowedSigners, { at, identity });
    case 'x509':
      return {
        letter: 'E',
        format,
        identities: [],
        reason: 'X.509 (gpgsm/gitsign) signatures cannot be checked by gitguard yet',
      };
    default:
      return { letter: 'E', format, identities: [], reason: 'unrecognised signature format' };
  }
}

// Without the signing key the key's size is unknown; the signature's own header still tells the
// algorithms (and an RSA key's size), which the weak-cryptography rule judges.
function withHeader(v: Verdict, armored: string): Verdict {
  if (v.keyBits !== undefined || v.letter !== 'E') return v;
  const h = openpgpSignatureHeader(armored);
  return {
    ...h,
    ...v,
    ...(h.keyBits !== undefined && v.keyAlgorithm === h.keyAlgorithm ? { keyBits: h.keyBits } : {}),
  };
}

// The OpenPGP verifier says E both for "key not in the keyring" and for unreadable signatures; the
// rules need to tell an unknown signer from a broken signature.
function markMissingKey(v: OpenPgpVerdict): Verdict {
  return v.letter === 'E' && /^no (usable )?key \S+ in the keyring/.test(v.reason ?? '')
    ? { ...v, missingKey: true }
    : v;
}
