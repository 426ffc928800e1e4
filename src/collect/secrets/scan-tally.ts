// The secrets scan's tally (scan.ts): its counters and findings, and the file versions (blobs) seen
// so far, which every reader of git's output counts into in the list's order (log-reader.ts), then
// the passes over commit objects, binaries and tags.
import { MAX_LEAKS, type SecretHit, type SecretLeak, type SecretsFacts } from '../../domain/content.js';
import { OidIndex } from '../../domain/oid-index.js';

/** Blob ids remembered to skip repeats (their raw bytes in an OidIndex, ~40 bytes each). Past this many the set starts over: a
 *  repeat may then be scanned twice (a duplicate finding at worst, never a missed one), and memory
 *  stays bounded whatever the size of the history. */
const MAX_SEEN = 1_000_000;

/** The scan's counters and findings, and the blobs seen so far: what every reader's files count into, in order. */
export class ScanTally {
  private seen = new OidIndex();
  /** Blobs git called binary (too large, or binary), read afterwards (blob-text.ts): each with the
   *  commit and the path it was first seen at, "<commit>\0<path>". */
  readonly binaries = new Map<string, string>();
  /** File versions whose added lines may lie in a key block whose header they lack (key-bodies.ts). */
  readonly edited = new Map<string, { commit: string; path: string; edits: number[] }>();
  /** File versions a rename or copy put at a path, with the path they came `from`: read whole (moved-lines.ts). */
  readonly moved = new Map<string, { commit: string; path: string; from: string }>();
  constructor(readonly facts: SecretsFacts) {}

  /** An "index <old>..<new>" line: a blob seen before is skipped (true). */
  blob(id: string): boolean {
    // One lookup, not a get and an add: the index grows only when the blob is new.
    const before = this.seen.size;
    if (this.seen.add(id) < before) {
      this.facts.skipped.repeated += 1;
      return true;
    }
    if (before >= MAX_SEEN) {
      this.seen = new OidIndex();
      this.seen.add(id);
    }
    return false;
  }

  /** Whether the blob was seen (read, or skipped as read) in this run. */
  has(id: string): boolean {
    return this.seen.get(id) >= 0;
  }

  /** A finding at `commit` and `path`; `blob`: the file version it was read in, `from`: the finding it copies (leak-copies.ts). */
  leak(hit: SecretHit, commit: string, path: string, blob?: string, from?: SecretLeak['from']): void {
    if (this.facts.leaks.length < MAX_LEAKS)
      this.facts.leaks.push({
        ...hit,
        commit,
        path,
        ...(blob && !/^0+$/.test(blob) ? { blob } : {}),
        ...(from ? { from } : {}),
      });
    else this.facts.more += 1;
  }
}
