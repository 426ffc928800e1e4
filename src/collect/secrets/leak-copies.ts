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
import { rawRecords, type RawReader } from './placed-blobs.js';
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

interface LeakingBlob {
  /** Its leaks, one per kind and line. */
  leaks: SecretLeak[];
  paths: Set<string>;
}

/** The reader of COPY_LOG's output for the tally's leaks with a blob and `carried` ones (a re-audit's), or undefined: none to follow. */
export function leakCopies(tally: ScanTally, carried: readonly SecretLeak[] = []): RawReader | undefined {
  const blobs = new Map<string, LeakingBlob>();
  for (const leak of [...carried, ...tally.facts.leaks]) {
    if (!leak.blob) continue;
    let b = blobs.get(leak.blob);
    if (!b) blobs.set(leak.blob, (b = { leaks: [], paths: new Set() }));
    b.paths.add(leak.path);
    if (!b.leaks.some((l) => l.kind === leak.kind && l.line === leak.line)) b.leaks.push(leak);
  }
  if (!blobs.size) return undefined;
  return rawRecords((commit, id, path) => {
    const b = blobs.get(id);
    if (!b || b.paths.has(path)) return;
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
  });
}
