// What each commit changes at the watched paths (the policy folder, protected files, CI), read from
// one `git diff-tree --stdin -r -t -z` pass over the walk's commit list, each against its first
// parent: git reads each commit's root tree once and prunes every subtree no watched path is in,
// where looking each path up in each commit's tree read the root tree once per path (eight times a
// commit, most of a large walk's time). A commit's state at the watched paths is then its first
// parent's with these changes applied (src/collect/trust.ts).
//
// With -z every record is NUL-terminated: a commit header "<oid>", then per changed entry
// ":<old mode> <new mode> <old oid> <new oid> <status>" and its path. Renames are off, so each entry
// has exactly one path. -t lists the trees on the way too, so a watched folder's own new tree id is
// there when anything under it changes; entries below or above a watched path are skipped.

import { ExpectedError } from '../errors.js';

/** The arguments for diff-tree: `firstParent` false for a git without --diff-merges (its input then names one parent). */
export function diffTreeArgs(paths: readonly string[], firstParent: boolean): string[] {
  return [
    '--literal-pathspecs',
    'diff-tree',
    '--stdin',
    '-r',
    '-t',
    '--root',
    '--always',
    '-z',
    '--no-renames',
    ...(firstParent ? ['--diff-merges=first-parent'] : []),
    '--',
    ...paths,
  ];
}

export interface CommitPathChanges {
  oid: string;
  /** Watched paths whose entry differs from the first parent's: "<mode> <id>" here (tree-entry.ts), or null where it is gone. */
  changed: Record<string, string | null>;
}

const COLON = 0x3a;

/** The changes of a commit that changes no watched path (most of them): one shared, frozen object. */
export const NO_CHANGES: Readonly<Record<string, string | null>> = Object.freeze({});

/** Whether buf[start, end) is lower-case hex (the ids git prints). */
function isHex(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i += 1) {
    const c = buf[i]!;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** Parses diff-tree's stream as it arrives; each commit is handed on once the next one starts (or the stream ends). */
export class PathChangeParser {
  /** The watched paths, as the raw bytes git prints (latin1 keeps one char per byte). */
  private readonly wanted: Map<string, string>;
  private rest: Buffer = Buffer.alloc(0);
  private current: CommitPathChanges | undefined;
  /** The entry whose path comes next ("<new oid>" of a ":..." record), and its new mode. */
  private entryOid: string | undefined;
  private entryMode = '';

  /** The watched paths the current commit has an entry at (a second one is a duplicate entry). */
  private present = new Set<string>();

  /** 40 (SHA-1) or 64 (SHA-256), from the first header. */
  private hexLength = 0;

  constructor(paths: readonly string[]) {
    this.wanted = new Map(paths.map((p) => [Buffer.from(p, 'utf8').toString('latin1'), p]));
  }

  push(chunk: Buffer): CommitPathChanges[] {
    const buf = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    const out: CommitPathChanges[] = [];
    let pos = 0;
    for (;;) {
      const nul = buf.indexOf(0, pos);
      if (nul < 0) break;
      this.token(buf, pos, nul, out);
      pos = nul + 1;
    }
    this.rest = pos < buf.length ? Buffer.from(buf.subarray(pos)) : Buffer.alloc(0);
    return out;
  }

  /** The last commit, once the stream has ended. */
  end(): CommitPathChanges[] {
    if (this.rest.length || this.entryOid !== undefined)
      throw new Error('git diff-tree output ends in the middle of a record');
    const last = this.current;
    this.current = undefined;
    return last ? [last] : [];
  }

  private token(buf: Buffer, s: number, e: number, out: CommitPathChanges[]): void {
    if (this.entryOid !== undefined) {
      // The path of the entry just read: only an exact watched path counts.
      const path = this.wanted.get(buf.toString('latin1', s, e));
      const oid = this.entryOid;
      this.entryOid = undefined;
      if (path === undefined || !this.current) return;
      const zero = /^0+$/.test(oid);
      // A type change (file <-> folder) is a deletion and an addition at one path: the addition wins.
      if (this.current.changed === NO_CHANGES) this.current.changed = {};
      if (zero) {
        if (!(path in this.current.changed)) this.current.changed[path] = null;
        return;
      }
      // Two entries at one path (a tree with duplicate names, which git fsck rejects): git's lookup
      // (`git show <commit>:<path>`) takes the first, this derivation would keep the last, so a
      // policy could read one way here and another at the tip. Refused, as git's fsck does.
      if (this.present.has(path))
        throw new ExpectedError(
          `commit ${this.current.oid} has two entries at ${path} (a tree with duplicate entries: git reads it in more than one way)`,
          'git fsck names the tree; such a commit can only be removed from the history',
        );
      this.present.add(path);
      // The mode too: a file that becomes a link (or a folder a submodule) keeps its id.
      this.current.changed[path] = `${this.entryMode} ${oid}`;
      return;
    }
    if (buf[s] === COLON) {
      // ":<old mode> <new mode> <old oid> <new oid> <status>"
      const fields = buf.toString('latin1', s + 1, e).split(' ');
      const oid = fields[3];
      if (fields.length !== 5 || !this.current || oid?.length !== this.hexLength)
        throw new Error(`unexpected git diff-tree record "${buf.toString('latin1', s, Math.min(e, s + 200))}"`);
      this.entryOid = oid;
      this.entryMode = fields[1]!;
      return;
    }
    const n = e - s;
    this.hexLength ||= n;
    if ((n !== 40 && n !== 64) || n !== this.hexLength || !isHex(buf, s, e))
      throw new Error(`unexpected git diff-tree header "${buf.toString('latin1', s, Math.min(e, s + 200))}"`);
    if (this.current) out.push(this.current);
    this.current = { oid: buf.toString('latin1', s, e), changed: NO_CHANGES };
    if (this.present.size) this.present.clear();
  }
}
