// What the tip's goodlist may vouch for. The goodlist is HEAD's say-so, and the policy changes it
// would excuse are the ones that lead to HEAD's policy: letting it vouch that a new policy judges is
// circular (Mallory's takeover goodlisted by her own next commit). It may only vouch that a change
// brought back the policy in force before it (a broken policy fixed): per commit, the .gitguard tree
// of the nearest policy that passed on (its own when it does, else the one its parents agree on).
import { Interned, type OidIndex } from '../domain/oid-index.js';

export class VettedTrees {
  private readonly column;
  private readonly trees = new Interned<string>();
  constructor(private readonly index: OidIndex) {
    this.column = index.column((n) => new Int32Array(n));
  }

  /** As a commit's policy verdict settles: `own` its .gitguard tree when its policy passes on. */
  record(oid: string, parents: readonly string[], own: string | undefined): void {
    const tree = own || this.before(parents);
    if (tree) this.column.set(this.index.add(oid), this.trees.number(tree, tree));
  }

  /** The tree the walked parents agree on ('' when none is known or they differ). */
  before(parents: readonly string[]): string {
    let found = '';
    for (const p of parents) {
      const i = this.index.get(p);
      const t = i < 0 ? undefined : this.trees.value(this.column.get(i));
      if (!t) continue;
      if (found && t !== found) return '';
      found = t;
    }
    return found;
  }
}
