// The OpenPGP packet checks the keyring is built from: a signature verified over its key, the
// latest valid binding, revocations (hard or soft, RFC 9580), expiry, and the algorithm facts the
// weak-cryptography rule reads. Pure.
import * as openpgp from 'openpgp';
import { allOf, criticalProblem } from './openpgp-critical.js';
import { fastVerify } from './openpgp-fast.js';

// gpg 2.2 accepts SHA-1 and RIPEMD-160 signatures (data and key signatures; only MD5 is its default
// --weak-digest) and DSA/secp256k1 keys; so do we (parity with git's letter). The hash algorithm is
// reported so a policy can refuse SHA-1 or RIPEMD-160 (the weak-cryptography rule names them).
export const CONFIG = {
  ...openpgp.config,
  rejectHashAlgorithms: new Set([openpgp.enums.hash.md5]),
  rejectMessageHashAlgorithms: new Set([openpgp.enums.hash.md5]),
  rejectPublicKeyAlgorithms: new Set<openpgp.enums.publicKey>(),
  rejectCurves: new Set<openpgp.enums.curve>(),
  minRSABits: 0,
  ignoreUnsupportedPackets: true,
} as openpgp.Config;

const { enums } = openpgp;
// The algorithms a key of gpg 2.2 signs data with. RFC 9580's Ed25519 (27) and Ed448 (28), which
// openpgp.js checks, gpg 2.2 does not know (pubkey_get_npkey: none): a v4 key of either signs
// nothing in git's keyring (git: E), so gitguard's verdict on its signature is E too.
export const SIGNING_ALGOS = new Set<number>([
  enums.publicKey.rsaEncryptSign,
  enums.publicKey.rsaSign,
  enums.publicKey.dsa,
  enums.publicKey.ecdsa,
  enums.publicKey.eddsaLegacy,
]);
// openpgp.js checks these curves in node only through an optional module we do not ship: only
// node:crypto's path (openpgp-fast.ts) checks them, and a signature it does not take is E.
export const UNSUPPORTED_CURVES = new Set<string>([
  'secp256k1',
  'brainpoolP256r1',
  'brainpoolP384r1',
  'brainpoolP512r1',
]);
// RFC 9580 5.2.3.31: only "superseded" and "retired" are soft; no reason, 0, 2 and unknown codes are hard.
const SOFT_REASONS = new Set<number>([enums.reasonForRevocation.keySuperseded, enums.reasonForRevocation.keyRetired]);

export type AnyKeyPacket =
  openpgp.PublicKeyPacket | openpgp.PublicSubkeyPacket | openpgp.SecretKeyPacket | openpgp.SecretSubkeyPacket;
export const enumName = (e: object, v: number | null): string => {
  try {
    return (openpgp.enums.read as (t: object, v: number | null) => string)(e, v);
  } catch {
    return String(v);
  }
};
export type SigData = Parameters<openpgp.SignaturePacket['verify']>[2];

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();
// A key packet's fingerprint and algorithm facts are asked for every signature it checks: computed once.
const fprs = new WeakMap<AnyKeyPacket, string>();
export function fpr(p: AnyKeyPacket): string {
  let f = fprs.get(p);
  if (f === undefined) fprs.set(p, (f = p.getFingerprint().toUpperCase()));
  return f;
}
export const seconds = (d: Date): number => Math.floor(d.getTime() / 1000);
export function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n', 1)[0]!.slice(0, 200);
}

/**
 * Verifies a signature packet cryptographically, ignoring every time check (the caller judges times)
 * and two things gpg ignores too: the two-byte digest prefix (a quick check only; real keys published
 * with a wrong one exist, e.g. an export of GitHub's web-flow key) and designated-revoker subpackets
 * (openpgp.js refuses any self-signature that names one).
 */
export async function checkSig(
  sig: openpgp.SignaturePacket,
  key: AnyKeyPacket,
  type: number,
  data: SigData,
  detached = false,
): Promise<void> {
  // node:crypto's arithmetic first, as for data signatures (verify()): openpgp.js refuses an EdDSA
  // signature over SHA-1 ("hash too weak"), which gpg accepts on the self-signatures older setups made.
  const fast = await fastVerify(sig, key, type, data, detached);
  if (fast === true) return;
  if (fast === false) throw new Error('Signed digest did not match');
  // openpgp.js's internals, untyped in its declarations.
  const s = sig as openpgp.SignaturePacket & {
    revocationKeyClass: number | null;
    toHash: (type: number, data: SigData, detached: boolean) => Uint8Array;
    hash: (type: number, data: SigData, toHash: Uint8Array) => Promise<Uint8Array>;
  };
  const rkc = s.revocationKeyClass;
  s.revocationKeyClass = null;
  try {
    try {
      await sig.verify(key, type, data, null as unknown as Date, detached, CONFIG);
    } catch (e) {
      if (message(e) !== 'Signed digest did not match') throw e;
      const toHash = s.toHash(type, data, detached);
      const digest = await s.hash(type, data, toHash);
      sig.signedHashValue = digest.subarray(0, 2);
      await sig.verify(key, type, data, null as unknown as Date, detached, CONFIG);
    }
  } finally {
    s.revocationKeyClass = rkc;
  }
}

/** Clears openpgp.js's own critical-subpacket refusals on a parsed packet: criticalProblem() judges those. */
export function ignoreCriticalBits(sig: openpgp.SignaturePacket): void {
  const s = sig as unknown as {
    unknownSubpackets: Array<{ critical: boolean }>;
    rawNotations: Array<{ critical: boolean }>;
  };
  for (const x of [...s.unknownSubpackets, ...s.rawNotations]) x.critical = false;
}

/** The hashed subpackets of a parsed signature as signed (v4: after version, type, algorithms and length). */
function hashedArea(sig: openpgp.SignaturePacket): Uint8Array | undefined {
  const data = (sig as unknown as { signatureData: Uint8Array | null }).signatureData;
  return data?.subarray(4 + (sig.version === 6 ? 4 : 2));
}

/** A parsed signature's subpacket areas: the hashed one as signed, the unhashed one as openpgp.js kept it. */
export function subpacketAreas(sig: openpgp.SignaturePacket): { hashed?: Uint8Array; unhashed: Uint8Array } {
  const s = sig as unknown as { writeUnhashedSubPackets(): Uint8Array };
  return { hashed: hashedArea(sig), unhashed: s.writeUnhashedSubPackets().subarray(sig.version === 6 ? 4 : 2) };
}

/**
 * Whether gpg's import keeps a signature: parse_signature reads the first hashed exportable-certification
 * subpacket (4), and one whose value is 0 makes the signature local, which import.c delete_inv_parts
 * drops (without import-local-sigs). A binding or certification so marked counts for nothing in git's keyring.
 */
export function gpgExportable(sig: openpgp.SignaturePacket): boolean {
  const area = hashedArea(sig);
  return !area || allOf(area, 4)[0]?.[0] !== 0;
}

// Creation time, signature and key expiration, primary user ID, key flags, reason for revocation: one value each.
const READ_ONCE = [2, 3, 9, 25, 27, 29];
/**
 * Makes a parsed signature (and the back-signature it embeds) say what gpg reads in it: gpg takes
 * the FIRST hashed subpacket of a type (parse_sig_subpkt), openpgp.js the last. With two creation
 * times or two key expirations, openpgp.js would judge a date gpg never sees.
 */
export function readFirstSubpackets(sig: openpgp.SignaturePacket): void {
  const area = hashedArea(sig);
  const s = sig as unknown as { readSubPacket(bytes: Uint8Array, hashed: boolean): void };
  if (area)
    for (const type of READ_ONCE) {
      const bodies = allOf(area, type);
      if (bodies.length > 1) s.readSubPacket(Buffer.concat([Buffer.from([type]), bodies[0]!]), true);
    }
  if (sig.embeddedSignature) readFirstSubpackets(sig.embeddedSignature);
}

const keySigProblems = new WeakMap<openpgp.SignaturePacket, string | null>();
/**
 * Why gpg calls a key signature (self-signature, binding, revocation) bad whatever its arithmetic:
 * a critical subpacket it does not handle, in either area (parse_signature's unknown_critical, then
 * check_signature_end_simple), a signer's user ID (28) or key-server preferences (23) included,
 * which openpgp.js reads. The hashed area as signed; the unhashed one as openpgp.js kept it.
 */
function keySigProblem(sig: openpgp.SignaturePacket): string | undefined {
  let p = keySigProblems.get(sig);
  if (p === undefined) {
    const { hashed, unhashed } = subpacketAreas(sig);
    p = hashed ? (criticalProblem(hashed, unhashed) ?? null) : null;
    keySigProblems.set(sig, p);
  }
  return p ?? undefined;
}

// Each key signature's answer per key, part and class: gpg's import checks every self-signature
// over the part it follows (openpgp-rehome.ts), and the key's facts check it again.
const verified = new WeakMap<
  openpgp.SignaturePacket,
  { key: AnyKeyPacket; over: unknown; type: number; ok: boolean }[]
>();

/**
 * Whether a key signature's arithmetic holds over `data` and gpg reads no critical subpacket in it
 * that it does not handle (check_signature_end_simple): no time checks.
 */
export async function sigVerifies(
  sig: openpgp.SignaturePacket,
  key: AnyKeyPacket,
  type: number,
  data: SigData,
): Promise<boolean> {
  const d = data as unknown as { userID?: unknown; userAttribute?: unknown; bind?: unknown; key?: unknown };
  const over = d.userID ?? d.userAttribute ?? d.bind ?? d.key;
  const seen = verified.get(sig) ?? [];
  const known = seen.find((v) => v.key === key && v.over === over && v.type === type);
  if (known) return known.ok;
  let ok = !keySigProblem(sig);
  if (ok) {
    // What openpgp.js alone refuses as critical (a notation gpg knows) gpg takes: keySigProblem judged it.
    ignoreCriticalBits(sig);
    try {
      await checkSig(sig, key, type, data);
    } catch {
      ok = false;
    }
  }
  verified.set(sig, [...seen, { key, over, type, ok }]);
  return ok;
}

/**
 * Whether a key signature verifies and gpg takes it: no critical subpacket it does not handle, and
 * not older than the key that made it (sig-check.c check_signature_metadata_validity: a time
 * conflict, so a self-signature, binding or revocation dated before its key counts for nothing).
 */
export async function sigOk(
  sig: openpgp.SignaturePacket,
  key: AnyKeyPacket,
  type: number,
  data: SigData,
): Promise<boolean> {
  if (!sig.created || sig.created < key.created) return false;
  return sigVerifies(sig, key, type, data);
}

/** The newest signature of `sigs` that verifies, or undefined. */
export async function latestValid(sigs: openpgp.SignaturePacket[], key: AnyKeyPacket, type: number, data: SigData) {
  for (const s of newestFirst(sigs)) if (await sigOk(s, key, type, data)) return s;
  return undefined;
}

/** Every signature of `sigs` that verifies, newest first. */
export async function allValid(sigs: openpgp.SignaturePacket[], key: AnyKeyPacket, type: number, data: SigData) {
  const out: openpgp.SignaturePacket[] = [];
  for (const s of newestFirst(sigs)) if (await sigOk(s, key, type, data)) out.push(s);
  return out;
}

// gpg takes a self-signature dated at or after the one it holds (getkey.c merge_selfsigs_main,
// import.c chk_self_sigs: `>=`): of two made in the same second, the later in the key's packets
// wins. Reversed first, so the stable sort puts it first.
const newestFirst = (sigs: openpgp.SignaturePacket[]): openpgp.SignaturePacket[] =>
  [...sigs].reverse().sort((a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0));

export interface Revocation {
  at: number;
  reason?: number;
  hard: boolean;
  /** The revocation's own words (reason-for-revocation text), when it has any. */
  text?: string;
}

/** The effective revocation among `sigs`: a hard one wins over soft ones, else the earliest soft one. */
export async function revocation(
  sigs: openpgp.SignaturePacket[],
  key: AnyKeyPacket,
  type: number,
  data: SigData,
): Promise<Revocation | undefined> {
  let best: Revocation | undefined;
  for (const s of sigs) if (await sigOk(s, key, type, data)) best = stronger(best, revocationOf(s));
  return best;
}

/** What a verified revocation signature says: when, why, and whether that makes it hard. */
export function revocationOf(s: openpgp.SignaturePacket): Revocation {
  const reason = s.reasonForRevocationFlag ?? undefined;
  const r: Revocation = {
    at: s.created ? seconds(s.created) : 0,
    reason,
    hard: reason === undefined || !SOFT_REASONS.has(reason),
  };
  if (s.reasonForRevocationString) r.text = s.reasonForRevocationString;
  return r;
}

/** The revocation that counts of two: a hard one over a soft one, else the earlier. */
export function stronger(best: Revocation | undefined, r: Revocation): Revocation {
  return !best || (r.hard && !best.hard) || (r.hard === best.hard && r.at < best.at) ? r : best;
}

/** When a signature stops being valid by its own signature expiration time (unix seconds), if ever. */
export function sigExpiry(sig: openpgp.SignaturePacket): number | undefined {
  return sig.signatureNeverExpires || !sig.signatureExpirationTime || !sig.created
    ? undefined
    : seconds(sig.created) + sig.signatureExpirationTime;
}

export function keyExpiry(keyPacket: AnyKeyPacket, sig: openpgp.SignaturePacket): number | undefined {
  if (sig.keyNeverExpires !== false || !sig.keyExpirationTime) return undefined;
  return seconds(keyPacket.created) + sig.keyExpirationTime;
}

export function curveOf(p: AnyKeyPacket): string | undefined {
  const info = p.getAlgorithmInfo() as { curve?: string };
  return info.curve;
}

/** The algorithm and (for RSA, DSA, ElGamal) size of a key packet, for the weak-cryptography rule. */
const algorithmFacts = new WeakMap<AnyKeyPacket, { keyAlgorithm?: string; keyBits?: number }>();
export function keyAlgorithmFacts(kp: AnyKeyPacket): { keyAlgorithm?: string; keyBits?: number } {
  let facts = algorithmFacts.get(kp);
  if (!facts) {
    try {
      const info = (kp as unknown as { getAlgorithmInfo(): { algorithm: string; bits?: number } }).getAlgorithmInfo();
      facts = { keyAlgorithm: info.algorithm, ...(info.bits ? { keyBits: info.bits } : {}) };
    } catch {
      facts = {};
    }
    algorithmFacts.set(kp, facts);
  }
  return { ...facts };
}
