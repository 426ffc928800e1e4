// Parses one raw commit object (the exact bytes `git cat-file --batch` returns) into a typed record.
// Works on bytes, not on git's pretty output, so the payload we verify is exactly what was signed.
import { createHash } from 'node:crypto';

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

const IDENTITY = /^(.*?) ?<([^>]*)> (-?\d+) ([+-]\d{4})$/;

export function parseIdentity(value: string): Identity {
  const m = IDENTITY.exec(value);
  if (!m) return { name: value, email: '', time: 0, tz: '+0000' };
  return { name: m[1]!, email: m[2]!, time: Number(m[3]), tz: m[4]! };
}

/** Hash of a loose object's bytes as git names it: sha1/sha256 over "commit <size>\0<body>". */
export function objectId(type: string, body: Buffer, algo: 'sha1' | 'sha256'): string {
  return createHash(algo).update(`${type} ${body.length}\0`).update(body).digest('hex');
}

export function parseCommitObject(oid: string, body: Buffer): CommitRecord {
  const algo = oid.length === 64 ? 'sha256' : 'sha1';
  const headerEnd = body.indexOf('\n\n');
  const headerBytes = headerEnd === -1 ? body : body.subarray(0, headerEnd);
  const message = headerEnd === -1 ? '' : body.subarray(headerEnd + 2).toString('utf8');
  const lines = headerBytes.toString('utf8').split('\n');

  let tree = '';
  const parents: string[] = [];
  let author = parseIdentity('');
  let committer = parseIdentity('');
  let encoding: string | undefined;
  const signatures: RawSignature[] = [];
  const mergetags: string[] = [];
  // Byte ranges of signature headers (with continuation lines) to cut out of the payload.
  const cut: Array<[number, number]> = [];

  let offset = 0;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    const start = offset;
    offset += Buffer.byteLength(line) + 1;
    const space = line.indexOf(' ');
    const key = space === -1 ? line : line.slice(0, space);
    const value = space === -1 ? '' : line.slice(space + 1);
    // Gather continuation lines (each starts with one space).
    const continuation: string[] = [];
    while (i + 1 < lines.length && lines[i + 1]!.startsWith(' ')) {
      i += 1;
      continuation.push(lines[i]!.slice(1));
      offset += Buffer.byteLength(lines[i]!) + 1;
    }
    const full = [value, ...continuation].join('\n');
    switch (key) {
      case 'tree': tree = value; break;
      case 'parent': parents.push(value); break;
      case 'author': author = parseIdentity(value); break;
      case 'committer': committer = parseIdentity(value); break;
      case 'encoding': encoding = value; break;
      case 'mergetag': mergetags.push(full); break;
      case 'gpgsig':
      case 'gpgsig-sha256':
        signatures.push({ header: key, armored: full.endsWith('\n') ? full : `${full}\n` });
        cut.push([start, Math.min(offset, headerBytes.length + 1)]);
        break;
      default: break;
    }
  }

  let payload = body;
  if (cut.length) {
    const parts: Buffer[] = [];
    let pos = 0;
    for (const [s, e] of cut) {
      parts.push(body.subarray(pos, s));
      pos = e;
    }
    parts.push(body.subarray(pos));
    payload = Buffer.concat(parts);
  }

  return {
    oid,
    tree,
    parents,
    author,
    committer,
    encoding,
    signatures,
    mergetags,
    payload,
    message,
    subject: message.split('\n', 1)[0] ?? '',
    hashOk: objectId('commit', body, algo) === oid,
  };
}
