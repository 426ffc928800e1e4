// Parses one raw commit object (the exact bytes `git cat-file --batch` returns) into a typed record.
// Works on bytes, not on git's pretty output, so the payload we verify is exactly what was signed.
import * as crypto from 'node:crypto';
import { decoderFor, isUtf8Name } from './encoding.js';
import type { CommitRecord, Identity, RawSignature } from '../domain/commit.js';
import { withoutRanges, writeUnfolded, writeWithoutRanges } from './object-bytes.js';

// crypto.hash (Node >= 20.12) is the one-shot form: it skips the per-call algorithm lookup that
// createHash pays, which costs more than hashing a 1 kB commit.
const oneShot = (crypto as { hash?: (algo: string, data: Buffer, enc: 'hex') => string }).hash;

/**
 * "Name <email> 1700000000 +0200", split the way git does (ident.c split_ident_line), so the e-mail
 * we judge is the one `git log --format=%ce` shows: the name ends at the first "<", the e-mail at the
 * first ">" after it, and the date follows the last ">". A line such as
 * "Alice <alice@example.com> <mallory@example.com> 1700000000 +0000" is alice's to git, so it is
 * alice's to us too (and a commit carrying it is refused: see splitIdentity).
 */
function parseIdentity(value: string): Identity {
  return splitIdentity(value).identity;
}

/**
 * split_ident_line, plus why the line is not one gitguard can judge. git's readers disagree on
 * odd lines: `git log` ends the name at the first "<" less trailing spaces and reads the date
 * after the LAST ">", `git for-each-ref` ends the name at the first " <" and reads the date two
 * bytes after the FIRST ">"; both print the date digits as written. So only the shape git writes,
 * "Name <email> 1700000000 +0200", is judged; anything else is refused.
 */
export function splitIdentity(value: string): { identity: Identity; problem?: string } {
  const lt = value.indexOf('<');
  const gt = lt === -1 ? -1 : value.indexOf('>', lt + 1);
  if (gt === -1) return { identity: { name: value, email: '', time: 0, tz: '+0000' }, problem: 'no "<e-mail>"' };
  let nameEnd = lt;
  while (nameEnd > 0 && isSpace(value.charCodeAt(nameEnd - 1))) nameEnd -= 1; // git's isspace(), not Unicode's
  const name = value.slice(0, nameEnd);
  const email = value.slice(lt + 1, gt);
  // The tail git writes, scanned by hand (this runs twice per commit of every walk):
  // " 1700000000 +0200" to the end, seconds without a leading zero and exact in a double.
  const n = value.length;
  let i = gt + 1;
  let time = 0;
  let tail = value.charCodeAt(i) === SP;
  const dateStart = (i += 1);
  for (let c = value.charCodeAt(i); c >= 48 && c <= 57; c = value.charCodeAt(++i)) time = time * 10 + (c - 48);
  const digits = i - dateStart;
  tail &&=
    digits > 0 && digits <= 15 && !(digits > 1 && value.charCodeAt(dateStart) === 48) && value.charCodeAt(i) === SP;
  const tzStart = (i += 1);
  const sign = value.charCodeAt(i);
  tail &&= (sign === 43 || sign === 45) && n === tzStart + 5;
  for (i = tzStart + 1; tail && i < n; i += 1) tail = isDigitAt(value, i);
  let problem: string | undefined;
  if (lt > 0 && (nameEnd !== lt - 1 || value.charCodeAt(lt - 1) !== SP))
    problem = 'a name not followed by exactly one space and "<"';
  else if (value.indexOf('<', lt + 1) !== -1) problem = 'a second "<"';
  else if (value.indexOf('>') !== gt || (!tail && value.indexOf('>', gt + 1) !== -1)) problem = 'a second ">"';
  else if (!tail) problem = 'no date and time zone in the form git writes';
  if (tail)
    return problem
      ? { identity: { name, email, time, tz: value.slice(tzStart, n) }, problem }
      : { identity: { name, email, time, tz: value.slice(tzStart, n) } };
  // What git would still read (a date after the last ">"), for a line refused anyway.
  const loose = LOOSE_TAIL.exec(value.slice(value.lastIndexOf('>') + 1));
  return {
    identity: { name, email, time: loose ? Number(loose[1]) : 0, tz: loose?.[2] ?? '+0000' },
    problem: problem ?? 'no date',
  };
}

const isDigitAt = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
};

/** The largest body objectId hashes in one call with its header (above, the copy costs more than the call saves). */
const ONE_SHOT_MAX = 64 * 1024;

const LOOSE_TAIL = /^[\t\n\v\f\r ]*(\d{1,15})[\t\n\v\f\r ]*([+-]\d+)/;

/** C's isspace() in the "C" locale: space, \t, \n, \v, \f, \r. */
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/**
 * Hash of a loose object's bytes as git names it: sha1/sha256 over "commit <size>\0<body>". A small
 * object in one call (a copy with its header); a large one fed in two parts: a copy of each 200 KiB
 * workflow read was ~30 MB of Buffers awaiting collection on a hostile CI history (README, Benchmark).
 */
export function objectId(type: string, body: Buffer, algo: 'sha1' | 'sha256'): string {
  const head = Buffer.from(`${type} ${body.length}\0`, 'latin1');
  if (oneShot && body.length <= ONE_SHOT_MAX)
    return oneShot(algo, Buffer.concat([head, body], head.length + body.length), 'hex');
  return crypto.createHash(algo).update(head).update(body).digest('hex');
}

const LF = 10;
const SP = 32;

/** The header field names gitguard reads, by their bytes (compared without decoding each line). */
function fieldIs(body: Buffer, start: number, end: number, name: string): boolean {
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i += 1) if (body[start + i] !== name.charCodeAt(i)) return false;
  return true;
}

/** `<name> <lower-case hex id>` filling the line exactly, as commit.c and tag.c require. */
function isIdLine(body: Buffer, valueStart: number, eol: number, hexLength: number): boolean {
  if (eol - valueStart !== hexLength) return false;
  for (let i = valueStart; i < eol; i += 1) {
    const c = body[i]!;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** A decoder for the commit's `encoding` (encoding.ts): undefined for bytes it rejects. */
type Decode = (bytes: Buffer) => string | undefined;

/**
 * Reads the header of a commit as git does, refusing what git reads in more than one way.
 * git takes the tree from the first line and the parents from the `parent` lines right after it
 * (commit.c parse_commit_buffer); `git log` takes the LAST author/committer line (pretty.c
 * parse_commit_header), `git for-each-ref` the first (ref-filter.c find_wholine), `encoding` the
 * first (find_commit_header); git stops at a NUL. So: exactly tree, parents, author, committer in
 * that order, then other headers, none of the four again, one `encoding`, one signature per
 * header, no NUL. A refused commit keeps git's parents (the walk follows them) and is judged `E`.
 */
export function parseCommitObject(oid: string, body: Buffer, framed?: Buffer): CommitRecord {
  const algo = oid.length === 64 ? 'sha256' : 'sha1';
  const hexLength = oid.length === 64 ? 64 : 40;
  const blank = body.indexOf('\n\n');
  const headerEnd = blank === -1 ? body.length : blank;
  // Why the commit is refused: the first reason found (no closure: this runs for every commit walked).
  let malformed: string | undefined;
  if (body.indexOf(0) !== -1) malformed = 'a NUL byte in the commit (git stops reading at it)';
  // pretty.c parse_commit_header steps past the last header line's end: with no newline there, `git
  // log` reads the message from beyond the object (whatever bytes follow it in memory).
  else if (blank === -1 && body[body.length - 1] !== LF)
    malformed = 'no newline at the end of the header (git log reads past the object)';

  let tree = '';
  const parents: string[] = [];
  // 0: expecting tree, 1: parents or author, 2: committer, 3: other headers.
  let step = 0;
  let authorAt = -1;
  let authorEnd = -1;
  let committerAt = -1;
  let committerEnd = -1;
  let encoding: string | undefined;
  const signatures: RawSignature[] = [];
  const mergetags: string[] = [];
  // Byte ranges of signature headers (with continuation lines) to cut out of the payload.
  const cut: Array<[number, number]> = [];
  const wanted = hexLength === 64 ? 'gpgsig-sha256' : 'gpgsig';
  let signed: [number, number] | undefined; // the value of the `wanted` header, continuation lines included

  let pos = 0;
  while (pos < headerEnd) {
    let eol = body.indexOf(LF, pos);
    if (eol === -1 || eol > headerEnd) eol = headerEnd;
    // A field runs on over continuation lines, each starting with one space.
    let end = eol;
    while (end < headerEnd && body[end + 1] === SP) {
      const next = body.indexOf(LF, end + 1);
      end = next === -1 || next > headerEnd ? headerEnd : next;
    }
    // The field name ends at the first space of the line (scanned within the line: an indexOf over
    // the rest of the object, for every line without a space, would be quadratic).
    let space = pos;
    while (space < eol && body[space] !== SP) space += 1;
    const valueStart = Math.min(space + 1, eol);
    const c = body[pos];
    if (c === 116 /* t */ && fieldIs(body, pos, space, 'tree')) {
      if (step !== 0) malformed ??= 'a second "tree" header';
      else if (!isIdLine(body, valueStart, eol, hexLength) || end !== eol)
        malformed ??= 'the "tree" line is not "tree <id>"';
      else tree = body.toString('latin1', valueStart, eol);
      step = Math.max(step, 1);
    } else if (step === 0) {
      malformed ??= 'the first line is not "tree <id>"';
      step = 1;
    } else if (c === 112 /* p */ && fieldIs(body, pos, space, 'parent')) {
      if (step !== 1) malformed ??= 'a "parent" header after the author (git does not take it as a parent)';
      else if (!isIdLine(body, valueStart, eol, hexLength) || end !== eol) {
        malformed ??= 'a "parent" line is not "parent <id>"';
        step = 2; // git stops taking parents here
      } else parents.push(body.toString('latin1', valueStart, eol));
    } else if (c === 97 /* a */ && fieldIs(body, pos, space, 'author')) {
      if (step !== 1)
        malformed ??=
          authorAt === -1 ? 'the "author" header is not right after the parents' : 'a second "author" header';
      else if (end !== eol) malformed ??= 'a continuation line after "author"';
      authorAt = valueStart;
      authorEnd = eol;
      step = Math.max(step, 2);
    } else if (c === 99 /* c */ && fieldIs(body, pos, space, 'committer')) {
      if (step !== 2)
        malformed ??=
          committerAt === -1 ? 'the "committer" header is not right after "author"' : 'a second "committer" header';
      else if (end !== eol) malformed ??= 'a continuation line after "committer"';
      committerAt = valueStart;
      committerEnd = eol;
      step = 3;
    } else {
      if (step !== 3)
        malformed ??= authorAt === -1 ? 'no "author" header after the parents' : 'no "committer" header after "author"';
      if (c === 101 /* e */ && fieldIs(body, pos, space, 'encoding')) {
        if (encoding !== undefined) malformed ??= 'a second "encoding" header';
        else if (end !== eol) malformed ??= 'a continuation line after "encoding"';
        else encoding = body.toString('latin1', valueStart, eol);
      } else if (c === 109 /* m */ && fieldIs(body, pos, space, 'mergetag')) {
        mergetags.push(body.toString('utf8', valueStart, end).replace(/\n /g, '\n'));
      } else if (c === 103 /* g */ && space - pos >= 6 && fieldIs(body, pos, pos + 6, 'gpgsig')) {
        // git drops every header starting "gpgsig" from the signed payload, and joins repeated ones;
        // it takes one as the signature only when a space follows the name on its line ("gpgsig"
        // alone, the armor on the continuation lines, is no signature to git).
        const header =
          space === eol
            ? undefined
            : fieldIs(body, pos, space, 'gpgsig')
              ? 'gpgsig'
              : fieldIs(body, pos, space, 'gpgsig-sha256')
                ? 'gpgsig-sha256'
                : undefined;
        if (!header)
          malformed ??= `an unknown signature header "${body.toString('latin1', pos, Math.min(space, pos + 40))}"`;
        else if (signatures.some((s) => s.header === header)) malformed ??= `a second "${header}" header`;
        else {
          signatures.push(lazySignature(header, body, valueStart, end));
          // The one commitSignature() checks (verify.ts): written out as bytes for the pool.
          if (header === wanted) signed ??= [valueStart, Math.min(end + 1, body.length)];
        }
        cut.push([pos, end + 1]);
      }
    }
    pos = end + 1;
  }
  if (step < 3) malformed ??= authorAt === -1 ? 'no "author" header' : 'no "committer" header';

  // Identities as `git log` shows them: through the `encoding`, when there is one it converts from.
  let decode: Decode | undefined;
  if (encoding !== undefined && !isUtf8Name(encoding)) {
    const d = decoderFor(encoding);
    const shown = d?.(body);
    if (!d) malformed ??= `unsupported encoding ${JSON.stringify(encoding)}`;
    // iconv converts the whole object at once; one byte it rejects and git shows every byte raw.
    else if (shown === undefined) malformed ??= `bytes that are not ${encoding}`;
    else decode = d;
  }
  let author: Identity;
  if (authorAt === -1) author = parseIdentity('');
  else {
    const split = splitIdentity(textOf(body, decode, authorAt, authorEnd));
    if (split.problem) malformed ??= `the author line has ${split.problem}`;
    author = split.identity;
  }
  let committer: Identity;
  if (committerAt === -1) committer = parseIdentity('');
  else {
    const split = splitIdentity(textOf(body, decode, committerAt, committerEnd));
    if (split.problem) malformed ??= `the committer line has ${split.problem}`;
    committer = split.identity;
  }
  const hashOk = (framed && oneShot ? oneShot(algo, framed, 'hex') : objectId('commit', body, algo)) === oid;
  const record = new ParsedCommit(
    oid,
    tree,
    parents,
    author,
    committer,
    encoding,
    signatures.length ? signatures : NO_SIGNATURES,
    mergetags.length ? mergetags : NO_MERGETAGS,
    hashOk,
    body,
    cut,
    blank,
    decode,
    signed,
  );
  if (malformed) record.malformed = malformed; // the rare refused commit (the class declares the field: one shape)
  return record;
}

/** A byte range as git shows it: UTF-8 as is, or through the commit's `encoding`. */
function textOf(body: Buffer, decode: Decode | undefined, start: number, end: number): string {
  return decode ? (decode(body.subarray(start, end)) ?? '') : body.toString('utf8', start, end);
}

// Shared by the commits that have none (nearly all): one array less per commit. Nothing adds to a
// parsed commit's lists; frozen, so nothing can.
const NO_SIGNATURES: RawSignature[] = Object.freeze([]) as unknown as RawSignature[];
const NO_MERGETAGS: string[] = Object.freeze([]) as unknown as string[];

/**
 * A parsed commit: one object per commit, its lazily built fields as getters on the class (an
 * object literal with getters made three closures and their context for every commit walked).
 */
class ParsedCommit implements CommitRecord {
  malformed?: string;
  pathChanges?: CommitRecord['pathChanges'];
  readonly #body: Buffer;
  readonly #cut: Array<[number, number]>;
  readonly #blank: number;
  readonly #decode: Decode | undefined;
  readonly #signed: [number, number] | undefined;
  #payload: Buffer | undefined;
  #message: string | undefined;
  constructor(
    readonly oid: string,
    readonly tree: string,
    readonly parents: string[],
    readonly author: Identity,
    readonly committer: Identity,
    readonly encoding: string | undefined,
    readonly signatures: RawSignature[],
    readonly mergetags: string[],
    readonly hashOk: boolean,
    body: Buffer,
    cut: Array<[number, number]>,
    blank: number,
    decode: Decode | undefined,
    signed: [number, number] | undefined,
  ) {
    this.#body = body;
    this.#signed = signed;
    this.#cut = cut;
    this.#blank = blank;
    this.#decode = decode;
    this.#payload = cut.length ? undefined : body;
  }
  // Built when a signature is actually checked: a warm run answers from the cache without it.
  get payload(): Buffer {
    return (this.#payload ??= withoutRanges(this.#body, this.#cut));
  }
  // Decoded on first use: the message is only ever shown, in a finding or a report.
  get message(): string {
    return (this.#message ??=
      this.#blank === -1 ? '' : textOf(this.#body, this.#decode, this.#blank + 2, this.#body.length));
  }
  get subject(): string {
    const m = this.message;
    const nl = m.indexOf('\n');
    return nl === -1 ? m : m.slice(0, nl);
  }
  get signedMaxBytes(): number {
    return this.#body.length; // the payload and the signature's text are disjoint parts of the object
  }
  // The verification pool's hand-off (pool.ts) without building `payload` or the armored string (a
  // copy, a UTF-8 decode, a replace and an encode per signed commit): the same bytes, written at once.
  writeSigned(into: Uint8Array, at: number, ends: number[]): boolean {
    const sig = this.#signed;
    if (!sig) return false;
    const body = this.#body;
    let pos = writeWithoutRanges(body, this.#cut, into, at);
    ends.push(pos);
    pos = writeUnfolded(body, sig[0], sig[1], into, pos);
    ends.push(pos);
    return true;
  }
}

/**
 * A signature header's text, decoded only when first read: what git hands to gpg (commit.c
 * parse_buffer_signed_by_header), each line without its continuation space and with its newline, so
 * an empty last line stays and a header that ends the object without one gets none.
 */
function lazySignature(header: RawSignature['header'], body: Buffer, start: number, end: number): RawSignature {
  let text: string | undefined;
  return {
    header,
    get armored(): string {
      return (text ??= body.toString('utf8', start, Math.min(end + 1, body.length)).replace(/\n /g, '\n'));
    },
  };
}
