// A signature's subpacket areas as gpg 2.2 reads them: the areas it refuses to read at all, the
// key it looks the signer up by, and which critical subpackets make it call a v4 signature bad
// (gnupg's parse-packet.c: enum_sig_subpkt with SIGSUBPKT_TEST_CRITICAL, can_handle_critical,
// run over BOTH subpacket areas). gpg checks the arithmetic first and then, when a critical subpacket is one it does not
// understand, reports BADSIG ("assuming bad signature ... due to an unknown critical bit").
// An area gpg cannot walk (a length past its end, a missing type octet) counts the same way.
// This is the one place gitguard decides it: the quick reader refuses what this flags, and the
// openpgp.js path turns it into B. Pure, bounded by the input.

/** Subpacket types gpg 2.2 accepts with the critical bit set (can_handle_critical). */
const HANDLED = new Set([
  2, // signature creation time
  3, // signature expiration time
  4, // exportable certification
  5, // trust signature
  6, // regular expression
  7, // revocable
  9, // key expiration time
  11, // preferred symmetric algorithms
  12, // revocation key
  16, // issuer key id
  21, // preferred hash algorithms
  22, // preferred compression algorithms
  24, // preferred key server
  25, // primary user id
  26, // policy URI
  27, // key flags
  29, // reason for revocation
  30, // features
  32, // embedded signature
  33, // issuer fingerprint
]);
const NOTATION = 20;
const KEY_BLOCK = 38;
/** gpg's built-in known critical notations (register_known_notation); `--known-notation` in the
 *  verifier's own gpg.conf can add more, which no repository can tell us. */
const GPG_KNOWN_NOTATIONS: readonly string[] = ['preferred-email-encoding@pgp.com', 'pka-address@gnupg.org'];
const KNOWN = new Set(GPG_KNOWN_NOTATIONS.map((n) => Buffer.from(n).toString('latin1')));

/** can_handle_critical: `body` is the subpacket after its type octet. */
function handled(type: number, body: Uint8Array): boolean {
  if (type === NOTATION) {
    if (body.length < 8) return false;
    const nameLength = (body[4]! << 8) | body[5]!;
    // gpg checks only that the name fits, not the value length nor the flags.
    return body.length - 8 >= nameLength && KNOWN.has(Buffer.from(body.subarray(8, 8 + nameLength)).toString('latin1'));
  }
  if (type === KEY_BLOCK) return body.length > 0 && body[0] === 0;
  return HANDLED.has(type);
}

type Step = { kind: 'short' } | { kind: 'notype' } | { kind: 'subpacket'; octet: number; n: number; at: number };

/**
 * gpg's walk over a subpacket area (enum_sig_subpkt), step for step, quirks included: a zero
 * length octet is skipped over and the next octet then read as a type. `at` is the type octet's
 * offset, `n` the subpacket's length with it. Ends with 'short' or 'notype' where gpg gives up.
 */
function* walk(area: Uint8Array): Generator<Step> {
  let p = 0;
  let left = area.length;
  while (left) {
    let n = area[p]!;
    p += 1;
    left -= 1;
    if (n === 255) {
      if (left < 4) {
        yield { kind: 'short' };
        return;
      }
      n = ((area[p]! << 24) >>> 0) + (area[p + 1]! << 16) + (area[p + 2]! << 8) + area[p + 3]!;
      p += 4;
      left -= 4;
    } else if (n >= 192) {
      if (left < 2) {
        yield { kind: 'short' };
        return;
      }
      n = ((n - 192) << 8) + area[p]! + 192;
      p += 1;
      left -= 1;
    }
    if (left < n) {
      yield { kind: 'short' };
      return;
    }
    if (!left) {
      yield { kind: 'notype' };
      return;
    }
    yield { kind: 'subpacket', octet: area[p]!, n, at: p };
    p += n;
    left -= n;
  }
}

/** Why gpg would reject one subpacket area, or undefined when every critical subpacket in it is understood. */
function areaProblem(area: Uint8Array, where: string): string | undefined {
  const unreadable = `the ${where} subpacket area cannot be walked (a length runs past its end)`;
  for (const s of walk(area)) {
    if (s.kind === 'short') return unreadable;
    if (s.kind === 'notype') return `the ${where} subpacket area ends without a type octet`;
    if (!(s.octet & 0x80)) continue;
    // gpg's unsigned n - 1 wraps for n = 0: "buffer shorter than subpacket".
    if (s.n === 0) return unreadable;
    const type = s.octet & 0x7f;
    if (!handled(type, area.subarray(s.at + 1, s.at + s.n)))
      return `critical subpacket ${type} in the ${where} area is one gpg does not understand`;
  }
  return undefined;
}

/** The body of the first subpacket of `type` in an area, as gpg's parse_sig_subpkt finds it. */
function first(area: Uint8Array, type: number): Uint8Array | undefined {
  for (const s of walk(area)) {
    if (s.kind !== 'subpacket') return undefined;
    if ((s.octet & 0x7f) !== type) continue;
    return s.n === 0 ? undefined : area.subarray(s.at + 1, s.at + s.n);
  }
  return undefined;
}

/** The bodies of every subpacket of `type` in an area, as gpg's enum_sig_subpkt walks it (up to where it gives up). */
export function allOf(area: Uint8Array, type: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const s of walk(area)) {
    if (s.kind !== 'subpacket') break;
    if ((s.octet & 0x7f) === type && s.n > 0) out.push(area.subarray(s.at + 1, s.at + s.n));
  }
  return out;
}

/**
 * The key gpg looks the signature's signer up by (get_pubkey_for_sig): the hashed area's first
 * issuer fingerprint when it is a 21-octet v4 one, and then the issuer key id, the hashed area's
 * first, else the unhashed area's (parse_sig_subpkt2). Upper-case hex. openpgp.js lets the
 * unhashed area's fingerprint override the hashed one, which gpg never reads.
 */
export function gpgIssuer(hashed: Uint8Array, unhashed: Uint8Array): { fingerprint?: string; keyId?: string } {
  const out: { fingerprint?: string; keyId?: string } = {};
  const f = first(hashed, 33);
  // v5 and v6 (RFC 9580) fingerprints are 32 octets; gpg 2.2 reads no such signature.
  if (f && ((f.length === 21 && f[0] === 4) || (f.length === 33 && (f[0] === 5 || f[0] === 6))))
    out.fingerprint = Buffer.from(f.subarray(1)).toString('hex').toUpperCase();
  // parse_one_sig_subpkt: an issuer shorter than 8 octets is "too short", and then not found.
  const idIn = (area: Uint8Array): Uint8Array | undefined => {
    const b = first(area, 16);
    return b && b.length >= 8 ? b.subarray(0, 8) : undefined;
  };
  const id = idIn(hashed) ?? idIn(unhashed);
  if (id) out.keyId = Buffer.from(id).toString('hex').toUpperCase();
  return out;
}

/**
 * For a v4 signature's two subpacket areas: why gpg calls the signature bad whatever its
 * arithmetic (then gitguard's letter is B), or undefined.
 */
export function criticalProblem(hashed: Uint8Array, unhashed: Uint8Array): string | undefined {
  return areaProblem(hashed, 'hashed') ?? areaProblem(unhashed, 'unhashed');
}

/** gpg reads no signature packet with a subpacket area longer than this ("hashed data too long"). */
const GPG_MAX_AREA = 10000;

/**
 * The subpacket areas of a v4 (or v5, or RFC 9580 v6: four-octet lengths) signature packet body,
 * when its declared lengths fit and gpg would read them (neither over GPG_MAX_AREA). gpg 2.2
 * reads no v6 signature; the same rules are applied to them.
 */
export function subpacketAreas(body: Uint8Array): { hashed: Uint8Array; unhashed: Uint8Array } | undefined {
  const version = body[0];
  if (version !== 4 && version !== 5 && version !== 6) return undefined;
  const w = version === 6 ? 4 : 2;
  const length = (at: number): number | undefined =>
    at + w <= body.length ? Buffer.from(body.buffer, body.byteOffset + at, w).readUIntBE(0, w) : undefined;
  const hl = length(4);
  if (hl === undefined) return undefined;
  const hashedEnd = 4 + w + hl;
  const ul = length(hashedEnd);
  if (ul === undefined || hashedEnd + w + ul > body.length || hl > GPG_MAX_AREA || ul > GPG_MAX_AREA) return undefined;
  return { hashed: body.subarray(4 + w, hashedEnd), unhashed: body.subarray(hashedEnd + w, hashedEnd + w + ul) };
}

/** The longest MPI gpg 2.2 reads (parse-packet.c mpi_read, MAX_EXTERN_MPI_BITS): past it, "mpi too
 *  large" and no packet at all, so git shows no signature (N), whatever the arithmetic says. */
export const GPG_MAX_MPI_BITS = 16384;
/** The MPIs of a signature by each public-key algorithm gpg 2.2 reads as MPIs (pubkey_get_nsig). */
const SIG_MPIS: Record<number, number> = { 1: 1, 3: 1, 16: 2, 17: 2, 19: 2, 20: 2, 22: 2 };

/**
 * The declared bit count of a v4 signature's first MPI gpg refuses as too long (over
 * GPG_MAX_MPI_BITS), undefined when none is: an RSA s moved by a multiple of n is good to libgcrypt
 * (it computes mod n) only while gpg still reads it.
 */
export function oversizedMpi(body: Uint8Array): number | undefined {
  const areas = body[0] === 4 ? subpacketAreas(body) : undefined;
  if (!areas) return undefined;
  // version, type, algorithms, two area lengths and the areas, then the digest's first two octets.
  let p = 4 + 2 + areas.hashed.length + 2 + areas.unhashed.length + 2;
  for (let i = 0; i < (SIG_MPIS[body[2]!] ?? 0) && p + 2 <= body.length; i += 1) {
    const bits = (body[p]! << 8) | body[p + 1]!;
    if (bits > GPG_MAX_MPI_BITS) return bits;
    p += 2 + ((bits + 7) >> 3);
  }
  return undefined;
}

/**
 * The packets of a binary OpenPGP block, tag and body, read from their headers alone; undefined when
 * a header cannot be read exactly (partial or indeterminate lengths, a length past the end).
 */
export function packetFrames(bin: Uint8Array): Array<{ tag: number; body: Uint8Array }> | undefined {
  const out: Array<{ tag: number; body: Uint8Array }> = [];
  let p = 0;
  while (p < bin.length) {
    const ctb = bin[p]!;
    if (!(ctb & 0x80)) return undefined;
    let tag: number;
    let len: number;
    let at: number;
    if (ctb & 0x40) {
      tag = ctb & 0x3f;
      const l0 = bin[p + 1];
      if (l0 === undefined) return undefined;
      if (l0 < 192) [len, at] = [l0, p + 2];
      else if (l0 < 224 && p + 2 < bin.length) [len, at] = [((l0 - 192) << 8) + bin[p + 2]! + 192, p + 3];
      else if (l0 === 255 && p + 5 < bin.length)
        [len, at] = [Buffer.from(bin.buffer, bin.byteOffset + p + 2, 4).readUInt32BE(0), p + 6];
      else return undefined;
    } else {
      tag = (ctb >> 2) & 0x0f;
      const lt = ctb & 3;
      if (lt === 3) return undefined;
      const n = 1 << lt;
      if (p + 1 + n > bin.length) return undefined;
      [len, at] = [Buffer.from(bin.buffer, bin.byteOffset + p + 1, n).readUIntBE(0, n), p + 1 + n];
    }
    if (at + len > bin.length) return undefined;
    out.push({ tag, body: bin.subarray(at, at + len) });
    p = at + len;
  }
  return out;
}

/** The bodies of the signature packets (tag 2) in a binary OpenPGP block; undefined as packetFrames. */
export function signaturePacketBodies(bin: Uint8Array): Uint8Array[] | undefined {
  return packetFrames(bin)?.flatMap((f) => (f.tag === 2 ? [f.body] : []));
}
