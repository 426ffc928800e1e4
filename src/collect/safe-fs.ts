// The one place gitguard opens files. The audited repository (and its .git/gitguard state) may be
// hostile: any file in it can be a symlink out of the tree, a FIFO that blocks open() forever, a
// device like /dev/zero, or simply huge. So every read opens without following a final symlink and
// without blocking (O_NONBLOCK: a FIFO with no writer opens at once), fstat's the descriptor it got,
// refuses anything that is not a regular file or is over its bound BEFORE allocating, and reads into
// one buffer of the size fstat gave. Folders that resolve outside the root they belong to are refused;
// writes (safe-write.ts) build on the same checks.
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { ExpectedError, fsReason } from '../errors.js';

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

export type UnsafeReason = 'missing' | 'symlink' | 'not-a-file' | 'too-large' | 'outside' | 'unreadable';

/** A file gitguard will not read or write as asked; `reason` says why, the message is one line. */
export class UnsafeFileError extends ExpectedError {
  constructor(
    readonly path: string,
    readonly reason: UnsafeReason,
    readonly detail: string,
    hint?: string,
  ) {
    super(`${path}: ${detail}`, hint);
  }
}

export interface ReadOptions {
  /** Follow a symlink at the last component (files the user names on the command line). */
  follow?: boolean;
  /** Return the first maxBytes of a larger file instead of refusing it (hook markers), or with 'tail' its last (reflogs: the newest entries are at the end). */
  truncate?: boolean | 'tail';
}

function mib(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round((n / (1024 * 1024)) * 10) / 10} MiB` : `${n} bytes`;
}

/** A failed write in words; a missing folder is 'missing', so callers can say "no such file". */
export function writeError(path: string, err: unknown): UnsafeFileError {
  const code = (err as NodeJS.ErrnoException).code;
  return new UnsafeFileError(
    path,
    code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable',
    `cannot be written: ${fsReason(err)}`,
  );
}

function openError(path: string, err: NodeJS.ErrnoException): UnsafeFileError {
  if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return new UnsafeFileError(path, 'missing', 'does not exist');
  if (err.code === 'ELOOP' || err.code === 'EMLINK')
    return new UnsafeFileError(path, 'symlink', 'is a symbolic link; gitguard does not follow links here');
  return new UnsafeFileError(path, 'unreadable', `cannot be read: ${fsReason(err)}`);
}

/**
 * The bytes of a regular file of at most maxBytes. Throws UnsafeFileError (reason 'missing' when
 * there is no such file) and never blocks, never follows a final symlink unless asked.
 */
export function readBounded(path: string, maxBytes: number, opts: ReadOptions = {}): Buffer {
  return readBoundedParts(path, maxBytes, opts, (size, read) => {
    const want = Math.min(size, maxBytes);
    return read(opts.truncate === 'tail' ? size - want : 0, want);
  });
}

/**
 * readBounded's checks on the file, then `use` given its size and a reader of `length` bytes at
 * `start` (fewer when the file shrank meanwhile): a large file read only in the parts needed.
 */
export function readBoundedParts<T>(
  path: string,
  maxBytes: number,
  opts: ReadOptions,
  use: (size: number, read: (start: number, length: number) => Buffer) => T,
): T {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | O_NONBLOCK | (opts.follow ? 0 : O_NOFOLLOW));
  } catch (err) {
    throw openError(path, err as NodeJS.ErrnoException);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new UnsafeFileError(path, 'not-a-file', 'it is a folder');
    if (!st.isFile())
      throw new UnsafeFileError(
        path,
        'not-a-file',
        'is not a regular file (a FIFO, device, socket or folder); gitguard reads only regular files here',
      );
    if (st.size > maxBytes && !opts.truncate)
      throw new UnsafeFileError(
        path,
        'too-large',
        `is ${mib(st.size)}, over gitguard's limit of ${mib(maxBytes)} for this file`,
      );
    return use(st.size, (start, want) => {
      const buf = Buffer.allocUnsafe(want);
      let got = 0;
      while (got < want) {
        const n = readSync(fd, buf, got, want - got, start + got);
        if (n === 0) break; // shrank meanwhile
        got += n;
      }
      return got === want ? buf : buf.subarray(0, got);
    });
  } catch (err) {
    if (err instanceof UnsafeFileError) throw err;
    throw openError(path, err as NodeJS.ErrnoException);
  } finally {
    closeSync(fd);
  }
}

/** readBounded, or undefined when the file does not exist. */
export function readBoundedIfExists(path: string, maxBytes: number, opts: ReadOptions = {}): Buffer | undefined {
  try {
    return readBounded(path, maxBytes, opts);
  } catch (err) {
    if (err instanceof UnsafeFileError && err.reason === 'missing') return undefined;
    throw err;
  }
}

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * `dir` with every symlink resolved, as far as it exists (a folder still to be created keeps its
 * missing tail); throws when the part that exists does not resolve (a dangling link).
 */
function realFolder(dir: string): string {
  const tail: string[] = [];
  let cur = dir;
  while (!lstatSync(cur, { throwIfNoEntry: false })) {
    const parent = dirname(cur);
    if (parent === cur) break;
    tail.push(basename(cur));
    cur = parent;
  }
  return join(realpathSync.native(cur), ...tail.reverse());
}

/**
 * Whether folder `dir`, symlinks resolved (a dangling link leads nowhere: false), lies inside one
 * of `roots` (resolved too): for folders a repository names, which may lead anywhere.
 */
export function folderInside(roots: string[], dir: string): boolean {
  let real: string;
  try {
    real = realFolder(dir);
  } catch {
    return false;
  }
  return roots.some((root) => {
    try {
      return isInside(realpathSync.native(root), real);
    } catch {
      return false;
    }
  });
}

/**
 * Throws unless `path`'s folder, with every symlink in it resolved, lies inside `root` (also
 * resolved). The folder must exist. This is what keeps a committed `dir -> /elsewhere` link from
 * carrying a write out of the work tree.
 */
export function assertInside(root: string, path: string): void {
  const realRoot = realpathSync.native(root);
  let realDir: string;
  try {
    realDir = realpathSync.native(dirname(path));
  } catch (err) {
    throw openError(dirname(path), err as NodeJS.ErrnoException);
  }
  if (!isInside(realRoot, realDir))
    throw new UnsafeFileError(
      path,
      'outside',
      `its folder leads outside ${root} (through a symbolic link); gitguard does not write there`,
      'remove the link and run again',
    );
}

/**
 * Creates `dir` (and missing parents below `root`) refusing any component below root that is a
 * symlink or not a folder: state folders are ours and never links.
 */
export function mkdirNoFollow(root: string, dir: string, mode = 0o755): void {
  const rel = relative(root, dir);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new UnsafeFileError(dir, 'outside', `is not inside ${root}`);
  mkdirSync(root, { recursive: true, mode }); // the root itself is the caller's (a repository's git dir)
  let cur = root;
  for (const part of rel.split(sep).filter(Boolean)) {
    cur = join(cur, part);
    let st;
    try {
      st = lstatSync(cur);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw openError(cur, err as NodeJS.ErrnoException);
      try {
        mkdirSync(cur, { mode });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError(cur, e);
      }
      st = lstatSync(cur);
    }
    if (st.isSymbolicLink()) throw linkedStateFolder(cur);
    if (!st.isDirectory())
      throw new UnsafeFileError(cur, 'not-a-file', 'is not a folder', `remove ${cur} and run again`);
  }
}

/** A folder of gitguard's own state found to be a link: only someone else can have put it there. */
function linkedStateFolder(dir: string): UnsafeFileError {
  return new UnsafeFileError(
    dir,
    'symlink',
    'is a symbolic link; gitguard keeps its own files here and does not follow links',
    `remove ${dir} and run again`,
  );
}

/** Throws when `path` exists and is a symlink (or anything but a regular file when it exists). */
export function assertNotLink(path: string): void {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return;
  }
  if (st.isSymbolicLink())
    throw new UnsafeFileError(
      path,
      'symlink',
      'is a symbolic link; gitguard does not write through links',
      `remove ${path} and run again`,
    );
  if (!st.isFile())
    throw new UnsafeFileError(
      path,
      'not-a-file',
      'is not a regular file; gitguard does not write over it',
      `remove ${path} and run again`,
    );
}

/**
 * Throws when a folder between `root` (exclusive) and `path` (exclusive) is a symlink: for files
 * of gitguard's own state, where a link can only be someone else's doing. Missing folders are fine.
 */
export function assertNoLinkBelow(root: string, path: string): void {
  const rel = relative(root, dirname(path));
  if (rel === '') return;
  let cur = root;
  for (const part of rel.split(sep).filter(Boolean)) {
    cur = join(cur, part);
    let st;
    try {
      st = lstatSync(cur);
    } catch {
      return;
    }
    if (st.isSymbolicLink()) throw linkedStateFolder(cur);
  }
}

/** A file of gitguard's state under `root`: no link on the way, no link at the end, bounded. */
export function readStateFile(root: string, path: string, maxBytes: number): Buffer | undefined {
  assertNoLinkBelow(root, path);
  return readBoundedIfExists(path, maxBytes);
}

/** The folders of an audited repository (work tree, git dir) that a file named inside them may not leave. */
export function repositoryRoots(repo: { workTree?: string; gitDir: string }): string[] {
  return [repo.workTree, repo.gitDir].filter((d): d is string => !!d);
}

/** The names in a folder; none when there is no such folder (nothing git reads there). */
export function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
