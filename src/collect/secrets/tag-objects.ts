// Annotated tags a push or a clone carries: their objects hold a tagger and a message (`git show
// v1.0` prints them, `git push --tags` publishes them), and a tag may name a blob no commit holds.
// `git log -p` reads none of it: the tags in scope (the pushed ones, every ref's with --all) are read
// from one `git cat-file --batch` per level of tags naming tags, each object as a file of its own
// (blob-text.ts), after the logs (scan.ts).
import { TAG_OBJECT, TAGGED_BLOB } from '../../domain/content.js';
import type { SecretDetector } from './detect.js';
import type { ScanTally } from './log-reader.js';
import { BatchReader, BlobText, type ObjectSink } from './blob-text.js';

/** How much of a tag's start is kept to read the object it names ("object <id>\ntype <type>\n"). */
const HEAD_BYTES = 256;

/** A tag's bytes: scanned as text, its start read for the object it names, given to `named` at its end. */
class TagSink implements ObjectSink {
  private head = '';
  constructor(
    private readonly text: BlobText,
    private readonly named: (target: string) => void,
  ) {}
  push(chunk: Buffer): void {
    if (this.head.length < HEAD_BYTES) this.head += chunk.toString('latin1', 0, HEAD_BYTES - this.head.length);
    this.text.push(chunk);
  }
  end(): void {
    this.text.end();
    // Another tag or a blob: what the logs never read.
    const m = /^object ([0-9a-f]+)\ntype (tag|blob)\n/.exec(this.head);
    if (m) this.named(m[1]!);
  }
}

/**
 * Scans the tags among `ids` (tips of the scope: commits among them are passed over), the tags they
 * name, and a blob one names that the logs did not read. `read` runs `git cat-file --batch` over ids.
 */
export async function scanTagObjects(
  ids: readonly string[],
  read: (ids: string[], reader: BatchReader) => Promise<void>,
  tally: ScanTally,
  detector: SecretDetector,
  maxBlobBytes: number,
): Promise<void> {
  const keyword = new RegExp(detector.keywordPattern().source, 'i');
  const asked = new Set<string>();
  /** The tag that named each object of the next level (undefined: a tip of the scope). */
  let level = new Map<string, string | undefined>(ids.map((id) => [id, undefined]));
  while (level.size) {
    const named = level;
    const next = new Map<string, string | undefined>();
    for (const id of named.keys()) asked.add(id);
    const reader = new BatchReader((id, type) => {
      const text = (commit: string, path: string): BlobText =>
        new BlobText(detector, keyword, maxBlobBytes, (hit) => tally.leak(hit, commit, path));
      if (type === 'tag')
        return new TagSink(text(id, TAG_OBJECT), (target) => {
          if (!asked.has(target)) next.set(target, id);
        });
      // A blob a tag names: read unless the logs read it (or an earlier tag).
      const tag = named.get(id);
      return type === 'blob' && tag !== undefined && !tally.blob(id) ? text(tag, TAGGED_BLOB) : undefined;
    });
    await read([...named.keys()], reader);
    level = next;
  }
}
