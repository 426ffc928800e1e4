// A long commit list is given to git a chunk at a time, one process per chunk. git keeps every
// object it has parsed until it exits (diff-tree ~750 bytes a commit, log -p more), so one
// `diff-tree --stdin` or `log -p` over a million commits held ~1 GB; a process per chunk holds one
// chunk's objects, and the outputs, read one after the other, are the one process's output.
// The list itself is rev-list's, made once per run and set of revisions (sortedCommitList): the
// secrets scan and the walk share it rather than sort the history twice.
import type { ChildProcess } from 'node:child_process';
import { closeSync, linkSync, openSync, readFileSync, readSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { GitError } from '../errors.js';
import { gitText, spawnGit, Watchdog } from './git.js';
import { runContext, type RunContext } from './run-context.js';

/** Commits given to one git process of a long pass (diff-tree, log -p): bounds what git holds. */
export const CHUNK_COMMITS = 50_000;

/**
 * Caps git's pack mappings. Every page of a pack that git has touched counts in its RSS, and a walk
 * touches all of them: at a million commits rev-list's --topo-order took 585 MB and cat-file 337 MB,
 * with these (the passes that read only commits) 332 MB and 140 MB, at the same CPU time. Every
 * other git gets git.ts's PACK_WINDOWS.
 */
export const COMMIT_PASS_CONFIG = ['-c', 'core.packedGitWindowSize=16m', '-c', 'core.packedGitLimit=64m'];

export interface LineRange {
  start: number;
  end: number;
  lines: number;
  /** The longest line's bytes, newline excluded. */
  longest: number;
}

/** `file` cut into ranges of at most `maxLines` whole lines each, in order (a last line may lack its newline). */
export function lineRanges(file: string, maxLines: number): LineRange[] {
  const ranges: LineRange[] = [];
  const fd = openSync(file, 'r');
  try {
    const block = Buffer.allocUnsafe(1024 * 1024);
    let offset = 0;
    let start = 0;
    let lines = 0;
    let lineStart = 0;
    let longest = 0;
    for (;;) {
      const got = readSync(fd, block, 0, block.length, null);
      if (got === 0) break;
      for (let i = block.indexOf(10); i !== -1 && i < got; i = block.indexOf(10, i + 1)) {
        longest = Math.max(longest, offset + i - lineStart);
        lineStart = offset + i + 1;
        if ((lines += 1) === maxLines) {
          ranges.push({ start, end: lineStart, lines, longest });
          start = lineStart;
          lines = 0;
          longest = 0;
        }
      }
      offset += got;
    }
    if (offset > start) {
      const partial = offset > lineStart; // a last line without its newline
      ranges.push({
        start,
        end: offset,
        lines: lines + (partial ? 1 : 0),
        longest: Math.max(longest, offset - lineStart),
      });
    }
    return ranges;
  } finally {
    closeSync(fd);
  }
}

/** The first word of each line of `file` at least `minBytes` long (newline excluded), in order. */
export function longLineHeads(file: string, minBytes: number): string[] {
  const heads: string[] = [];
  const fd = openSync(file, 'r');
  try {
    const block = Buffer.allocUnsafe(1024 * 1024);
    let offset = 0;
    let lineStart = 0;
    let head = ''; // the current line's first word, kept until its newline
    let inHead = true;
    for (;;) {
      const got = readSync(fd, block, 0, block.length, null);
      if (got === 0) break;
      for (let i = 0; i < got;) {
        let nl = block.indexOf(10, i);
        if (nl >= got) nl = -1;
        const end = nl === -1 ? got : nl;
        if (inHead) {
          let sp = block.indexOf(32, i);
          if (sp === -1 || sp > end) sp = end;
          head += block.toString('latin1', i, sp);
          inHead = sp === end && nl === -1;
        }
        if (nl === -1) break;
        if (offset + nl - lineStart >= minBytes) heads.push(head);
        lineStart = offset + nl + 1;
        head = '';
        inHead = true;
        i = nl + 1;
      }
      offset += got;
    }
    if (offset > lineStart && offset - lineStart >= minBytes) heads.push(head);
    return heads;
  } finally {
    closeSync(fd);
  }
}

/** Bytes copied at a time: a chunk's list is never held whole (a walk's chunks would be ~4 MB each). */
const COPY_BLOCK = 256 * 1024;

/**
 * The lines of one range of `file`, written to `out`: the input of one git process. `firstWord`
 * keeps each line's first word (the commit of "<commit> <parents...>", for git log's --stdin).
 */
export function writeRange(file: string, range: LineRange, out: string, firstWord = false): string {
  const fd = openSync(file, 'r');
  const outFd = openSync(out, 'w', 0o600);
  try {
    const block = Buffer.allocUnsafe(COPY_BLOCK);
    const kept = Buffer.allocUnsafe(COPY_BLOCK);
    /** Inside a line's parents (after its first word) until its newline, which may be in a later block. */
    let skipping = false;
    for (let pos = range.start; pos < range.end;) {
      const n = readSync(fd, block, 0, Math.min(COPY_BLOCK, range.end - pos), pos);
      if (n === 0) break;
      pos += n;
      if (!firstWord) {
        writeSync(outFd, block, 0, n);
        continue;
      }
      let k = 0;
      for (let i = 0; i < n;) {
        let nl = block.indexOf(10, i);
        if (nl >= n) nl = -1;
        const lineEnd = nl === -1 ? n : nl;
        if (!skipping) {
          let sp = block.indexOf(32, i);
          if (sp === -1 || sp > lineEnd) sp = lineEnd;
          k += block.copy(kept, k, i, sp);
          skipping = sp < lineEnd;
        }
        if (nl === -1) break; // the line goes on in the next block
        kept[k++] = 10;
        skipping = false;
        i = nl + 1;
      }
      writeSync(outFd, kept, 0, k);
    }
    return out;
  } finally {
    closeSync(outFd);
    closeSync(fd);
  }
}

export function collectStderr(child: ChildProcess): () => string {
  const chunks: Buffer[] = [];
  let size = 0;
  child.stderr!.on('data', (c: Buffer) => {
    if ((size += c.length) <= 64 * 1024) chunks.push(c); // only its first line is ever shown
  });
  return () => Buffer.concat(chunks).toString('utf8');
}

export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('close', (code) => resolve(code));
  });
}

/** Runs git with stdin `input` and stdout into `file`; throws GitError on failure (and kills git once `signal` fires). */
export async function gitToFile(
  args: string[],
  gitDir: string,
  input: string,
  file: string,
  signal?: AbortSignal,
): Promise<void> {
  const fd = openSync(file, 'w', 0o600);
  let child: ChildProcess;
  try {
    child = spawnGit(args, { gitDir, stdout: fd });
  } finally {
    closeSync(fd);
  }
  const err = collectStderr(child);
  // Progress is the file growing; rev-list --topo-order may think a long while before its first line.
  const dog = new Watchdog(child, 'git');
  dog.arm();
  let size = 0;
  const poll = setInterval(
    () => {
      const now = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
      if (now !== size) dog.arm();
      size = now;
    },
    Math.min(1000, dog.idleMs / 4),
  );
  const abort = (): void => void child.kill('SIGKILL');
  if (signal?.aborted) abort();
  signal?.addEventListener('abort', abort, { once: true });
  child.stdin!.on('error', () => undefined);
  child.stdin!.end(input);
  const code = await exited(child);
  signal?.removeEventListener('abort', abort);
  clearInterval(poll);
  dog.check(args);
  if (code !== 0) throw new GitError(args, code, err());
}

/**
 * Sorted lists made in each run, by what decides their content: the maker's file while it keeps it
 * (a link costs nothing), then the list itself when it is short (KEEP_BYTES).
 */
const made = new WeakMap<RunContext, Map<string, Promise<string | Buffer>>>();

// A small history's scan is done before the walk asks: up to ~12,000 commits' list stays in memory
// for the rest of the run rather than be sorted again by a second rev-list.
const KEEP_BYTES = 1024 * 1024;

const SORTED_LIST_ARGS = [...COMMIT_PASS_CONFIG, 'rev-list', '--stdin', '--parents', '--topo-order', '--reverse'];

const contentOf = (file: string): string =>
  statSync(file, { throwIfNoEntry: false }) ? readFileSync(file, 'latin1') : '';

/** What decides a sorted list's content: the revisions and what the shadow git dir reads (its alternates and shallow file). */
export const sortedListKey = (gitDir: string, revisions: readonly string[]): string =>
  [contentOf(join(gitDir, 'objects/info/alternates')), contentOf(join(gitDir, 'shallow')), ...revisions].join('\0');

/**
 * Whether every commit `revisions` name is also excluded by them (`tip ^tip`, a tip the checkpoint
 * holds already): rev-list lists nothing then, whatever the history, and is not asked. Only ids and
 * `^`ids count; anything else (an option, a range) is left to git.
 */
function excludedWhole(revisions: readonly string[]): boolean {
  const id = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
  const excluded = new Set(revisions.filter((r) => r.startsWith('^') && id.test(r.slice(1))).map((r) => r.slice(1)));
  return revisions.every((r) => (r.startsWith('^') ? id.test(r.slice(1)) : id.test(r) && excluded.has(r)));
}

/**
 * rev-list's list of `revisions` in `file`: "<commit> <parents...>" a line, parents before children.
 * The secrets scan and the walk of one audit usually ask for the same list; the second gets a hard
 * link to the first one's file (or, for a short list whose maker is done, a copy) instead of sorting
 * the history again (a million commits: ~6 CPU-seconds and ~330 MB of git). The list depends only on
 * the revisions and on what the shadow git dir reads (its alternates and shallow file), so those are
 * the key. Returns the release to call before `file` is removed.
 */
export async function sortedCommitList(
  gitDir: string,
  revisions: string[],
  file: string,
  signal?: AbortSignal,
): Promise<() => void> {
  if (excludedWhole(revisions)) {
    writeFileSync(file, '', { mode: 0o600 });
    return () => undefined;
  }
  const key = sortedListKey(gitDir, revisions);
  const run = runContext();
  let lists = made.get(run);
  if (!lists) made.set(run, (lists = new Map<string, Promise<string | Buffer>>()));
  const earlier = lists.get(key);
  if (earlier) {
    try {
      const list = await earlier;
      if (typeof list === 'string') linkSync(list, file);
      else writeFileSync(file, list);
      return () => undefined;
    } catch {
      // that list failed, or its maker is done with it: sort again
    }
  }
  const mine = gitToFile(SORTED_LIST_ARGS, gitDir, `${revisions.join('\n')}\n`, file, signal).then(() => file);
  lists.set(key, mine);
  let complete = false;
  const release = (): void => {
    if (lists.get(key) !== mine) return;
    let kept: Buffer | undefined;
    try {
      if (complete && statSync(file).size <= KEEP_BYTES) kept = readFileSync(file);
    } catch {
      // gone already: nothing to keep
    }
    if (kept) lists.set(key, Promise.resolve(kept));
    else lists.delete(key);
  };
  try {
    await mine;
    complete = true;
  } catch (err) {
    release();
    throw err;
  }
  return release;
}

/**
 * `revisions` when `excluding` (^ the trust root's parents) takes no commit out of their list, else
 * undefined: a push or `--base` past the root already excludes everything before it, and the list is
 * then the one the secrets scan reads without them, which the walk shares (the sort, the commit
 * objects, the watched paths) instead of reading the same commits a second time. git's own count of
 * both lists decides: the list with more exclusions is a subset of the other, so equal counts are equal
 * lists. Each count reads only the commits the walk reads. Without an exclusion already (a walk of HEAD
 * or --all) the root's parents always take commits out (those before it), and nothing is asked.
 */
export async function sameListWithout(
  gitDir: string,
  revisions: readonly string[],
  excluding: readonly string[],
): Promise<string[] | undefined> {
  if (!excluding.length) return [...revisions];
  if (!revisions.some((r) => r.startsWith('^'))) return undefined;
  const count = (revs: readonly string[]): Promise<string> =>
    gitText([...COMMIT_PASS_CONFIG, 'rev-list', '--count', '--stdin'], { gitDir, input: `${revs.join('\n')}\n` })
      .then((n) => n.trim())
      .catch(() => '');
  const [without, withThem] = await Promise.all([count(revisions), count([...revisions, ...excluding])]);
  return without !== '' && without === withThem ? [...revisions] : undefined;
}
