// A leak is reported where the scan first read its file version: `git log -p` prints no line of a
// file renamed as it was, and the tally skips a blob it has read before (scan-tally.ts). Whether a
// leak fails, though, depends on its path (a vendored dependency tree, a `secrets.allow` path glob):
// a token committed under node_modules/ (vendored: not failing), then moved or copied to src/ as it
// was, was never reported at src/, and the rule passed while `git show HEAD:src/config.js` printed
// it. So after the logs, one `git log --raw` over the same list names every path a commit puts a
// leaking blob at (renames read as a deletion and an addition, merges against their first parent),
// and each leak of that blob is reported again at each other path, at the first commit putting it
// there. The blobs of an incremental re-audit's carried leaks count too: a new commit moving one.
import type { SecretHit, SecretLeak } from '../../domain/content.js';
import type { ScanTally } from './scan-tally.js';

/** The log over the scanned list (given on stdin) that names the blob each commit puts at each path. */
export const COPY_LOG = [
  'log',
  '--raw',
  '--no-abbrev',
  '--no-renames',
  '-m',
  '--first-parent',
  '-z',
  '--no-walk=unsorted',
  '--format=%x01%H',
  '--stdin',
];

/** Paths one leaking blob is reported at, at most; past it its leaks are counted (never excused unseen). */
const MAX_PATHS = 256;
/** A raw record or path longer than this is none git writes for a file a checkout can hold: passed over. */
const MAX_TOKEN = 64 * 1024;

interface LeakingBlob {
  /** Its leaks, one per kind and line. */
  leaks: SecretLeak[];
  paths: Set<string>;
}

/** The reader of COPY_LOG's output for the tally's leaks with a blob and `carried` ones (a re-audit's), or undefined: none to follow. */
export function leakCopies(
  tally: ScanTally,
  carried: readonly SecretLeak[] = [],
): { read(chunk: Buffer): void; end(): void } | undefined {
  const blobs = new Map<string, LeakingBlob>();
  for (const leak of [...carried, ...tally.facts.leaks]) {
    if (!leak.blob) continue;
    let b = blobs.get(leak.blob);
    if (!b) blobs.set(leak.blob, (b = { leaks: [], paths: new Set() }));
    b.paths.add(leak.path);
    if (!b.leaks.some((l) => l.kind === leak.kind && l.line === leak.line)) b.leaks.push(leak);
  }
  if (!blobs.size) return undefined;
  let commit = '';
  /** The raw record whose path comes next, when it puts a leaking blob there. */
  let record: LeakingBlob | undefined;
  let expectPath = false;
  let carry: Buffer = Buffer.alloc(0);
  const token = (raw: Buffer): void => {
    const t = raw.toString('utf8', raw[0] === 0x0a ? 1 : 0); // the line feed after a commit's line
    if (expectPath) {
      expectPath = false;
      const b = record;
      record = undefined;
      if (b && !b.paths.has(t)) copied(b, t);
    } else if (t.startsWith('\x01')) commit = t.slice(1);
    else if (t.startsWith(':')) {
      // ":<mode> <mode> <old id> <new id> <status>" (a merge against its first parent: the same); the path is next
      const f = t.split(' ');
      record = f.at(-1)?.startsWith('D') ? undefined : blobs.get(f.at(-2) ?? '');
      expectPath = true;
    }
  };
  const copied = (b: LeakingBlob, path: string): void => {
    if (b.paths.size >= MAX_PATHS) {
      tally.facts.more += b.leaks.length;
      return;
    }
    b.paths.add(path);
    for (const l of b.leaks) {
      const hit: SecretHit = { kind: l.kind, title: l.title, line: l.line, redacted: l.redacted };
      const from = l.from ?? { commit: l.commit, path: l.path };
      tally.leak(l.published ? { ...hit, published: l.published } : hit, commit, path, l.blob, from);
    }
  };
  return {
    read(chunk: Buffer): void {
      let at = 0;
      let data = chunk;
      if (carry.length) {
        data = Buffer.concat([carry, chunk]);
        carry = Buffer.alloc(0);
      }
      for (let nul = data.indexOf(0, at); nul !== -1; nul = data.indexOf(0, at)) {
        token(data.subarray(at, nul));
        at = nul + 1;
      }
      // A token no checkout could hold a file of is cut short (and read as such): memory stays bounded.
      carry = Buffer.from(data.subarray(Math.max(at, data.length - MAX_TOKEN)));
    },
    end(): void {
      if (carry.length) token(carry);
      carry = Buffer.alloc(0);
    },
  };
}
