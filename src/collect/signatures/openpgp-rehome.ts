// A key's self-signatures each put after the part of the key they are over, as gpg's import does
// before it reads a key (import-options repair-keys, on by default: key-check.c key_check_all_keysigs).
// openpgp.js ties a signature to the user ID or subkey it follows, so a self-signature moved to
// another place was lost: a user ID's or a subkey's revocation placed under another one was ignored
// (the revoked address still spoke for the key, the revoked subkey still signed: G where git says R),
// and a certification or binding placed elsewhere left its user ID or subkey unsigned (E, or another
// signer named). Pure but for the arithmetic.
import * as openpgp from 'openpgp';
import { createHash } from 'node:crypto';
import { type AnyKeyPacket, type SigData, fpr, sigOk, sigVerifies } from './openpgp-packets.js';

const { enums } = openpgp;
const { packet } = enums;

type Part = { head: openpgp.AnyPacket; sigs: openpgp.AnyPacket[] };

const tagOf = (p: openpgp.AnyPacket): number => (p.constructor as unknown as { tag: number }).tag;
const PART_TAGS = new Set<number>([packet.publicSubkey, packet.secretSubkey, packet.userID, packet.userAttribute]);
const SUBKEY_TAGS = new Set<number>([packet.publicSubkey, packet.secretSubkey]);
const CERTIFICATIONS = new Set<number>([
  enums.signature.certGeneric,
  enums.signature.certPersona,
  enums.signature.certCasual,
  enums.signature.certPositive,
]);

/** What gpg's check_signature_over_key_or_uid hashes for a signature class over `head`; undefined: it cannot be over it. */
function dataOver(sig: openpgp.SignaturePacket, head: openpgp.AnyPacket, primary: AnyKeyPacket): SigData | undefined {
  const t = sig.signatureType;
  const tag = tagOf(head);
  const s = enums.signature;
  if (t === s.key || t === s.keyRevocation) return head === primary ? { key: primary } : undefined;
  if (t === s.subkeyBinding || t === s.subkeyRevocation)
    return SUBKEY_TAGS.has(tag) ? { key: primary, bind: head } : undefined;
  if (!CERTIFICATIONS.has(t!) && t !== s.certRevocation) return undefined;
  if (tag === packet.userID) return { key: primary, userID: head };
  if (tag === packet.userAttribute) return { key: primary, userAttribute: head };
  return undefined;
}

const contentKey = (p: openpgp.AnyPacket): string =>
  createHash('sha256')
    .update((p as unknown as { write(): Uint8Array }).write())
    .digest('hex');

/**
 * `packets` (one key: the primary first, each user ID, attribute and subkey followed by its
 * signatures) with every self-signature that does not verify over the part it follows moved to
 * the first part it does verify over, right after that part's packet, as gpg moves it; then each
 * part's signatures once (gpg removes the duplicates a move makes). Signatures by other keys, and
 * those that verify nowhere, stay where they are: gpg leaves them too.
 */
export async function rehomeSelfSignatures(packets: openpgp.AnyPacket[]): Promise<openpgp.AnyPacket[]> {
  const primary = packets[0] as AnyKeyPacket;
  const id = primary.getKeyID();
  const parts: Part[] = [];
  for (const p of packets) {
    if (p === primary || PART_TAGS.has(tagOf(p))) parts.push({ head: p, sigs: [] });
    else parts[parts.length - 1]!.sigs.push(p);
  }
  let moved = false;
  for (const part of parts) {
    for (const p of [...part.sigs]) {
      if (!(p instanceof openpgp.SignaturePacket) || !p.issuerKeyID.equals(id)) continue;
      // The class the key's facts check it as (openpgp-key-facts.ts): each answer is then asked once.
      const type = CERTIFICATIONS.has(p.signatureType!) ? enums.signature.certGeneric : p.signatureType!;
      const here = dataOver(p, part.head, primary);
      if (here && (await sigVerifies(p, primary, type, here))) continue;
      for (const other of parts) {
        if (other === part) continue;
        const there = dataOver(p, other.head, primary);
        if (!there || !(await sigVerifies(p, primary, type, there))) continue;
        part.sigs.splice(part.sigs.indexOf(p), 1);
        other.sigs.unshift(p);
        moved = true;
        break;
      }
    }
  }
  if (!moved) return packets;
  const out: openpgp.AnyPacket[] = [];
  for (const { head, sigs } of parts) {
    out.push(head);
    const seen = new Set<string>();
    for (const s of sigs) {
      const k = contentKey(s);
      if (!seen.has(k)) out.push(s);
      seen.add(k);
    }
  }
  return out;
}

/** Whether gpg's import keeps a subkey: a valid binding or a valid revocation (import.c chk_self_sigs, delete_inv_parts). */
async function kept(primary: AnyKeyPacket, sub: openpgp.Subkey): Promise<boolean> {
  const data = { key: primary, bind: sub.keyPacket } as unknown as SigData;
  for (const s of sub.bindingSignatures) if (await sigOk(s, primary, enums.signature.subkeyBinding, data)) return true;
  for (const s of sub.revocationSignatures)
    if (await sigOk(s, primary, enums.signature.subkeyRevocation, data)) return true;
  return false;
}

/**
 * Leaves one copy of each subkey that `key` holds several times (mergeKeyBlocks keeps a block's
 * copies apart, as gpg imports them): the first that gpg's import keeps, which is the one gpg's
 * keyring finds by the subkey's fingerprint, with only its own signatures. Merging the copies judged
 * the subkey by another copy's newer binding or revocation: R or Y where git says G.
 */
export async function firstSubkeyCopies(key: openpgp.PublicKey): Promise<void> {
  const copies = new Map<string, openpgp.Subkey[]>();
  for (const s of key.subkeys) copies.set(fpr(s.keyPacket), [...(copies.get(fpr(s.keyPacket)) ?? []), s]);
  if (copies.size === key.subkeys.length) return;
  const keep = new Set<openpgp.Subkey>();
  for (const list of copies.values()) {
    let chosen = list[0]!;
    for (const s of list)
      if (await kept(key.keyPacket, s)) {
        chosen = s;
        break;
      }
    keep.add(chosen);
  }
  key.subkeys = key.subkeys.filter((s) => keep.has(s));
}
