// Annotated tags a push or a clone carries: their objects hold a tagger and a message (`git show
// v1.0` prints them, `git push --tags` publishes them), and a tag (or a ref) may name a blob or a
// tree no commit holds: its files and their names (`git show v1-files:deploy.env`).
// `git log -p` reads none of it: the tags in scope (the pushed ones, every ref's with --all) and those
// they name are listed by one `git rev-list` (one git per level took 17 ms each: a chain of 2,000
// tags 35 s, a million hours), read from one `git cat-file --batch`, each object as a file of its own
// (blob-text.ts), after the logs (scan.ts).
import { FILE_NAME, TAG_OBJECT, TAGGED_BLOB } from '../../domain/content.js';
import type { SecretDetector } from './detect.js';
import type { ScanTally } from './scan-tally.js';
import { BatchReader, BlobText, type ObjectSink } from './blob-text.js';

/** How much of a tag's start is kept to read the object it names ("object <id>\ntype <type>\n"). */
const HEAD_BYTES = 256;

/** A tag's bytes: scanned as text, its start read for the object it names, given to `named` at its end. */
class TagSink implements ObjectSink {
  private head = '';
  constructor(
    private readonly text: BlobText,
    private readonly named: (target: string, type: string) => void,
  ) {}
  push(chunk: Buffer): void {
    if (this.head.length < HEAD_BYTES) this.head += chunk.toString('latin1', 0, HEAD_BYTES - this.head.length);
    this.text.push(chunk);
  }
  end(): void {
    this.text.end();
    // A blob or a tree: what the logs never read (a tag it names is listed already).
    const m = /^object ([0-9a-f]+)\ntype (tag|blob|tree)\n/.exec(this.head);
    if (m) this.named(m[1]!, m[2]!);
  }
}

/**
 * Scans the tags among `ids` (tips of the scope: tags, trees and blobs), the tags they name, and a
 * blob or tree one names (or `ids` holds) that the logs did not read. `list` runs `git rev-list
 * --objects --no-walk` over ids (the tags of every chain, as git peels them, in one git however
 * deep; `tree:0`: no tree, or with `trees`, over trees: every object under them with its path);
 * `read` runs `git cat-file --batch` over ids: once for the tags, once for the blobs they name.
 */
export async function scanTagObjects(
  ids: readonly string[],
  list: (ids: string[], trees?: boolean) => Promise<string[]>,
  read: (ids: string[], reader: BatchReader) => Promise<void>,
  tally: ScanTally,
  detector: SecretDetector,
  maxBlobBytes: number,
): Promise<void> {
  const keyword = new RegExp(detector.keywordPattern().source, 'i');
  const text = (commit: string, path: string): BlobText =>
    new BlobText(detector, keyword, maxBlobBytes, (hit) => tally.leak(hit, commit, path));
  /** The tag (or the ref's own object) that named each blob and tree (the first one read). */
  const blobs = new Map<string, string>();
  const trees = new Map<string, string>();
  const named = (target: string, type: string, by: string): void => {
    const into = type === 'blob' ? blobs : type === 'tree' ? trees : undefined;
    if (into && !into.has(target)) into.set(target, by);
  };
  // Every object of the chains (commits too: cat-file tells the tags apart, the rest is passed over),
  // and the tips themselves (a tree tip: rev-list filters it out).
  const objects = await list([...ids]);
  await read(
    [...new Set([...ids, ...objects])],
    new BatchReader((id, type) => {
      if (type === 'tag') return new TagSink(text(id, TAG_OBJECT), (target, t) => named(target, t, id));
      named(id, type, id);
      return undefined;
    }),
  );
  // What the trees hold: each file (a blob) and each name under them, by the tag that named the tree.
  if (trees.size) {
    let by = '';
    for (const line of await list([...trees.keys()], true)) {
      const space = line.indexOf(' ');
      const id = space < 0 ? line : line.slice(0, space);
      by = trees.get(id) ?? by;
      const name = space < 0 ? '' : line.slice(space + 1);
      if (name && keyword.test(name)) for (const hit of detector.scan([name], [1])) tally.leak(hit, by, FILE_NAME);
      if (!blobs.has(id)) blobs.set(id, by);
    }
  }
  // A blob a tag names: read unless the logs read it (a tree or a submodule's commit in the list: not a blob, passed over).
  const unread = [...blobs.keys()].filter((id) => !tally.blob(id));
  if (unread.length)
    await read(
      unread,
      new BatchReader((id, type) => (type === 'blob' ? text(blobs.get(id)!, TAGGED_BLOB) : undefined)),
    );
}

/** git's listing of the tips' chains: each tag it peels through, the object at the end, no tree;
 *  with `trees`, every object under the trees given, each with its path. */
export const revListTags = (trees = false): string[] => [
  'rev-list',
  '--objects',
  '--no-walk',
  ...(trees ? [] : ['--filter=tree:0']),
  '--missing=allow-any',
  '--stdin',
];

/** The lines of `git rev-list --objects` output ("<id>[ <name>]"), as it comes; `ids` keeps the ids alone. */
export class LineList {
  readonly ids: string[] = [];
  constructor(private readonly whole = false) {}
  private rest = '';
  read(chunk: Buffer): void {
    const lines = (this.rest + chunk.toString('latin1')).split('\n');
    this.rest = lines.pop()!;
    for (const line of lines) this.add(line);
  }
  end(): void {
    this.add(this.rest);
    this.rest = '';
  }
  private add(line: string): void {
    const id = this.whole ? line : line.split(' ', 1)[0]!;
    if (id) this.ids.push(id);
  }
}
