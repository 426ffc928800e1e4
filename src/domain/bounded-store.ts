// A memo bounded by what it holds: the readers that keep answers by text (a shell script's reading,
// its written targets, a CI file's parse and answers) each ask the same texts again and again, and a
// hostile history holds thousands of large ones, so what is kept must stay bounded whatever it reads.

/**
 * Values by key, at most `limit` bytes of them as the caller weighs them, the least recently asked
 * (get, keep) dropped first; the newest is kept whatever it weighs, unless it weighs more than
 * `heaviest` (then it is not kept at all: an answer that large is made again when asked).
 */
export class BoundedStore<K, V> {
  private readonly kept = new Map<K, { value: V; weight: number }>();
  private held = 0;

  constructor(
    private readonly limit: number,
    private readonly heaviest = Infinity,
  ) {}

  /** The value kept under `key`, now the most recently asked; undefined when none is. */
  get(key: K): V | undefined {
    const had = this.kept.get(key);
    if (!had) return undefined;
    this.kept.delete(key);
    this.kept.set(key, had);
    return had.value;
  }

  /** The value kept under `key`, its recency left as it was. */
  peek(key: K): V | undefined {
    return this.kept.get(key)?.value;
  }

  /**
   * Keeps `value` under `key` (in place of what was), weighing `weight`, as the most recently asked;
   * the least recently asked others are dropped until the store holds at most its limit.
   */
  keep(key: K, value: V, weight: number): void {
    const had = this.kept.get(key);
    if (had) {
      this.kept.delete(key);
      this.held -= had.weight;
    }
    if (weight > this.heaviest) return;
    this.kept.set(key, { value, weight });
    this.held += weight;
    for (const [k, entry] of this.kept) {
      if (this.held <= this.limit || k === key) break;
      this.kept.delete(k);
      this.held -= entry.weight;
    }
  }

  /** What the store holds now, as its values were weighed. */
  get weight(): number {
    return this.held;
  }
}
