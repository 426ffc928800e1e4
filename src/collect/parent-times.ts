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

  /** Commits an earlier run walked whose reach its checkpoint holds: where a read of history stops. */
  private readonly stops = new Map<string, number>();

  /**
   * A commit outside the walk that an earlier run walked, with the reach its sealed checkpoint recorded.
   * `stop` (--base and pre-receive, engine/carried-reach.ts, whose reads are of accepted history above
   * such a tip): a read of another commit's history stops there, ~2.2 CPU-seconds of `git log` per
   * 300,000 commits read otherwise. Not for a resumed walk, whose reads (a tag's commit) are of the
   * tips' own history, which a stop makes git list twice.
   */
  assume(oid: string, reach: number, stop = false): void {
    this.reach.set(this.index.add(oid), reach > 0 ? reach : NONE);
    if (stop) this.stops.set(oid, reach > 0 ? reach : NONE);
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
        readReaches(this.reader().gitDir, [...batch.keys()], this.nowS, this.stops).then(
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
 * historyReaches stopped at `stops` where it can: an asked-for commit that a stop's history holds, or
 * whose history reaches a commit the stops' histories hold other than a stop itself, is read whole.
 * The dates after the clock it reports (`due`) are those of the commits it read: a stop's history
 * came due no earlier than the sealed checkpoint that carried its reach said (its validUntil).
 */
async function readReaches(
  gitDir: string,
  oids: readonly string[],
  nowS: number,
  stops: ReadonlyMap<string, number>,
): Promise<{ reaches: number[]; due?: number }> {
  if (!stops.size) return historyReaches(gitDir, oids, nowS);
  const stopped = await historyReaches(gitDir, oids, nowS, stops).catch(() => undefined);
  if (!stopped) return historyReaches(gitDir, oids, nowS);
  const whole = oids.filter((_, i) => stopped.unsure[i]);
  if (!whole.length) return stopped;
  const again = await historyReaches(gitDir, whole, nowS);
  whole.forEach((o, k) => (stopped.reaches[oids.indexOf(o)] = again.reaches[k]!));
  const dues = [stopped.due, again.due].filter((d): d is number => d !== undefined);
  return dues.length ? { reaches: stopped.reaches, due: Math.min(...dues) } : { reaches: stopped.reaches };
}

/**
 * For each of `oids`, the latest committer date not after `nowS` among it and its ancestors (and the
 * earliest after it, `due`, among them all), as git
 * reads them (one `git log` through the shadow: no replace objects, no grafts, the shallow boundary
 * kept), streamed. One commit: in git's date order, constant memory. Several: in topological order
 * (children first), each commit carrying the set of asked-for commits it descends from (a bit mask)
 * to its parents, so node keeps only the walk's frontier. A commit git cannot read adds nothing.
 * With `stops` (commits whose reach is known) the log leaves out their histories (^stop --boundary):
 * a boundary commit that is a stop adds its reach; an asked-for commit that git did not print (a
 * stop's history holds it) or that reached another boundary commit is `unsure`, to be read whole.
 */
function historyReaches(
  gitDir: string,
  oids: readonly string[],
  nowS: number,
  stops: ReadonlyMap<string, number> = new Map(),
): Promise<{ reaches: number[]; due?: number; unsure: boolean[] }> {
  const several = oids.length > 1 || stops.size > 0;
  const format = several ? '--format=%m%H %ct %P' : '--format=%ct';
  const args = [
    'log',
    '--no-show-signature',
    ...(several ? ['--topo-order'] : []),
    ...(stops.size ? ['--boundary'] : []),
    format,
    '--end-of-options',
    ...oids,
    ...[...stops.keys()].map((s) => `^${s}`),
  ];
  const bits = new Map(oids.map((o, i) => [o, 1n << BigInt(i)]));
  const frontier = new Map<string, bigint>(); // commits not read yet: which asked-for commits reach them
  const latestByMask = new Map<bigint, number>();
  let printed = 0n; // asked-for commits git printed
  let unsure = 0n; // asked-for commits whose history reached a boundary commit that is no stop
  let best = NONE;
  let due: number | undefined;
  const ahead = (t: number): void => {
    if (t > nowS && (due === undefined || t < due)) due = t;
  };
  const note = (mask: bigint, t: number): void => {
    if (t > (latestByMask.get(mask) ?? NONE)) latestByMask.set(mask, t);
  };
  const take = (line: string): void => {
    if (!several) {
      const t = /^[0-9]{1,15}$/.test(line) ? Number(line) : NaN;
      ahead(t);
      if (t > 0 && t <= nowS && t > best) best = t;
      return;
    }
    const [oid, ct, ...parents] = line.slice(1).split(' ');
    if (!oid || !ct) return;
    const mask = (frontier.get(oid) ?? 0n) | (bits.get(oid) ?? 0n);
    frontier.delete(oid);
    if (line[0] === '-') {
      // A commit of the stops' histories: a stop's reach covers it and everything before it.
      const known = stops.get(oid);
      if (known === undefined) unsure |= mask;
      else note(mask, known);
      return;
    }
    printed |= bits.get(oid) ?? 0n;
    const t = /^[0-9]{1,15}$/.test(ct) ? Number(ct) : NaN;
    ahead(t);
    if (t > 0 && t <= nowS) note(mask, t);
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
    child.on('close', (code) => {
      take(rest);
      try {
        dog.check(args);
      } catch (err) {
        reject(err instanceof GitError ? err : new GitError(args, null, String(err)));
        return;
      }
      // A stop git cannot name makes the log fail at once: read without stops.
      if (stops.size && code !== 0 && printed === 0n) return reject(new GitError(args, code, 'git log failed'));
      // A missing object (a shallow or partial clone) ends the log early: what it read still counts.
      const soon = due !== undefined ? { due } : {};
      if (!several) return resolve({ reaches: [best], unsure: [false], ...soon });
      const reaches = oids.map(() => NONE);
      for (const [mask, t] of latestByMask)
        oids.forEach((_, i) => {
          if ((mask >> BigInt(i)) & 1n && t > reaches[i]!) reaches[i] = t;
        });
      const isSet = (m: bigint, i: number): boolean => ((m >> BigInt(i)) & 1n) === 1n;
      resolve({
        reaches,
        unsure: oids.map((_, i) => stops.size > 0 && (!isSet(printed, i) || isSet(unsure, i))),
        ...soon,
      });
    });
  });
}
