// Parses a raw annotated tag object. Its signature, unlike a commit's, is appended to the message;
// what it signs is everything before the signature block.
import { parseIdentity, type Identity } from './commit-object.js';

export interface TagRecord {
  oid: string;
  object: string;
  type: string;
  name: string;
  tagger?: Identity;
  message: string;
  /** The armored signature block at the end of the message, if any. */
  signature?: string;
  /** The bytes the signature covers. */
  payload: Buffer;
}

const SIGNATURE_START = /^-----BEGIN (PGP SIGNATURE|SSH SIGNATURE|SIGNED MESSAGE)-----$/;

export function parseTagObject(oid: string, body: Buffer): TagRecord {
  const text = body.toString('utf8');
  const headerEnd = text.indexOf('\n\n');
  const headers = (headerEnd === -1 ? text : text.slice(0, headerEnd)).split('\n');
  const get = (k: string): string | undefined => headers.find((h) => h.startsWith(`${k} `))?.slice(k.length + 1);
  const taggerLine = get('tagger');
  // The signature is the last block that starts at a line beginning with a known armor header.
  let sigStart = -1;
  let pos = 0;
  for (const line of text.split('\n')) {
    if (SIGNATURE_START.test(line) && pos > headerEnd) sigStart = pos;
    pos += Buffer.byteLength(line) + 1;
  }
  const signature = sigStart === -1 ? undefined : body.subarray(sigStart).toString('utf8');
  const payload = sigStart === -1 ? body : body.subarray(0, sigStart);
  return {
    oid,
    object: get('object') ?? '',
    type: get('type') ?? '',
    name: get('tag') ?? '',
    ...(taggerLine ? { tagger: parseIdentity(taggerLine) } : {}),
    message: headerEnd === -1 ? '' : payload.toString('utf8').slice(headerEnd + 2),
    ...(signature ? { signature } : {}),
    payload: Buffer.from(payload),
  };
}
