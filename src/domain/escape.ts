// Everything printed from an audited repository goes through here first: names, messages, ref
// names, config values and file names are attacker-controlled and may carry terminal escapes or
// bidi overrides that would make a report lie.

//
// THE definition of an unsafe character, used by every output (text, markdown, json, sarif, junit,
// verify and ledger JSON, error lines) and by the policy's own checks:
//   C0 controls U+0000-001F, DEL and C1 U+007F-009F (terminal escapes: U+009B is a one-byte CSI),
//   bidi marks and controls U+061C, U+200E-200F, U+202A-202E, U+2066-2069 (Trojan Source),
//   U+2028/U+2029 line and paragraph separators (break lines in editors, logs and JS),
//   U+FEFF zero-width no-break space / BOM (invisible, splits identifiers),
//   invisible format characters that make two different names look the same or hide text: soft
//   hyphen U+00AD, U+180E, zero-width space U+200B, U+2060-2064, the deprecated format controls
//   U+206A-206F, the interlinear annotation controls U+FFF9-FFFB, and the tag characters
//   U+E0000-E007F (invisible ASCII). The zero-width (non-)joiners U+200C/U+200D stay: Persian and
//   Indic names and emoji need them, and they join or split only what is around them.
// The text forms keep \n and \t where a block of text is wanted; nothing else is ever kept.
const BEYOND_C0 =
  '\\u007f-\\u009f\\u00ad\\u061c\\u180e\\u200b\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb\\u{e0000}-\\u{e007f}';
const UNSAFE_RANGES = `\\u0000-\\u001f${BEYOND_C0}`;
// JSON.stringify escapes C0 inside strings already (and XML handles C0 on its own): the rest.
export const UNSAFE_BEYOND_C0 = new RegExp(`[${BEYOND_C0}]`, 'gu');
const JSON_UNSAFE = UNSAFE_BEYOND_C0;
const UNSAFE_WITH_NEWLINES = new RegExp(`[${UNSAFE_RANGES}]`, 'gu');
const UNSAFE = new RegExp(`(?![\\n\\t])[${UNSAFE_RANGES}]`, 'gu');
const UNSAFE_TEST = new RegExp(`[${UNSAFE_RANGES}]`, 'u');

/** Whether `ch` (one code point) is unsafe to print raw anywhere. */
export function isUnsafeChar(ch: string): boolean {
  return UNSAFE_TEST.test(ch);
}

/** Whether `s` holds any unsafe character (policy values must not). */
export function hasUnsafe(s: string): boolean {
  return UNSAFE_TEST.test(s);
}

/** Removes every unsafe character (names proposed by init). */
export function stripUnsafe(s: string): string {
  return s.replace(UNSAFE_WITH_NEWLINES, '');
}

/** `\\uXXXX` for each UTF-16 unit of `c` (a pair for a character beyond U+FFFF, as JSON writes it). */
const u4 = (c: string): string =>
  Array.from({ length: c.length }, (_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');

/** `\uXXXX` for each unsafe character: how a quoted policy value is shown (what JSON.parse gives back). */
export function escapeJsonUnsafe(s: string): string {
  return s.replace(UNSAFE_WITH_NEWLINES, u4);
}

/** JSON for every output: JSON.stringify, then each unsafe character it leaves raw (C1, bidi, U+2028...) as \uXXXX. */
export function toSafeJson(value: unknown, indent: number | undefined = 2): string {
  return JSON.stringify(value, null, indent).replace(JSON_UNSAFE, u4);
}

function hex(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** One-line form: every control character (newlines and tabs too) becomes a visible escape. */
export function escapeText(value: string, max = 200): string {
  const capped = value.length > max ? `${value.slice(0, max)}…` : value;
  return capped.replace(UNSAFE_WITH_NEWLINES, hex);
}

/** Multi-line form for longer text: keeps \n and \t, escapes every other control character. */
export function escapeBlock(value: string, max = 2000): string {
  const capped = value.length > max ? `${value.slice(0, max)}…` : value;
  return capped.replace(UNSAFE, hex);
}

/**
 * Every URL's userinfo in a text (a message, a config key) hidden as redactUrl does. Scanned by
 * hand: the regex it replaces backtracked over every run of letters (a 200 kB config value took
 * minutes), and it stopped at the first "@", printing the rest of a password that holds one.
 */
export function redactUrls(text: string): string {
  let out = '';
  let from = 0;
  for (let sep = text.indexOf('://'); sep !== -1; sep = text.indexOf('://', sep + 3)) {
    const at = userinfoEnd(text, sep + 3);
    if (at === -1) continue;
    out += `${text.slice(from, sep + 3)}${hidden(text.slice(sep + 3, at))}`;
    from = at;
    sep = at - 2; // the next "://" starts after the "@"
  }
  return out + text.slice(from);
}

/** Hides the password (or token) in a URL's userinfo: https://user:secret@host -> https://user:***@host. */
export function redactUrl(url: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  const at = scheme ? userinfoEnd(url, scheme[0].length) : -1;
  return at === -1 ? url : `${scheme![0]}${hidden(url.slice(scheme![0].length, at))}${url.slice(at)}`;
}

/** Where the userinfo that starts at `start` ends (its last "@" before the path), or -1 when there is none. */
function userinfoEnd(text: string, start: number): number {
  let at = -1;
  for (let i = start; i < text.length; i += 1) {
    const c = text[i]!;
    if (c === '/' || /\s/.test(c)) break;
    if (c === '@') at = i;
  }
  return at;
}

/** "user:secret" -> "user:***"; a lone token -> "***". */
function hidden(userinfo: string): string {
  const colon = userinfo.indexOf(':');
  return colon === -1 ? '***' : `${userinfo.slice(0, colon)}:***`;
}

/** 1234567 -> "1,234,567" (the counts in text output). Not toLocaleString: its first call loads
 *  ICU's locale data, ~12 ms of a run's CPU (~50 ms in each jest test file's fresh context). */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
