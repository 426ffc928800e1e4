// Parses a raw annotated tag object. Its signature, unlike a commit's, is appended to the message;
// what it signs is everything before the signature block.
import { objectId, splitIdentity } from './commit-object.js';
import { withoutRanges } from './object-bytes.js';
import type { Identity, TagRecord } from '../domain/commit.js';

// gpg-interface.c: a signature starts at the last line that STARTS with one of these.
const SIGNATURE_STARTS = [
  '-----BEGIN PGP SIGNATURE-----',
  '-----BEGIN PGP MESSAGE-----',
  '-----BEGIN SIGNED MESSAGE-----',
  '-----BEGIN SSH SIGNATURE-----',
].map((s) => Buffer.from(s));
const DASHES = Buffer.from('-----BEGIN ');
const TYPES = new Set(['commit', 'tree', 'blob', 'tag']);
const LF = 10;

function startsWith(body: Buffer, at: number, prefix: Buffer): boolean {
  return body.length - at >= prefix.length && body.compare(prefix, 0, prefix.length, at, at + prefix.length) === 0;
}

/**
 * Reads a tag as git does, refusing what git reads in more than one way. tag.c parse_tag_buffer
 * wants "object <id>", "type <type>", "tag <name>" as the first three lines and takes the tagger
 * from the fourth; `git for-each-ref` takes the first "tagger" line anywhere in the header; `git
 * tag -v` takes the signature from the last line anywhere that starts an armour block. So: those
 * lines in that order, none of them again, no armour line in the header, no NUL.
 */
export function parseTagObject(oid: string, body: Buffer): TagRecord {
  const hexLength = oid.length === 64 ? 64 : 40;
  let malformed: string | undefined;
  const refuse = (why: string): void => {
    malformed ??= why;
  };
  if (body.indexOf(0) !== -1) refuse('a NUL byte in the tag (git stops reading at it)');
  const blank = body.indexOf('\n\n');
  const headerEnd = blank === -1 ? body.length : blank;

  const fields: Record<'object' | 'type' | 'tag' | 'tagger', string | undefined> = {
    object: undefined,
    type: undefined,
    tag: undefined,
    tagger: undefined,
  };
  const order = ['object', 'type', 'tag', 'tagger'] as const;
  let sigStart = -1;
  let line = 0;
  let pos = 0;
  // commit.c remove_signature, which git runs on a tag's payload before verifying it: up to two
  // "gpgsig "/"gpgsig-sha256 " headers and their continuation lines come out; a header right
  // after another replaces it (the first stays in); a third makes git 2.39 abort.
  const cuts: Array<[number, number]> = [];
  let inSigHeader = false;
  while (pos < body.length) {
    let eol = body.indexOf(LF, pos);
    if (eol === -1) eol = body.length;
    if (body[pos] === 45 /* - */ && SIGNATURE_STARTS.some((s) => startsWith(body, pos, s))) sigStart = pos;
    if (pos < headerEnd) {
      let space = pos; // within the line: an indexOf past it would make the scan quadratic
      while (space < eol && space - pos < 16 && body[space] !== 32) space += 1;
      const named = space < eol && body[space] === 32;
      const key = named ? body.toString('latin1', pos, space) : '';
      const value = named ? body.toString('utf8', space + 1, eol) : undefined;
      const next = Math.min(eol + 1, body.length);
      if (inSigHeader && body[pos] === 32) cuts[cuts.length - 1]![1] = next;
      else if (key === 'gpgsig' || key === 'gpgsig-sha256') {
        if (!inSigHeader && cuts.length === 2) refuse('a third signature header (git 2.39 aborts reading the tag)');
        else if (inSigHeader) cuts[cuts.length - 1] = [pos, next];
        else cuts.push([pos, next]);
        inSigHeader = true;
      } else inSigHeader = false;
      if (key === 'object' || key === 'type' || key === 'tag' || key === 'tagger') {
        if (fields[key] !== undefined) refuse(`a second "${key}" header`);
        else if (eol === body.length) refuse(`the "${key}" line does not end`);
        else if (order[line] !== key) refuse(`the "${key}" header is out of place`);
        else fields[key] = value ?? '';
      } else {
        if (line < 3) refuse(`no "${order[line]}" header where git expects it`);
        if (body[pos] === 32 && line <= 4 && fields.tagger !== undefined) refuse('a continuation line after "tagger"');
        if (startsWith(body, pos, DASHES)) refuse('an armour line among the headers');
      }
      line += 1;
    }
    pos = eol + 1;
  }
  if (fields.tag === undefined) refuse(`no "${order.find((k) => fields[k] === undefined)}" header`);
  const object = fields.object ?? '';
  if (fields.object !== undefined && !/^[0-9a-f]+$/.test(object)) refuse('the "object" line is not "object <id>"');
  else if (fields.object !== undefined && object.length !== hexLength) refuse('the "object" line is not "object <id>"');
  if (fields.type !== undefined && !TYPES.has(fields.type))
    refuse(`an unknown object type "${fields.type.slice(0, 20)}"`);
  if (fields.tag === '') refuse('an empty tag name');
  let tagger: Identity | undefined;
  if (fields.tagger !== undefined) {
    const { identity, problem } = splitIdentity(fields.tagger);
    if (problem) refuse(`the tagger line has ${problem}`);
    tagger = identity;
  }
  if (sigStart !== -1 && sigStart < headerEnd) sigStart = -1;
  // gpg-interface.c parse_payload_metadata: git takes the signing time from the tagger line and, with
  // none, checks no signature at all (`git tag -v` exits 1 unverified, a mergetag shows "No signature").
  if (sigStart !== -1 && fields.tagger === undefined)
    refuse('a signature but no "tagger" line (git checks no tag signature without one)');
  const signature = sigStart === -1 ? undefined : body.toString('utf8', sigStart);
  const signed = sigStart === -1 ? body : body.subarray(0, sigStart);
  const payload = cuts.length ? withoutRanges(signed, cuts) : signed;
  return {
    oid,
    object,
    type: fields.type ?? '',
    name: fields.tag ?? '',
    ...(tagger ? { tagger } : {}),
    message: blank === -1 ? '' : signed.toString('utf8', blank + 2),
    ...(signature ? { signature } : {}),
    payload: Buffer.from(payload),
    hashOk: objectId('tag', body, oid.length === 64 ? 'sha256' : 'sha1') === oid,
    ...(malformed ? { malformed } : {}),
  };
}
