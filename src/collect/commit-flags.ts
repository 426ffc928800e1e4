// Per-commit yes/no answers of the trust walk (is it rooted, may its policy judge), which may still be
// pending while a parent's signature is checked: a byte column for settled answers, promises meanwhile.
import type { OidIndex } from '../domain/oid-index.js';

/** The values, awaited only when one is still pending (most commits need no await at all). */
export function known<T>(values: Array<T | Promise<T>>): Array<T> | Promise<Array<T>> {
  for (const v of values) if (v instanceof Promise) return Promise.all(values);
  return values as T[];
}

/**
 * A yes/no per commit that may still be pending: settled answers in a column of one byte per commit
 * (0 unknown, 1 no, 2 yes), pending ones (a few hundred in flight at most) as promises until they settle.
 */
export class CommitFlags {
  private readonly settled;
  private readonly pending = new Map<string, Promise<boolean>>();
  constructor(private readonly index: OidIndex) {
    this.settled = index.column((n) => new Int8Array(n));
  }
  get(oid: string): boolean | Promise<boolean> | undefined {
    const i = this.index.get(oid);
    const v = i < 0 ? 0 : this.settled.get(i);
    return v ? v === 2 : this.pending.get(oid);
  }
  set(oid: string, value: boolean | Promise<boolean>): void {
    if (value instanceof Promise) {
      this.pending.set(oid, value);
      // Settled answers move to the column (unless a later set() replaced the promise meanwhile).
      value.then(
        (v) => {
          if (this.pending.get(oid) === value) this.set(oid, v);
        },
        () => undefined,
      );
      return;
    }
    this.pending.delete(oid);
    this.settled.set(this.index.add(oid), value ? 2 : 1);
  }
}
