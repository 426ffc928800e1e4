// Parses one raw commit object (the exact bytes `git cat-file --batch` returns) into a typed record.
// Works on bytes, not on git's pretty output, so the payload we verify is exactly what was signed.
import * as crypto from 'node:crypto';

// crypto.hash (Node >= 20.12) is the one-shot form: it skips the per-call algorithm lookup that
// createHash pays, which costs more than hashing a 1 kB commit.
const oneShot = (crypto as { hash?: (algo: string, data: Buffer, enc: 'hex') => string }).hash;

export interface Identity {
  name: string;
  email: string;
  /** Unix seconds. */
  time: number;
  /** The timezone offset as written, e.g. "+0200". */
  tz: string;
}

export interface RawSignature {
  /** "gpgsig" (SHA-1 object ids) or "gpgsig-sha256". */
  header: 'gpgsig' | 'gpgsig-sha256';
  armored: string;
}

export interface CommitRecord {
  oid: string;
  tree: string;
  parents: string[];
  author: Identity;
  committer: Identity;
  encoding?: string;
  signatures: RawSignature[];
  /** Embedded signed tag objects of merged tags ("mergetag" headers), raw text. */
  mergetags: string[];
  /** The commit object with its signature headers removed: the bytes a signature covers. */
  payload: Buffer;
  message: string;
  /** First line of the message. */
  subject: string;
  /** Whether the bytes hash to the object id they were stored under. */
  hashOk: boolean;
  /** Object ids of the paths the walk was asked to look up in this commit's tree (null: absent). */
  pathOids?: Record<string, string | null>;
}

/**
 * "Name <email> 1700000000 +0200", split the way git does (ident.c split_ident_line), so the e-mail
 * we judge is the one `git log --format=%ce` shows: the name ends at the first "<", the e-mail at the
 * first ">" after it, and the date follows the last ">". A line such as
 * "Alice <alice@example.com> <mallory@example.com> 1700000000 +0000" is alice's to git, so it is
 * alice's to us too.
 */
export function parseIdentity(value: string): Identity {
  const lt = value.indexOf('<');
  const gt = lt === -1 ? -1 : value.indexOf('>', lt + 1);
  if (gt === -1) return { name: value, email: '', time: 0, tz: '+0000' };
  let nameEnd = lt;
  while (nameEnd > 0 && isSpace(value.charCodeAt(nameEnd - 1))) nameEnd -= 1; // git's isspace(), not Unicode's
  const name = value.slice(0, nameEnd);
  const email = value.slice(lt + 1, gt);
  // The date follows the last ">": digits, spaces, then a signed offset.
  let i = value.lastIndexOf('>') + 1;
  while (i < value.length && isSpace(value.charCodeAt(i))) i += 1;
  const dateStart = i;
  while (i < value.length && isDigit(value.charCodeAt(i))) i += 1;
  const dateEnd = i;
  while (i < value.length && isSpace(value.charCodeAt(i))) i += 1;
  const tzStart = i;
  if (dateEnd > dateStart && (value[i] === '+' || value[i] === '-')) {
    i += 1;
    while (i < value.length && isDigit(value.charCodeAt(i))) i += 1;
    if (i > tzStart + 1) return { name, email, time: Number(value.slice(dateStart, dateEnd)), tz: value.slice(tzStart, i) };
  }
  return { name, email, time: 0, tz: '+0000' };
}

/** C's isspace() in the "C" locale: space, \t, \n, \v, \f, \r. */
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Hash of a loose object's bytes as git names it: sha1/sha256 over "commit <size>\0<body>". */
export function objectId(type: string, body: Buffer, algo: 'sha1' | 'sha256'): string {
  const head = Buffer.from(`${type} ${body.length}\0`, 'latin1');
  if (oneShot) return oneShot(algo, Buffer.concat([head, body], head.length + body.length), 'hex');
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

// Runs once per commit of every walk, so it scans bytes and decodes only the fields it keeps.
/**
 * `framed`, when the caller has it, is the object as git hashes it ("commit <size>\0" + body) in
 * one buffer, so re-hashing needs no copy.
 */
export function parseCommitObject(oid: string, body: Buffer, framed?: Buffer): CommitRecord {
  const algo = oid.length === 64 ? 'sha256' : 'sha1';
  const blank = body.indexOf('\n\n');
  const headerEnd = blank === -1 ? body.length : blank;

  let tree = '';
  const parents: string[] = [];
  let author = parseIdentity('');
  let committer = parseIdentity('');
  let encoding: string | undefined;
  const signatures: RawSignature[] = [];
  const mergetags: string[] = [];
  // Byte ranges of signature headers (with continuation lines) to cut out of the payload.
  const cut: Array<[number, number]> = [];

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
    let space = body.indexOf(SP, pos);
    if (space === -1 || space > eol) space = eol;
    const valueStart = Math.min(space + 1, eol);
    if (fieldIs(body, pos, space, 'tree')) tree = body.toString('latin1', valueStart, eol);
    else if (fieldIs(body, pos, space, 'parent')) parents.push(body.toString('latin1', valueStart, eol));
    else if (fieldIs(body, pos, space, 'author')) author = parseIdentity(body.toString('utf8', valueStart, eol));
    else if (fieldIs(body, pos, space, 'committer')) committer = parseIdentity(body.toString('utf8', valueStart, eol));
    else if (fieldIs(body, pos, space, 'encoding')) encoding = body.toString('utf8', valueStart, eol);
    else if (fieldIs(body, pos, space, 'mergetag')) mergetags.push(body.toString('utf8', valueStart, end).replace(/\n /g, '\n'));
    else if (fieldIs(body, pos, space, 'gpgsig') || fieldIs(body, pos, space, 'gpgsig-sha256')) {
      signatures.push(lazySignature(space - pos === 6 ? 'gpgsig' : 'gpgsig-sha256', body, valueStart, end));
      cut.push([pos, end + 1]);
    }
    pos = end + 1;
  }

  let payload: Buffer | undefined = cut.length ? undefined : body;
  let message: string | undefined;
  return {
    oid,
    tree,
    parents,
    author,
    committer,
    encoding,
    signatures,
    mergetags,
    // Built when a signature is actually checked: a warm run answers from the cache without it.
    get payload(): Buffer {
      return (payload ??= withoutRanges(body, cut));
    },
    // Decoded on first use: the message is only ever shown, in a finding or a report.
    get message(): string {
      return (message ??= blank === -1 ? '' : body.toString('utf8', blank + 2));
    },
    get subject(): string {
      const m = this.message;
      const nl = m.indexOf('\n');
      return nl === -1 ? m : m.slice(0, nl);
    },
    hashOk: (framed && oneShot ? oneShot(algo, framed, 'hex') : objectId('commit', body, algo)) === oid,
  };
}

/** A signature header's text, decoded (continuation spaces removed) only when first read. */
function lazySignature(header: RawSignature['header'], body: Buffer, start: number, end: number): RawSignature {
  let text: string | undefined;
  return {
    header,
    get armored(): string {
      if (text === undefined) {
        const t = body.toString('utf8', start, end).replace(/\n /g, '\n');
        text = t.endsWith('\n') ? t : `${t}\n`;
      }
      return text;
    },
  };
}

function withoutRanges(body: Buffer, cut: Array<[number, number]>): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (const [s, e] of cut) {
    parts.push(body.subarray(from, s));
    from = e;
  }
  parts.push(body.subarray(from));
  return Buffer.concat(parts);
}
