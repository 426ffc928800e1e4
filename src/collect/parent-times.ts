// The earliest a commit can have been made (CommitTrust.madeAfter): after every ancestor was
// committed, since it names its parents' ids, and they theirs. So a signature on it dated before the
// latest committer date among ALL its ancestors (a retired signer, an expired or `since`-revoked key
// backdating a commit on today's history) counts as made then: a parent dated back (a rebase with
// --committer-date-is-author-date on a commit dated after the retirement) lowers nothing. A date
// after the run's clock is no evidence (a machine whose clock was ahead would otherwise push every
// descendant past its signer's expiry for ever): it counts once the clock has reached it.
// Kept per walked commit in one column ("reach": the latest such date among it and its ancestors);
// for a commit outside the walk, from the checkpoint (assume) or read from git (one `git log` of its
// history, streamed), so a resumed, --base or pre-receive run floors exactly as a full one.
import type { OidIndex } from '../domain/oid-index.js';
import type { CommitTrust } from '../domain/trust.js';
import type { ObjectReader } from './objects.js';
import { spawnGit, Watchdog } from './git.js';
import { GitError } from '../errors.js';

/** "Recorded, no evidence": a column's 0 (and NaN) mean not recorded. */
const NONE = -Infinity;

export class ParentTimes {
  /** Per walked or assumed commit: the latest committer date, not after the clock, among it and its ancestors. */
  private readonly reach;
  /** Walked commits whose reach waits on a read of an ancestor outside the walk. */
  private readonly pending = new Map<number, Promise<number>>();
  /** Commits outside the walk whose history git is reading (few: the walk's frontier). */
  private readonly outside = new Map<string, Promise<number>>();
  private readonly nowS: number;
  /** The earliest committer date after the clock that was read (it counts once the clock reaches it). */
  private dueAt: number | undefined;
  private batch: { wants: Map<string, (t: number) => void>; failed: Array<(e: unknown) => void> } | undefined;

  constructor(
    private readonly index: OidIndex,
    private readonly reader: () => ObjectReader,
    nowMs: number,
  ) {
    this.reach = index.column((n) => new Float64Array(n));
    this.nowS = Math.floor(nowMs / 1000);
  }

  /** A commit outside the walk that an earlier run walked, with the reach it recorded (the checkpoint). */
  assume(oid: string, reach: number): void {
    this.reach.set(this.index.add(oid), reach > 0 ? reach : NONE);
  }

  /** Records a walked commit (before its children are judged): its date and its parents' reach. */
  record(oid: string, time: number, parents: readonly string[]): void {
    const i = this.index.add(oid);
    const own = this.evidence(time);
    const before = this.latest(parents);
    if (!(before instanceof Promise)) {
      this.reach.set(i, Math.max(before, own));
      return;
    }
    const p = before.then((b) => {
      const r = Math.max(b, own);
      this.reach.set(i, r);
      this.pending.delete(i);
      return r;
    });
    this.pending.set(i, p);
  }

  /** Sets `trust.madeAfter` to the reach of `parents` (pending: once read). */
  floor(trust: CommitTrust, parents: readonly string[]): void | Promise<void> {
    const set = (v: number): void => {
      if (v > 0) trust.madeAfter = v;
    };
    const t = this.latest(parents);
    return t instanceof Promise ? t.then(set) : set(t);
  }

  /** The latest committer date among a commit and its ancestors (the floor of a tag of it); undefined: none. */
  reachOf = async (oid: string): Promise<number | undefined> => {
    const v = await this.latest([oid]);
    return v > 0 ? v : undefined;
  };

  /** A walked commit's reach as the checkpoint keeps it (undefined: not known yet). */
  recorded(oid: string): number | undefined {
    const i = this.index.get(oid);
    const v = i < 0 ? 0 : this.reach.get(i);
    return Number.isNaN(v) || v === 0 ? undefined : Math.max(v, 0);
  }

  /**
   * `limit` (null: never), or earlier when a floor read so far reads later by the clock alone: the
   * earliest committer date after the clock among the commits read, walked or not (a checkpoint must
   * not keep the floors under a commit before the trust root dated ahead once the clock reaches it).
   */
  changesAt(limit: number | null): number | null {
    return this.dueAt !== undefined && (limit === null || this.dueAt < limit) ? this.dueAt : limit;
  }

  private due(t: number | undefined): void {
    if (t !== undefined && t > this.nowS && (this.dueAt === undefined || t < this.dueAt)) this.dueAt = t;
  }

  private evidence(t: number): number {
    if (Number.isFinite(t)) this.due(t);
    return Number.isFinite(t) && t > 0 && t <= this.nowS ? t : NONE;
  }

  /** The latest reach among `commits`. */
  private latest(commits: readonly string[]): number | Promise<number> {
    let best = NONE;
    let reads: Array<Promise<number>> | undefined;
    for (const c of commits) {
      const i = this.index.get(c);
      const t = i < 0 ? 0 : this.reach.get(i);
      if (!Number.isNaN(t) && t !== 0) best = Math.max(best, t);
      else (reads ??= []).push((i >= 0 && this.pending.get(i)) || this.read(c));
    }
    return reads ? Promise.all(reads).then((ts) => Math.max(best, ...ts)) : best;
  }

  /** Reads asked for in one turn of the event loop share one `git log` (a push of many branches, each on its own base). */
  private read(oid: string): Promise<number> {
    let p = this.outside.get(oid);
    if (p) return p;
    if (!this.batch) {
      const batch = new Map<string, (t: number) => void>();
      const failed: Array<(e: unknown) => void> = [];
      this.batch = { wants: batch, failed };
      setImmediate(() => {
        this.batch = undefined;
        historyReaches(this.reader().gitDir, [...batch.keys()], this.nowS).then(
          ({ reaches, due }) => {
            this.due(due);
            [...batch.values()].forEach((done, i) => done(reaches[i]!));
          },
          (e: unknown) => failed.forEach((f) => f(e)),
        );
      });
    }
    const { wants, failed } = this.batch;
    this.outside.set(
      oid,
      (p = new Promise<number>((resolve, reject) => {
        wants.set(oid, resolve);
        failed.push(reject);
      })),
    );
    return p;
  }
}

/**
 * For each of `oids`, the latest committer date not after `nowS` among it and its ancestors (and the
 * earliest after it, `due`, among them all), as git
 * reads them (one `git log` through the shadow: no replace objects, no grafts, the shallow boundary
 * kept), streamed. One commit: in git's date order, constant memory. Several: in topological order
 * (children first), each commit carrying the set of asked-for commits it descends from (a bit mask)
 * to its parents, so node keeps only the walk's frontier. A commit git cannot read adds nothing.
 */
function historyReaches(
  gitDir: string,
  oids: readonly string[],
  nowS: number,
): Promise<{ reaches: number[]; due?: number }> {
  const several = oids.length > 1;
  const format = several ? '--format=%H %ct %P' : '--format=%ct';
  const args = [
    'log',
    '--no-show-signature',
    ...(several ? ['--topo-order'] : []),
    format,
    '--end-of-options',
    ...oids,
  ];
  const bits = new Map(oids.map((o, i) => [o, 1n << BigInt(i)]));
  const frontier = new Map<string, bigint>(); // commits not read yet: which asked-for commits reach them
  const latestByMask = new Map<bigint, number>();
  let best = NONE;
  let due: number | undefined;
  const ahead = (t: number): void => {
    if (t > nowS && (due === undefined || t < due)) due = t;
  };
  const take = (line: string): void => {
    if (!several) {
      const t = /^[0-9]{1,15}$/.test(line) ? Number(line) : NaN;
      ahead(t);
      if (t > 0 && t <= nowS && t > best) best = t;
      return;
    }
    const [oid, ct, ...parents] = line.split(' ');
    if (!oid || !ct) return;
    const mask = (frontier.get(oid) ?? 0n) | (bits.get(oid) ?? 0n);
    frontier.delete(oid);
    const t = /^[0-9]{1,15}$/.test(ct) ? Number(ct) : NaN;
    ahead(t);
    if (t > 0 && t <= nowS && t > (latestByMask.get(mask) ?? NONE)) latestByMask.set(mask, t);
    for (const p of parents) if (p) frontier.set(p, (frontier.get(p) ?? 0n) | mask);
  };
  return new Promise((resolve, reject) => {
    const child = spawnGit(args, { gitDir });
    child.stdin!.on('error', () => undefined);
    child.stdin!.end();
    const dog = new Watchdog(child, 'git log');
    let rest = '';
    dog.arm();
    child.stdout!.on('data', (c: Buffer) => {
      dog.arm();
      const lines = (rest + c.toString('latin1')).split('\n');
      rest = lines.pop()!;
      if (!several) rest = rest.slice(0, 64); // a merge's line holds all its parents: kept whole
      for (const l of lines) take(l);
    });
    child.stderr!.resume();
    child.on('error', reject);
    child.on('close', () => {
      take(rest);
      try {
        dog.check(args);
      } catch (err) {
        reject(err instanceof GitError ? err : new GitError(args, null, String(err)));
        return;
      }
      // A missing object (a shallow or partial clone) ends the log early: what it read still counts.
      const soon = due !== undefined ? { due } : {};
      if (!several) return resolve({ reaches: [best], ...soon });
      const reaches = oids.map(() => NONE);
      for (const [mask, t] of latestByMask)
        oids.forEach((_, i) => {
          if ((mask >> BigInt(i)) & 1n && t > reaches[i]!) reaches[i] = t;
        });
      resolve({ reaches, ...soon });
    });
  });
}
