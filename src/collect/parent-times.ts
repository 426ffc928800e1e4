// When a commit's parents were committed: the earliest it can have been made (CommitTrust.madeAfter).
// A commit names its parents' ids, so it was written after them: a signature on it dated before the
// latest of their committer dates (a retired signer, an expired or `since`-revoked key backdating a
// commit on today's history) counts as made at that date. Direct parents only, read from the object
// store when the walk did not reach them, so a resumed or --base run floors exactly as a full one.
import type { OidIndex } from '../domain/oid-index.js';
import type { CommitTrust } from '../domain/trust.js';
import type { ObjectReader } from './objects.js';
import { taggedCommitTime } from './tagged-commit-time.js';

export class ParentTimes {
  /** Committer date per walked commit (NaN or 0: not recorded, read when asked). */
  private readonly times;

  constructor(
    private readonly index: OidIndex,
    private readonly reader: () => ObjectReader,
  ) {
    this.times = index.column((n) => new Float64Array(n).fill(NaN));
  }

  /** Records a walked commit's committer date (before its children are judged). */
  record(oid: string, time: number): void {
    this.times.set(this.index.add(oid), time);
  }

  /** Sets `trust.madeAfter` to the latest committer date among `parents` (pending: once read). */
  floor(trust: CommitTrust, parents: readonly string[]): void | Promise<void> {
    const t = this.latest(parents);
    if (t instanceof Promise)
      return t.then((v) => {
        if (v !== undefined) trust.madeAfter = v;
      });
    if (t !== undefined) trust.madeAfter = t;
  }

  /** The latest committer date among `parents` (those known: a missing parent has none). */
  private latest(parents: readonly string[]): number | undefined | Promise<number | undefined> {
    let best: number | undefined;
    let reads: Array<Promise<number | undefined>> | undefined;
    for (const p of parents) {
      const i = this.index.get(p);
      const t = i < 0 ? NaN : this.times.get(i);
      if (Number.isNaN(t) || t === 0) (reads ??= []).push(taggedCommitTime(this.reader(), p));
      else best = later(best, t);
    }
    return reads ? Promise.all(reads).then((ts) => ts.reduce(later, best)) : best;
  }
}

function later(a: number | undefined, t: number | undefined): number | undefined {
  return t === undefined || Number.isNaN(t) || (a !== undefined && a >= t) ? a : t;
}
