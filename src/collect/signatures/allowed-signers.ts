// git's gpg.ssh.allowedSignersFile format (ssh-keygen(1) "ALLOWED SIGNERS"), parsed the way
// OpenSSH 9.2 parses it (sshsig.c parse_principals_key_and_options, sshsigopt_parse). The SSH
// wire format is ssh-wire.ts, public keys ssh-key.ts, principal matching domain/principals.ts. Pure
// but for the local zone's data (local-time.ts), which a time without `Z` is read in.
//
//   principals [options] keytype base64-key [comment]
//
// - principals: comma-separated patterns (`*`, `?`, `!negation`), optionally in double quotes
//   (then they may contain spaces);
// - options: comma-separated `cert-authority`, `namespaces="p1,p2"`, `valid-after="T"`,
//   `valid-before="T"` with T = YYYYMMDD[HHMM[SS]] (each number may start with white space, as
//   strptime reads it) and an optional `Z` / `UTC` suffix; without the
//   suffix T is local time, as OpenSSH reads it (glibc mktime, tm_isdst = 0: local-time.ts);
// - `#` comments and blank lines are skipped.
//
// OpenSSH logs and skips a malformed line while it searches the file; parseAllowedSigners throws
// instead (naming file and line), unless the caller passes `onInvalid`, which gets the error and
// lets the parse go on, which is what git + ssh-keygen do.
import type { AllowedSigner, SshCertificate, SshPublicKey } from '../../domain/keys.js';
import {
  decodeBase64Strict,
  isKnownKeyType,
  parseSshPublicKey,
  publicPart,
  sameKey,
  TEXT_TYPE_ALIASES,
} from './ssh-key.js';
import { entryOptionsAdmit, matchPattern, matchPatternList } from '../../domain/principals.js';
import { mktimeStandard } from './local-time.js';

// ---------------------------------------------------------------------------------------------
// Times

/** A number as strptime's get_number reads it from one of OpenSSH's fixed-width fields. */
const FIELD = /^[\t\n\v\f\r ]*\d+$/;

/**
 * OpenSSH parse_absolute_time: YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, then optionally "Z" or
 * "UTC" (either case) for UTC; otherwise local time. Unix seconds, or undefined when invalid.
 * Out-of-range days roll over like mktime (Feb 30 -> Mar 1/2); before 1970 is invalid. A local time
 * with two readings (local-time.ts mktimeStandard) is read as `bound` picks: the latest for a
 * valid-after, the earliest for a valid-before, so the window is one ssh-keygen's holds whatever it read before.
 */
export function parseAbsoluteTime(text: string, bound: 'earliest' | 'latest' = 'earliest'): number | undefined {
  let s = text;
  let utc = false;
  if (s.length > 1 && /z$/i.test(s)) {
    utc = true;
    s = s.slice(0, -1);
  } else if (s.length > 3 && /utc$/i.test(s)) {
    utc = true;
    s = s.slice(0, -3);
  }
  if (![8, 12, 14].includes(s.length)) return undefined;
  // OpenSSH cuts the text at fixed places (YYYY-MM-DDTHH:MM:SS) for strptime, whose numbers may
  // start with C white space: "2030 1 1" is 2030-01-01 to ssh-keygen. NaN: not such a field.
  const num = (a: number, b: number): number => (FIELD.test(s.slice(a, b)) ? Number(s.slice(a, b).trim()) : NaN);
  const [y, mo, d] = [num(0, 4), num(4, 6), num(6, 8)];
  const h = s.length >= 12 ? num(8, 10) : 0;
  const mi = s.length >= 12 ? num(10, 12) : 0;
  const se = s.length === 14 ? num(12, 14) : 0;
  // glibc strptime's ranges.
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && se <= 61 && y >= 0)) return undefined;
  let t: number | undefined;
  if (utc) {
    const wall = new Date(Date.UTC(2000, 0, 1));
    wall.setUTCFullYear(y, mo - 1, d); // not Date.UTC(y, ...): that maps years 0-99 to 19xx
    wall.setUTCHours(h, mi, se, 0);
    t = wall.getTime() / 1000;
  } else {
    // mktime with tm_isdst = 0, over the system's zone data; undefined when that cannot be read exactly.
    t = mktimeStandard(y, mo, d, h, mi, se, bound);
  }
  if (t === undefined || !Number.isFinite(t) || t < 0) return undefined;
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
  return {
    key,
    comment: text
      .slice(end)
      .replace(/^[ \t]+/, '')
      .replace(/[\r\n]+$/, ''),
  };
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
    const t = parseAbsoluteTime(value, name === 'valid-after' ? 'latest' : 'earliest');
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
    if (opts[i] !== ',') {
      // authorized_keys' principals= (for cert-authority lines there) is no allowed_signers option:
      // ssh-keygen skips such a line. Here the principals are the line's first field.
      if (startsWith('principals='))
        throw new Error('unknown key option principals= (the principals are the first field)');
      throw new Error('unknown key option');
    }
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
export function parseAllowedSigners(
  text: string,
  file: string,
  opts: ParseAllowedSignersOptions = {},
): AllowedSigner[] {
  const out: AllowedSigner[] = [];
  // A UTF-8 byte order mark, which Windows editors and PowerShell 5's `Out-File -Encoding utf8` write
  // at the start of a file, is no character of its first line: ssh-keygen skips a first comment line
  // it spoils as malformed and matches a first key line by its key, and git shows that signature as
  // good ('G'). Only the file's first character, and only right before a field: a BOM then a blank
  // is a first field of the BOM alone (ssh-keygen then reads the principal as options and refuses
  // the line), so it stays. U+FEFF anywhere else stays part of its field.
  const lines = text.replace(/^\ufeff(?![ \t\r\n])/, '').split('\n');
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

/** sshkey_cert_check_authority for a user certificate at `at` (unix seconds), optionally for
 *  `principal` (compared exactly with the certificate's, as ssh-keygen -Y verify -I does): why it is
 *  refused, or undefined when it is accepted. */
export function certificateRefusal(cert: SshCertificate, at: number, principal?: string): string | undefined {
  if (cert.certType !== 1) return 'it is not a user certificate';
  const t = BigInt(at);
  if (t < cert.validAfter) return 'the certificate is not yet valid at the commit time';
  if (t >= cert.validBefore) return 'the certificate has expired at the commit time';
  if (cert.principals.length === 0) return 'the certificate lists no principal';
  if (principal !== undefined && !cert.principals.includes(principal)) return `the certificate is not for ${principal}`;
  return undefined;
}

/** Whether an entry holds the signing key itself (a plain line) or its certificate's CA (a
 *  cert-authority line): check_allowed_keys_line's first test. */
function holdsKey(entry: AllowedSigner, key: SshPublicKey): boolean {
  if (!entry.certAuthority) return sameKey(entry.key, key);
  return (
    !!key.cert && !key.cert.unsupported && Buffer.from(publicPart(entry.key)).equals(key.cert.signatureKey.canonical)
  );
}

/**
 * What `ssh-keygen -Y find-principals` prints for this entry and `key` at `at` (unix seconds), or
 * undefined when the entry does not match: a plain line's principals; for a cert-authority line, the
 * certificate's principals that one of the line's patterns matches (cert_filter_principals).
 */
export function entryPrincipals(entry: AllowedSigner, key: SshPublicKey, at: number): string[] | undefined {
  if (!holdsKey(entry, key) || !entryOptionsAdmit(entry, at)) return undefined;
  if (!entry.certAuthority) return entry.principals;
  const cert = key.cert!;
  if (certificateRefusal(cert, at) !== undefined) return undefined;
  const out: string[] = [];
  for (const pattern of entry.principals) {
    for (const p of cert.principals) if (matchPattern(p, pattern)) out.push(p);
  }
  if (!out.length) return undefined;
  // ssh-keygen joins them with commas and prints them split on commas, up to an empty one.
  const printed: string[] = [];
  for (const p of out.join(',').split(',')) {
    if (p === '') break;
    printed.push(p);
  }
  return printed;
}

/** Whether an entry allows `key` to sign at `at` (unix seconds) in `namespace` (undefined: any),
 *  for `principal` (undefined: any) — sshsig.c check_allowed_keys_line. */
export function entryAllows(
  entry: AllowedSigner,
  key: SshPublicKey,
  at: number,
  namespace?: string,
  principal?: string,
): boolean {
  if (principal === undefined) return entryPrincipals(entry, key, at) !== undefined;
  if (matchPatternList(principal, entry.principalList) !== 1) return false;
  if (!holdsKey(entry, key)) return false;
  if (entry.certAuthority && certificateRefusal(key.cert!, at, principal) !== undefined) return false;
  return entryOptionsAdmit(entry, at, namespace);
}
