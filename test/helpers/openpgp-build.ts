// OpenPGP signature pieces built by hand for the tests that compare gitguard's reading of them with
// gpg's: subpackets, notations, and a signature made by openpgp.js over a hashed area given byte for byte.
import * as openpgp from 'openpgp';

/** A new-format OpenPGP packet (RFC 4880 4.2.2, five-octet length). */
export const packet = (tag: number, body: Uint8Array): Buffer => {
  const len = Buffer.alloc(5);
  len[0] = 0xff;
  len.writeUInt32BE(body.length, 1);
  return Buffer.concat([Buffer.of(0xc0 | tag), len, body]);
};

/** A two-octet big-endian length. */
export const len16 = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff]);

/** A subpacket (one-octet length) of `type`, with the critical bit when asked. */
export const sub = (type: number, body: Buffer | string, critical = false): Buffer => {
  const b = Buffer.from(body);
  return Buffer.concat([Buffer.from([b.length + 1, (critical ? 0x80 : 0) | type]), b]);
};

/** A notation subpacket body: flags (0x80 = human-readable), name, value. */
export const notation = (name: string, value: string, humanReadable = true): Buffer =>
  Buffer.concat([
    Buffer.from([humanReadable ? 0x80 : 0, 0, 0, 0]),
    len16(name.length),
    len16(value.length),
    Buffer.from(name),
    Buffer.from(value),
  ]);

/** Makes `sp` write `extra` after the hashed subpackets openpgp.js writes for it (before it signs). */
export function appendHashed(sp: openpgp.SignaturePacket, extra: Buffer): void {
  const s = sp as unknown as { writeHashedSubPackets(): Uint8Array };
  const write = s.writeHashedSubPackets.bind(sp);
  s.writeHashedSubPackets = () => {
    const area = Buffer.concat([Buffer.from(write()).subarray(2), extra]);
    return Buffer.concat([len16(area.length), area]);
  };
}

/**
 * Signs `sp` (its fields set) with `kp` over `data` (a literal data packet, or the key, user ID or
 * subkey a key signature is over) at unix time `at`: openpgp.js's sign, with openpgp.js's config.
 */
export async function signAt(
  sp: openpgp.SignaturePacket,
  kp: openpgp.AnyKeyPacket,
  data: unknown,
  at: number,
  detached = false,
  config: Partial<openpgp.Config> = {},
): Promise<void> {
  const sign = sp.sign.bind(sp) as unknown as (
    k: unknown,
    d: unknown,
    at: Date,
    detached: boolean,
    config: openpgp.Config,
  ) => Promise<void>;
  await sign(kp, data, new Date(at * 1000), detached, { ...openpgp.config, ...config });
}

/**
 * A detached signature packet (old-format packet list bytes) by `kp` over `payload`, whose hashed
 * area is exactly `area`: openpgp.js signs, its own subpackets left out.
 */
export async function signWithHashedArea(
  kp: openpgp.SecretKeyPacket,
  opts: { signatureType: number; hashAlgorithm: number; area: Buffer; payload: Buffer; signedAt: number },
): Promise<Buffer> {
  const sp = new openpgp.SignaturePacket();
  sp.signatureType = opts.signatureType;
  sp.publicKeyAlgorithm = kp.algorithm;
  sp.hashAlgorithm = opts.hashAlgorithm;
  (sp as unknown as { writeHashedSubPackets(): Uint8Array }).writeHashedSubPackets = () =>
    Buffer.concat([len16(opts.area.length), opts.area]);
  const literal = new openpgp.LiteralDataPacket();
  (literal as unknown as { setBytes(b: Uint8Array, f: openpgp.enums.literal): void }).setBytes(
    opts.payload,
    openpgp.enums.literal.binary,
  );
  await signAt(sp, kp, literal, opts.signedAt, true, { nonDeterministicSignaturesViaNotation: false });
  const list = new openpgp.PacketList<openpgp.SignaturePacket>();
  list.push(sp);
  return Buffer.from(list.write());
}

/** The armored v4 signature with its MPIs replaced by what `f` makes of them (octets as the MPIs
 *  carry them, leading zero octets left out: EdDSA's r and s are little-endian encodings). */
export function withMpis(armored: string, f: (mpis: Buffer[]) => Buffer[]): string {
  const bytes = Buffer.from(
    armored
      .split('\n')
      .filter((l) => /^[A-Za-z0-9+/]+=*$/.test(l) && !l.startsWith('='))
      .join(''),
    'base64',
  );
  // gpg's old-format signature packet: tag octet, one or two length octets.
  const lenOctets = (bytes[0]! & 3) === 0 ? 1 : 2;
  const body = bytes.subarray(1 + lenOctets);
  let at = 4;
  at += 2 + body.readUInt16BE(at); // hashed area
  at += 2 + body.readUInt16BE(at); // unhashed area
  at += 2; // the digest's first two octets
  const head = body.subarray(0, at);
  const mpis: Buffer[] = [];
  while (at < body.length) {
    const octets = Math.ceil(body.readUInt16BE(at) / 8);
    mpis.push(body.subarray(at + 2, at + 2 + octets));
    at += 2 + octets;
  }
  const write = (m: Buffer): Buffer => {
    let i = 0;
    while (i < m.length && m[i] === 0) i++;
    const mag = m.subarray(i);
    const bits = mag.length ? (mag.length - 1) * 8 + (32 - Math.clz32(mag[0]!)) : 0;
    return Buffer.concat([Buffer.from([bits >> 8, bits & 0xff]), mag]);
  };
  const sig = packet(2, Buffer.concat([head, ...f(mpis).map(write)]));
  return openpgp.armor(openpgp.enums.armor.signature, sig);
}

/** An RSA signature's s (big-endian) moved by k·n. */
export const rsaPlus =
  (k: bigint, n: Buffer) =>
  ([s]: Buffer[]): Buffer[] => {
    const big = (b: Buffer): bigint => BigInt('0x' + b.toString('hex'));
    const hex = (big(s!) + k * big(n)).toString(16);
    return [Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex')];
  };
