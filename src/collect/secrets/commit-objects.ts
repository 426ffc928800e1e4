// What a commit object publishes that `git log -p` does not print: headers git keeps but its log
// formats never show (an `x-token` header, a continuation line, a `gpgsig` or `mergetag` block and
// the tag message embedded in it, `encoding`), what an author or committer line holds past the
// e-mail (%an <%ae> stops there), a header line from a NUL byte on (fsck's nulInHeader: the log cuts
// the line there, and prints no name or e-mail of such an identity), and a message past its first NUL
// byte (git log prints the message as a C string: a UTF-16 message shows one letter), and the whole
// object when an `encoding` header makes the log print its message, author and committer decoded
// (ISO-2022-JP, UTF-16...: the bytes a token sits in then print as other letters). `git cat-file -p <commit>` prints all of it and
// a push or a clone carries it. Read from the bytes the walk of the same list read (commit-feed.ts),
// else from one `git cat-file --batch` over the scan's commit list (scan.ts), streamed: the parts the log read are passed over (their line feeds counted, so a finding's line
// is the object's as `cat-file -p` prints it), the rest goes to the binary-text reader (blob-text.ts:
// NUL bytes dropped, memory bounded whatever a header's size).
import { COMMIT_IDENTITY, COMMIT_MESSAGE, COMMIT_OBJECT, MAX_LEAKS, type SecretHit } from '../../domain/content.js';
import { isUtf8Name } from '../encoding.js';
import type { SecretDetector } from './detect.js';
import type { ScanTally } from './scan-tally.js';
import { BatchReader, BlobText, type ObjectSink } from './blob-text.js';

const LF = 0x0a;
const SP = 0x20;
const NUL = 0x00;
/** The most bytes of an author or committer line held to find where its e-mail ends; a longer one is read whole. */
const MAX_IDENTITY_LINE = 64 * 1024;

/** Where the reader is in one commit object. */
const enum At {
  /** The start of a header line: its name is being read. */
  LineStart,
  /** A header line the log printed (tree, parent): passed over to its end. */
  Skip,
  /** An author or committer line, held to cut out what %an <%ae> printed. */
  Identity,
  /** A header line the log never prints: read. */
  Read,
  /** The message up to its first NUL byte (the log printed it): passed over. */
  Message,
  /** The message from its first NUL byte on: read. */
  Tail,
}

/** Header names whose first line the log prints (tree and parents as ids, author and committer in part). */
const PRINTED = new Set(['tree', 'parent']);
const IDENTITY = new Set(['author', 'committer']);
const DATE = /^ \d{1,15} [+-]\d{4}\n$/;

/** One commit object's bytes, streamed: what the log left unread goes to `text`. */
class CommitSink implements ObjectSink {
  private at = At.LineStart;
  private name = '';
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** Line feeds passed over and not yet given to `text` (most commits give it nothing else). */
  private lf = 0;

  constructor(private readonly text: BlobText) {}

  push(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      switch (this.at) {
        case At.LineStart: {
          const c = chunk[i]!;
          if (this.name === '' && c === LF) {
            // The blank line: the message follows.
            this.lines(1);
            this.at = At.Message;
            i += 1;
          } else if (this.name === '' && c === SP) {
            // A continuation line: no log format prints one.
            this.at = At.Read;
          } else if (c === SP || c === LF || c === NUL || this.name.length > 32) {
            // A NUL in a header line (fsck's nulInHeader) ends the line where git's log reads it: read.
            const name = c === NUL ? '' : this.name;
            this.at = PRINTED.has(name) ? At.Skip : IDENTITY.has(name) ? At.Identity : At.Read;
            if (this.at === At.Read) this.read(Buffer.from(this.name, 'latin1'));
            else if (this.at === At.Identity) this.hold(Buffer.from(this.name, 'latin1'));
            this.name = '';
          } else {
            this.name += String.fromCharCode(c);
            i += 1;
          }
          break;
        }
        case At.Skip:
        case At.Read:
        case At.Identity: {
          const nl = chunk.indexOf(LF, i);
          const nul = this.at === At.Skip ? chunk.indexOf(NUL, i) : -1;
          if (nul >= 0 && (nl < 0 || nul < nl)) {
            // What follows a NUL in a tree or parent line: the log printed the id before it only.
            this.at = At.Read;
            i = nul;
            break;
          }
          const end = nl < 0 ? chunk.length : nl + 1;
          const part = chunk.subarray(i, end);
          if (this.at === At.Read) this.read(part);
          else if (this.at === At.Skip) this.lines(nl < 0 ? 0 : 1);
          else this.hold(part);
          if (nl >= 0) {
            if (this.at === At.Identity) this.identityDone();
            this.at = At.LineStart;
          }
          i = end;
          break;
        }
        case At.Message: {
          const nul = chunk.indexOf(NUL, i);
          const end = nul < 0 ? chunk.length : nul;
          this.lines(count(chunk, i, end));
          if (nul >= 0) this.at = At.Tail;
          i = end;
          break;
        }
        case At.Tail:
          this.read(chunk.subarray(i));
          i = chunk.length;
          break;
      }
    }
  }

  end(): void {
    if (this.at === At.Identity) this.identityDone();
    else if (this.at === At.LineStart && this.name) this.read(Buffer.from(this.name, 'latin1'));
    this.text.end();
  }

  /** Line feeds of text passed over, so that the lines after them keep their numbers. */
  private lines(n: number): void {
    this.lf += n;
  }

  private read(part: Buffer): void {
    if (this.lf) this.text.push(Buffer.from('\n'.repeat(this.lf)));
    this.lf = 0;
    this.text.push(part);
  }

  private hold(part: Buffer): void {
    if (this.heldBytes + part.length > MAX_IDENTITY_LINE) {
      // Too long to be a line git writes: read it whole.
      for (const h of this.held) this.read(h);
      this.held = [];
      this.heldBytes = 0;
      this.at = At.Read;
      this.read(part);
      return;
    }
    this.held.push(part);
    this.heldBytes += part.length;
  }

  /** An author or committer line: what follows its e-mail (the first ">" after the first "<", as git splits it). */
  private identityDone(): void {
    const line = Buffer.concat(this.held);
    this.held = [];
    this.heldBytes = 0;
    // git's log stops an identity at a NUL byte and then prints no name or e-mail of it: read it all.
    if (line.includes(NUL)) return this.read(line);
    const lt = line.indexOf('<');
    const gt = lt < 0 ? -1 : line.indexOf('>', lt + 1);
    const tail = gt < 0 ? line : line.subarray(gt + 1);
    // The date and zone git writes hold nothing to read: only their line feed counts.
    if (DATE.test(tail.toString('latin1'))) this.lines(1);
    else this.read(tail);
  }
}

function count(b: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = b.indexOf(LF, from); i >= 0 && i < to; i = b.indexOf(LF, i + 1)) n += 1;
  return n;
}

/** The most bytes of a commit held whole to see at once that the log printed all of it (nearly every
 *  commit), and the most of a larger one held to read its header before the rest. */
const WHOLE = 64 * 1024;
/** A header the log printed all of: tree, parents, then author and committer each ending at its date
 *  (the name at the first "<", the e-mail at the first ">" after it, as git splits them). */
const PLAIN =
  /^tree [0-9a-f]+\n(?:parent [0-9a-f]+\n)*author [^<\n]*<[^>\n]*> \d{1,15} [+-]\d{4}\ncommitter [^<\n]*<[^>\n]*> \d{1,15} [+-]\d{4}\n$/;

/**
 * Whether git's log prints this header's commit decoded (pretty.c logmsg_reencode: an `encoding`
 * header that does not name UTF-8), so that its message, author and committer as printed are not
 * its bytes; `undefined` (a header longer than was held) counts as such: the object is then read whole.
 */
function reencoded(header: string | undefined): boolean {
  if (header === undefined) return true;
  for (const m of header.matchAll(/^encoding(?: ([^\n]*))?$/gm)) if (!isUtf8Name(m[1] ?? '')) return true;
  return false;
}

/** Whether the log printed all of a commit as its bytes: its header plain (no `encoding`) and no NUL
 *  byte anywhere (nearly every commit). */
function printedWhole(b: Buffer): boolean {
  const blank = b.indexOf('\n\n');
  return blank >= 0 && b.indexOf(NUL) < 0 && PLAIN.test(b.toString('latin1', 0, blank + 1));
}

/** A commit, held whole when it is small: passed over when its header is plain and it has no NUL
 *  byte anywhere, else read as CommitSink reads it, or whole when the log printed it decoded; a
 *  larger one held until past its first WHOLE bytes, where its header is read. */
class WholeCommit implements ObjectSink {
  private parts: Buffer[] = [];
  private held = 0;
  private direct: ObjectSink | undefined;
  constructor(private readonly sink: (whole: boolean) => ObjectSink) {}
  push(chunk: Buffer): void {
    if (this.direct) return this.direct.push(chunk);
    this.parts.push(chunk);
    this.held += chunk.length;
    if (this.held <= WHOLE) return;
    const b = this.take();
    const blank = b.indexOf('\n\n');
    this.direct = this.sink(reencoded(blank < 0 ? undefined : b.toString('latin1', 0, blank + 1)));
    this.direct.push(b);
  }
  end(): void {
    if (this.direct) return this.direct.end();
    const b = this.take();
    if (printedWhole(b)) return; // PLAIN holds no `encoding` header
    const blank = b.indexOf('\n\n');
    const sink = this.sink(reencoded(b.toString('latin1', 0, blank < 0 ? b.length : blank + 1)));
    sink.push(b);
    sink.end();
  }
  private take(): Buffer {
    const b = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    this.parts = [];
    return b;
  }
}

/** Bytes of a commit the walk read given to the sinks at a time, as cat-file's pipe would give them. */
const PIECE = 64 * 1024;

/** The reader of `git cat-file --batch` over the scan's commits: each one's unprinted parts scanned,
 *  a finding reported at `(commit object)`, the commit's own id, the line `cat-file -p` prints it on.
 *  `commit` takes a commit's bytes the walk already read instead (commit-feed.ts): one or the other
 *  reads each commit of the list. It runs beside the logs (scan.ts): its findings are held (at most
 *  MAX_LEAKS, the rest counted) and given to the tally after theirs, so that their order does not
 *  depend on which git ran first. */
export function commitObjectText(
  detector: SecretDetector,
  maxBytes: number,
): { reader: BatchReader; commit(id: string, body: Buffer): void; into(tally: ScanTally): void } {
  const keyword = new RegExp(detector.keywordPattern().source, 'i');
  const found: Array<{ hit: SecretHit; commit: string; whole: boolean }> = [];
  let more = 0;
  const sinkFor = (id: string): ObjectSink =>
    new WholeCommit((whole) => {
      const text = new BlobText(detector, keyword, maxBytes, (hit) => {
        if (found.length < MAX_LEAKS) found.push({ hit, commit: id, whole });
        else more += 1;
      });
      return whole ? text : new CommitSink(text);
    });
  return {
    reader: new BatchReader((id, type) => (type === 'commit' ? sinkFor(id) : undefined)),
    commit(id, body) {
      if (body.length <= WHOLE && printedWhole(body)) return; // no sink made for nearly every commit
      const sink = sinkFor(id);
      for (let at = 0; at < body.length; at += PIECE) sink.push(body.subarray(at, at + PIECE));
      sink.end();
    },
    into(tally) {
      // An object read whole holds what the log printed as well: what it printed the same is reported there alone.
      const key = (commit: string, hit: SecretHit): string => `${commit}\0${hit.kind}\0${hit.redacted}`;
      const printed = new Set(
        tally.facts.leaks
          .filter((l) => l.path === COMMIT_MESSAGE || l.path === COMMIT_IDENTITY)
          .map((l) => key(l.commit, l)),
      );
      for (const { hit, commit, whole } of found)
        if (!whole || !printed.has(key(commit, hit))) tally.leak(hit, commit, COMMIT_OBJECT);
      tally.facts.more += more;
    },
  };
}

/** `git cat-file --batch` over rev-list's "<commit> <parents>..." lines as they are (%(rest) splits them). */
export const CAT_COMMITS = ['cat-file', '--batch=%(objectname) %(objecttype) %(objectsize) %(rest)', '--buffer'];
