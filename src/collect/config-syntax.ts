// git's config file syntax, read as git's config.c reads it (git_parse_source, get_base_var,
// get_value, parse_value): a variable may follow its section header on the same line, a value may
// be quoted in pieces ("/dev/"zero), continued over lines with a trailing backslash, and carry the
// escapes \\ \" \n \t \b. What gitguard checks before git reads a file (the files its include.path
// lines name) and where it points a report (the line that sets a key) must see the values git sees:
// a regular expression over lines missed `[include]path=...` variants that git follows.

/** One variable: its key (section and name lower-cased, subsection kept), its value (undefined: no `=`), its 1-based line. */
export interface ConfigSyntaxEntry {
  key: string;
  value: string | undefined;
  line: number;
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isKeyChar = (c: string): boolean => /^[A-Za-z0-9-]$/.test(c);

/**
 * Every variable of a config text, in order, up to the first syntax error (where git stops reading
 * the file too: what came before it, includes among them, git has already acted on).
 */
export function parseConfigText(text: string): ConfigSyntaxEntry[] {
  const out: ConfigSyntaxEntry[] = [];
  let pos = text.startsWith('\uFEFF') ? 1 : 0;
  let line = 1;
  /** The next character, "\r\n" read as "\n"; "\n" at the end (then `eof`). */
  let eof = false;
  const next = (): string => {
    if (pos >= text.length) {
      eof = true;
      return '\n';
    }
    let c = text[pos++]!;
    if (c === '\r' && text[pos] === '\n') c = text[pos++]!;
    if (c === '\n') line += 1;
    return c;
  };
  let section: string | undefined;

  /** After "[": the section name, or undefined on a syntax error. */
  const header = (): string | undefined => {
    let name = '';
    for (;;) {
      const c = next();
      if (eof) return undefined;
      if (c === ']') return name;
      if (isSpace(c)) return subsection(name, c);
      if (!isKeyChar(c) && c !== '.') return undefined;
      name += c.toLowerCase();
    }
  };
  const subsection = (name: string, first: string): string | undefined => {
    let c = first;
    do {
      if (c === '\n') return undefined;
      c = next();
    } while (isSpace(c));
    if (c !== '"') return undefined;
    let sub = '';
    for (;;) {
      c = next();
      if (c === '\n') return undefined;
      if (c === '"') break;
      if (c === '\\') {
        c = next();
        if (c === '\n') return undefined;
      }
      sub += c;
    }
    return next() === ']' ? `${name}.${sub}` : undefined;
  };
  /** After "=": the value, or undefined on a syntax error (an open quote, an unknown escape). */
  const value = (): string | undefined => {
    let v = '';
    let quote = false;
    let comment = false;
    let spaces = 0;
    for (;;) {
      let c = next();
      if (c === '\n') return quote ? undefined : v;
      if (comment) continue;
      if (isSpace(c) && !quote) {
        if (v) spaces += 1;
        continue;
      }
      if (!quote && (c === ';' || c === '#')) {
        comment = true;
        continue;
      }
      v += ' '.repeat(spaces);
      spaces = 0;
      if (c === '\\') {
        c = next();
        if (c === '\n') continue; // a continued line (at the very end: the value ends there)
        const escaped = ({ t: '\t', b: '\b', n: '\n', '\\': '\\', '"': '"' } as Record<string, string>)[c];
        if (escaped === undefined) return undefined;
        v += escaped;
      } else if (c === '"') quote = !quote;
      else v += c;
    }
  };

  let comment = false;
  for (;;) {
    const c = next();
    if (c === '\n') {
      if (eof) return out;
      comment = false;
      continue;
    }
    if (comment || isSpace(c)) continue;
    if (c === '#' || c === ';') {
      comment = true;
      continue;
    }
    if (c === '[') {
      section = header();
      if (section === undefined) return out;
      continue;
    }
    if (!/^[A-Za-z]$/.test(c)) return out;
    const at = line;
    let name = c.toLowerCase();
    let d = next();
    while (!eof && isKeyChar(d)) {
      name += d.toLowerCase();
      d = next();
    }
    while (d === ' ' || d === '\t') d = next();
    let v: string | undefined;
    if (d !== '\n') {
      if (d !== '=') return out;
      v = value();
      if (v === undefined) return out;
    }
    if (section !== undefined) out.push({ key: `${section}.${name}`, value: v, line: at });
    // The value's end read its line's "\n": the loop must see it as the line's end, not skip it.
    if (eof) return out;
  }
}
