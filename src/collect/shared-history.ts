// Whether a commit shares history with the trust root (git has a merge base for them): the root's
// descendants do, and so does a branch forked from before the root (a pull request open when the
// policy was adopted, a backport on an older release line), which the trust root's policy judges
// (collect/trust.ts). An unrelated history (an orphan branch) shares none and no policy judges it.
import type { OidIndex } from '../domain/oid-index.js';
import type { Policy } from '../domain/policy.js';
import { CommitFlags, known } from './commit-flags.js';
import { runGit, type Shadow } from './git.js';
import { isAncestor } from './ancestry.js';

/** Do `a` and `b` have a common ancestor? undefined when git cannot tell (an object missing). */
export async function sharesHistory(shadow: Shadow, a: string, b: string): Promise<boolean | undefined> {
  const r = await runGit(['merge-base', '--end-of-options', a, b], {
    gitDir: shadow.gitDir,
    okCodes: [1, 128],
    timeoutMs: 60_000,
  });
  return r.code === 0 ? true : r.code === 1 ? false : undefined;
}

/**
 * The policy accepted where a branch forked before the root lands, which judges it instead of the
 * root's: the server's HEAD (its hook), --base (CI), or in a plain audit the policy at HEAD, with
 * `recorded`: whether the ledger's last record already held a commit (the root's policy then still
 * judges it, as it did then).
 */
export interface AcceptedPolicy {
  policy: Policy;
  /** The commit it was read at. */
  from: string;
  recorded?: (oid: string) => Promise<boolean>;
  /** The commit of HEAD's first-parent line just before the one that brought `oid` in (landingParent). */
  landing?: (oid: string) => Promise<string | undefined>;
}

/** Lookups per run: each is a binary search of `merge-base --is-ancestor` over HEAD's first-parent line. */
const LANDINGS_MAX = 32;

/**
 * For a commit forked before the root: the first-parent commit of `head` before the merge that brought
 * it onto that line (whose policy accepted it then), `root` when that merge followed the root at once.
 */
export function landingParent(
  shadow: Shadow,
  head: string,
  root: string,
): (oid: string) => Promise<string | undefined> {
  let line: Promise<string[]> | undefined;
  let asked = 0;
  const contains = async (oid: string, tip: string): Promise<boolean> => (await isAncestor(shadow, oid, tip)) === true;
  return async (oid) => {
    if (asked++ >= LANDINGS_MAX) return undefined;
    line ??= runGit(['rev-list', '--first-parent', '--end-of-options', head, `^${root}`], {
      gitDir: shadow.gitDir,
      okCodes: [128],
      timeoutMs: 60_000,
    }).then((r) => (r.code === 0 ? r.stdout.toString().split('\n').filter(Boolean) : []));
    const c = await line; // newest first: those holding `oid` come before those that do not
    if (!c.length || !(await contains(oid, c[0]!))) return undefined;
    let [lo, hi] = [0, c.length - 1];
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (await contains(oid, c[mid]!)) lo = mid;
      else hi = mid - 1;
    }
    return c[lo + 1] ?? root;
  };
}

type Ask = (root: string, oid: string) => Promise<boolean | undefined>;

/** A yes/no per commit about its relation to the trust root: recorded for walked commits, asked of git once for the rest. */
export class RootRelation {
  private readonly flags: CommitFlags;
  protected root: string | undefined;
  private ask: Ask | undefined;

  constructor(index: OidIndex) {
    this.flags = new CommitFlags(index);
  }

  /** Set before the walk: the trust root, and how git is asked about a commit outside the walk. */
  scope(root: string | undefined, ask: Ask | undefined): void {
    this.root = root;
    this.ask = ask;
  }

  get(oid: string): boolean | Promise<boolean> | undefined {
    return this.flags.get(oid);
  }

  set(oid: string, value: boolean | Promise<boolean>): void {
    this.flags.set(oid, value);
  }

  /** A walked commit's answer, or a parent's outside the walk (asked of git once; unknown: no; the root: yes). */
  of(oid: string): boolean | Promise<boolean> {
    const known = this.flags.get(oid);
    if (known !== undefined) return known;
    const root = this.root;
    const r = !root ? false : oid === root ? true : this.ask ? this.ask(root, oid).then((a) => a === true) : false;
    this.flags.set(oid, r);
    return r;
  }
}

/** Whether each commit shares history with the trust root. */
export class SharedHistory extends RootRelation {
  /** Before a walked commit's children are enriched: it shares history when rooted, or when a parent does. */
  record(oid: string, isRoot: boolean, parents: readonly string[], rooted: Array<boolean | Promise<boolean>>): void {
    if (!this.root) return;
    if (isRoot || rooted.some((r) => r === true)) return this.set(oid, true);
    // Parents are asked only while not known to be rooted (a walk inside the root's history never asks).
    const each = parents.map((p, i) => {
      const r = rooted[i]!;
      return r === false ? this.of(p) : Promise.resolve(r).then((yes) => yes || this.of(p));
    });
    const all = known(each);
    this.set(oid, all instanceof Promise ? all.then((v) => v.some(Boolean)) : all.some(Boolean));
  }
}
