// What each file of the secrets scan's `git log -p` counts for in the scan's tally (scan-tally.ts), read
// directly or *deferred* (log-reader.ts reads the lines): a deferred reader keeps, per changed file,
// only the header lines the tally acts on and what the detector found, and hands them to the tally in
// order once the chunk before it is done (`goDirect`). The facts are the same either way.
import type { SecretDetector } from './detect.js';
import type { FileChange, Found } from './diff-lines.js';
import type { SecretHit } from '../../domain/content.js';
import { FILE_NAME } from '../../domain/content.js';
import type { ScanTally } from './scan-tally.js';

const isZero = (id: string): boolean => /^0+$/.test(id);

// What a deferred reader keeps, one flat list for all its files (a million-commit scan reads ahead
// 50,000 commits' files: an object and an array per file cost twice the memory): per file, the
// header lines the tally acts on (BLOB and the new id, PLUS, BINARY and where it is, NAME and the number of
// what was found in a name the file got in `keptHits`) then END and the number of its findings in
// `keptHits` (-1: none, the common case: no commit id is kept for it).
const BLOB = 0;
const PLUS = 1;
const BINARY = 2;
const END = 3;
const NAME = 4;

/** The files of one git log process's output, counted into the tally directly or kept until `goDirect`. */
export class LogFiles {
  /** The commit being read. */
  protected commit = '';
  /** The file being read. */
  protected file: FileChange | undefined;
  /** While deferred: the files done so far, and the commits counted. */
  protected kept: Array<number | string> | undefined;
  /** What the detector found in kept files, with their commits and paths. */
  private keptHits: Found[] = [];
  protected keptCommits = 0;
  /** Where the file being read starts in the kept list. */
  private openAt = 0;

  constructor(
    protected readonly tally: ScanTally,
    protected readonly detector: SecretDetector,
    deferred: boolean,
  ) {
    if (deferred) this.kept = [];
  }

  get deferred(): boolean {
    return this.kept !== undefined;
  }

  /**
   * Hands what was kept to the tally, in order, and reads directly from now on (the reader before
   * this one is done). The file being read, if any, goes on with the tally's answer for its blob.
   */
  goDirect(): void {
    const kept = this.kept;
    if (!kept) return;
    this.kept = undefined;
    this.tally.facts.commits += this.keptCommits;
    const open = this.file;
    const done = open ? this.openAt : kept.length;
    let f: FileChange = { skip: false, deferred: false, lines: [], numbers: [] };
    for (let i = 0; i < done; i += 1) {
      const e = kept[i];
      if (e === END) {
        const h = kept[++i] as number;
        const found = h >= 0 ? this.keptHits[h]! : undefined;
        if (found && !f.skip) this.found(f, found);
        f = { skip: false, deferred: false, lines: [], numbers: [] };
      } else if (this.header(f, kept, i, e as number)) i += 1;
    }
    if (open) {
      // The file being read goes on directly, with the tally's answer for its blob: lines kept so far
      // were kept unless it is binary, and a blob the tally skips now drops them at its flush.
      open.deferred = false;
      const binary = open.skip;
      open.skip = false;
      for (let i = done; i < kept.length; i += 1) if (this.header(open, kept, i, kept[i] as number)) i += 1;
      if (binary) open.skip = true;
    }
    this.keptHits = [];
  }

  /** Replays one kept header event at kept[i]; true when it took the next item (a blob id) too. */
  private header(f: FileChange, kept: Array<number | string>, i: number, e: number): boolean {
    if (e === BLOB) {
      this.onBlob(f, kept[i + 1] as string);
      return true;
    }
    if (e === PLUS) {
      this.onPlus(f);
      return false;
    }
    if (e === NAME) {
      const found = this.keptHits[kept[i + 1] as number]!;
      for (const hit of found.hits) this.tally.leak(hit, found.commit, found.path);
      return true;
    }
    this.onBinary(f, kept[i + 1] as string);
    return true;
  }

  /** An "index" line: the file's new blob id. */
  protected onBlob(f: FileChange, id: string): void {
    f.blob = id;
    if (f.deferred) this.kept!.push(BLOB, id);
    else if (this.tally.blob(id)) f.skip = true;
  }

  /** A "+++" line: the file's new version is scanned (unless skipped). */
  protected onPlus(f: FileChange): void {
    if (f.deferred) this.kept!.push(PLUS);
    else if (!f.skip) this.tally.facts.scanned += 1;
  }

  /** A "Binary files" line: its blob is read afterwards (blob-text.ts), from `where` ("<commit>\0<path>"). */
  protected onBinary(f: FileChange, where: string): void {
    if (f.deferred) this.kept!.push(BINARY, where);
    else if (!f.skip && f.blob && !isZero(f.blob) && !this.tally.binaries.has(f.blob))
      this.tally.binaries.set(f.blob, where);
    f.skip = true;
  }

  /** Ends the file being read: its kept lines go to the detector, and what it found to the tally. */
  protected endFile(): void {
    const file = this.file;
    this.file = undefined;
    if (!file) return;
    const hits =
      !file.skip && file.lines.length && file.path !== undefined
        ? this.detector.scan(file.lines, file.numbers)
        : undefined;
    const found: Found = { commit: this.commit, path: file.path!, hits: hits ?? [], edits: file.edits };
    if (file.movedFrom !== undefined) found.movedFrom = file.movedFrom;
    const keep = hits || file.edits || file.movedFrom !== undefined;
    if (file.deferred) this.kept!.push(END, keep ? this.keptHits.push(found) - 1 : -1);
    else if (!file.skip && file.path !== undefined) this.found(file, found);
  }

  /** Starts the next file (the one before ended). */
  protected startFile(): void {
    this.file = { skip: false, deferred: this.kept !== undefined, lines: [], numbers: [] };
    if (this.kept) this.openAt = this.kept.length;
  }

  /** What a name the commit gives a file holds (at `(file name)`). */
  protected nameHits(hits: SecretHit[]): void {
    if (this.kept) this.kept.push(NAME, this.keptHits.push({ commit: this.commit, path: FILE_NAME, hits }) - 1);
    else for (const hit of hits) this.tally.leak(hit, this.commit, FILE_NAME);
  }

  /** A file's findings, and its version to read again when it may have changed a key block's body. */
  private found(f: FileChange, found: Found): void {
    for (const hit of found.hits) this.tally.leak(hit, found.commit, found.path, f.blob);
    if (!f.blob || isZero(f.blob)) return;
    if (found.edits && !this.tally.edited.has(f.blob))
      this.tally.edited.set(f.blob, { commit: found.commit, path: found.path, edits: found.edits });
    if (found.movedFrom !== undefined && !this.tally.moved.has(f.blob))
      this.tally.moved.set(f.blob, { commit: found.commit, path: found.path, from: found.movedFrom });
  }
}
