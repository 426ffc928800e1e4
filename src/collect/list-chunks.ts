// A long commit list is given to git a chunk at a time, one process per chunk. git keeps every
// object it has parsed until it exits (diff-tree ~750 bytes a commit, log -p more), so one
// `diff-tree --stdin` or `log -p` over a million commits held ~1 GB; a process per chunk holds one
// chunk's objects, and the outputs, read one after the other, are the one process's output.
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';

/** Commits given to one git process of a long pass (diff-tree, log -p): bounds what git holds. */
export const CHUNK_COMMITS = 50_000;

/**
 * Caps git's pack mappings. Every page of a pack that git has touched counts in its RSS, and a walk
 * touches all of them (commits lie between the trees and blobs): rev-list's --topo-order took 585 MB
 * at a million commits, 330 MB with these, at the same CPU time.
 */
export const BOUNDED_PACK_CONFIG = ['-c', 'core.packedGitWindowSize=32m', '-c', 'core.packedGitLimit=256m'];

export interface LineRange {
  start: number;
  end: number;
  lines: number;
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
    let last = 10;
    for (;;) {
      const got = readSync(fd, block, 0, block.length, null);
      if (got === 0) break;
      for (let i = block.indexOf(10); i !== -1 && i < got; i = block.indexOf(10, i + 1)) {
        if ((lines += 1) === maxLines) {
          ranges.push({ start, end: offset + i + 1, lines });
          start = offset + i + 1;
          lines = 0;
        }
      }
      last = block[got - 1]!;
      offset += got;
    }
    if (offset > start) ranges.push({ start, end: offset, lines: lines + (last === 10 ? 0 : 1) });
    return ranges;
  } finally {
    closeSync(fd);
  }
}

/** The bytes of one range of `file`, written to `out`: the input of one git process. */
export function writeRange(file: string, range: LineRange, out: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(range.end - range.start);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, range.start + got);
      if (n === 0) break;
      got += n;
    }
    writeFileSync(out, buf.subarray(0, got), { mode: 0o600 });
    return out;
  } finally {
    closeSync(fd);
  }
}
