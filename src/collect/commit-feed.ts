// The secrets scan's pass over the commit objects (secrets/commit-objects.ts) fed by the walk, which
// reads every raw commit of the same sorted list anyway (commits.ts): one `git cat-file --batch` over
// the history rather than two (~1.5 CPU-seconds at 200,000 commits). The scan offers, once its
// detector is made, to take each commit's bytes from a walk of the same list in the same run (same
// revisions, same shadow: the key of sortedCommitList); a walk that finds the offer open when it
// starts reading claims it and hands over every commit it parses, in the list's order. After its logs
// the scan takes the result: every commit of the list given (it then reads none itself), or nothing
// usable (no walk claimed it, or the walk stopped before the end: the scan reads the whole list with
// its own cat-file, the walk's part dropped). Findings never depend on which way it went.
import { sortedListKey } from './list-chunks.js';
import { runContext, type RunContext } from './run-context.js';

/** The walk's side of a claimed feed. */
export interface CommitFeed {
  /** A commit of the list, its bytes as git stores them (the buffer is the walk's: read at once, not kept). */
  commit(oid: string, body: Buffer): void;
  /** The walk is over: `complete` when git gave every commit of the list and exited cleanly. */
  end(complete: boolean): void;
}

/** Per run, by sorted-list key: the scan's open offer. */
const offers = new WeakMap<RunContext, Map<string, CommitFeedOffer>>();

/** The most bytes of commits held for a scan whose reader is not made yet (its detector waits for the policy at HEAD). */
const EARLY_BYTES = 16 * 1024 * 1024;

class CommitFeedOffer {
  private state: 'open' | 'claimed' | 'taken' = 'open';
  private settle: (complete: boolean) => void = () => undefined;
  private readonly result = new Promise<boolean>((resolve) => (this.settle = resolve));
  private sink: ((oid: string, body: Buffer) => void) | undefined;
  /** Commits given before the scan's reader was ready: copied (the walk's buffer is reused), bounded. */
  private early: Array<[string, Buffer]> = [];
  private earlyBytes = 0;
  private closed = false;

  constructor(private readonly key: string) {}

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
    this.withdraw();
    if (this.state === 'open') {
      this.state = 'taken';
      return false;
    }
    return this.result;
  }

  private withdraw(): void {
    const m = offers.get(runContext());
    if (m?.get(this.key) === this) m.delete(this.key);
  }
}

/** The scan of the sorted list of `revisions` (read in `gitDir`) asks a walk of the same list for its commits' bytes. */
export function offerCommitFeed(gitDir: string, revisions: readonly string[]): CommitFeedOffer {
  const key = sortedListKey(gitDir, revisions);
  const offer = new CommitFeedOffer(key);
  const run = runContext();
  let m = offers.get(run);
  if (!m) offers.set(run, (m = new Map<string, CommitFeedOffer>()));
  if (!m.has(key)) m.set(key, offer); // a second scan of the same list reads its own
  return offer;
}

/** A walk of the sorted list of `revisions` (in `gitDir`), before it reads its first commit: the open offer's feed, if any. */
export function claimCommitFeed(gitDir: string, revisions: readonly string[]): CommitFeed | undefined {
  return offers.get(runContext())?.get(sortedListKey(gitDir, revisions))?.claim();
}
