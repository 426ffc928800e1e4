// Everything printed from an audited repository goes through here first: names, messages, ref
// names, config values and file names are attacker-controlled and may carry terminal escapes or
// bidi overrides that would make a report lie.

//
// THE definition of an unsafe character, used by every output (text, markdown, json, sarif, junit,
// verify and ledger JSON, error lines) and by the policy's own checks:
//   C0 controls U+0000-001F, DEL and C1 U+007F-009F (terminal escapes: U+009B is a one-byte CSI),
//   bidi marks and controls U+061C, U+200E-200F, U+202A-202E, U+2066-2069 (Trojan Source),
//   U+2028/U+2029 line and paragraph separators (break lines in editors, logs and JS),
//   U+FEFF zero-width no-break space / BOM (invisible, splits identifiers).
// The text forms keep \n and \t where a block of text is wanted; nothing else is ever kept.
const BEYOND_C0 = '\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069\\ufeff';
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

const u4 = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

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

/** Every URL's userinfo in a text (a message, a config key) hidden as redactUrl does. */
export function redactUrls(text: string): string {
  return text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s/@]*@/gi, (m) => redactUrl(m));
}

/** Hides the password (or token) in a URL's userinfo: https://user:secret@host -> https://user:***@host. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/@\s]*)@/i, (_m, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    const user = colon === -1 ? '***' : `${userinfo.slice(0, colon)}:***`;
    return `${scheme}${user}@`;
  });
}
