// The objects a reader (objects.ts) read by id, kept for the run's later reads of the same id.

/**
 * An object asked for by id is read once and kept (`all` bytes in all, the oldest dropped first; none
 * over `one`, 64 KiB: a larger body is read from git again when asked again; at 1 MiB the hostile CI
 * history's 200 KiB texts filled all 16 MiB, README, Benchmark): an id names one content (the reader
 * checks trees and blobs against it, and an id stored twice with other bytes is refused before any git
 * runs: duplicate-objects.ts). Each `<commit>:<path>`
 * read the commit and its root tree again: ~185 of an audit's ~200 reads of a small repository were
 * repeats (the CI files looked for at the tip and where the range starts). Answers are shared, never
 * written to; one that failed, found nothing or is over a later ask's limit is asked again.
 */
export class KeptObjects<T extends { body: Buffer }> {
  private readonly kept = new Map<string, { read: Promise<T | null>; size: number }>();
  private bytes = 0;

  constructor(
    private readonly one = 64 * 1024,
    private readonly all = 16 * 1024 * 1024,
  ) {}

  /** The object `id` as `ask` reads it, at most `maxBytes` long (a longer one kept is asked again). */
  read(id: string, maxBytes: number, ask: () => Promise<T | null>): Promise<T | null> {
    const kept = this.kept.get(id);
    if (kept) return kept.read.then((o) => (o && o.body.length <= maxBytes ? o : ask()), ask);
    const entry = { read: ask(), size: 0 };
    this.kept.set(id, entry);
    const drop = (): void => void (this.kept.get(id) === entry && this.kept.delete(id));
    entry.read.then((o) => {
      if (!o || o.body.length > this.one || this.kept.get(id) !== entry) return drop();
      this.bytes += entry.size = o.body.length;
      const ids = this.kept.keys(); // oldest first
      while (this.bytes > this.all) this.bytes -= this.forget(ids.next().value!);
    }, drop);
    return entry.read;
  }

  private forget(id: string): number {
    const size = this.kept.get(id)?.size ?? 0;
    this.kept.delete(id);
    return size;
  }
}
