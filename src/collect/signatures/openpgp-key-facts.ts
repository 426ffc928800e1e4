// A key's verified facts (identities, expiry, revocation, a subkey's binding), computed once per run
// for each distinct key, whatever number of keyrings, files or policy versions list it.
import { createHash } from 'node:crypto';
import * as openpgp from 'openpgp';
import { foldEmail } from '../../domain/principals.js';
import {
  type AnyKeyPacket,
  type Revocation,
  type SigData,
  enumName,
  fpr,
  keyExpiry,
  allValid,
  latestValid,
  revocation,
  sigExpiry,
  sigOk,
} from './openpgp-packets.js';
import { type UidState, signerUserId } from './openpgp-signer-uid.js';
import { gpgBacksig } from './openpgp-backsig.js';

const { enums } = openpgp;

const hashName = (s: openpgp.SignaturePacket): string =>
  s.hashAlgorithm === null ? 'unknown' : enumName(enums.hash, s.hashAlgorithm).toLowerCase();

export interface SigningKeyFacts {
  /** Why this (sub)key cannot make signatures we accept; undefined when it can. */
  unusable?: string;
  expiresAt?: number;
  revocation?: Revocation;
  /** The hash algorithm (lower-case) of the signature that binds it: a subkey's latest valid binding. */
  bindingHash?: string;
  /** When that binding's own signature expiration passes (gpg then ignores it): a subkey's, if ever. */
  bindingExpiresAt?: number;
  /**
   * gpg's import leaves it out of the keyring (import.c delete_inv_parts): a key with no valid user-ID
   * self-signature, a subkey with no valid binding nor revocation. Another key holding the same
   * subkey then speaks.
   */
  notImported?: true;
}

export interface PrimaryFacts extends SigningKeyFacts {
  identities: string[];
  /** The user ID gpg names as the signer, git's %GS (openpgp-signer-uid.ts). */
  signerUserId?: string;
  /** The next time (after the clock) a self-signature these facts were chosen from expires, if any. */
  changesAt?: number;
  /** Why the primary key itself may not sign data (its key flags), though its subkeys may. */
  cannotSign?: string;
}

/** Whether key flags allow data signatures: a flags subpacket, even an empty one, is all gpg reads. */
const flagsSign = (s: openpgp.SignaturePacket): boolean => ((s.keyFlags?.[0] ?? 0) & enums.keyFlags.signData) !== 0;

// gpg's characters of an address (mbox-util.c has_invalid_email_chars): these everywhere, RFC 822's
// specials before the "@" too; a non-ASCII character always passes (gpg looks only at ASCII).
const VALID_CHARS = '0123456789_-.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOCAL_SPECIALS = "!#$%&'*+/=?^`{|}~";

/** The address's "@": its index when there is exactly one, not first or last; else -1. */
function singleAt(s: string): number {
  const at = s.indexOf('@');
  return at > 0 && at < s.length - 1 && s.indexOf('@', at + 1) === -1 ? at : -1;
}

/** gpg's is_valid_mailbox: a user ID without "<" taken whole as an address, checked more strictly. */
function isValidMailbox(s: string): boolean {
  const at = singleAt(s);
  if (at === -1 || s.endsWith('.') || s.includes('..')) return false;
  for (let i = 0; i < s.length; i += 1) {
    const c = s[i]!;
    if (c.charCodeAt(0) > 0x7f || i === at) continue;
    if (!VALID_CHARS.includes(c) && (i > at || !LOCAL_SPECIALS.includes(c))) return false;
  }
  return true;
}

/**
 * The address in a user ID as gpg reads it (mbox-util.c mailbox_from_userid, what `--locate-keys`
 * and the `mbox` filter property use): between the FIRST "<" and the first ">" after it, with
 * exactly one "@" not at either end, not ending with ".", no control character or space, no ".."
 * after the "@"; a user ID without "<" only when it is a valid address as a whole; none otherwise.
 * ASCII letters lower-cased, nothing else (gpg's ascii_strlwr). `"Mallory <x>" <alice@example.com>`
 * and `Al<ice <alice@example.com>` hold no address for gpg (the first "<" decides), so they speak
 * for nobody. Linear in the length (a 1 MiB user ID answers at once).
 */
export function userIdAddress(userId: string): string | undefined {
  const nul = userId.indexOf('\0');
  const id = nul === -1 ? userId : userId.slice(0, nul); // gpg reads the user ID as a C string
  const lt = id.indexOf('<');
  let out: string | undefined;
  if (lt !== -1) {
    const gt = id.indexOf('>', lt + 1);
    if (gt <= lt + 1) return undefined;
    const s = id.slice(lt + 1, gt);
    const at = singleAt(s);
    // gpg's string_has_ctrl_or_space
    if (at === -1 || s.endsWith('.') || /[\x00-\x20]/.test(s) || s.includes('..', at)) return undefined;
    out = s;
  } else if (isValidMailbox(id)) out = id;
  return out === undefined ? undefined : foldEmail(out);
}

/**
 * What a primary key's facts are chosen from at a given clock, verified once: its live user IDs
 * (address and newest valid self-certification, revoked ones marked), its valid direct-key
 * signatures (newest first) and its revocation.
 */
interface PrimaryBasis {
  /** Each user ID with a valid self-signature, in the key's order; `cert` its newest valid
   *  certification, absent once revoked. */
  uids: { text: string; email: string | undefined; cert?: openpgp.SignaturePacket }[];
  directs: openpgp.SignaturePacket[];
  certified: boolean;
  /** gpg's import keeps the key: some user ID has a valid self-signature, a local one too. */
  imported: boolean;
  revocation?: Revocation;
}

const createdMs = (s: openpgp.SignaturePacket): number => s.created?.getTime() ?? 0;

/**
 * A primary key's facts at unix time `t`, as gpg 2.2 merges its self-signatures (getkey.c
 * merge_selfsigs_main, fixup_uidnode), each signature's own expiration read against the clock:
 * - the newest direct-key signature that has not expired (an expired one is ignored, and an older
 *   live one speaks instead);
 * - each live user ID's newest certification; once it has expired, the user ID is expired: no address,
 *   flags or key expiry from it (an older certification does not take over), the key stays valid.
 */
function primaryAt(k: AnyKeyPacket, b: PrimaryBasis, t: number): PrimaryFacts {
  // gpg's flags.expired (parse_signature): the signature's own expiration has passed at `t`; the
  // earliest one still to come is kept (changesAt), for a cached verdict.
  const identities = new Set<string>();
  let changesAt: number | undefined;
  const lapsed = (s: openpgp.SignaturePacket): boolean => {
    const until = sigExpiry(s);
    if (until !== undefined && until > t && (changesAt === undefined || until < changesAt)) changesAt = until;
    return until !== undefined && until <= t;
  };
  let flagged: openpgp.SignaturePacket | undefined; // newest live self-certification with key flags
  let expiring: openpgp.SignaturePacket | undefined; // newest live self-certification with a key expiry
  const states: UidState[] = [];
  for (const { text, email, cert } of b.uids) {
    const live = cert && !lapsed(cert) ? cert : undefined;
    states.push({ text, ...(live ? { cert: live } : {}) });
    if (!live) continue;
    if (email) identities.add(email);
    if (live.keyFlags && (!flagged || createdMs(live) > createdMs(flagged))) flagged = live;
    if (keyExpiry(k, live) !== undefined && (!expiring || createdMs(live) > createdMs(expiring))) expiring = live;
  }
  const direct = b.directs.filter((s) => !lapsed(s))[0]; // every one read: the next expiry may be any
  const signer = signerUserId(states);
  const facts: PrimaryFacts = {
    identities: [...identities].sort(),
    ...(signer !== undefined ? { signerUserId: signer } : {}),
    ...(changesAt ? { changesAt } : {}),
  };
  // gpg's key is valid only through a user ID's self-signature (merge_selfsigs_main's second pass):
  // a valid direct-key signature alone leaves it unusable.
  if (!b.certified) {
    facts.unusable = 'the key has no valid user-ID self-signature';
    if (!b.imported) facts.notImported = true;
  }
  // The primary key's usage as gpg takes it (getkey.c merge_selfsigs_main): the direct-key
  // signature's flags, else those of the user ID certified last, else whatever the algorithm can.
  // gpg refuses a data signature by a primary key whose flags lack "sign" (ERRSIG, wrong key usage).
  const usage = direct?.keyFlags ? direct : flagged;
  if (usage && !flagsSign(usage))
    facts.cannotSign = 'the primary key is not a signing key (its self-signature\'s key flags lack "sign")';
  // The key's expiry as gpg takes it (merge_selfsigs_main): the direct-key signature's, else that of
  // the user ID certified last WITH one, whichever user ID is primary or newer (a newer certification
  // without an expiry does not lift an older one's).
  const expiresAt = (direct && keyExpiry(k, direct)) ?? (expiring && keyExpiry(k, expiring));
  if (expiresAt !== undefined) facts.expiresAt = expiresAt;
  if (b.revocation) facts.revocation = b.revocation;
  return facts;
}

/** A key's verified facts, shared by every keyring holding the same key bytes in this run. */
interface FactsMemo {
  key: openpgp.PublicKey;
  /** Each packet's place in the merged key: of two self-signatures made in the same second, gpg takes the later. */
  order: Map<openpgp.AnyPacket, number>;
  primary?: Promise<PrimaryBasis>;
  subs: Map<string, Promise<SigningKeyFacts>>;
  selfSignatureHashes?: Promise<string[]>;
  /** User IDs and subkeys gpg's import keeps for a local self-signature only (openpgp-local-sigs.ts). */
  keptByLocal: Set<object>;
}

// Per run, each distinct key file is parsed once and each distinct key verified once, whatever
// number of files, names or policy versions list it (keyed by sha256 of the bytes). Bounded: a run
// that sees more distinct keys than this starts over rather than grow.
const CACHE_MAX = 4096;
export const parsedFiles = new Map<string, Promise<openpgp.PacketList<openpgp.AnyPacket>[]>>();
export const keyMemos = new Map<string, FactsMemo>();
export const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');
export function remember<K, V>(map: Map<K, V>, k: K, v: V): V {
  if (map.size >= CACHE_MAX) map.clear();
  map.set(k, v);
  return v;
}

export class Entry {
  constructor(
    private readonly memo: FactsMemo,
    readonly files: string[],
  ) {}

  get key(): openpgp.PublicKey {
    return this.memo.key;
  }

  /** The primary key's facts at unix time `t` (the keyring's clock). */
  async facts(t: number): Promise<PrimaryFacts> {
    this.memo.primary ??= this.computePrimary();
    return primaryAt(this.key.keyPacket, await this.memo.primary, t);
  }

  /** The primary key's own revocation, whatever the clock. */
  async revocation(): Promise<Revocation | undefined> {
    this.memo.primary ??= this.computePrimary();
    return (await this.memo.primary).revocation;
  }

  subkeyFacts(sub: openpgp.Subkey): Promise<SigningKeyFacts> {
    const id = fpr(sub.keyPacket);
    let p = this.memo.subs.get(id);
    if (!p) {
      p = this.computeSubkey(sub);
      this.memo.subs.set(id, p);
    }
    return p;
  }

  /**
   * Hash algorithms (lower-case) of the self-signatures the key stands on, as gpg uses them: each user
   * ID's latest valid certification, unless a valid revocation follows it, and the latest valid binding
   * of each signing subkey that is not revoked. Superseded certifications, revoked user IDs and
   * subkeys, and subkeys that cannot sign are left out: nothing a signature is judged by rests on them.
   */
  selfSignatureHashes(): Promise<string[]> {
    this.memo.selfSignatureHashes ??= this.computeSelfSignatureHashes();
    return this.memo.selfSignatureHashes;
  }

  private async computeSelfSignatureHashes(): Promise<string[]> {
    const k = this.key.keyPacket;
    const out = new Set<string>();
    for (const user of this.key.users) {
      if (!user.userID) continue;
      const data = { userID: user.userID, key: k } as unknown as SigData;
      // One that does not verify (openpgp.js refuses SHA-1 with Ed25519, which gpg signs) is reported
      // by its own digest: that is why the key vouches for nothing.
      const cert =
        (await latestValid(user.selfCertifications, k, enums.signature.certGeneric, data)) ??
        user.selfCertifications.at(-1);
      if (!cert) continue;
      const rev = await latestValid(user.revocationSignatures, k, enums.signature.certRevocation, data);
      if (!rev || !this.outweighs(rev, cert)) out.add(hashName(cert));
    }
    for (const sub of this.key.subkeys) {
      const f = await this.subkeyFacts(sub);
      if (!f.unusable && !f.revocation && f.bindingHash) out.add(f.bindingHash);
    }
    return [...out].sort();
  }

  /**
   * Whether `rev`, a valid revocation of a user ID, outweighs `cert`, its newest valid certification,
   * as gpg weighs them (merge_selfsigs_main): the newer counts and, made in the same second, the later
   * in the key's packets (`>=`), so a certification after a revocation of its second brings it back.
   */
  private outweighs(rev: openpgp.SignaturePacket, cert: openpgp.SignaturePacket | undefined): boolean {
    if (!cert) return true;
    const [r, c] = [createdMs(rev), createdMs(cert)];
    return r > c || (r === c && (this.memo.order.get(rev) ?? 0) > (this.memo.order.get(cert) ?? 0));
  }

  private async computePrimary(): Promise<PrimaryBasis> {
    const k = this.key.keyPacket;
    const uids: PrimaryBasis['uids'] = [];
    let certified = false; // some user ID has a valid self-certification
    let imported = false; // some user ID gpg's import keeps
    for (const user of this.key.users) {
      if (!user.userID) continue;
      const data = { userID: user.userID, key: k } as unknown as SigData;
      const cert = await latestValid(user.selfCertifications, k, enums.signature.certGeneric, data);
      const rev = await latestValid(user.revocationSignatures, k, enums.signature.certRevocation, data);
      const text = user.userID.userID;
      if (!cert && !rev) {
        // gpg's import drops a user ID without a valid self-signature; one it kept for a local
        // self-signature stays uncertified, and keeps its key (openpgp-local-sigs.ts).
        if (this.memo.keptByLocal.has(user)) {
          imported = true;
          uids.push({ text, email: userIdAddress(text) });
        }
        continue;
      }
      // Any user ID's chosen self-signature makes the key valid for gpg, a revocation too (a key whose
      // user IDs are all revoked still signs).
      certified = true;
      // A revoked user ID gives the key nothing, as in gpg (fixup_uidnode): neither an address nor
      // its old certification's flags or expiry (gpg re-certifies only live user IDs when the expiry
      // or usage changes, so a revoked one keeps what the key had then).
      const revoked = rev !== undefined && this.outweighs(rev, cert);
      // gpg's reading of the address, not openpgp.js's (which takes the first "<" to the LAST ">").
      uids.push({ text, email: userIdAddress(text), ...(cert && !revoked ? { cert } : {}) });
    }
    const directs = await allValid(
      (this.key as unknown as { directSignatures: openpgp.SignaturePacket[] }).directSignatures,
      k,
      enums.signature.key,
      { key: k },
    );
    const revoked = await revocation(this.key.revocationSignatures, k, enums.signature.keyRevocation, {
      key: k,
    });
    imported ||= certified;
    return { uids, directs, certified, imported, ...(revoked ? { revocation: revoked } : {}) };
  }

  private async computeSubkey(sub: openpgp.Subkey): Promise<SigningKeyFacts> {
    const k = this.key.keyPacket;
    const data = { key: k, bind: sub.keyPacket } as unknown as SigData;
    const binding = await latestValid(sub.bindingSignatures, k, enums.signature.subkeyBinding, data);
    const facts: SigningKeyFacts = {};
    if (!binding) {
      facts.unusable = 'the subkey has no valid binding signature';
      // gpg's import keeps a subkey with a valid revocation only (it lists it invalid), else drops it.
      // A subkey whose valid binding was local stays, unbound (openpgp-local-sigs.ts).
      if (
        !this.memo.keptByLocal.has(sub) &&
        !(await revocation(sub.revocationSignatures, k, enums.signature.subkeyRevocation, data))
      )
        facts.notImported = true;
      return facts;
    }
    const backsig = gpgBacksig(binding);
    if (binding.keyFlags && !flagsSign(binding)) {
      facts.unusable = 'the subkey is not a signing key';
    } else if (!backsig || !(await sigOk(backsig, sub.keyPacket, enums.signature.keyBinding, data))) {
      facts.unusable = 'the signing subkey is not cross-certified';
    }
    facts.expiresAt = keyExpiry(sub.keyPacket, binding);
    // gpg keeps only the newest valid binding on import (import.c chk_self_sigs), then ignores it once
    // its own signature expiration has passed (parse_signature, merge_selfsigs_subkey): an older live
    // binding does not take over. When is judged at the clock (openpgp-judge.ts), like gpg.
    const until = sigExpiry(binding);
    if (until !== undefined) facts.bindingExpiresAt = until;
    facts.revocation = await revocation(sub.revocationSignatures, k, enums.signature.subkeyRevocation, data);
    facts.bindingHash = hashName(binding);
    return facts;
  }
}
