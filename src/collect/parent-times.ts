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

  private evidence(t: number): number {
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

  private read(oid: string): Promise<number> {
    let p = this.outside.get(oid);
    if (!p) this.outside.set(oid, (p = historyReach(this.reader().gitDir, oid, this.nowS)));
    return p;
  }
}

/**
 * The latest committer date not after `nowS` among `oid` and its ancestors, as git reads them (one
 * `git log` through the shadow: no replace objects, no grafts, the shallow boundary kept), streamed
 * (constant memory, however long the history). A commit git cannot read adds nothing.
 */
function historyReach(gitDir: string, oid: string, nowS: number): Promise<number> {
  const args = ['log', '--no-show-signature', '--format=%ct', '--end-of-options', oid];
  return new Promise((resolve, reject) => {
    const child = spawnGit(args, { gitDir });
    child.stdin!.on('error', () => undefined);
    child.stdin!.end();
    const dog = new Watchdog(child, 'git log');
    let best = NONE;
    let rest = '';
    const take = (line: string): void => {
      const t = /^[0-9]{1,15}$/.test(line) ? Number(line) : NaN;
      if (t > 0 && t <= nowS && t > best) best = t;
    };
    dog.arm();
    child.stdout!.on('data', (c: Buffer) => {
      dog.arm();
      const lines = (rest + c.toString('latin1')).split('\n');
      rest = lines.pop()!.slice(0, 64);
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
      resolve(best);
    });
  });
}
