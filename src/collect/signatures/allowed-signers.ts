// git's gpg.ssh.allowedSignersFile format (ssh-keygen(1) "ALLOWED SIGNERS"), parsed the way
// OpenSSH 9.2 parses it (sshsig.c parse_principals_key_and_options, sshsigopt_parse), plus the
// SSH public-key wire format and OpenSSH's principal pattern matching (match.c), which the SSH
// signature verifier (sshsig.ts) shares. Pure: no I/O.
//
//   principals [options] keytype base64-key [comment]
//
// - principals: comma-separated patterns (`*`, `?`, `!negation`), optionally in double quotes
//   (then they may contain spaces);
// - options: comma-separated `cert-authority`, `namespaces="p1,p2"`, `valid-after="T"`,
//   `valid-before="T"` with T = YYYYMMDD[HHMM[SS]] and an optional `Z` / `UTC` suffix; without the
//   suffix T is local time, as OpenSSH reads it (mktime);
// - `#` comments and blank lines are skipped.
//
// OpenSSH logs and skips a malformed line while it searches the file; parseAllowedSigners throws
// instead (naming file and line), unless the caller passes `onInvalid`, which gets the error and
// lets the parse go on, which is what git + ssh-keygen do.
import { createHash } from 'node:crypto';
import type { AllowedSigner, EcCurve, SshPublicKey } from '../../domain/keys.js';
import { matchPatternList } from '../../domain/principals.js';

// ---------------------------------------------------------------------------------------------
// SSH wire format (RFC 4251 §5)

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
const RSA_MIN_MODULUS_BITS = 1024;

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

// ---------------------------------------------------------------------------------------------
// Public keys


const CERT_TYPES = new Set([
  'ssh-rsa-cert-v01@openssh.com',
  'ssh-dss-cert-v01@openssh.com',
  'ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'ecdsa-sha2-nistp384-cert-v01@openssh.com',
  'ecdsa-sha2-nistp521-cert-v01@openssh.com',
  'ssh-ed25519-cert-v01@openssh.com',
  'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'sk-ssh-ed25519-cert-v01@openssh.com',
]);

/** Key type names OpenSSH 9.2 accepts at the start of a key in text form (peek_type_nid). */
const TEXT_TYPE_ALIASES: Record<string, string> = {
  'rsa-sha2-256': 'ssh-rsa',
  'rsa-sha2-512': 'ssh-rsa',
  'rsa-sha2-256-cert-v01@openssh.com': 'ssh-rsa-cert-v01@openssh.com',
  'rsa-sha2-512-cert-v01@openssh.com': 'ssh-rsa-cert-v01@openssh.com',
};

const KNOWN_TYPES = new Set([
  'ssh-ed25519',
  'sk-ssh-ed25519@openssh.com',
  'ssh-rsa',
  'ssh-dss',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ecdsa-sha2-nistp256@openssh.com',
  ...CERT_TYPES,
]);

export function isKnownKeyType(name: string): boolean {
  return KNOWN_TYPES.has(name) || name in TEXT_TYPE_ALIASES;
}

const EC_POINT_BYTES: Record<EcCurve, number> = { nistp256: 32, nistp384: 48, nistp521: 66 };

export function sshFingerprint(blob: Uint8Array): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

function bitLength(mag: Uint8Array): number {
  if (mag.length === 0) return 0;
  return (mag.length - 1) * 8 + (32 - Math.clz32(mag[0]!));
}

function readEcPoint(r: SshReader, curve: EcCurve): Uint8Array {
  const point = r.string();
  // OpenSSH only takes uncompressed points (sshbuf_get_ec).
  if (point.length !== 1 + 2 * EC_POINT_BYTES[curve] || point[0] !== 0x04) {
    throw new SshFormatError('invalid EC point');
  }
  return point;
}

/**
 * Parses an SSH public key blob (RFC 4253 §6.6 / RFC 5656 / RFC 8709 / PROTOCOL.u2f) the way
 * OpenSSH's sshkey_from_blob does: unknown types, short RSA moduli, malformed points and trailing
 * data are errors (SshFormatError). DSA keys and certificates are accepted but not looked into.
 */
export function parseSshPublicKey(blob: Uint8Array): SshPublicKey {
  const r = new SshReader(blob);
  const type = r.cstring();
  const w = new SshWriter().string(type);
  const key: Omit<SshPublicKey, 'canonical' | 'fingerprint'> = { type, kind: 'other' };
  switch (type) {
    case 'ssh-ed25519':
    case 'sk-ssh-ed25519@openssh.com': {
      const pk = r.string();
      if (pk.length !== 32) throw new SshFormatError('invalid Ed25519 key length');
      key.ed25519 = pk;
      w.string(pk);
      if (type === 'ssh-ed25519') key.kind = 'ed25519';
      else {
        key.kind = 'sk-ed25519';
        key.application = r.cstring();
        w.string(key.application);
      }
      break;
    }
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521':
    case 'sk-ecdsa-sha2-nistp256@openssh.com': {
      const expected = (type.startsWith('sk-') ? 'nistp256' : type.slice('ecdsa-sha2-'.length)) as EcCurve;
      const curve = r.cstring();
      if (curve !== expected) throw new SshFormatError('EC curve does not match key type');
      const point = readEcPoint(r, expected);
      key.ecdsa = { curve: expected, point };
      w.string(curve).string(point);
      if (type.startsWith('sk-')) {
        key.kind = 'sk-ecdsa';
        key.application = r.cstring();
        w.string(key.application);
      } else key.kind = 'ecdsa';
      break;
    }
    case 'ssh-rsa': {
      const e = r.mpint();
      const n = r.mpint();
      const bits = bitLength(n);
      if (bits < RSA_MIN_MODULUS_BITS) throw new SshFormatError('RSA key too small');
      key.kind = 'rsa';
      key.rsa = { e, n, bits };
      w.mpint(e).mpint(n);
      break;
    }
    case 'ssh-dss': {
      const p = r.mpint();
      const q = r.mpint();
      const g = r.mpint();
      const y = r.mpint();
      key.kind = 'dsa';
      w.mpint(p).mpint(q).mpint(g).mpint(y);
      break;
    }
    default:
      if (!CERT_TYPES.has(type)) throw new SshFormatError('unknown key type');
      // Certificates: kept whole (OpenSSH fingerprints the whole certificate blob).
      return { type, kind: 'cert', canonical: blob, fingerprint: sshFingerprint(blob) };
  }
  if (r.remaining !== 0) throw new SshFormatError('trailing data after key');
  const canonical = w.bytes();
  return { ...key, canonical, fingerprint: sshFingerprint(canonical) };
}

/** Two parsed keys are the same public key (sshkey_equal for plain keys). */
export function sameKey(a: SshPublicKey, b: SshPublicKey): boolean {
  return Buffer.from(a.canonical).equals(b.canonical);
}

/**
 * OpenBSD b64_pton as OpenSSH uses it: whitespace anywhere is skipped, padding is required, nothing
 * but whitespace may follow it, and the unused bits of the last quantum must be zero.
 */
export function decodeBase64Strict(text: string): Uint8Array | undefined {
  const s = text.replace(/[ \t\n\v\f\r]/g, '');
  if (!/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s) || s.length % 4 !== 0) return undefined;
  const out = Buffer.from(s, 'base64');
  // Re-encode to catch non-zero slop bits (a subliminal channel OpenSSH refuses).
  if (out.toString('base64') !== s) return undefined;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Times

/**
 * OpenSSH parse_absolute_time: YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, then optionally "Z" or
 * "UTC" (either case) for UTC; otherwise local time. Unix seconds, or undefined when invalid.
 * Out-of-range days roll over like mktime (Feb 30 -> Mar 1/2); before 1970 is invalid.
 */
export function parseAbsoluteTime(text: string): number | undefined {
  let s = text;
  let utc = false;
  if (s.length > 1 && /z$/i.test(s)) {
    utc = true;
    s = s.slice(0, -1);
  } else if (s.length > 3 && /utc$/i.test(s)) {
    utc = true;
    s = s.slice(0, -3);
  }
  if (![8, 12, 14].includes(s.length) || !/^\d+$/.test(s)) return undefined;
  const num = (a: number, b: number): number => Number(s.slice(a, b));
  const [y, mo, d] = [num(0, 4), num(4, 6), num(6, 8)];
  const h = s.length >= 12 ? num(8, 10) : 0;
  const mi = s.length >= 12 ? num(10, 12) : 0;
  const se = s.length === 14 ? num(12, 14) : 0;
  // glibc strptime's ranges.
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 61) return undefined;
  const wall = new Date(Date.UTC(2000, 0, 1));
  wall.setUTCFullYear(y, mo - 1, d); // not Date.UTC(y, ...): that maps years 0-99 to 19xx
  wall.setUTCHours(h, mi, se, 0);
  let t = wall.getTime() / 1000;
  if (!utc) {
    // mktime with tm_isdst = 0: the wall time is read as the zone's standard time.
    const jan = new Date(y, 0, 1).getTimezoneOffset();
    const jul = new Date(y, 6, 1).getTimezoneOffset();
    t += Math.max(jan, jul) * 60;
  }
  if (!Number.isFinite(t) || t < 0) return undefined;
  return t;
}

// ---------------------------------------------------------------------------------------------
// The file


export interface ParseAllowedSignersOptions {
  /** Called for each malformed line, which is then skipped (what OpenSSH does). Without it,
   *  the first malformed line throws. */
  onInvalid?: (error: AllowedSignersError) => void;
}

export class AllowedSignersError extends Error {
  override name = 'AllowedSignersError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
  }
}

const WS = ' \t\r\n';

/** misc.c strdelimw: the next token, or undefined when a quote is unterminated / nothing follows. */
function strdelimw(s: string): { token: string; rest: string | undefined } | undefined {
  let i = 0;
  while (i < s.length && !WS.includes(s[i]!) && s[i] !== '"') i++;
  if (i === s.length) return { token: s, rest: undefined };
  if (s[i] === '"') {
    // The first quote is removed wherever it is; the token runs to the next quote.
    const afterQuote = s.slice(0, i) + s.slice(i + 1);
    const close = afterQuote.indexOf('"', i);
    if (close === -1) return undefined;
    let j = close + 1;
    while (j < afterQuote.length && WS.includes(afterQuote[j]!)) j++;
    return { token: afterQuote.slice(0, close), rest: afterQuote.slice(j) };
  }
  let j = i + 1;
  while (j < s.length && WS.includes(s[j]!)) j++;
  return { token: s.slice(0, i), rest: s.slice(j) };
}

/** sshkey_read: "type base64 [comment]"; undefined when the text does not start with a key. */
export function readKey(text: string): { key: SshPublicKey; comment: string } | undefined {
  const sp = text.search(/[ \t]/);
  if (sp === -1) return undefined;
  const typeName = text.slice(0, sp);
  if (!isKnownKeyType(typeName)) return undefined;
  let i = sp;
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (i === text.length) return undefined;
  let end = text.slice(i).search(/[ \t]/);
  end = end === -1 ? text.length : i + end;
  const blob = decodeBase64Strict(text.slice(i, end));
  if (!blob) return undefined;
  let key: SshPublicKey;
  try {
    key = parseSshPublicKey(blob);
  } catch {
    return undefined;
  }
  if (key.type !== (TEXT_TYPE_ALIASES[typeName] ?? typeName)) return undefined;
  return { key, comment: text.slice(end).replace(/^[ \t]+/, '').replace(/[\r\n]+$/, '') };
}

/** sshkey_advance_past_options: index of the first unquoted blank, or -1 for an open quote. */
function endOfOptions(s: string): number {
  let quoted = false;
  let i = 0;
  for (; i < s.length && (quoted || (s[i] !== ' ' && s[i] !== '\t')); i++) {
    if (s[i] === '\\' && s[i + 1] === '"') i++;
    else if (s[i] === '"') quoted = !quoted;
  }
  return i === s.length && quoted ? -1 : i;
}

/** misc.c opt_dequote. */
function dequote(s: string, at: number): { value: string; next: number } {
  if (s[at] !== '"') throw new Error('missing start quote');
  let i = at + 1;
  let value = '';
  while (i < s.length && s[i] !== '"') {
    if (s[i] === '\\' && s[i + 1] === '"') i++;
    value += s[i++];
  }
  if (i >= s.length) throw new Error('missing end quote');
  return { value, next: i + 1 };
}

interface SigOptions {
  certAuthority: boolean;
  namespaces?: string;
  validAfter?: number;
  validBefore?: number;
}

/** sshsig.c sshsigopt_parse; throws Error(reason). */
function parseOptions(opts: string): SigOptions {
  const out: SigOptions = { certAuthority: false };
  let i = 0;
  const startsWith = (name: string): boolean => opts.slice(i, i + name.length).toLowerCase() === name;
  const optMatch = (name: string): boolean => {
    if (startsWith(name) && opts[i + name.length] === '=') {
      i += name.length + 1;
      return true;
    }
    return false;
  };
  const time = (name: 'valid-after' | 'valid-before'): number => {
    const { value, next } = dequote(opts, i);
    i = next;
    const t = parseAbsoluteTime(value);
    if (t === undefined || t === 0) throw new Error(`invalid "${name}" time`);
    return t;
  };
  while (i < opts.length && opts[i] !== ' ' && opts[i] !== '\t') {
    if (startsWith('cert-authority')) {
      i += 'cert-authority'.length;
      out.certAuthority = true;
    } else if (optMatch('namespaces')) {
      if (out.namespaces !== undefined) throw new Error('multiple "namespaces" clauses');
      const { value, next } = dequote(opts, i);
      out.namespaces = value;
      i = next;
    } else if (optMatch('valid-after')) {
      if (out.validAfter !== undefined) throw new Error('multiple "valid-after" clauses');
      out.validAfter = time('valid-after');
    } else if (optMatch('valid-before')) {
      if (out.validBefore !== undefined) throw new Error('multiple "valid-before" clauses');
      out.validBefore = time('valid-before');
    }
    if (i >= opts.length || opts[i] === ' ' || opts[i] === '\t') break;
    if (opts[i] !== ',') throw new Error('unknown key option');
    i++;
    if (i >= opts.length) throw new Error('unexpected end-of-options');
  }
  if (out.validAfter !== undefined && out.validBefore !== undefined && out.validBefore <= out.validAfter) {
    throw new Error('"valid-before" time is before "valid-after"');
  }
  return out;
}

/** One line; undefined for blank and comment lines; throws Error(reason) when malformed. */
function parseLine(raw: string): Omit<AllowedSigner, 'file' | 'line'> | undefined {
  const nul = raw.indexOf('\0');
  const line = (nul === -1 ? raw : raw.slice(0, nul)).replace(/^[ \t]+/, '');
  if (line === '' || line.startsWith('#') || /^[\r\n]*$/.test(line)) {
    // OpenSSH treats only "" and "#..." as blank; a line of just "\r" would fail there with
    // "missing key" — but getline() splitting on \n leaves CRLF files' "\r" on every line, and a
    // CR-only line is clearly blank, so accept it.
    return undefined;
  }
  const first = strdelimw(line);
  if (!first || first.rest === undefined) throw new Error('invalid line');
  const principalList = first.token;
  let rest = first.rest;
  let opts: SigOptions = { certAuthority: false };
  let parsed = readKey(rest);
  if (!parsed) {
    const end = endOfOptions(rest);
    if (end === -1) throw new Error('invalid options');
    if (end >= rest.length) throw new Error('missing key');
    const optText = rest.slice(0, end);
    rest = rest.slice(end + 1).replace(/^[ \t]+/, '');
    parsed = readKey(rest);
    if (!parsed) throw new Error('invalid key');
    opts = parseOptions(optText);
  }
  // ssh-keygen prints principals split on ",", stopping at the first empty one.
  const principals: string[] = [];
  for (const p of principalList.split(',')) {
    if (p === '') break;
    principals.push(p);
  }
  return {
    principals,
    principalList,
    ...(opts.namespaces !== undefined ? { namespaces: opts.namespaces } : {}),
    ...(opts.validAfter !== undefined ? { validAfter: opts.validAfter } : {}),
    ...(opts.validBefore !== undefined ? { validBefore: opts.validBefore } : {}),
    certAuthority: opts.certAuthority,
    key: parsed.key,
    comment: parsed.comment,
  };
}

/**
 * Parses an allowed-signers file. Throws AllowedSignersError ("file:line: reason") for the first
 * malformed line unless `opts.onInvalid` is given.
 */
export function parseAllowedSigners(text: string, file: string, opts: ParseAllowedSignersOptions = {}): AllowedSigner[] {
  const out: AllowedSigner[] = [];
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, idx) => {
    let entry: Omit<AllowedSigner, 'file' | 'line'> | undefined;
    try {
      entry = parseLine(raw);
    } catch (e) {
      const err = new AllowedSignersError(file, idx + 1, (e as Error).message);
      if (!opts.onInvalid) throw err;
      opts.onInvalid(err);
      return;
    }
    if (entry) out.push({ file, line: idx + 1, ...entry });
  });
  return out;
}

/** Whether an entry allows `key` to sign at `at` (unix seconds) in `namespace` (undefined: any),
 *  for `principal` (undefined: any) — sshsig.c check_allowed_keys_line for plain keys. */
export function entryAllows(
  entry: AllowedSigner,
  key: SshPublicKey,
  at: number,
  namespace?: string,
  principal?: string,
): boolean {
  if (principal !== undefined && matchPatternList(principal, entry.principalList) !== 1) return false;
  if (entry.certAuthority || !sameKey(entry.key, key)) return false;
  if (entry.namespaces !== undefined && namespace !== undefined && matchPatternList(namespace, entry.namespaces) !== 1) {
    return false;
  }
  if (entry.validAfter !== undefined && at < entry.validAfter) return false;
  if (entry.validBefore !== undefined && at > entry.validBefore) return false;
  return true;
}
