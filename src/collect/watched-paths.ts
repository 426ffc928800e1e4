// The entries a commit has at the paths the walk watches ("<mode> <id>", tree-entry.ts): the policy
// folder, then the protected paths.
// A walked commit's come from its first parent's and the walk's diff (commit.pathChanges); a commit
// outside the walk (a parent of the trust root, a --base) is looked up in its own tree.
import type { CommitRecord } from '../domain/commit.js';
import { Interned, type OidIndex } from '../domain/oid-index.js';
import { POLICY_DIR } from '../domain/trust.js';
import { ExpectedError } from '../errors.js';
import { entryNamed, type ObjectReader } from './objects.js';
import { entryOf, folderId, TREE_MODE } from './tree-entry.js';

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

/** A walked commit's policy tree id ('' none) and its ids at the protected paths. */
export interface OwnPaths {
  tree: string;
  state: readonly (string | null)[];
}

/** A number per commit, kept in the walk's index (see OidIndex.column). */
type Column = { get(i: number): number; set(i: number, v: number): void };

export class WatchedPaths {
  /** Policy tree id of each commit walked ('' = none), as its number in `trees` (0: not known). */
  private readonly treeCol: Column;
  private readonly trees = new Interned<string>();
  /** Ids of the watched paths in each commit, as a number in `states` (equal states share one array). */
  private readonly stateCol: Column;
  private readonly states = new Interned<readonly (string | null)[]>();

  constructor(
    private readonly index: OidIndex,
    private readonly reader: ObjectReader,
    private readonly oidBytes: 20 | 32,
    /** The protected paths watched besides .gitguard (set once the walk's scope is known). */
    private readonly watched: () => readonly string[],
  ) {
    this.treeCol = index.column((n) => new Int32Array(n));
    this.stateCol = index.column((n) => new Int32Array(n));
  }

  /** What the walk watches in each commit: the policy folder, then the protected paths, in this order. */
  private walkPaths(): string[] {
    return [POLICY_DIR, ...this.watched()];
  }

  /** Policy tree id of a commit: from the walk, or looked up for a parent outside it. */
  async treeOf(commitOid: string): Promise<string> {
    const known = this.knownTree(commitOid);
    if (known !== undefined) return known;
    const o = await this.reader.read(`${commitOid}:${POLICY_DIR}`);
    const tree = o?.type === 'tree' ? o.oid : '';
    this.setTree(commitOid, tree);
    return tree;
  }

  knownTree(commitOid: string): string | undefined {
    const i = this.index.get(commitOid);
    return i < 0 ? undefined : this.trees.value(this.treeCol.get(i));
  }

  private setTree(commitOid: string, tree: string): void {
    this.treeCol.set(this.index.add(commitOid), this.trees.number(tree, tree));
  }

  /** Commits walked whose ids at the walk's paths wait on a lookup (a first parent outside the walk). */
  private readonly pendingPaths = new Map<string, Promise<readonly (string | null)[]>>();

  /**
   * A walked commit's ids at walkPaths(): its first parent's (as git walks it) with the walk's changes
   * applied, at once when that parent's are known; looked up in its own tree when the parent is outside
   * the walk (the trust root's, a --base's), so every commit's state is what git has at those paths.
   */
  private walkedPaths(commit: CommitRecord): readonly (string | null)[] | Promise<readonly (string | null)[]> {
    const changes = commit.pathChanges;
    const apply = (base: readonly (string | null)[]): readonly (string | null)[] => {
      if (!changes) return base;
      const paths = this.walkPaths();
      return paths.map((p, k) => (Object.hasOwn(changes.changed, p) ? changes.changed[p]! : (base[k] ?? null)));
    };
    // A new policy folder is checked against the commit's own tree, read object by object against
    // their ids (ObjectReader.read): diff-tree reads trees as stored, and a swapped tree must not
    // bring a policy in. Rare (policy changes only), so the walk stays one diff.
    const policyTree = folderId(changes?.changed[POLICY_DIR]);
    const checked = policyTree ? this.checkPolicyTree(commit.oid, policyTree) : undefined;
    const base = changes?.base;
    const known =
      base === null ? this.walkPaths().map(() => null) : base === undefined ? undefined : this.knownPaths(base);
    if (known && !checked) return apply(known);
    const pending = base === undefined || base === null ? undefined : this.pendingPaths.get(base);
    const p = known
      ? checked!.then(() => apply(known))
      : pending
        ? Promise.all([pending, checked]).then(([ids]) => apply(ids))
        : Promise.all([this.treeOf(commit.oid), this.stateOf(commit.oid), checked]).then(([tree, state]) => [
            folderEntry(tree),
            ...state,
          ]);
    this.pendingPaths.set(commit.oid, p);
    const settle = (): void => void this.pendingPaths.delete(commit.oid);
    p.then(settle, settle);
    return p;
  }

  /**
   * Records a walked commit's ids at walkPaths() (see walkedPaths). Most commits change nothing
   * there: they take their first parent's numbers in both columns, with no array or key built.
   */
  recordWalked(commit: CommitRecord): OwnPaths | Promise<OwnPaths> {
    const changes = commit.pathChanges;
    const b = changes?.base && isEmpty(changes.changed) ? this.index.get(changes.base) : -1;
    if (b >= 0) {
      const watching = this.watched().length > 0;
      const treeN = this.treeCol.get(b);
      const stateN = watching ? this.stateCol.get(b) : 0;
      if (treeN > 0 && (stateN > 0 || !watching)) {
        const tree = this.trees.value(treeN)!;
        if (tree) this.sawPolicyFolder = true;
        const i = this.index.add(commit.oid);
        this.treeCol.set(i, treeN);
        if (watching) this.stateCol.set(i, stateN);
        return { tree, state: watching ? this.states.value(stateN)! : [] };
      }
    }
    const ids = this.walkedPaths(commit);
    return ids instanceof Promise
      ? ids.then((v) => this.recordPaths(commit.oid, v))
      : this.recordPaths(commit.oid, ids);
  }

  private async checkPolicyTree(commitOid: string, tree: string): Promise<void> {
    const o = await this.reader.read(`${commitOid}:${POLICY_DIR}`);
    if (o?.oid !== tree)
      throw new ExpectedError(
        `commit ${commitOid}: git diff-tree and the tree itself disagree on ${POLICY_DIR} (${tree} or ${o?.oid ?? 'none'})`,
        'check the repository with git fsck',
      );
  }

  /** A commit's ids at walkPaths() when both columns know them. */
  private knownPaths(oid: string): readonly (string | null)[] | undefined {
    const i = this.index.get(oid);
    if (i < 0) return undefined;
    const tree = this.trees.value(this.treeCol.get(i));
    const state = this.watched().length ? this.states.value(this.stateCol.get(i)) : [];
    return tree === undefined || state === undefined ? undefined : [folderEntry(tree), ...state];
  }

  /** Records a walked commit's ids at walkPaths(): its policy tree and its watched state. */
  /** Whether a walked commit had anything at the policy folder (see HistoryScope.speculateRoot). */
  sawPolicyFolder = false;

  private recordPaths(commitOid: string, ids: readonly (string | null)[]): OwnPaths {
    // Only a folder is a policy: git reads no .gitguard/policy.yml through a link or a submodule.
    const tree = folderId(ids[0]) ?? '';
    if (ids[0]) this.sawPolicyFolder = true;
    this.setTree(commitOid, tree);
    return { tree, state: this.watched().length ? this.setState(commitOid, ids.slice(1)) : [] };
  }

  private setState(commitOid: string, ids: readonly (string | null)[]): readonly (string | null)[] {
    const n = this.states.number(ids.join(' '), ids);
    this.stateCol.set(this.index.add(commitOid), n);
    return this.states.value(n)!;
  }

  /** A commit's ids at the protected paths: at once when known (a walked commit), else looked up. */
  stateOf(commitOid: string): readonly (string | null)[] | Promise<readonly (string | null)[]> {
    const i = this.index.get(commitOid);
    const known = i < 0 ? undefined : this.states.value(this.stateCol.get(i));
    if (known) return known;
    return Promise.all(this.watched().map((p) => this.entryAt(commitOid, p))).then((ids) =>
      this.setState(commitOid, ids),
    );
  }

  /** The entry at `path` in a commit's tree ("<mode> <id>", a submodule's commit too), or null. */
  private async entryAt(commitOid: string, path: string): Promise<string | null> {
    const slash = path.lastIndexOf('/');
    const dir = await this.reader.read(`${commitOid}:${slash < 0 ? '' : path.slice(0, slash)}`);
    if (dir?.type !== 'tree') return null;
    const name = path.slice(slash + 1);
    const e = entryNamed(dir.body, this.oidBytes, name);
    return e ? entryOf(e.mode, e.oid) : null;
  }
}

/** The policy slot of a watched state: the policy folder's entry, or null without one. */
function folderEntry(tree: string): string | null {
  return tree ? `${TREE_MODE} ${tree}` : null;
}
