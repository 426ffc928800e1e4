// Designated revokers (RFC 4880 5.2.3.15): a key may name another key that can revoke it, and gpg
// honours a key revocation that key makes (getkey.c merge_selfsigs_main "pass 1.5",
// sig-check.c check_revocation_keys). git then prints R for every signature by the revoked key,
// as for the key's own revocation. Which keys a key names depends only on the key; whether one of
// them revoked it depends on the keyring (gpg honours it only when the revoker's key is there).
import * as openpgp from 'openpgp';
import { allOf } from './openpgp-critical.js';
import { type AnyKeyPacket, type Revocation, fpr, revocationOf, sigOk, stronger } from './openpgp-packets.js';

const { enums } = openpgp;
const REVOCATION_KEY = 12;

/**
 * The fingerprints (upper-case hex) a key names as its revokers, as gpg collects them: from every
 * direct-key signature the key itself made and that verifies (not only the newest), the hashed
 * revocation-key subpackets of a v4 fingerprint's length whose class has bit 0x80 set.
 */
async function revokerFingerprints(key: openpgp.PublicKey): Promise<string[]> {
  const k = key.keyPacket;
  const own = k.getKeyID();
  const out = new Set<string>();
  const direct = (key as unknown as { directSignatures: openpgp.SignaturePacket[] }).directSignatures;
  for (const s of direct) {
    if (s.signatureType !== enums.signature.key || s.version !== 4 || !s.issuerKeyID.equals(own)) continue;
    const data = (s as unknown as { signatureData: Uint8Array | null }).signatureData;
    if (!data) continue;
    const named = allOf(data.subarray(6), REVOCATION_KEY).filter((b) => b.length === 22 && (b[0]! & 0x80) !== 0);
    if (!named.length || !(await sigOk(s, k, enums.signature.key, { key: k }))) continue;
    for (const b of named) out.add(Buffer.from(b.subarray(2)).toString('hex').toUpperCase());
  }
  return [...out];
}

/**
 * The revocation of `key` by one of its designated revokers whose primary key `lookup` finds (by
 * fingerprint) in the same keyring, or undefined. As gpg: the revocation's issuer key id is the
 * revoker's, it verifies over the revoked primary key by the revoker's primary key, and that key is
 * not newer than the revocation (sigOk); the revoker's own expiry or revocation does not matter.
 */
export async function designatedRevocation(
  key: openpgp.PublicKey,
  lookup: (fingerprint: string) => AnyKeyPacket | undefined,
): Promise<Revocation | undefined> {
  const k = key.keyPacket;
  const own = k.getKeyID();
  const others = key.revocationSignatures.filter((s) => !s.issuerKeyID.equals(own));
  if (!others.length) return undefined;
  const revokers = (await revokerFingerprints(key))
    .map((f) => lookup(f))
    .filter((p): p is AnyKeyPacket => p !== undefined && fpr(p) !== fpr(k));
  let best: Revocation | undefined;
  for (const s of others) {
    const by = revokers.find((p) => p.getKeyID().equals(s.issuerKeyID));
    if (!by || !(await sigOk(s, by, enums.signature.keyRevocation, { key: k }))) continue;
    best = stronger(best, revocationOf(s));
  }
  return best;
}
