// Pure secret detection over the lines a commit adds to one file. The formats are data
// (rules/secret-formats.json, mostly gitleaks' rules); their expressions run on re2js, an RE2 port
// whose matching is linear in the input, so a hostile line cannot make a scan backtrack forever.
// A cheap keyword pass picks the few lines worth running any expression on.
//
// What leaves this module is the REDACTED form only (redactSecret): the full value never reaches
// facts, findings or reports.
import { tokenChecksumValid } from './checksum.js';
import { ENCRYPTION_HEADER, type KeyBlock } from './published-keys.js';
import { publishedKey, re2, shippedFormats, type DetectorOptions, type SecretFormat } from './secret-formats.js';
import type { SecretHit } from '../../domain/content.js';

/** Never the secret: its first four characters only when it is long enough that they give nothing
 *  away (a token prefix such as "ghp_"), then "…" and its length. */
export function redactSecret(secret: string): string {
  return `${secret.length >= 16 ? secret.slice(0, 4) : ''}…(${secret.length} chars)`;
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  if (!s) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

// Placeholders and documentation values: what people write where a real secret would go. printf's
// %s and %d, not a percent-encoded byte (%D0%B5: a password's non-ASCII character in a URL).
const PLACEHOLDER =
  /x{4,}|\*{3,}|\.{3}|your[_-]?|_here|example|placeholder|dummy|fake|sample|redacted|changeme|change[_-]me|replace|insert|secret[_-]?key|password|passwd|<|>|\$\{|\$\(|\{\{|%[sd](?![0-9a-f])|0123456|123456789|abcdefgh|(.)\1{7,}|^(?:pass|pwd|secret|token|foo|bar|baz|qux|foobar)$/i;
// A password that is a variable reference or a template, not a value.
const TEMPLATED = /^(?:\$|%|\{|:|@)/;

// The name of a variable or of what goes there, in capitals (`PERSONAL_ACCESS_TOKEN`, `DB_PASS`): case
// matters, a lower-case passphrase of words (`correct_horse_battery`) is a password.
const CONSTANT_NAME = /^[A-Z]+(?:_[A-Z]+)+$/;

function isPlaceholder(value: string): boolean {
  const text = base64Text(value);
  return PLACEHOLDER.test(value) || CONSTANT_NAME.test(value) || (PLAIN_WORDS.test(text) && PLACEHOLDER.test(text));
}

/**
 * What a base64 placeholder encodes: words of letters only ("not my real password", "user:password").
 * An encoded credential with a digit or symbol in it (`deploy:Password2024!`, an npm `_auth`) is
 * reported even where it holds such a word.
 */
const PLAIN_WORDS = /^[A-Za-z]+(?:[ :_.,'-]+[A-Za-z]+)*[.!]?$/;

/** A host of the machine or its containers: a single label (a compose service), localhost, loopback, `.local`. */
const LOCAL_HOST =
  /^(?:[a-z0-9-]+|127(?:\.\d{1,3}){3}|0\.0\.0\.0|host\.docker\.internal|[a-z0-9.-]+\.(?:localhost|local))$/i;

/** The text a base64 value encodes when it is printable ASCII ("bm90IG15IHJlYWwgcGFzc3dvcmQ=", in
 *  npm's documentation, is "not my real password"), else ''. Random key bytes never decode to it. */
function base64Text(value: string): string {
  if (value.length < 8 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return '';
  const text = Buffer.from(value, 'base64').toString('latin1');
  return /^[\x20-\x7e]+$/.test(text) ? text : '';
}

interface Compiled extends SecretFormat {
  lowerKeywords: string[];
}

/** How many lines after a key block's header are read for its body. */
export const MAX_BLOCK_LINES = 400;
/** A line that may open a private key block: the lines after it are kept whatever they hold. */
export const BLOCK_START = /-----begin/i;
/** A line continued on the next (a backslash before the line end, CRLF too): shell, Python, C and
 *  make read the two as one, so a token split there is one token. The next line is kept with it. */
export const CONTINUED = /\\\r?$/;

/** The formats' keywords as one expression of literal alternatives, which V8 runs in time linear in
 *  the text. */
function keywordRegExp(formats: Compiled[], flags: string): RegExp {
  const words = [...new Set(formats.flatMap((f) => f.lowerKeywords))].map((k) =>
    k.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'),
  );
  return new RegExp(words.join('|'), flags);
}

/**
 * The base64 of one line of a pasted key, without the code around it: quotes, a leading `+`, and a
 * trailing `+`/`,`/`;` operator after a quote or a space ("...\n" +). A `+` right after base64 is
 * base64 (an Ed25519 key's one line may end in it), as is one starting a line. Scans by hand: the line is attacker-sized, and a
 * regex anchored at the end would backtrack over long runs of spaces.
 */
function keyLineBody(raw: string): string {
  const t = raw.trim();
  const quote = (ch: string | undefined): boolean => ch === '"' || ch === "'" || ch === '`';
  const space = (ch: string | undefined): boolean => ch === ' ' || ch === '\t';
  let end = t.length;
  let run = end;
  while (run > 0 && (space(t[run - 1]) || t[run - 1] === ',' || t[run - 1] === ';' || t[run - 1] === '+')) run -= 1;
  if (run < end && (quote(t[run - 1]) || t.slice(run, end).includes(' ') || t.slice(run, end).includes('\t')))
    end = run;
  while (
    end > 0 &&
    (quote(t[end - 1]) || space(t[end - 1]) || t[end - 1] === ',' || t[end - 1] === ';' || t[end - 1] === '\\')
  )
    end -= 1;
  let start = 0;
  // A leading `+` is the operator of a continued string (`+ "...`) only before a space or a quote:
  // a base64 line may begin with `+` (the key's digest would not match its own bytes without it).
  const operator = (i: number): boolean => t[i] === '+' && (space(t[i + 1]) || quote(t[i + 1]));
  while (start < end && (quote(t[start]) || space(t[start]) || operator(start))) start += 1;
  return t.slice(start, end);
}

export class SecretDetector {
  private readonly formats: Compiled[];
  private readonly prefilter: RegExp;
  /** The length of the longest keyword: how far one may reach across a line continuation (kept-lines.ts). */
  readonly longestKeyword: number;

  constructor(opts: DetectorOptions = {}, formats: SecretFormat[] = shippedFormats().formats) {
    this.formats = formats
      .filter((f) => !f.optIn || (f.optIn === 'entropy' && opts.entropy))
      .map((f) => ({
        ...f,
        lowerKeywords: f.keywords.map((k) => k.toLowerCase()),
      }));
    this.longestKeyword = Math.max(0, ...this.formats.flatMap((f) => f.lowerKeywords.map((k) => k.length)));
    this.prefilter = keywordRegExp(
      this.formats.filter((f) => !f.lazy),
      'i',
    );
  }

  /** Every keyword of the formats in use (global, case-insensitive): a line without one of them
   *  cannot hold a secret, except the body of a private key block after its header line. */
  keywordPattern(): RegExp {
    return keywordRegExp(this.formats, 'gi');
  }

  /** The secrets in one file's added lines (`numbers[i]` is the line number of `lines[i]`), and in
   *  each run of them joined at a line continuation (at its first line; what the lines hold alone is
   *  reported as it is). */
  scan(lines: string[], numbers: number[]): SecretHit[] {
    const hits = this.scanLines(lines, numbers);
    const joined: string[] = [];
    const at: number[] = [];
    for (let i = 0; i < lines.length; i++) {
      let line = lines[i]!;
      const first = i;
      while (CONTINUED.test(line) && i + 1 < lines.length && numbers[i + 1] === numbers[i]! + 1)
        line = line.replace(CONTINUED, '') + lines[++i]!;
      if (i > first) {
        joined.push(line);
        at.push(numbers[first]!);
      }
    }
    if (!joined.length) return hits;
    const seen = new Set(hits.map((h) => `${h.kind}\0${h.redacted}`));
    const more = this.scanLines(joined, at).filter((h) => !seen.has(`${h.kind}\0${h.redacted}`));
    return more.length ? [...hits, ...more].sort((a, b) => a.line - b.line || a.kind.localeCompare(b.kind)) : hits;
  }

  private scanLines(lines: string[], numbers: number[]): SecretHit[] {
    const hits: SecretHit[] = [];
    const pending = new Map<string, Array<{ f: Compiled; line: number; value: string }>>();
    this.pass(
      lines,
      numbers,
      this.formats.filter((f) => !f.lazy),
      this.prefilter,
      hits,
      pending,
    );
    const lazy = this.formats.filter((f) => f.lazy && pending.has(f.pairedWith!));
    if (lazy.length) this.pass(lines, numbers, lazy, undefined, hits, pending);
    // Pairs (an AWS key id with its secret key): reported at the secret, only when both are there.
    for (const [id, list] of pending) {
      for (const p of list) {
        const partner = pending.get(p.f.pairedWith!);
        if (p.f.pairKind && partner?.length)
          hits.push({
            kind: p.f.pairKind,
            title: `${p.f.title} with its key id`,
            line: p.line,
            redacted: redactSecret(p.value),
          });
        else if (p.f.reportAlone)
          hits.push({ kind: id, title: p.f.title, line: p.line, redacted: redactSecret(p.value) });
      }
    }
    return hits.sort((a, b) => a.line - b.line || a.kind.localeCompare(b.kind));
  }

  private pass(
    lines: string[],
    numbers: number[],
    formats: Compiled[],
    prefilter: RegExp | undefined,
    hits: SecretHit[],
    pending: Map<string, Array<{ f: Compiled; line: number; value: string }>>,
  ): void {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (prefilter && !prefilter.test(line)) continue;
      const lower = line.toLowerCase();
      for (const f of formats) {
        if (!f.lowerKeywords.some((k) => lower.includes(k))) continue;
        if (f.requires && !f.requires.every((r) => line.includes(r))) continue;
        const m = re2(f.regex).matcher(line);
        let from = 0;
        while (from <= line.length && m.find(from)) {
          const end = m.end();
          from = end > m.start() ? end : end + 1;
          if (f.block) {
            const block = this.keyBlock(line.slice(end), lines, numbers, i);
            if (!block) continue;
            const fixture = publishedKey(block);
            hits.push({
              kind: f.id,
              title: f.title,
              line: numbers[i]!,
              redacted: `${m.group(0)!.replace(/-/g, '').trim()} block …(${block.material.length} chars)`,
              ...(fixture ? { published: fixture } : {}),
            });
            continue;
          }
          const value = m.groupCount() >= 1 && m.group(1) !== null ? m.group(1)! : m.group(0)!;
          if (!this.live(f, value, m.group(0)!)) continue;
          if (f.allowUser !== undefined && this.exampleUser(f.allowUser, line, m.start(), m.start(1), value)) continue;
          if (f.pairedWith) {
            const list = pending.get(f.id) ?? [];
            list.push({ f, line: numbers[i]!, value });
            pending.set(f.id, list);
            continue;
          }
          hits.push({ kind: f.id, title: f.title, line: numbers[i]!, redacted: redactSecret(value) });
        }
      }
    }
  }

  /** Whether a matched value is a live secret: not a known example, not a placeholder, random
   *  enough, and with a valid checksum where the format carries one. */
  private live(f: Compiled, value: string, match: string): boolean {
    if ((f.allow ?? []).some((a) => re2(a).matcher(value).find())) return false;
    if ((f.allowMatch ?? []).some((a) => re2(a).matcher(match).find())) return false;
    // A valid checksum is the issuer's mark, which no placeholder bears by chance: a real token's
    // random part may still spell "fake" or "your" (about one in ten thousand), so no word test for it.
    const checked = f.checksum === 'base62-crc32' && tokenChecksumValid(value);
    if (f.checksum === 'base62-crc32' && !checked) return false;
    const random = value.replace(/^[a-z]+[_-]/i, '');
    if (!checked && isPlaceholder(random)) return false;
    if (f.id === 'url-password' && TEMPLATED.test(value)) return false;
    if (f.entropy !== undefined && shannonEntropy(value) < f.entropy) return false;
    return true;
  }

  /** Whether a URL's password (from `at`) belongs to an example or default account: its user name
   *  (between "://" and the ':' before the password) is one `allowUser` names, or is the password on
   *  a host of the machine or of its containers (`postgres:postgres@db`, `guest:guest@localhost`):
   *  the same default on a server of the network (`admin:admin@52.14.22.10`) opens it to anyone. */
  private exampleUser(allowUser: string, line: string, from: number, at: number, password: string): boolean {
    const user = line.slice(line.indexOf('://', from) + 3, at - 1);
    const host = /^[a-z0-9.-]*/i.exec(line.slice(at + password.length + 1))![0];
    return (user === password && LOCAL_HOST.test(host)) || re2(allowUser).matcher(user).find();
  }

  /** Key material after a private key header: the rest of its line (split at "\n" escapes, as in a
   *  JSON service-account file) and the added lines that follow, up to the END line, each of them
   *  nothing but base64 once quotes and separators are trimmed (armor headers and blank lines are
   *  skipped). That base64, or '' when it is too short or not random enough to be a key: a header
   *  quoted in code, a regular expression or documentation has no such body. */
  private keyBlock(rest: string, lines: string[], numbers: number[], at: number): KeyBlock | undefined {
    const candidates = [...rest.split(/\\r?\\n/)];
    let material = '';
    let ended = false;
    // Whether it reads as one PEM body and nothing more, as openssl reads one (published-keys.ts):
    // encryption headers first, then a blank line, then base64 with no gap, then the END line.
    let exact = true;
    let headers = false;
    let sealed = false;
    let gap = false;
    const take = (raw: string): boolean => {
      const end = raw.indexOf('-----END');
      const part = (end >= 0 ? raw.slice(0, end) : raw).replace(/\\[rn]/g, '');
      // Quotes and a trailing `+`/`,`/`;` belong to the code around a pasted key ("...\n" +), but a
      // `+` with no quote before it is base64 (an Ed25519 key's one line may end in it).
      const c = keyLineBody(part);
      if (end >= 0) ended = true;
      if (c === '') {
        if (material) gap = true;
        else if (headers) sealed = true;
        return !ended;
      }
      if (/^[A-Za-z-]+: /.test(c)) {
        exact &&= !material && !sealed && ENCRYPTION_HEADER.test(c);
        headers = true;
        return !ended;
      }
      if (!/^[A-Za-z0-9+/=]+$/.test(c)) return (exact = false);
      // after headers with no blank line, openssl reads base64 as one more header
      exact &&= !gap && (!headers || sealed);
      material += c;
      return !ended;
    };
    let going = true;
    for (const c of candidates) if (going) going = take(c);
    // lines of another hunk (not the next line of the file) are not this block's as the file holds it
    for (let j = at + 1; going && j < lines.length && j <= at + MAX_BLOCK_LINES; j++) {
      exact &&= numbers[j] === numbers[j - 1]! + 1;
      going = take(lines[j]!);
    }
    return material.length >= 64 && shannonEntropy(material) > 4 ? { material, exact: exact && ended } : undefined;
  }
}
