// The lines a rename keeps. `git log -p` pairs a file deleted at one path with one added at another
// (rename detection) and prints only the lines that differ, so the lines moved as they were reach the
// detector at the old path only, or not at all when the scope left the old path's commit out (a push,
// --base). Whether a leak fails depends on its path (vendored node_modules/, a `secrets.allow` glob):
// a key vendored under node_modules/ (excused), moved to src/ with one line edited in the same commit,
// passed every audit while `git show HEAD:src/config.js` printed it (the new version is no copy of
// the old one, so leak-copies.ts and placed-blobs.ts never saw it). So each file version a rename or
// copy puts at a new path (the log reader notes it: scan-tally.ts `moved`) is read whole afterwards,
// from one `git cat-file --batch` (scan.ts), its findings reported at that commit and path but for
// those its diff already gave. A finding with the same secret at the old path is the one it copies
// (`from`: a fingerprint that excused that one excuses this one; a path that excused it does not).
import type { SecretDetector } from './detect.js';
import type { SecretLeak } from '../../domain/content.js';
import { BatchReader, BlobText } from './blob-text.js';
import type { ScanTally } from './scan-tally.js';

/** The reader of `git cat-file --batch` over the tally's moved file versions. */
export function movedLines(tally: ScanTally, detector: SecretDetector, maxBlobBytes: number): BatchReader {
  const keyword = new RegExp(detector.keywordPattern().source, 'i');
  const at = (commit: string, path: string, line: number, kind: string): string =>
    `${commit}\0${path}\0${line}\0${kind}`;
  const reported = new Set(tally.facts.leaks.map((l) => at(l.commit, l.path, l.line, l.kind)));
  /** The first finding of each secret at each path: what a moved one copies. */
  const byPath = new Map<string, SecretLeak>();
  for (const l of tally.facts.leaks) {
    const key = `${l.path}\0${l.kind}\0${l.redacted}`;
    if (!byPath.has(key)) byPath.set(key, l);
  }
  return new BatchReader((id) => {
    const where = tally.moved.get(id);
    if (!where) return undefined;
    return new BlobText(detector, keyword, maxBlobBytes, (hit) => {
      const key = at(where.commit, where.path, hit.line, hit.kind);
      if (reported.has(key)) return;
      reported.add(key);
      const old = byPath.get(`${where.from}\0${hit.kind}\0${hit.redacted}`);
      tally.leak(
        hit,
        where.commit,
        where.path,
        id,
        old ? (old.from ?? { commit: old.commit, path: old.path }) : undefined,
      );
    });
  });
}
