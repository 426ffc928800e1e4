// The file versions each commit of a list puts at each path, from one `git log --raw -z` (read by
// leak-copies.ts and by the pass below). A scope that leaves commits out (a push: `^` the remote's
// tips; --base; a re-audit's checkpoint) reads only what its commits' diffs print, and a diff prints
// no line of a file renamed as it was, nor of one a merge takes from a parent: a vendored file the
// remote has (node_modules/, excused), moved to src/ by a pushed commit, passed the hooks while a
// full audit failed it there. So such a scan also lists every path a commit puts a blob at that none
// of its parents has there (git's combined raw output for a merge: -c), and reads whole each blob
// this run never read (cat-file --batch), its findings at the first such path; leak-copies.ts then
// reports them at the others, as a full audit does.
import type { ScanTally } from './scan-tally.js';

/** The most parents of a merge read as a combined diff (a combined diff holds each path once per parent). */
export const WIDE_MERGE = 8;

/** git log --raw over a list given on stdin: `wide`, merges wider than WIDE_MERGE against their first parent; else every commit against all its parents (-c). */
export const placedLog = (wide: boolean): string[] => [
  'log',
  '--raw',
  '--no-abbrev',
  '--no-renames',
  ...(wide ? ['-m', '--first-parent'] : ['-c', `--max-parents=${WIDE_MERGE}`]),
  '-z',
  '--no-walk=unsorted',
  '--format=%x01%H',
  '--stdin',
];

/** A raw record or path longer than this is none git writes for a file a checkout can hold: passed over. */
const MAX_TOKEN = 64 * 1024;

export interface RawReader {
  read(chunk: Buffer): void;
  end(): void;
}

/** A reader of placedLog's output (or -m --first-parent's) calling `placed` for each file version a commit puts at a path (not a deletion, not a submodule's commit). */
export function rawRecords(placed: (commit: string, id: string, path: string) => void): RawReader {
  let commit = '';
  /** The id of the record whose path comes next, when it places a file version. */
  let id: string | undefined;
  let expectPath = false;
  let carry: Buffer = Buffer.alloc(0);
  const token = (raw: Buffer): void => {
    const t = raw.toString('utf8', raw[0] === 0x0a ? 1 : 0); // the line feed after a commit's line
    if (expectPath) {
      expectPath = false;
      if (id) placed(commit, id, t);
      id = undefined;
    } else if (t.startsWith('\x01')) commit = t.slice(1);
    else if (t.startsWith(':')) {
      // ":<mode> <mode> <old id> <new id> <status>", a merge's "::<mode>... <id>... <statuses>" (one
      // letter per parent, then the result's mode and id last); the path is next
      const f = t.split(' ');
      const status = f.at(-1) ?? '';
      const mode = f[status.length];
      const to = f.at(-2) ?? '';
      id = /^0+$/.test(to) || mode === '160000' || mode === '000000' ? undefined : to;
      expectPath = true;
    }
  };
  return {
    read(chunk: Buffer): void {
      let at = 0;
      let data = chunk;
      if (carry.length) {
        data = Buffer.concat([carry, chunk]);
        carry = Buffer.alloc(0);
      }
      for (let nul = data.indexOf(0, at); nul !== -1; nul = data.indexOf(0, at)) {
        token(data.subarray(at, nul));
        at = nul + 1;
      }
      // A token no checkout could hold a file of is cut short (and read as such): memory stays bounded.
      carry = Buffer.from(data.subarray(Math.max(at, data.length - MAX_TOKEN)));
    },
    end(): void {
      if (carry.length) token(carry);
      carry = Buffer.alloc(0);
    },
  };
}

/** The reader of placedLog's output noting, in `unseen`, each blob the tally never saw with where it is first put ("<commit>\0<path>"). */
export function unseenBlobs(tally: ScanTally, unseen: Map<string, string>): RawReader {
  return rawRecords((commit, id, path) => {
    if (!unseen.has(id) && !tally.has(id)) unseen.set(id, `${commit}\0${path}`);
  });
}
