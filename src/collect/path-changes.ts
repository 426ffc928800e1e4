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
// there when anything under it changes; entries below or above a watched path are skipped. The
// same entries read from `git log --raw` (path-tap.ts) are turned into diff-tree's here too.
// One diff-tree process per range of the list, their outputs read one after the other.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExpectedError, GitError } from '../errors.js';
import { gitReading } from './git-reading.js';
import { lineRanges, writeRange, type LineRange } from './list-chunks.js';

/** The arguments for diff-tree: `firstParent` false for a git without --diff-merges (its input then names one parent). */
function diffTreeArgs(paths: readonly string[], firstParent: boolean): string[] {
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

/**
 * One entry of a commit's diff at watched path `path` (`present`: the watched paths it already has an
 * entry at). A zero id is a deletion; a type change (file <-> folder) is a deletion and an addition at
 * one path, in either order: the addition wins.
 */
function noteChange(current: CommitPathChanges, present: Set<string>, path: string, mode: string, oid: string): void {
  if (current.changed === NO_CHANGES) current.changed = {};
  if (/^0+$/.test(oid)) {
    if (!(path in current.changed)) current.changed[path] = null;
    return;
  }
  // Two entries at one path (a tree with duplicate names, which git fsck rejects): git's lookup
  // (`git show <commit>:<path>`) takes the first, this derivation would keep the last, so a
  // policy could read one way here and another at the tip. Refused, as git's fsck does.
  if (present.has(path))
    throw new ExpectedError(
      `commit ${current.oid} has two entries at ${path} (a tree with duplicate entries: git reads it in more than one way)`,
      'git fsck names the tree; such a commit can only be removed from the history',
    );
  present.add(path);
  // The mode too: a file that becomes a link (or a folder a submodule) keeps its id.
  current.changed[path] = `${mode} ${oid}`;
}

/** The watched paths keyed as git prints them, byte for byte (latin1 keeps one char per byte). */
export const wantedPaths = (paths: readonly string[]): Map<string, string> =>
  new Map(paths.map((p) => [Buffer.from(p, 'utf8').toString('latin1'), p]));

const C_ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '\\': 92, '"': 34 };

/**
 * A path as git prints it outside -z (text[s, e), one char per byte): bare, or C-quoted with octal
 * escapes for bytes (core.quotePath); its bytes as a latin1 string, and where it ends in `text`.
 */
export function quotedPathAt(text: string, s: number, e: number): [string, number] {
  if (text.charCodeAt(s) !== 0x22) {
    const tab = text.indexOf('\t', s);
    const end = tab === -1 || tab > e ? e : tab;
    return [text.slice(s, end), end];
  }
  let out = '';
  let i = s + 1;
  for (; i < e; i += 1) {
    const ch = text[i]!;
    if (ch === '"') return [out, i + 1];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = text[i + 1] ?? '';
    if (next >= '0' && next <= '7') {
      out += String.fromCharCode(parseInt(text.slice(i + 1, i + 4), 8) & 0xff);
      i += 3;
    } else {
      out += String.fromCharCode(C_ESCAPES[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return [out, i];
}

const badRecord = (text: string, s: number, e: number): Error =>
  new Error(`unexpected git log --raw record "${text.slice(s, Math.min(e, s + 200))}"`);

/**
 * One record of `git log --raw --no-abbrev` (text[s, e) starts with ":<digit>"; a merge's combined
 * records start with "::" and are not read here), as the entries diff-tree --no-renames gives for it:
 * a rename is a deletion at its source and an addition at its target, a copy an addition at its
 * target. Entries at watched paths go to `current`.
 */
export function noteRawRecord(
  text: string,
  s: number,
  e: number,
  wanted: ReadonlyMap<string, string>,
  current: CommitPathChanges,
  present: Set<string>,
): void {
  // ":<old mode> <new mode> <old oid> <new oid> <status>\t<path>[\t<path>]"
  const tab = text.indexOf('\t', s);
  if (tab === -1 || tab >= e) throw badRecord(text, s, e);
  const status = text.charCodeAt(text.lastIndexOf(' ', tab) + 1);
  const two = status === 0x52 /* R */ || status === 0x43; /* C */
  const [first, end] = quotedPathAt(text, tab + 1, e);
  if (two !== (end < e && text.charCodeAt(end) === 0x09)) throw badRecord(text, s, e);
  const target = two ? wanted.get(quotedPathAt(text, end + 1, e)[0]) : wanted.get(first);
  const source = status === 0x52 ? wanted.get(first) : undefined;
  if (target === undefined && source === undefined) return; // most records: nowhere watched
  const fields = text.slice(s + 1, tab).split(' ');
  const oid = fields[3];
  if (fields.length !== 5 || !oid || !/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(oid)) throw badRecord(text, s, e);
  if (source !== undefined) noteChange(current, present, source, fields[0]!, '0'.repeat(oid.length));
  if (target !== undefined) noteChange(current, present, target, fields[1]!, oid);
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
    this.wanted = wantedPaths(paths);
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
      if (path !== undefined && this.current) noteChange(this.current, this.present, path, this.entryMode, oid);
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

/** git diff-tree --stdin's line buffer is 1000 bytes, newline included: a commit line with a few
 *  dozen parents would be cut and its tail read as another commit. */
const DIFF_TREE_LINE_MAX = 998;

/** rev-list's "<commit> <parents...>" lines cut to "<commit> <first parent>": for a git without --diff-merges, and for lines too long for diff-tree. */
function firstParentLines(requests: string, out: string): string {
  writeFileSync(
    out,
    readFileSync(requests, 'latin1')
      .split('\n')
      .map((l) => l.split(' ', 2).join(' '))
      .join('\n'),
    'latin1',
  );
  return out;
}

/**
 * diff-tree's changes at `paths` for every commit of the list, in its order, a batch per read: one
 * process per range of the list (their outputs read one after the other are one process's). A git
 * without --diff-merges (before 2.31) refuses it at once (exit 129): each commit is then given with
 * its first parent only, which diff-tree compares against alone.
 */
export async function* pathChangeStream(
  gitDir: string,
  requests: string,
  ranges: LineRange[],
  paths: string[],
  work: string,
  viaFile: boolean,
  /** Its temp files' names start with this (two streams may share `work`). */
  name = 'changes',
): AsyncGenerator<CommitPathChanges[]> {
  for (const firstParent of [true, false]) {
    const args = diffTreeArgs(paths, firstParent);
    // Only the first parent matters (--diff-merges=first-parent): an octopus merge is cut down to it
    // rather than cut in pieces by diff-tree's line buffer.
    const longLines = ranges.some((r) => r.longest > DIFF_TREE_LINE_MAX);
    const list = firstParent && !longLines ? requests : firstParentLines(requests, join(work, `${name}-first-parents`));
    // The same lines, cut where the list's own bytes are.
    const cuts = list === requests || ranges.length === 1 ? ranges : lineRanges(list, ranges[0]!.lines);
    const parser = new PathChangeParser(paths);
    let refused = false;
    for (const [i, range] of cuts.entries()) {
      // One range (the whole list) is read from the list itself.
      const input = cuts.length === 1 ? list : writeRange(list, range, join(work, `${name}-in`));
      const git = gitReading(args, gitDir, input, viaFile ? join(work, name) : undefined);
      let any = false;
      let completed = false;
      try {
        for await (const chunk of git.chunks) {
          any = true;
          const out = parser.push(chunk);
          if (out.length) yield out;
        }
        const code = await git.done;
        completed = true;
        if (code === 129 && !any && firstParent && i === 0) {
          refused = true;
          break;
        }
        git.dog.check(args);
        if (code !== 0) throw new GitError(args, code, git.stderr());
      } finally {
        if (!completed) git.child.kill();
      }
    }
    if (refused) continue;
    const last = parser.end();
    if (last.length) yield last;
    return;
  }
}
