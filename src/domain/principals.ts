// OpenSSH's principal pattern matching (match.c), which allowed_signers lines and the policy's
// signer e-mails share, and whom a line lets a key sign as. Pure.
import type { AllowedSigner } from './keys.js';

function toBytes(s: string): string {
  // Work on UTF-8 bytes, as OpenSSH does: `?` matches one byte.
  return /^[\x00-\x7f]*$/.test(s) ? s : Buffer.from(s, 'utf8').toString('latin1');
}

/**
 * OpenSSH match_pattern (`*` any run of bytes, `?` one byte), without its recursion: a pattern
 * with many stars against a long address (both from an audited repository) took exponential time.
 * Backtracking only to the last star is enough for these two wildcards: O(|s| * |p|) at worst.
 */
function matchBytes(s: string, p: string): boolean {
  let si = 0;
  let pi = 0;
  let star = -1;
  let resume = 0;
  while (si < s.length) {
    // A star in the pattern is a wildcard even against a star in the string (match.c tests it first).
    if (pi < p.length && p[pi] === '*') {
      star = pi++;
      resume = si;
    } else if (pi < p.length && (p[pi] === '?' || p[pi] === s[si])) {
      si++;
      pi++;
    } else if (star !== -1) {
      pi = star + 1;
      si = ++resume;
    } else return false;
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

/** OpenSSH match_pattern: one pattern (`*`, `?`; no lists, no negation). */
export function matchPattern(s: string, pattern: string): boolean {
  return matchBytes(toBytes(s), toBytes(pattern));
}

/**
 * OpenSSH match_pattern_list (dolower=0): 1 when some sub-pattern matches, -1 when a negated one
 * (`!pattern`) matches (which wins over everything), 0 otherwise.
 */
export function matchPatternList(s: string, list: string): 1 | 0 | -1 {
  const str = toBytes(s);
  const pats = toBytes(list);
  let positive = false;
  let i = 0;
  while (i < pats.length) {
    let negated = false;
    if (pats[i] === '!') {
      negated = true;
      i++;
    }
    let end = pats.indexOf(',', i);
    if (end === -1) end = pats.length;
    const sub = pats.slice(i, end);
    if (sub.length >= 1023) return 0; // OpenSSH's 1024-byte sub-pattern buffer
    i = end < pats.length ? end + 1 : end;
    if (matchBytes(str, sub)) {
      if (negated) return -1;
      positive = true;
    }
  }
  return positive ? 1 : 0;
}

/**
 * An e-mail address as gitguard compares it: ASCII letters lower-cased and nothing else, as gpg
 * (ascii_strlwr) and OpenSSH (tolower in the C locale) fold case. JavaScript's toLowerCase also maps
 * the KELVIN SIGN U+212A to "k": `\u212Aate@example.com`, shown as "Kate@example.com", is not kate.
 */
export function foldEmail(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/**
 * Whether the e-mail address `identity` is one of an allowed-signers line's principals. Without regard
 * to case, as gitguard compares e-mails everywhere (OpenSSH's match_pattern_list with dolower): a
 * principal written `Alice@Example.com` is the committer alice@example.com, whom git shows as its
 * good signer too (it finds the principal by key).
 */
export function principalMatches(identity: string, principals: string | readonly string[]): boolean {
  const list = typeof principals === 'string' ? principals : principals.join(',');
  return matchPatternList(foldEmail(identity), foldEmail(list)) === 1;
}

/** The entry's options (namespaces, valid-after, valid-before) admit `namespace` (undefined: any) at
 *  `at` (unix seconds): sshsig.c check_allowed_keys_line's option checks. */
export function entryOptionsAdmit(entry: AllowedSigner, at: number, namespace?: string): boolean {
  if (entry.namespaces !== undefined && namespace !== undefined && matchPatternList(namespace, entry.namespaces) !== 1)
    return false;
  if (entry.validAfter !== undefined && at < entry.validAfter) return false;
  if (entry.validBefore !== undefined && at > entry.validBefore) return false;
  return true;
}

/**
 * Whether the plain (not cert-authority) key `fingerprint` may sign git objects as the e-mail address
 * `email` at `at`: what `ssh-keygen -Y verify -n git -I email` asks of every line, the whole principal
 * list at once (a `!negation` excludes the address whatever else matches), the line's namespaces and
 * validity window too; without regard to case. Never the principals `find-principals` prints, one
 * pattern each: `*,!alice@example.com` prints `*`, which alone would admit alice.
 */
export function keySpeaksFor(
  entries: readonly AllowedSigner[],
  fingerprint: string,
  email: string,
  at: number,
): boolean {
  return entries.some(
    (e) =>
      !e.certAuthority &&
      e.key.fingerprint === fingerprint &&
      principalMatches(email, e.principalList) &&
      entryOptionsAdmit(e, at, 'git'),
  );
}
