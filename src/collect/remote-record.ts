// The reflogs as a record of what the remotes had: every remote-tracking tip now and in its
// reflog, and from when that record is whole (a reflog read as data, never `git reflog`). A ref
// `git clone` wrote has no reflog of its own until it first moves; while git logs every update
// there and the ref is still packed alone with the clone's value, that is evidence too.
import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryFacts, RepositoryInfo } from '../domain/model.js';
import type { ReflogEntry } from '../domain/ledger.js';
import type { Ledger } from './ledger.js';
import { packedRecords } from './packed-peels.js';
import { readBounded, readBoundedIfExists } from './safe-fs.js';

export const ZERO = /^0+$/;

type ReflogLine = Omit<ReflogEntry, 'why' | 'ref' | 'file'>;

/**
 * How much of the remote-tracking reflogs the record reads, all refs together: from when it is whole
 * needs each ref's entries back to the last gap, and a long-lived clone fetching every minute passes
 * 8 MiB (~60,000 entries) in six weeks. One budget for every ref, so a repository with many long
 * reflogs holds node to what one would (~0.3-0.5 GB at 64 MiB); past it, a ref's older entries (or all
 * of them) count as expired: the record starts later, which only narrows what it excuses.
 */
const RECORD_BYTES = 64 * 1024 * 1024;

/** The old and new ids: of the repository's length only (git's parse_oid_hex reads its hash's). */
const REFLOG_IDS = {
  sha1: /^([0-9a-fA-F]{40}) ([0-9a-fA-F]{40}) /,
  sha256: /^([0-9a-fA-F]{64}) ([0-9a-fA-F]{64}) /,
} as const;
type ObjectFormat = keyof typeof REFLOG_IDS;

const U64_MAX = (1n << 64n) - 1n;

/** C's strtoumax on a sign and decimal digits: past 2^64-1 it is 2^64-1, and '-' negates modulo 2^64. */
function strtoumax(sign: string, digits: string): number {
  const n = BigInt(digits);
  if (n > U64_MAX) return Number(U64_MAX);
  return Number(sign === '-' ? BigInt.asUintN(64, -n) : n);
}

/**
 * One reflog line as git reads it (refs/files-backend.c, show_one_reflog_ent): `old SP new SP` ids,
 * the ident up to the FIRST '>' (strchr: a NUL before it ends the search), then SP, the time
 * (strtoumax: blanks and a sign before it, a '-' wrapping modulo 2^64, clamped to 2^64-1), SP, the
 * zone's sign and four digits, then the message after one tab (or straight after the zone).
 * git skips any other line, and one whose time is 0. A regular expression over the whole line let a
 * message end in " <digits> +0000" — a commit subject git copies there (`commit (amend): <subject>`,
 * `cherry-pick: <subject>`, `am: <subject>`) — stand for the entry's time, its real message lost.
 */
function reflogLine(line: string, ids: RegExp): ReflogLine | undefined {
  const m0 = ids.exec(line);
  if (!m0) return undefined;
  const [, oldId, newId] = m0;
  const rest = line.slice(m0[0].length);
  const end = rest.indexOf('>');
  if (end === -1 || rest.lastIndexOf('\0', end) !== -1) return undefined;
  const m = /^ [ \t\n\v\f\r]*([+-]?)(\d+) ([+-]\d{4})\t?/.exec(rest.slice(end + 1));
  const time = m ? strtoumax(m[1]!, m[2]!) : 0;
  if (!m || time === 0) return undefined;
  return {
    old: oldId!.toLowerCase(),
    new: newId!.toLowerCase(),
    who: rest.slice(0, end + 1),
    time,
    tz: m[3]!,
    message: rest.slice(end + 1 + m[0].length),
  };
}

/**
 * Reads a reflog file as data (never `git reflog`), the lines git reads as git reads them
 * (reflogLine); a last line without its newline (a write cut short) is not one. Of a file over
 * maxBytes, the whole lines of its last maxBytes: the newest entries, older ones read as expired.
 */
export function readReflog(file: string, format: ObjectFormat, maxBytes = 8 * 1024 * 1024): ReflogLine[] {
  let bytes: Buffer;
  try {
    // The last maxBytes of a regular file (git appends: the newest entries), and the byte before
    // them, to tell whether they start a line; a link, FIFO or device is not read (no hang, no flood).
    bytes = readBounded(file, maxBytes + 1, { truncate: 'tail' });
  } catch {
    return [];
  }
  // Cut inside a longer file: the first line is whole only when the byte before it ends a line.
  if (bytes.length > maxBytes) bytes = bytes.subarray(bytes.indexOf(0x0a) + 1);
  const lines = bytes.toString('utf8').split('\n');
  lines.pop(); // what follows the last newline
  return lines.flatMap((line) => reflogLine(line, REFLOG_IDS[format]) ?? []);
}

/** What the remotes are known to have had, and from when that record is whole. */
export interface RemoteRecord {
  tips: string[];
  /**
   * The time (seconds) from which every value of every remote-tracking ref is in `tips`: Infinity
   * when a reflog does not tell (missing, expired, broken, not ending at the ref), the latest start
   * of a reflog otherwise (-Infinity when each began with its ref's creation).
   */
  since: number;
}

/**
 * What the remotes are known to have had: every remote-tracking tip now, the ones the ledger recorded,
 * and every old and new tip of their reflogs (a tip a forced fetch took away). Empty when the
 * repository has no remote-tracking ref (nothing tells what was published: a bare server, a
 * repository never pushed, or one pushed to a URL alone).
 */
export function remoteTips(
  repo: RepositoryInfo,
  remote: HistoryFacts['refs'],
  ledger: Ledger | undefined,
  logged: boolean,
): RemoteRecord {
  if (!remote.length) return { tips: [], since: Infinity };
  const tips = new Set(remote.map((r) => r.oid));
  for (const [name, e] of Object.entries(ledger?.refs ?? {})) if (name.startsWith('refs/remotes/')) tips.add(e.oid);
  let since = -Infinity;
  let packed: Map<string, string> | undefined;
  let budget = RECORD_BYTES;
  for (const r of remote) {
    const file = join(repo.commonDir, 'logs', r.name);
    const log = readReflog(file, repo.objectFormat, budget);
    budget = Math.max(0, budget - (lstatSync(file, { throwIfNoEntry: false })?.size ?? 0));
    for (const e of log) for (const oid of [e.old, e.new]) if (!ZERO.test(oid)) tips.add(oid);
    since = Math.max(
      since,
      log.length
        ? recordStart(log, r, ledger)
        : existsSync(file) || !logged || !untouchedSinceClone(repo, r, (packed ??= packedRefs(repo)))
          ? emptiedAt(file)
          : clonedAt(repo, r.name),
    );
  }
  return { tips: [...tips], since };
}

/**
 * A remote-tracking ref with no reflog where git logs every update there: `git clone` writes the
 * remote's refs into packed-refs without a reflog (only <remote>/HEAD's, "clone: from ..."). That it
 * held only the clone's value since needs the positive sign of it: still packed alone, with that
 * value. Any later update (a push or fetch under `-c core.logAllRefUpdates=false`) writes a loose ref.
 * A reflog that starts from the cloned value is not such a sign: every entry after the clone can
 * have been expired or deleted (`git reflog expire`) before the ref moved again from that value.
 */
function untouchedSinceClone(
  repo: RepositoryInfo,
  ref: { name: string; oid: string },
  packed: Map<string, string>,
): boolean {
  if (packed.get(ref.name) !== ref.oid) return false;
  try {
    lstatSync(join(repo.commonDir, ...ref.name.split('/')));
    return false;
  } catch {
    return true;
  }
}

/** packed-refs as data: ref name -> oid (empty when it is missing, too large or unreadable). */
function packedRefs(repo: RepositoryInfo): Map<string, string> {
  let text: Buffer | undefined;
  try {
    text = readBoundedIfExists(join(repo.commonDir, 'packed-refs'), 64 * 1024 * 1024);
  } catch {
    return new Map();
  }
  return new Map(text ? packedRecords(text).map((r) => [r.name, r.oid]) : []);
}

/** When <remote>/HEAD's reflog says the clone was made (Infinity when it does not). */
function clonedAt(repo: RepositoryInfo, name: string): number {
  const parts = name.split('/');
  // refs/remotes/<remote>/<branch>: a remote's name may hold '/' too, its HEAD is beside its branches.
  for (let i = parts.length - 1; i >= 3; i -= 1) {
    const first = readReflog(join(repo.commonDir, 'logs', ...parts.slice(0, i), 'HEAD'), repo.objectFormat)[0];
    if (first && ZERO.test(first.old) && first.message.startsWith('clone: from ')) return first.time;
  }
  return Infinity;
}

/** A reflog every entry of which expired tells from when it was emptied (a missing one: nothing). */
function emptiedAt(file: string): number {
  try {
    const st = lstatSync(file);
    return st.isFile() && st.size === 0 ? st.mtimeMs / 1000 : Infinity;
  } catch {
    return Infinity;
  }
}

/**
 * From when a remote-tracking ref's reflog holds every value it had, to its value now (Infinity when
 * it does not end there): from its creation, or else from the entry after the last one missing (older
 * ones expired, unreachable ones pruned). A creation after the ledger recorded the ref tells of a ref
 * deleted since (a remote removed and added again, a pruned branch): its record starts there.
 */
function recordStart(log: ReturnType<typeof readReflog>, ref: { name: string; oid: string }, ledger?: Ledger): number {
  if (log[log.length - 1]!.new !== ref.oid) return Infinity;
  let from = 0;
  for (let i = 1; i < log.length; i += 1) if (log[i]!.old !== log[i - 1]!.new) from = i;
  const first = log[from]!;
  if (from > 0 || !ZERO.test(first.old)) return first.time;
  const recorded = ledger?.refs[ref.name];
  // Reflog times are whole seconds: a creation in the very second the ledger recorded the ref is no gap.
  return recorded && Math.floor(Date.parse(recorded.recordedAt) / 1000) < first.time ? first.time : -Infinity;
}
