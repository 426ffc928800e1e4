// OpenPGP key files as a policy ships them: armored blocks or binary packets, split into keys,
// and refused past the per-key limits before anything is verified. Pure.
import { createHash } from 'node:crypto';
import * as openpgp from 'openpgp';
import { type AnyKeyPacket, CONFIG, fpr, hex, readFirstSubpackets } from './openpgp-packets.js';
import type { BlocksOf } from './openpgp-local-sigs.js';
import { packetFrames } from './openpgp-critical.js';
import { dropSkippedPackets } from './openpgp-skipped.js';
import { armorCrcMismatch } from './openpgp-sig.js';
import { sha256 } from './openpgp-key-facts.js';

const { enums } = openpgp;

export interface KeySource {
  data: Uint8Array | string;
  /** Where the bytes came from; named in errors. */
  file: string;
}

export interface KeyLimits {
  /** User IDs and user attributes of one key. */
  userIds: number;
  /** Subkeys of one key. */
  subkeys: number;
  /** Signatures made by the key itself (certifications, bindings, revocations): each is verified. */
  selfSignatures: number;
}

/**
 * How much parsing and key building this process has done (tests prove the caches with it);
 * goodJudged: the key judgements made for good signatures on the quick path (openpgp.ts).
 */
export const keyringWork = { filesParsed: 0, keysBuilt: 0, goodJudged: 0 };

const BEGIN = /-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----/g;

/**
 * The armored key blocks of a text, each from its BEGIN line to the first END line of its kind: what
 * /BEGIN…[\s\S]*?…END/g finds, in linear time. That expression read to the end of the text from
 * every BEGIN line that has no END (quadratic: a 1 MiB key file of BEGIN lines took 3 s, 16 of them
 * in a policy's keys/ folder most of a minute); here a kind with no END is not looked for again.
 */
function armoredBlocks(text: string): string[] {
  const out: string[] = [];
  const unended = new Set<string>();
  BEGIN.lastIndex = 0;
  for (let m = BEGIN.exec(text); m; m = BEGIN.exec(text)) {
    const end = `-----END PGP ${m[1]!} KEY BLOCK-----`;
    const at = unended.has(m[1]!) ? -1 : text.indexOf(end, BEGIN.lastIndex);
    if (at < 0) {
      unended.add(m[1]!);
      BEGIN.lastIndex = m.index + 1;
      continue;
    }
    out.push(text.slice(m.index, at + end.length));
    BEGIN.lastIndex = at + end.length;
  }
  return out;
}
/**
 * A user ID written back as the bytes it was read from. openpgp.js keeps its text only (decoded as
 * UTF-8, each invalid byte a U+FFFD) and hashes that text re-encoded, so a user ID that is not valid
 * UTF-8 (an old key's Latin-1 "M\xfcller") failed its own self-signature: the key was unusable where gpg
 * and git say G. gpg hashes the packet's bytes, and tells two user IDs apart by them too.
 */
class RawUserIDPacket extends openpgp.UserIDPacket {
  private raw?: Uint8Array;

  override read(bytes: Uint8Array): void {
    super.read(bytes); // openpgp.js passes its config too: only for maxUserIDLength, CONFIG's default
    this.raw = Uint8Array.from(bytes);
  }

  override write(): Uint8Array {
    return this.raw ?? super.write();
  }
}

const ALLOWED = Object.fromEntries(
  [
    openpgp.PublicKeyPacket,
    openpgp.PublicSubkeyPacket,
    openpgp.SecretKeyPacket,
    openpgp.SecretSubkeyPacket,
    RawUserIDPacket,
    openpgp.UserAttributePacket,
    openpgp.SignaturePacket,
    openpgp.TrustPacket,
    openpgp.MarkerPacket,
  ].map((c) => [(c as unknown as { tag: number }).tag, c]),
) as unknown as Map<openpgp.enums.packet, object>;

/**
 * An armored block with the blank line after its headers put back where a copy and paste lost it.
 * gpg's armor reader (armor.c check_input) ends the headers at the first line that is no `Key: value`
 * line and decodes that line as data ("invalid armor header", and the key imports); openpgp.js refused
 * the block. Only a line of base64 gets the blank line: anything else gpg would decode differently.
 */
function withBlankLine(block: string): string {
  const lines = block.split('\n');
  for (let i = 1; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (!line.trim()) return block;
    const colon = line.indexOf(':');
    if (colon >= 0 && [' ', '\r', undefined].includes(line[colon + 1])) continue;
    if (!/^[A-Za-z0-9+/]+={0,2}\r?$/.test(line)) return block;
    return [...lines.slice(0, i), '', ...lines.slice(i)].join('\n');
  }
  return block;
}

async function binaryBlocks(src: KeySource): Promise<Uint8Array[]> {
  const { data } = src;
  const bytes = typeof data === 'string' ? undefined : data;
  // A UTF-8 byte order mark (0xEF: a packet tag no key starts with) opens an armored export that a
  // Windows editor or PowerShell 5's `Out-File -Encoding utf8` saved: read as the text it is.
  const bom = bytes !== undefined && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (bytes && bytes.length && (bytes[0]! & 0x80) !== 0 && !bom) return [bytes];
  const text = typeof data === 'string' ? data : Buffer.from(data).toString('latin1');
  const blocks = armoredBlocks(text);
  if (!blocks.length) throw new Error('neither a binary OpenPGP key file nor an armored key block');
  const out: Uint8Array[] = [];
  for (const b of blocks) {
    const bytes = (await openpgp.unarmor(withBlankLine(b), CONFIG)).data as Uint8Array;
    // gpg's "CRC error" fails the import: no key of that block, nor the one still pending before it
    // (the block before, when gpg's armor reader reads ahead), is imported. Refused: openpgp.js
    // ignored the checksum and read every key.
    if (armorCrcMismatch(b, bytes))
      throw new Error('an armor checksum (CRC) that does not match: gpg imports nothing from it');
    out.push(bytes);
  }
  return out;
}

/** Splits a packet stream into one packet list per primary key, secret packets made public. */
function splitKeys(packets: openpgp.PacketList<openpgp.AnyPacket>): openpgp.PacketList<openpgp.AnyPacket>[] {
  const out: openpgp.PacketList<openpgp.AnyPacket>[] = [];
  let cur: openpgp.PacketList<openpgp.AnyPacket> | undefined;
  for (const p of packets) {
    const P = p as unknown as { constructor: { tag: number } };
    const tag = P.constructor.tag;
    if (p instanceof openpgp.UnparseablePacket) continue;
    if (p instanceof openpgp.SignaturePacket) readFirstSubpackets(p);
    let q: openpgp.AnyPacket = p;
    if (tag === enums.packet.secretKey)
      q = (
        openpgp.PublicKeyPacket as unknown as { fromSecretKeyPacket(p: unknown): openpgp.PublicKeyPacket }
      ).fromSecretKeyPacket(p);
    if (tag === enums.packet.secretSubkey)
      q = (
        openpgp.PublicSubkeyPacket as unknown as { fromSecretSubkeyPacket(p: unknown): openpgp.PublicSubkeyPacket }
      ).fromSecretSubkeyPacket(p);
    if (tag === enums.packet.trust || tag === enums.packet.marker) continue;
    if (tag === enums.packet.publicKey || tag === enums.packet.secretKey) {
      cur = new openpgp.PacketList();
      out.push(cur);
    }
    cur?.push(q);
  }
  return out;
}

/**
 * Packets one key may carry (user IDs, subkeys, and signatures, third parties' too), counted from
 * the headers before openpgp.js parses any: a key of 1,000,000 user IDs in a 20 MB --keyring took
 * 56 s and 710 MB before a limit could look at it, and keys flooded with 150,000 certifications
 * were a real attack on the keyservers (CVE-2019-13050). Honest keys carry hundreds.
 */
const KEY_PACKETS_MAX = 20_000;
const PRIMARY_TAGS = new Set<number>([enums.packet.publicKey, enums.packet.secretKey]);

/** Throws when one key in `bytes` has more packets than KEY_PACKETS_MAX (left to openpgp.js when the headers cannot be read). */
function checkPacketCount(bytes: Uint8Array): void {
  let count = 0;
  for (const { tag } of packetFrames(bytes) ?? []) {
    count = PRIMARY_TAGS.has(tag) ? 1 : count + 1;
    if (count > KEY_PACKETS_MAX)
      throw new Error(
        `a key has more than ${KEY_PACKETS_MAX} packets (user IDs, subkeys, signatures): export it without third-party signatures (gpg --export --export-options export-minimal KEYID)`,
      );
  }
}

/** The packets of one block, within the count limit; those openpgp.js cannot parse left out. */
async function readPackets(bytes: Uint8Array): Promise<openpgp.PacketList<openpgp.AnyPacket>> {
  checkPacketCount(bytes);
  try {
    return await openpgp.PacketList.fromBinary(bytes, ALLOWED, CONFIG);
  } catch {
    return openpgp.PacketList.fromBinary(bytes, ALLOWED, { ...CONFIG, ignoreMalformedPackets: true });
  }
}

/** The packet lists (one per primary key) of one key file, as far as gpg's import reads it. */
export async function parseKeyFile(src: KeySource): Promise<openpgp.PacketList<openpgp.AnyPacket>[]> {
  keyringWork.filesParsed += 1;
  let lists: openpgp.PacketList<openpgp.AnyPacket>[] = [];
  let stopped: string | undefined;
  for (const block of await binaryBlocks(src)) {
    const gpgReads = dropSkippedPackets(block);
    const bytes = gpgReads.bytes;
    if (bytes.length) lists = lists.concat(splitKeys(await readPackets(bytes)));
    if (gpgReads.stopped) {
      stopped = gpgReads.stopped;
      break; // gpg's import stops there: no key after it is read
    }
  }
  // A file gpg stops reading (its import fails) holds the keys before that point, maybe none.
  if (!lists.length && !stopped) throw new Error('no public key in it');
  return lists;
}

/** Throws when one key (its packets, duplicates already dropped) is over a limit: before any verification. */
export function checkLimits(packets: openpgp.AnyPacket[], limits: KeyLimits): void {
  const primary = packets[0] as AnyKeyPacket;
  const ownId = primary.getKeyID().toHex();
  let userIds = 0;
  let subkeys = 0;
  let selfSigs = 0;
  for (const p of packets) {
    if (p instanceof openpgp.UserIDPacket || p instanceof openpgp.UserAttributePacket) userIds += 1;
    else if (p instanceof openpgp.PublicSubkeyPacket) subkeys += 1;
    else if (
      p instanceof openpgp.SignaturePacket &&
      (p.issuerKeyID.toHex() === ownId || (p.issuerFingerprint?.length && hex(p.issuerFingerprint) === fpr(primary)))
    )
      selfSigs += 1;
  }
  const over = (n: number, max: number, what: string): void => {
    if (n > max) throw new Error(`key ${fpr(primary)} has ${n} ${what}, more than the limit of ${max}`);
  };
  over(userIds, limits.userIds, 'user IDs');
  over(subkeys, limits.subkeys, 'subkeys');
  over(selfSigs, limits.selfSignatures, 'self-signatures');
}

const SUBKEY_TAGS = new Set<number>([enums.packet.publicSubkey, enums.packet.secretSubkey]);
const USER_TAGS = new Set<number>([enums.packet.userID, enums.packet.userAttribute]);
const tagOf = (p: openpgp.AnyPacket): number => (p.constructor as unknown as { tag: number }).tag;

/**
 * The part a subkey's packets go to: one per subkey, but for the copies of a subkey within the first
 * block, which stay apart. gpg imports a new key's block as it is (import.c collapses repeated user
 * IDs, not subkeys), each copy with its own signatures, and merges a later block's copies into the
 * first (merge_blocks); which copy speaks is openpgp-rehome.ts's firstSubkeyCopies.
 */
function subkeyPart(p: AnyKeyPacket, block: number, copies: Map<string, number>): string {
  const id = fpr(p);
  const n = copies.get(id) ?? 0;
  copies.set(id, n + 1);
  return block === 0 && n > 0 ? `sub:${id}#${n}` : `sub:${id}`;
}

/**
 * One key's blocks (from several files, or a secret and a public block) merged as gpg's import merges
 * them (import.c merge_blocks): each user ID and subkey once (but a subkey's copies in the first block,
 * subkeyPart), at its first place, followed by every
 * distinct signature that follows it in any block, in the order met. Appending a later block's new
 * signatures at the end put them after the last subkey, where openpgp.js drops a certification and
 * binds a binding to the wrong subkey: a newer self-signature (an expiry, a revoked user ID) was lost.
 * `digest`: the merged key's identity, for the per-run memo.
 */
export function mergeKeyBlocks(lists: openpgp.PacketList<openpgp.AnyPacket>[]): {
  merged: openpgp.PacketList<openpgp.AnyPacket>;
  digest: string;
  /** Each signature's blocks (indexes into `lists`): gpg's import weighs local signatures per block. */
  blocksOf: BlocksOf;
} {
  // Each packet with its tag and content hash (written once): what it is deduplicated and digested by.
  const parts = new Map<string, { packets: { p: openpgp.AnyPacket; k: string }[]; seen: Set<string> }>();
  const blocksOf: BlocksOf = new Map();
  lists.forEach((l, i) => {
    let part = 'primary';
    const copies = new Map<string, number>();
    l.forEach((p, j) => {
      const tag = tagOf(p);
      const k = packetId(p);
      if (j === 0 || SUBKEY_TAGS.has(tag) || USER_TAGS.has(tag)) {
        part = j === 0 ? 'primary' : SUBKEY_TAGS.has(tag) ? subkeyPart(p as AnyKeyPacket, i, copies) : k;
        if (!parts.has(part)) parts.set(part, { packets: [{ p, k }], seen: new Set() });
        return;
      }
      blocksOf.set(k, (blocksOf.get(k) ?? new Set()).add(i));
      const at = parts.get(part)!;
      if (at.seen.has(k)) return;
      at.seen.add(k);
      at.packets.push({ p, k });
    });
  });
  const merged = new openpgp.PacketList<openpgp.AnyPacket>();
  const digest = createHash('sha256');
  for (const [part, { packets }] of parts) {
    digest.update(`${part}\n`);
    for (const { p, k } of packets) {
      digest.update(`${k} ${[...(blocksOf.get(k) ?? [])].join(',')}\n`);
      merged.push(p);
    }
  }
  return { merged, digest: digest.digest('hex'), blocksOf };
}

/** A packet's identity: its tag and the hash of its content, as written. */
export const packetId = (p: openpgp.AnyPacket): string =>
  `${tagOf(p)}:${sha256((p as unknown as { write(): Uint8Array }).write())}`;
