// A public-key or subkey packet as gpg 2.2's parse_key (g10/parse-packet.c) reads it, before
// openpgp.js parses it. gpg reads each MPI of the key material as a number (mpi_read): the bit count
// only says how many octets follow, and it hashes the key (its fingerprint, the self-signatures over
// it) with the number written back in its shortest form (keyid.c hash_public_key). openpgp.js refused
// an Ed25519 key whose point carried a leading zero octet the bit count claimed, where gpg imports
// the key and git says G. And a key packet gpg's parser refuses (a version other than 4, a field past
// the packet's end, an OID length out of range) fails gpg's import there ("read_block: read error"):
// openpgp.js skipped the packet, or read the key without a subkey it could not parse. Pure.

/** What gpg does with a key packet's body. */
export type KeyPacketReading =
  /** Read: `body` is the packet with every MPI in its shortest form (the same array when already so). */
  | { body: Uint8Array }
  /**
   * A primary key of a version other than 4 (2 and 3, RFC 9580's 6, LibrePGP's 5): gpg skips it and
   * the packets after it up to the next primary key (import.c read_block, "in_v3key").
   */
  | { legacy: true }
  /** gpg's parser refuses it: its import stops there. */
  | { refused: string };

const MAX_MPI_BITS = 16384; // MAX_EXTERN_MPI_BITS
const MAX_KEY_PACKET_LENGTH = 256 * 1024;
// pubkey_get_npkey (g10/misc.c): the public fields of each algorithm gpg 2.2 knows; any other
// algorithm's material is kept unread (an unknown algorithm: the key signs nothing).
const FIELDS: Record<number, ('mpi' | 'sized')[]> = {
  1: ['mpi', 'mpi'],
  2: ['mpi', 'mpi'],
  3: ['mpi', 'mpi'],
  16: ['mpi', 'mpi', 'mpi'],
  17: ['mpi', 'mpi', 'mpi', 'mpi'],
  18: ['sized', 'mpi', 'sized'], // curve OID, point, KDF parameters
  19: ['sized', 'mpi'],
  20: ['mpi', 'mpi', 'mpi'],
  22: ['sized', 'mpi'],
};

/** The bit length of the number in `b` (big-endian). */
function bitLength(b: Uint8Array): number {
  let i = 0;
  while (i < b.length && b[i] === 0) i += 1;
  if (i === b.length) return 0;
  return (b.length - i - 1) * 8 + (32 - Math.clz32(b[i]!));
}

/** An MPI of the number in `b`, in its shortest form. */
function shortestMpi(b: Uint8Array): Uint8Array {
  const bits = bitLength(b);
  const n = Math.ceil(bits / 8);
  return Buffer.concat([Buffer.from([bits >> 8, bits & 0xff]), b.subarray(b.length - n)]);
}

/**
 * How gpg 2.2 reads the key packet `body` (tag 5, 6, 7 or 14): the public part only (a secret key's
 * secret material after it is left as it is).
 */
export function readKeyPacket(body: Uint8Array, primary: boolean): KeyPacketReading {
  const version = body[0];
  if (version !== 4 && primary) return { legacy: true };
  if (version !== 4) return { refused: `a version ${version ?? 'missing'} key packet` };
  if (body.length - 1 < 11) return { refused: 'a key packet cut short' };
  if (body.length - 1 > MAX_KEY_PACKET_LENGTH) return { refused: 'a key packet over 256 KiB' };
  const fields = FIELDS[body[5]!];
  if (!fields) return { body };
  const parts: Uint8Array[] = [body.subarray(0, 6)];
  let p = 6;
  let changed = false;
  for (const kind of fields) {
    const left = body.length - p;
    if (kind === 'sized') {
      const n = body[p] ?? 0;
      if (left < 1 || n < 2 || n > 254 || n > left - 1) return { refused: 'a key packet with a bad OID or KDF length' };
      parts.push(body.subarray(p, p + 1 + n));
      p += 1 + n;
      continue;
    }
    if (left < 2) return { refused: 'a key packet with an MPI past its end' };
    const bits = (body[p]! << 8) | body[p + 1]!;
    const n = Math.ceil(bits / 8);
    if (bits > MAX_MPI_BITS || 2 + n > left) return { refused: 'a key packet with an MPI past its end' };
    const mpi = body.subarray(p, p + 2 + n);
    const shortest = shortestMpi(mpi.subarray(2));
    if (!Buffer.from(shortest).equals(mpi)) changed = true;
    parts.push(shortest);
    p += 2 + n;
  }
  if (!changed) return { body };
  parts.push(body.subarray(p));
  return { body: Buffer.concat(parts) };
}
