// OpenSSH's principal pattern matching (match.c), which allowed_signers lines and the policy's
// signer e-mails share. Pure.

function toBytes(s: string): string {
  // Work on UTF-8 bytes, as OpenSSH does: `?` matches one byte.
  return /^[\x00-\x7f]*$/.test(s) ? s : Buffer.from(s, 'utf8').toString('latin1');
}

function matchBytes(s: string, si: number, p: string, pi: number): boolean {
  for (;;) {
    if (pi === p.length) return si === s.length;
    if (p[pi] === '*') {
      while (p[pi] === '*') pi++;
      if (pi === p.length) return true;
      for (; si < s.length; si++) {
        if ((p[pi] === '?' || s[si] === p[pi]) && matchBytes(s, si, p, pi)) return true;
      }
      return false;
    }
    if (si === s.length) return false;
    if (p[pi] !== '?' && p[pi] !== s[si]) return false;
    si++;
    pi++;
  }
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
    if (matchBytes(str, 0, sub, 0)) {
      if (negated) return -1;
      positive = true;
    }
  }
  return positive ? 1 : 0;
}

/** Whether `identity` (an e-mail address, say) is one of an allowed-signers line's principals. */
export function principalMatches(identity: string, principals: string | readonly string[]): boolean {
  const list = typeof principals === 'string' ? principals : principals.join(',');
  return matchPatternList(identity, list) === 1;
}
