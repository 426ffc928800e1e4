// The secrets scan's pass over the commit objects (secrets/commit-objects.ts) fed by the walk, which
// reads every raw commit of the same sorted list anyway (commits.ts): one `git cat-file --batch` over
// the history rather than two (~1.5 CPU-seconds at 200,000 commits). The audit's secrets collector
// announces its scan as it starts, before any walk reads; the scan then says which list it reads (same
// revisions, same shadow: the key of sortedCommitList). A walk that starts reading waits until every
// announced scan has said so (or ended), and claims the offer of its own list: it hands over every
// commit it parses, in the list's order (held, bounded, until the scan's reader is made). After its
// logs the scan takes the result: every commit of the list given (it then reads none itself), or
// nothing usable (no walk claimed it: a walk of another list, or none, or the hooks, which collect the
// scan before they walk; or the walk stopped before the end: the scan reads the whole list with its
// own cat-file, the walk's part dropped). Findings never depend on which way it went.
import { sortedListKey } from './list-chunks.js';
import { runContext, type RunContext } from './run-context.js';

/** The walk's side of a claimed feed. */
export interface CommitFeed {
  /** A commit of the list, its bytes as git stores them (the buffer is the walk's: read at once, not kept). */
  commit(oid: string, body: Buffer): void;
  /** The walk is over: `complete` when git gave every commit of the list and exited cleanly. */
  end(complete: boolean): void;
}

/** Per run: the scans' offers, the walks waiting for one whose list is not known yet, and the walks expected. */
interface RunOffers {
  offers: Set<CommitFeedOffer>;
  waiters: Array<() => void>;
  /** Walks announced (expectWalk) that have neither reached their claim nor been called off. */
  expected: Set<object>;
}
const runs = new WeakMap<RunContext, RunOffers>();

function runOffers(): RunOffers {
  const run = runContext();
  let r = runs.get(run);
  if (!r) runs.set(run, (r = { offers: new Set(), waiters: [], expected: new Set() }));
  return r;
}

function changed(r: RunOffers): void {
  const waiting = r.waiters;
  r.waiters = [];
  for (const wake of waiting) wake();
}

/** The most bytes of commits held for a scan whose reader is not made yet (its detector waits for the policy at HEAD). */
const EARLY_BYTES = 16 * 1024 * 1024;

export class CommitFeedOffer {
  private state: 'open' | 'claimed' | 'taken' = 'open';
  private settle: (complete: boolean) => void = () => undefined;
  private readonly result = new Promise<boolean>((resolve) => (this.settle = resolve));
  private sink: ((oid: string, body: Buffer) => void) | undefined;
  /** Commits given before the scan's reader was ready: copied (the walk's buffer is reused), bounded. */
  private early: Array<[string, Buffer]> = [];
  private earlyBytes = 0;
  private closed = false;
  /** The sorted list's key, once the scan knows its revisions. */
  private key: string | undefined;

  constructor(private readonly run: RunOffers) {
    run.offers.add(this);
  }

  /** The list the scan reads, once known: a walk of the same list may claim the offer from now on. */
  open(gitDir: string, revisions: readonly string[]): void {
    if (this.key !== undefined || this.state !== 'open' || this.closed) return;
    this.key = sortedListKey(gitDir, revisions);
    changed(this.run);
  }

  /** @internal whether a walk of the list with this key may claim it. */
  matches(key: string): boolean {
    return this.state === 'open' && !this.closed && this.key === key;
  }

  /** @internal a scan that has not said which list it reads (a walk waits for it to). */
  get pending(): boolean {
    return this.state === 'open' && !this.closed && this.key === undefined;
  }

  /** The scan's reader, once made: the commits given before it come first. */
  ready(sink: (oid: string, body: Buffer) => void): void {
    this.sink = sink;
    const early = this.early;
    this.early = [];
    for (const [oid, body] of early) sink(oid, body);
  }

  /** The scan is over: what the walk still gives is dropped. */
  close(): void {
    this.closed = true;
    this.early = [];
    this.withdraw();
  }

  private take(oid: string, body: Buffer): void {
    if (this.closed) return;
    if (this.sink) return this.sink(oid, body);
    // Too much before the scan is ready (a large history whose policy at HEAD is slow): it reads its own.
    if ((this.earlyBytes += body.length) > EARLY_BYTES) throw new Error('the scan is not ready');
    this.early.push([oid, Buffer.from(body)]);
  }

  /** @internal the walk's claim (claimCommitFeed). */
  claim(): CommitFeed | undefined {
    if (this.state !== 'open') return undefined;
    this.state = 'claimed';
    this.withdraw();
    let ended = false;
    return {
      commit: (oid, body) => {
        if (ended) return;
        try {
          this.take(oid, body);
        } catch {
          // The scan's own cat-file reads the list and meets it there: the walk goes on.
          ended = true;
          this.early = [];
          this.settle(false);
        }
      },
      end: (complete) => {
        if (ended) return;
        ended = true;
        this.settle(complete);
      },
    };
  }

  /**
   * The scan's side, after its logs: true once a walk gave every commit of the list; false when none
   * claimed the offer (none will now) or the walk stopped before the end.
   */
  taken(): boolean | Promise<boolean> {
    // A walk of this run is on its way (the audit announced it): its claim, or its passing by, decides.
    if (this.state === 'open' && this.run.expected.size)
      return new Promise<void>((resolve) => this.run.waiters.push(resolve)).then(() => this.taken());
    this.withdraw();
    if (this.state === 'open') {
      this.state = 'taken';
      return false;
    }
    return this.result;
  }

  private withdraw(): void {
    if (this.run.offers.delete(this)) changed(this.run);
  }
}

/**
 * The secrets scan of this run will read a sorted list of commits (the audit's secrets collector, as
 * it starts, before any walk reads): a walk that starts reading before the scan knows its list waits
 * for it, so the two meet whatever the order. Closed when the scan is over, whichever way it ends.
 */
export function announceCommitFeed(): CommitFeedOffer {
  return new CommitFeedOffer(runOffers());
}

/** The scan of the sorted list of `revisions` (read in `gitDir`) asks a walk of the same list for its commits' bytes. */
export function offerCommitFeed(
  gitDir: string,
  revisions: readonly string[],
  announced = announceCommitFeed(),
): CommitFeedOffer {
  announced.open(gitDir, revisions);
  return announced;
}

/**
 * The audit will walk (its rule runner pulls the walk once the other facts are in, engine/run-rules.ts),
 * announced before its secrets scan starts: a scan whose logs end first (a small history, warm code)
 * waits for that walk's claim instead of starting its own cat-file. The expectation ends when any walk
 * of the run reaches its claim (claimed or not: then the scan knows) or when the returned function is
 * called: the audit calls it once it has walked or will not (before it waits for the scan), and as it ends.
 */
export function expectWalk(): () => void {
  const r = runOffers();
  const token = {};
  r.expected.add(token);
  return () => {
    if (r.expected.delete(token)) changed(r);
  };
}

/** A walk that reads a list of its own (no sorted list any scan could share) has passed the offers by. */
export function passCommitFeed(): undefined {
  const r = runs.get(runContext());
  if (r?.expected.size) {
    r.expected.clear();
    changed(r);
  }
  return undefined;
}

/** A walk of the sorted list of `revisions` (in `gitDir`), before it reads its first commit: an open offer's feed, if any. */
export async function claimCommitFeed(gitDir: string, revisions: readonly string[]): Promise<CommitFeed | undefined> {
  const r = runs.get(runContext());
  if (!r) return undefined;
  const key = sortedListKey(gitDir, revisions);
  try {
    for (;;) {
      const offers = [...r.offers];
      const match = offers.find((o) => o.matches(key));
      if (match) return match.claim();
      if (!offers.some((o) => o.pending)) return undefined;
      await new Promise<void>((resolve) => r.waiters.push(resolve));
    }
  } finally {
    // The walk has met the offers: a scan waiting for a walk's claim waits no longer.
    passCommitFeed();
  }
}
