// Reads a commit's armored signature block for openpgp.js's full path, exactly as far as gpg would:
// one signature packet, a matching armor checksum, subpacket areas that parse, and gpg's
// critical-subpacket rule and issuer taken from the packet's own bytes. Anything else is a reason
// the verdict is E.
import * as openpgp from 'openpgp';
import { armorCrcMismatch } from './openpgp-sig.js';
import {
  criticalProblem,
  GPG_MAX_MPI_BITS,
  gpgIssuer,
  oversizedMpi,
  signaturePacketBodies,
  subpacketAreas,
} from './openpgp-critical.js';
import { CONFIG, ignoreCriticalBits, message, readFirstSubpackets } from './openpgp-packets.js';

/**
 * The largest signature block read: an honest one is a few KiB (an RSA-16384 signature with both
 * subpacket areas full stays under 40 KiB armored), while openpgp.js's parse costs about 2 us a
 * packet: a good signature followed by a million marker packets (7 MB, a few KiB packed) took 11 s
 * a commit, where gpg takes 0.1 s. Over it the verdict is E; git may say G.
 */
const MAX_SIGNATURE_BLOCK = 64 * 1024;

export interface SignatureBlock {
  sig: openpgp.SignaturePacket;
  /** Why gpg calls the signature bad whatever the key says (a critical subpacket it does not know). */
  critical?: string;
  issuer: { fingerprint?: string; keyId?: string };
}

/** How many armor header lines (`-----BEGIN PGP ...`) the text holds, however indented. */
function armorBlocks(armored: string): number {
  let n = 0;
  for (const line of armored.split('\n')) if (line.trimStart().startsWith('-----BEGIN PGP ')) n += 1;
  return n;
}

/** The block's one signature packet, or the reason it is not read (the verdict is then E). */
export async function readSignatureBlock(armoredSig: string): Promise<SignatureBlock | { reason: string }> {
  if (armoredSig.length > MAX_SIGNATURE_BLOCK)
    return {
      reason: `the signature block is ${armoredSig.length} bytes, over gitguard's limit of ${MAX_SIGNATURE_BLOCK / 1024} KiB (an honest one is a few KiB)`,
    };
  // gpg reads every armored block of the text in turn (openpgp.js only the first): a second block
  // is a second signature to gpg, and git then says E whatever the first one says.
  const blocks = armorBlocks(armoredSig);
  if (blocks > 1)
    return { reason: `the signature text holds ${blocks} armored blocks; gpg reads them all and git accepts one` };
  let packets: openpgp.SignaturePacket[];
  try {
    const sig = await openpgp.readSignature({ armoredSignature: armoredSig, config: CONFIG });
    packets = [...sig.packets];
  } catch (e) {
    return { reason: `the signature block cannot be read: ${message(e)}` };
  }
  if (packets.length !== 1) {
    return {
      reason: packets.length
        ? `the block holds ${packets.length} signatures; git accepts exactly one`
        : 'the block holds no signature',
    };
  }
  const sig = packets[0]!;
  // gpg 2.2 reads version 4 signatures only ("packet(2) with unknown version"): an RFC 9580 v6 one
  // (openpgp.js verifies it with a v6 key) is no signature to git, which prints N.
  if (sig.version !== 4)
    return { reason: `a version ${sig.version} signature packet: gpg 2.2 reads none (git shows no signature)` };
  // gpg's critical-subpacket rule, read from the packet's own bytes (openpgp.js keeps no raw
  // unhashed area, and ignores critical bits there); openpgp.js's own critical checks are then
  // switched off on this packet, so that only this rule decides.
  let critical: string | undefined;
  let issuer: { fingerprint?: string; keyId?: string };
  try {
    const bytes = (await openpgp.unarmor(armoredSig, CONFIG)).data as Uint8Array;
    if (armorCrcMismatch(armoredSig, bytes))
      return { reason: 'the armor checksum does not match (gpg reads no signature from it)' };
    const bodies = signaturePacketBodies(bytes);
    const body = bodies?.length === 1 ? bodies[0]! : undefined;
    const areas = body && subpacketAreas(body);
    if (!body || !areas)
      return {
        reason:
          'the signature packet cannot be read exactly as gpg reads it (a subpacket area runs past the packet or is over 10000 octets)',
      };
    const bits = oversizedMpi(body);
    if (bits !== undefined)
      return {
        reason: `an MPI of ${bits} bits: gpg reads none over ${GPG_MAX_MPI_BITS} ("mpi too large"; git shows no signature)`,
      };
    critical = criticalProblem(areas.hashed, areas.unhashed);
    issuer = gpgIssuer(areas.hashed, areas.unhashed);
  } catch (e) {
    return { reason: `the signature block cannot be read: ${message(e)}` };
  }
  ignoreCriticalBits(sig);
  readFirstSubpackets(sig);
  return { sig, issuer, ...(critical ? { critical } : {}) };
}
