// A memo that keeps only its most recently asked entries: an answer dropped is computed again when
// asked again. CiGateReader's readings per CI state hold the texts read (a workflow's whole versions):
// kept for the run, 300 versions of a 200 KiB workflow held 36 MB of texts at once, and a longer
// history more without bound.

/** A Map of at most `max` entries, the least recently asked (get, set) dropped first. */
export class RecentMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }

  override get(key: K): V | undefined {
    if (!super.has(key)) return undefined;
    const v = super.get(key) as V;
    super.delete(key);
    super.set(key, v);
    return v;
  }

  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    for (const k of super.keys()) {
      if (this.size <= this.max) break;
      super.delete(k);
    }
    return this;
  }
}

/** The readings of CI states a run keeps (ci-runs-gitguard.ts): a commit asks its own and its parents'. */
export const READINGS_KEPT = 32;
