// Local (non-exportable) self-signatures as gpg 2.2's import weighs them before it drops them.
// import.c chk_self_sigs runs first over the whole block: a valid self-signature, local or not, keeps
// its user ID or subkey, and of a subkey's valid bindings (and of its valid revocations) only the
// newest stays, the later of two made in the same second. Only then does delete_inv_parts drop the
// local signatures. So a local binding newer than the exportable one leaves the subkey in git's
// keyring with no binding at all (it cannot sign), a local revocation newer than the exportable one
// leaves it unrevoked, and a user ID certified only locally keeps its key in the keyring, unusable
// (no other key that claims the same subkey takes its place); a subkey with only a valid local
// revocation stays too, as one with an exportable one does. Dropping local signatures as the file
// was read judged by the older binding: G where git says E. Pure but for the arithmetic.
import * as openpgp from 'openpgp';
import { type AnyKeyPacket, type SigData, gpgExportable, sigOk } from './openpgp-packets.js';

const { enums } = openpgp;

/** A signature's identity (packet tag and content hash, mergeKeyBlocks' key) -> the blocks it was read in. */
export type BlocksOf = Map<string, Set<number>>;

const local = (s: openpgp.SignaturePacket): boolean => !gpgExportable(s);
const exportable = (sigs: openpgp.SignaturePacket[]): openpgp.SignaturePacket[] => sigs.filter((s) => !local(s));

/**
 * Of `sigs` (one subkey's bindings, or its revocations, in the key's order), those gpg's import
 * leaves in its keyring: in each block the newest valid one, unless it is local. Each block is
 * imported on its own and merged into the key already held (merge_blocks), so each leaves its own.
 */
async function survivors(
  sigs: openpgp.SignaturePacket[],
  key: AnyKeyPacket,
  type: number,
  data: SigData,
  idOf: (s: openpgp.SignaturePacket) => string,
  blocksOf: BlocksOf,
): Promise<openpgp.SignaturePacket[]> {
  if (!sigs.some(local)) return sigs;
  const valid: openpgp.SignaturePacket[] = [];
  for (const s of sigs) if (await sigOk(s, key, type, data)) valid.push(s);
  const blocks = new Set(valid.flatMap((s) => [...(blocksOf.get(idOf(s)) ?? [0])]));
  const kept = new Set<openpgp.SignaturePacket>();
  for (const b of blocks) {
    let newest: openpgp.SignaturePacket | undefined;
    for (const s of valid)
      if ((blocksOf.get(idOf(s)) ?? new Set([0])).has(b) && (!newest || when(s) >= when(newest))) newest = s;
    if (newest && !local(newest)) kept.add(newest);
  }
  return sigs.filter((s) => kept.has(s));
}

const when = (s: openpgp.SignaturePacket): number => s.created?.getTime() ?? 0;

/**
 * Leaves in `key` the signatures gpg's import keeps (local ones gone, and what a newer local binding
 * or revocation displaced); returns the user IDs and subkeys the import keeps for a valid local
 * self-signature only (they stay in the keyring, without it).
 */
export async function importLocalSignatures(
  key: openpgp.PublicKey,
  idOf: (s: openpgp.SignaturePacket) => string,
  blocksOf: BlocksOf,
): Promise<Set<object>> {
  const k = key.keyPacket;
  const keptByLocal = new Set<object>();
  const anyLocalValid = async (sigs: openpgp.SignaturePacket[], type: number, data: SigData): Promise<boolean> => {
    for (const s of sigs) if (local(s) && (await sigOk(s, k, type, data))) return true;
    return false;
  };
  for (const sub of key.subkeys) {
    const data = { key: k, bind: sub.keyPacket } as unknown as SigData;
    if (
      (await anyLocalValid(sub.bindingSignatures, enums.signature.subkeyBinding, data)) ||
      (await anyLocalValid(sub.revocationSignatures, enums.signature.subkeyRevocation, data))
    )
      keptByLocal.add(sub);
    sub.bindingSignatures = await survivors(
      sub.bindingSignatures,
      k,
      enums.signature.subkeyBinding,
      data,
      idOf,
      blocksOf,
    );
    sub.revocationSignatures = await survivors(
      sub.revocationSignatures,
      k,
      enums.signature.subkeyRevocation,
      data,
      idOf,
      blocksOf,
    );
  }
  for (const user of key.users) {
    if (user.userID) {
      const data = { userID: user.userID, key: k } as unknown as SigData;
      if (
        (await anyLocalValid(user.selfCertifications, enums.signature.certGeneric, data)) ||
        (await anyLocalValid(user.revocationSignatures, enums.signature.certRevocation, data))
      )
        keptByLocal.add(user);
    }
    user.selfCertifications = exportable(user.selfCertifications);
    user.otherCertifications = exportable(user.otherCertifications);
    user.revocationSignatures = exportable(user.revocationSignatures);
  }
  const direct = key as unknown as { directSignatures: openpgp.SignaturePacket[] };
  direct.directSignatures = exportable(direct.directSignatures);
  key.revocationSignatures = exportable(key.revocationSignatures);
  return keptByLocal;
}
