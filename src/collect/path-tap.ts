// The walk's watched-path changes taken from the secrets scan's `git log -p` rather than from a
// `git diff-tree` pass of their own. Both diffed every commit against its parent (the walk with the
// watched paths as pathspecs, the scan with -p): two passes reading every commit's trees, ~15 and
// ~25 CPU-seconds at a million commits. When they read the same sorted list in one run (same
// revisions, same shadow: the key of sortedCommitList), the scan adds `--raw -t --no-abbrev` to the
// logs of its ranges without a merge (a few per cent more) and hands each commit's records at the
// watched paths to the walk, in the list's order. A range with a merge is left to the walk's own
// diff-tree: the scan reads merges as combined diffs, which are not against the first parent, and
// git cannot show a combined diff with -t at all (a folder that differs from every parent is read
// as a blob: "is not a blob"). If the scan stops (a blobless partial clone, an error), diff-tree
// reads the rest of the list.
//
// Who subscribes and who offers may come in either order: the walk subscribes when its session is
// opened, the scan offers when it starts and decides just before its first log (after the policy at
// HEAD, which waits for the walk's session). A walk that finds no offer when it starts reading
// withdraws and runs diff-tree: the verdicts never depend on which way it went.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { noteRawRecord, NO_CHANGES, pathChangeStream, type CommitPathChanges, wantedPaths } from './path-changes.js';
import { lineRanges, sortedListKey, writeRange, type LineRange } from './list-chunks.js';
import { runContext, type RunContext } from './run-context.js';

/** One range of the sorted list given to one log process; `fed`: its log has --raw (no merge in it). */
export interface TapRange {
  range: LineRange;
  fed: boolean;
}

/** The walk's answer when the scan stopped before the end: it reads the rest with diff-tree. */
const TAP_FAILED = Symbol('tap failed');

/**
 * The most commits' changes handed to the walk at once. A scan ahead of the walk (two logs at a
 * time) has whole ranges ready: without a bound the walk got them all in one array, one object per
 * commit for the rest of the history (a million commits: "Maximum call stack size exceeded" where
 * the walk took them in, and tens of MB held at once).
 */
export const TAP_BATCH = 4096;

/** What one log process (one range of the list) says, commit by commit, at the watched paths. */
export class TapChunk {
  /** The commits' ids, raw, in the order log printed them. */
  private oids: Buffer;
  private width = 0;
  /** Commits whose records are all in (the last one printed is complete only at the next or the end). */
  complete = 0;
  private printed = 0;
  done = false;
  /** Changes of the commits that have any, by their number in this chunk. */
  readonly changes = new Map<number, Readonly<Record<string, string | null>>>();
  private current: CommitPathChanges | undefined;
  private readonly present = new Set<string>();

  constructor(
    private readonly tap: PathTap,
    commits: number,
  ) {
    this.oids = Buffer.alloc(commits * 20);
  }

  /** A commit header: the commit before it is complete. */
  commit(oid: string): void {
    this.close();
    if (this.tap.ended) return;
    if (!this.width) {
      this.width = oid.length / 2;
      if (this.width !== 20) this.oids = Buffer.alloc((this.oids.length / 20) * this.width);
    }
    if ((this.printed + 1) * this.width > this.oids.length || oid.length !== this.width * 2) {
      this.tap.fail(); // more commits than the range has, or another id length: not this list
      return;
    }
    this.oids.write(oid, this.printed * this.width, 'hex');
    this.current = { oid, changed: NO_CHANGES };
    this.present.clear();
    this.printed += 1;
  }

  /** A `--raw` record of the current commit (text[s, e)). */
  raw(text: string, s: number, e: number): void {
    if (!this.current || this.tap.ended) return;
    try {
      noteRawRecord(text, s, e, this.tap.wanted, this.current, this.present);
    } catch {
      // A record read another way than diff-tree's (a duplicate entry, say): the walk's own
      // diff-tree reads the rest and says what is wrong.
      this.tap.fail();
    }
  }

  /** The end of one read of git's output: a walk waiting for more is woken. */
  flush(): void {
    this.tap.wake();
  }

  /** The log is done and exited cleanly: its last commit is complete. */
  end(): void {
    this.close();
    this.done = true;
    this.tap.wake();
  }

  private close(): void {
    const c = this.current;
    if (!c) return;
    this.current = undefined;
    if (c.changed !== NO_CHANGES) this.changes.set(this.complete, c.changed);
    this.complete += 1;
  }

  entry(i: number): CommitPathChanges {
    return {
      oid: this.oids.toString('hex', i * this.width, (i + 1) * this.width),
      changed: this.changes.get(i) ?? NO_CHANGES,
    };
  }
}

export class PathTap {
  readonly wanted: ReadonlyMap<string, string>;
  /** undefined until the scan decides (or the walk withdraws). */
  private accepted: boolean | undefined;
  private offered = false;
  private decided: (ok: boolean) => void = () => undefined;
  private readonly decision = new Promise<boolean>((resolve) => (this.decided = resolve));
  private chunks: Array<TapChunk | undefined> = [];
  private plan: readonly TapRange[] = [];
  private failed = false;
  private released = false;
  private claimed = false;
  private waiter: (() => void) | undefined;
  /** The walk's place: range, and commit within it. */
  private c = 0;
  private i = 0;

  constructor(
    readonly key: string,
    readonly paths: readonly string[],
  ) {
    this.wanted = wantedPaths(paths);
  }

  /** No more records are taken (failed, or the walk is done with it). */
  get ended(): boolean {
    return this.failed || this.released;
  }

  // The scan's side.

  /** @internal the scan's decision (PathTapOffer). */
  decide(ok: boolean, offered = true): void {
    if (this.accepted !== undefined) return;
    this.offered ||= offered;
    this.accepted = ok;
    this.decided(ok);
  }

  /** @internal an offer is there: the walk waits for its decision. */
  markOffered(): void {
    this.offered = true;
  }

  /** The records of log process `i`, over a range of `commits` commits. */
  chunk(i: number, commits: number): TapChunk {
    const c = new TapChunk(this, commits);
    if (!this.ended) this.chunks[i] = c;
    return c;
  }

  /** @internal the scan's ranges of the list, each fed (its log has --raw) or not (set before the decision). */
  setPlan(plan: readonly TapRange[]): void {
    this.plan = plan;
  }

  fail(): void {
    if (this.failed) return;
    this.failed = true;
    this.chunks = [];
    this.wake();
  }

  wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  // The walk's side.

  /** Whether the scan's log feeds this tap (the walk then reads only merges with diff-tree). Once. */
  settle(): boolean | Promise<boolean> {
    if (this.claimed) return false;
    this.claimed = true;
    if (this.accepted !== undefined) return this.accepted;
    if (!this.offered) {
      // No scan has offered yet: the walk does not wait for one that may never come.
      withdraw(this);
      this.decide(false, false);
      return false;
    }
    return this.decision;
  }

  /** The scan's ranges of the list, in order: the walk reads an unfed one with diff-tree. */
  ranges(): readonly TapRange[] {
    return this.plan;
  }

  /**
   * The next commit's changes in range `c` of the list (fed): an entry, null once the range is done,
   * TAP_FAILED when the scan stopped, or a promise to await before asking again.
   */
  next(c: number): CommitPathChanges | null | typeof TAP_FAILED | Promise<void> {
    if (this.failed) return TAP_FAILED;
    if (c !== this.c) {
      this.chunks[this.c] = undefined; // read: its memory goes
      this.c = c;
      this.i = 0;
    }
    const chunk = this.chunks[c];
    if (chunk && this.i < chunk.complete) return chunk.entry(this.i++);
    if (chunk?.done) return null;
    return new Promise<void>((resolve) => (this.waiter = resolve));
  }

  /** The walk is done with it (or never read it): what the scan still says is dropped. */
  release(): void {
    this.released = true;
    this.chunks = [];
    withdraw(this);
    this.decide(false, false);
    this.wake();
  }
}

/** Per run, by sorted-list key: the walk's tap waiting for a scan's decision, or a scan's offer waiting for a walk. */
const rendezvous = new WeakMap<RunContext, Map<string, { tap?: PathTap; offer?: PathTapOffer }>>();

function slot(key: string): { tap?: PathTap; offer?: PathTapOffer } {
  const run = runContext();
  let m = rendezvous.get(run);
  if (!m) rendezvous.set(run, (m = new Map<string, { tap?: PathTap; offer?: PathTapOffer }>()));
  let s = m.get(key);
  if (!s) m.set(key, (s = {}));
  return s;
}

function withdraw(tap: PathTap): void {
  const m = rendezvous.get(runContext());
  const s = m?.get(tap.key);
  if (s?.tap === tap) {
    delete s.tap;
    if (!s.offer) m!.delete(tap.key);
  }
}

/**
 * The walk over the sorted list of `revisions` (read in `gitDir`) asks for its changes at `paths`
 * from a scan of the same list. Call release() when the walk is done.
 */
export function subscribePathTap(gitDir: string, revisions: readonly string[], paths: readonly string[]): PathTap {
  const key = sortedListKey(gitDir, revisions);
  const tap = new PathTap(key, paths);
  const s = slot(key);
  if (s.tap) {
    tap.decide(false, false); // one walk per list is fed
    return tap;
  }
  s.tap = tap;
  if (s.offer) tap.markOffered();
  return tap;
}

/** The scan's offer to feed a walk of the same sorted list. */
class PathTapOffer {
  private tap: PathTap | undefined;
  private decided = false;

  constructor(private readonly key: string) {}

  /**
   * Just before the scan's first log: the walk's tap when one is waiting (the fed ranges' logs then
   * add --raw), told the scan's ranges of the list.
   */
  decide(plan: readonly TapRange[], accept = true): PathTap | undefined {
    if (this.decided) return this.tap;
    this.decided = true;
    const m = rendezvous.get(runContext());
    const s = m?.get(this.key);
    if (s?.offer === this) {
      delete s.offer;
      const tap = s.tap;
      if (tap && !tap.ended) {
        delete s.tap;
        tap.setPlan(plan);
        tap.decide(accept);
        if (accept) this.tap = tap;
      }
      if (!s.tap) m!.delete(this.key);
    }
    return this.tap;
  }

  /** The scan is over: `complete` when every log ended cleanly (else the walk reads the rest itself). */
  close(complete: boolean): void {
    if (!this.decided) this.decide([], false);
    else if (!complete) this.tap?.fail();
  }
}

/** The scan of the sorted list of `revisions` (in `gitDir`) offers its log's raw records to a walk of the same list. */
export function offerPathTap(gitDir: string, revisions: readonly string[]): PathTapOffer {
  const key = sortedListKey(gitDir, revisions);
  const offer = new PathTapOffer(key);
  const s = slot(key);
  if (!s.offer) {
    s.offer = offer;
    s.tap?.markOffered();
  }
  return offer;
}

/**
 * The changes at `paths` for every commit of the list, in its order, from the scan's log through
 * `tap` (path-tap.ts) where the scan's range of the list was fed, from diff-tree where it was not
 * (a range with merges). When the scan stops before the end, diff-tree reads the rest of the list.
 */
export async function* tappedChangeStream(
  tap: PathTap,
  gitDir: string,
  requests: string,
  paths: string[],
  work: string,
  viaFile: boolean,
  chunkCommits: number,
): AsyncGenerator<CommitPathChanges[]> {
  /** diff-tree over the lines of `list` in its byte range [start, end). */
  const own = (list: string, start: number, end: number, name: string): AsyncGenerator<CommitPathChanges[]> => {
    const part = writeRange(list, { start, end, lines: 0, longest: 0 }, join(work, `${name}-list`));
    return pathChangeStream(gitDir, part, lineRanges(part, chunkCommits), paths, work, viaFile, name);
  };
  let out: CommitPathChanges[] = [];
  for (const [c, { range, fed }] of tap.ranges().entries()) {
    if (!fed) {
      if (out.length) yield out;
      out = [];
      yield* own(requests, range.start, range.end, 'unfed');
      continue;
    }
    let at = 0; // the commit of this range
    for (;;) {
      const t = tap.next(c);
      if (t === null) break;
      if (t instanceof Promise) {
        // Nothing more from the scan yet: what is ready goes to the walk first.
        if (out.length) yield out;
        out = [];
        await t;
        continue;
      }
      if (t === TAP_FAILED) {
        // The scan stopped: diff-tree reads the list from here on.
        if (out.length) yield out;
        const from = at === 0 ? range.start : (lineRanges(requests, at + lineIndex(tap, c))[0]?.end ?? range.end);
        yield* own(requests, from, statSync(requests).size, 'rest');
        return;
      }
      out.push(t);
      at += 1;
      if (out.length >= TAP_BATCH) {
        yield out;
        out = [];
      }
    }
  }
  if (out.length) yield out;
}

/** How many lines of the list come before range `c`. */
function lineIndex(tap: PathTap, c: number): number {
  let n = 0;
  for (const r of tap.ranges().slice(0, c)) n += r.range.lines;
  return n;
}
