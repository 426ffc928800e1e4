// Everything printed from an audited repository goes through here first: names, messages, ref
// names, config values and file names are attacker-controlled and may carry terminal escapes or
// bidi overrides that would make a report lie.

const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
const UNSAFE_WITH_NEWLINES = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

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
