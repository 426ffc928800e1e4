// gitguard's writes: to an O_EXCL temp file in the target's folder, renamed over the target, so a
// symlink at the target is replaced, never written through; a folder that resolves outside the root
// it belongs to is refused (the checks of safe-fs.ts). A file the user names for output may be a
// stream or device they chose.
import {
  closeSync,
  constants,
  fsyncSync,
  lstatSync,
  openSync,
  realpathSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { assertInside, assertNotLink, isInside, UnsafeFileError, writeError } from './safe-fs.js';

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

export interface WriteOptions {
  mode?: number;
  /** The folder the write must stay inside (symlinks resolved). */
  root?: string;
  /** Refuse (rather than replace) a symlink or special file at the target. Default true. */
  refuseLink?: boolean;
  /** fsync the file before the rename (the ledger). */
  sync?: boolean;
  /** Tests only: called after the temp file is written, before the rename. */
  beforeRename?: (tempFile: string) => void;
}

/**
 * Writes `data` to `path` atomically and without following links: an O_EXCL|O_NOFOLLOW temp file
 * in the same folder, then rename() over the target (rename replaces a link, never its target).
 */
export function writeFileSafe(path: string, data: string | Uint8Array, opts: WriteOptions = {}): void {
  if (opts.root) assertInside(opts.root, path);
  if (opts.refuseLink !== false) assertNotLink(path);
  const temp = join(dirname(path), `${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  let fd: number;
  try {
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW, opts.mode ?? 0o644);
  } catch (err) {
    throw writeError(path, err);
  }
  let open = true;
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    if (opts.sync) fsyncSync(fd);
    open = false;
    closeSync(fd);
    opts.beforeRename?.(temp);
    renameSync(temp, path);
  } catch (err) {
    if (open) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      /* renamed or gone */
    }
    if (err instanceof UnsafeFileError) throw err;
    throw writeError(path, err);
  }
}

// The process's own streams and the null device: links the system made (/dev/stdout ->
// /proc/self/fd/1), written through whatever they lead to (a pipe, a terminal, a redirected file).
const STREAM_NAMES = /^(?:\/dev\/(?:stdout|stderr|null|fd\/\d+)|\/proc\/(?:self|thread-self|\d+)\/fd\/\d+)$/;

/**
 * A file the user named for gitguard's output (a report, a baseline), often inside a checkout that
 * may carry a committed symlink at that path: written like writeFileSafe (a link there is refused,
 * never written through), except that the streams above, and a device or pipe the user names itself
 * (not a link to one: a committed link to /dev/sda is refused too), are written to as a stream.
 * Not "anything under /dev/": /dev/shm is a file system where checkouts live.
 */
export function writeUserFile(path: string, data: string, repositories: readonly string[] = []): void {
  // A path that names a place in the audited repository must stay in it: a folder on the way may be
  // a link the repository committed (`results -> /elsewhere`), which CI's `--output-sarif results/x` would follow.
  const abs = resolve(path);
  for (const root of repositories) {
    let realRoot = root;
    try {
      realRoot = realpathSync.native(root);
    } catch {
      /* as given */
    }
    if (isInside(root, abs) || isInside(realRoot, abs)) assertInside(root, abs);
  }
  let st;
  try {
    st = lstatSync(path);
  } catch {
    st = undefined;
  }
  if (STREAM_NAMES.test(path) || (st && !st.isFile() && !st.isDirectory() && !st.isSymbolicLink())) {
    writeFileSync(path, data);
    return;
  }
  writeFileSafe(path, data, { refuseLink: true });
}
