// The header lines of `git log -p` the secrets scan reads a path or a blob id from (log-reader.ts).
import { quotedPathAt } from '../path-changes.js';

/** A path as git prints it in a diff header: bare, or C-quoted (octal escapes for bytes). */
export function unquotePath(s: string): string {
  const t = s.replace(/\t$/, '');
  if (!t.startsWith('"')) return t;
  return Buffer.from(quotedPathAt(t, 0, t.length)[0], 'latin1').toString('utf8');
}

/** The new path of "Binary files a/<old> and b/<new> differ" (either may be C-quoted): the first
 *  " and " followed by b/ starts it (a rename's old path holding " and b/" names the file wrongly in
 *  the finding, never hides it); undefined for a merge's "Binary files differ" or a deletion. */
export function binaryPath(line: string): string | undefined {
  const m = / and ("?b\/.*) differ$/.exec(line);
  return m ? unquotePath(m[1]!).replace(/^b\//, '') : undefined;
}

/**
 * Where the new blob's id is in an "index <old>..<new> <mode>" line (text[s, e)): the first ".."
 * followed by hex within the line's first 200 characters, as /\.\.([0-9a-f]+)/ finds it.
 */
export function newBlobAt(text: string, s: number, e: number): [number, number] | undefined {
  const lim = Math.min(e, s + 200);
  for (let dd = text.indexOf('..', s); dd !== -1 && dd + 2 < lim; dd = text.indexOf('..', dd + 1)) {
    let k = dd + 2;
    while (k < lim && isHexAt(text, k)) k += 1;
    if (k > dd + 2) return [dd + 2, k];
  }
  return undefined;
}

const isHexAt = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i);
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102);
};
