// A value printed inside a command the user is told to run (a next step naming a ref, a config key, a
// path): ref names may hold `$`, `;`, `|`, `(` and backquotes, and a hostile repository picks its
// own, so a copied hint must not run anything. Plain words stay as they are; anything else is one
// single-quoted word for a POSIX shell.

const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** `s` as one POSIX shell word: unchanged when it is plain, else single-quoted (' written as '\''). */
export function shellWord(s: string): string {
  return PLAIN.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
