// Debian package versions ("[epoch:]upstream[-revision]") compared the way dpkg compares them, so
// "is this changelog entry at or below the installed version?" has dpkg's answer. Pure.
//
// dpkg's algorithm (lib/dpkg/version.c, verrevcmp): the epoch compares as a number; then the
// upstream part, then the revision, each as alternating runs of non-digits and digits. Non-digit
// runs compare character by character where '~' sorts before everything (even the end of the
// string), the end next, then letters, then all other characters; digit runs compare as numbers.
// A missing revision compares equal to "0".

export interface DebianVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

/** Splits a Debian version, or returns null when it is not one (empty, bad epoch, no leading digit). */
export function parseDebianVersion(text: string): DebianVersion | null {
  const s = text.trim();
  if (s === '' || /\s/.test(s)) return null;
  let rest = s;
  let epoch = 0;
  const colon = s.indexOf(':');
  if (colon >= 0) {
    const e = s.slice(0, colon);
    if (!/^\d+$/.test(e)) return null;
    epoch = Number(e);
    if (!Number.isSafeInteger(epoch)) return null;
    rest = s.slice(colon + 1);
  }
  const dash = rest.lastIndexOf('-');
  const upstream = dash >= 0 ? rest.slice(0, dash) : rest;
  const revision = dash >= 0 ? rest.slice(dash + 1) : '';
  if (upstream === '' || !/^\d/.test(upstream)) return null;
  if (dash >= 0 && revision === '') return null;
  return { epoch, upstream, revision };
}

function order(c: string): number {
  if (c === '') return 0;
  if (c >= '0' && c <= '9') return 0;
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return c.charCodeAt(0);
  if (c === '~') return -1;
  return c.charCodeAt(0) + 256;
}

const isDigit = (c: string): boolean => c !== '' && c >= '0' && c <= '9';

/** dpkg's verrevcmp: negative, zero or positive. */
function compareParts(a: string, b: string): number {
  let i = 0;
  let j = 0;
  const at = (s: string, k: number): string => (k < s.length ? (s[k] as string) : '');
  while (i < a.length || j < b.length) {
    while ((at(a, i) !== '' && !isDigit(at(a, i))) || (at(b, j) !== '' && !isDigit(at(b, j)))) {
      const ac = order(at(a, i));
      const bc = order(at(b, j));
      if (ac !== bc) return ac - bc;
      i += 1;
      j += 1;
    }
    while (at(a, i) === '0') i += 1;
    while (at(b, j) === '0') j += 1;
    let firstDiff = 0;
    while (isDigit(at(a, i)) && isDigit(at(b, j))) {
      if (firstDiff === 0) firstDiff = at(a, i).charCodeAt(0) - at(b, j).charCodeAt(0);
      i += 1;
      j += 1;
    }
    if (isDigit(at(a, i))) return 1;
    if (isDigit(at(b, j))) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

/** -1, 0 or 1 as dpkg --compare-versions orders `a` and `b`. Throws on something that is not a version. */
export function compareDebianVersions(a: string | DebianVersion, b: string | DebianVersion): number {
  const pa = typeof a === 'string' ? parseDebianVersion(a) : a;
  const pb = typeof b === 'string' ? parseDebianVersion(b) : b;
  if (!pa) throw new Error(`not a Debian version: ${JSON.stringify(a)}`);
  if (!pb) throw new Error(`not a Debian version: ${JSON.stringify(b)}`);
  const r =
    pa.epoch !== pb.epoch
      ? pa.epoch - pb.epoch
      : compareParts(pa.upstream, pb.upstream) || compareParts(pa.revision, pb.revision);
  return Math.sign(r);
}
