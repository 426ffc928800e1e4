// The SSH wire format (RFC 4251 §5): strings, integers and mpints read and written with bounds, as
// public keys and sshsig signatures encode them. Pure.

export class SshFormatError extends Error {
  override name = 'SshFormatError';
}

/** Reads RFC 4251 data types from a byte array, failing like OpenSSH's sshbuf does. */
export class SshReader {
  private pos = 0;
  constructor(readonly buf: Uint8Array) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  u8(): number {
    if (this.remaining < 1) throw new SshFormatError('truncated byte');
    return this.buf[this.pos++]!;
  }

  u32(): number {
    if (this.remaining < 4) throw new SshFormatError('truncated uint32');
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return ((b[p]! << 24) >>> 0) + (b[p + 1]! << 16) + (b[p + 2]! << 8) + b[p + 3]!;
  }

  /** An unsigned 64-bit integer (certificate serials and validity times). */
  u64(): bigint {
    const hi = this.u32();
    return (BigInt(hi) << 32n) | BigInt(this.u32());
  }

  bytes(n: number): Uint8Array {
    if (this.remaining < n) throw new SshFormatError('truncated data');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A length-prefixed byte string (SSHBUF_SIZE_MAX is far above anything we meet). */
  string(): Uint8Array {
    const len = this.u32();
    if (len > this.remaining) throw new SshFormatError('string length exceeds data');
    return this.bytes(len);
  }

  /** sshbuf_get_cstring: no NUL inside (one trailing NUL is tolerated and dropped); UTF-8 read. */
  cstring(): string {
    let s = this.string();
    const z = s.indexOf(0);
    if (z !== -1) {
      if (z !== s.length - 1) throw new SshFormatError('string contains a NUL byte');
      s = s.subarray(0, z);
    }
    return Buffer.from(s).toString('utf8');
  }

  /** sshbuf_get_bignum2_bytes_direct: non-negative, at most 16384 bits; leading zeros trimmed. */
  mpint(): Uint8Array {
    const raw = this.string();
    if (raw.length !== 0 && (raw[0]! & 0x80) !== 0) throw new SshFormatError('negative mpint');
    if (raw.length > MAX_BIGNUM_BYTES + 1 || (raw.length === MAX_BIGNUM_BYTES + 1 && raw[0] !== 0)) {
      throw new SshFormatError('mpint too large');
    }
    let i = 0;
    while (i < raw.length && raw[i] === 0) i++;
    return raw.subarray(i);
  }
}

const MAX_BIGNUM_BYTES = 16384 / 8;

export class SshWriter {
  private parts: Uint8Array[] = [];
  raw(b: Uint8Array | string): this {
    this.parts.push(typeof b === 'string' ? Buffer.from(b, 'utf8') : b);
    return this;
  }
  u8(n: number): this {
    return this.raw(Uint8Array.of(n & 0xff));
  }
  u32(n: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n >>> 0);
    return this.raw(b);
  }
  string(b: Uint8Array | string): this {
    const bytes = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
    return this.u32(bytes.length).raw(bytes);
  }
  /** An unsigned magnitude (no leading zeros) as a canonical mpint. */
  mpint(mag: Uint8Array): this {
    let i = 0;
    while (i < mag.length && mag[i] === 0) i++;
    const m = mag.subarray(i);
    if (m.length && (m[0]! & 0x80) !== 0) return this.string(Buffer.concat([Uint8Array.of(0), m]));
    return this.string(m);
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}
