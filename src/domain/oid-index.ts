// Per-commit state for a walk of a million commits, kept in typed arrays instead of Map<string, ...>:
// each object id is stored once as its raw bytes (20 or 32) and numbered in insertion order, and a
// walk keeps its per-commit values in columns indexed by that number. A Map entry with its hex key
// string cost ~150 bytes a map; here a commit costs its id's bytes, 8 bytes of hash slots and a few
// bytes per column. Pure data structure (no I/O), so rules and collectors alike can use it.

// Lowercase only, as git writes ids: anything else is kept apart (in `odd`), so the index answers
// exactly as a Map of the strings would.
const NIBBLE = new Int8Array(65536).fill(-1);
for (let c = 48; c <= 57; c += 1) NIBBLE[c] = c - 48;
for (let c = 97; c <= 102; c += 1) NIBBLE[c] = c - 87;

/** Ids asked for lately, one per slot of a small direct-mapped table (by the id's first characters):
 *  a walk asks about a commit again after the window of a few hundred commits it was enriched in (the
 *  rules visit it then), and about its parents right after them; a table of this size stays in the
 *  processor's cache, where a lookup in the index itself costs a cache miss or two per id. */
const RECENT_BITS = 12;
const RECENT_MASK = (1 << RECENT_BITS) - 1;

const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;

/** Object ids (hex) numbered 0, 1, 2... in the order they were added. */
export class OidIndex {
  private width = 0;
  /** Raw ids, CHUNK of them per array: growing never copies them, nor over-allocates more than a chunk. */
  private readonly keys: Uint8Array[] = [];
  /** Open addressing: slot -> index + 1 (0 = empty). Kept at most half full. */
  private slots = new Int32Array(1024);
  private readonly scratch = new Uint8Array(32);
  private readonly columns: Array<{ grow(capacity: number): void }> = [];
  size = 0;
  /** Ids that are not lowercase hex of one length (never in a real walk): kept in an ordinary map. */
  private readonly odd = new Map<string, number>();

  /** Ids asked for lately and their numbers (only ids that were added), by recentSlot. */
  private readonly recentOids: Array<string | undefined> = new Array<string | undefined>(RECENT_MASK + 1).fill(
    undefined,
  );
  private readonly recentIndex = new Int32Array(RECENT_MASK + 1);

  /** Where an id may sit in the recent table: any string has one (the table only holds ids that were added). */
  private recentSlot(oid: string): number {
    // A hex id's first three digits (-1 or undefined for anything else: still some slot).
    return (
      ((NIBBLE[oid.charCodeAt(0)]! << 8) | (NIBBLE[oid.charCodeAt(1)]! << 4) | NIBBLE[oid.charCodeAt(2)]!) & RECENT_MASK
    );
  }

  private recent(oid: string): number {
    const k = this.recentSlot(oid);
    return this.recentOids[k] === oid ? this.recentIndex[k]! : -1;
  }

  private remember(oid: string, i: number): number {
    const k = this.recentSlot(oid);
    this.recentOids[k] = oid;
    this.recentIndex[k] = i;
    return i;
  }

  /** The id's number, or -1 when it was never added. */
  get(oid: string): number {
    const r = this.recent(oid);
    if (r >= 0) return r;
    if (!this.encode(oid)) return this.odd.get(oid) ?? -1;
    const slot = this.find();
    const v = this.slots[slot]!;
    if (!v) return -1;
    return this.remember(oid, v - 1);
  }

  /** The id's number, adding it when new. */
  add(oid: string): number {
    const r = this.recent(oid);
    if (r >= 0) return r;
    return this.remember(oid, this.insert(oid));
  }

  private insert(oid: string): number {
    if (!this.encode(oid)) {
      let i = this.odd.get(oid);
      if (i === undefined) {
        i = this.next();
        this.odd.set(oid, i);
      }
      return i;
    }
    let slot = this.find();
    const v = this.slots[slot]!;
    if (v) return v - 1;
    const i = this.next();
    const w = this.width;
    if (i % CHUNK === 0) this.keys.push(new Uint8Array(CHUNK * w));
    const chunk = this.keys[i >>> CHUNK_BITS]!;
    const at = (i % CHUNK) * w;
    for (let j = 0; j < w; j += 1) chunk[at + j] = this.scratch[j]!;
    if ((this.size - this.odd.size) * 2 > this.slots.length) {
      this.rehash();
      slot = this.find();
    }
    this.slots[slot] = i + 1;
    return i;
  }

  /** A column of numbers, one per id, that grows with the index (0 for an id whose value was never set). */
  column<T extends Int8Array | Int32Array | Float64Array>(
    make: (capacity: number) => T,
  ): { get(i: number): number; set(i: number, v: number): void } {
    let data = make(1024);
    const col = {
      get: (i: number): number => (i < data.length ? data[i]! : 0),
      set: (i: number, v: number): void => {
        if (i >= data.length) col.grow(i + 1);
        data[i] = v;
      },
      grow: (capacity: number): void => {
        if (capacity <= data.length) return;
        const bigger = make(Math.max(capacity, data.length * 2));
        bigger.set(data);
        data = bigger;
      },
    };
    this.columns.push(col);
    return col;
  }

  private next(): number {
    return this.size++;
  }

  /** Decodes a hex id into scratch; false when it is not hex of this index's width. */
  private encode(oid: string): boolean {
    const n = oid.length;
    if (n !== 40 && n !== 64) return false;
    if (this.width === 0) this.width = n / 2;
    if (n / 2 !== this.width) return false;
    for (let i = 0; i < this.width; i += 1) {
      const hi = NIBBLE[oid.charCodeAt(2 * i)]!;
      const lo = NIBBLE[oid.charCodeAt(2 * i + 1)]!;
      if (hi < 0 || lo < 0) return false;
      this.scratch[i] = (hi << 4) | lo;
    }
    return true;
  }

  private hash(bytes: Uint8Array, at: number): number {
    return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
  }

  /** The slot holding scratch's id, or the empty slot where it would go. */
  private find(): number {
    const mask = this.slots.length - 1;
    const w = this.width;
    let slot = this.hash(this.scratch, 0) & mask;
    for (;;) {
      const v = this.slots[slot]!;
      if (!v) return slot;
      const chunk = this.keys[(v - 1) >>> CHUNK_BITS]!;
      const at = ((v - 1) % CHUNK) * w;
      let same = true;
      for (let j = 0; j < w; j += 1) {
        if (chunk[at + j] !== this.scratch[j]) {
          same = false;
          break;
        }
      }
      if (same) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (const v of this.slots) {
      if (!v) continue;
      let slot = this.hash(this.keys[(v - 1) >>> CHUNK_BITS]!, ((v - 1) % CHUNK) * this.width) & mask;
      while (slots[slot]) slot = (slot + 1) & mask;
      slots[slot] = v;
    }
    this.slots = slots;
  }
}

/** Values of any kind numbered once each (tree ids, interned states), so a column can hold their number. */
export class Interned<T> {
  private readonly values: T[] = [];
  private readonly numbers = new Map<string, number>();
  /** The value's number (1-based: 0 means "not set" in a column), adding it under `key` when new. */
  number(key: string, value: T): number {
    let n = this.numbers.get(key);
    if (n === undefined) {
      this.values.push(value);
      n = this.values.length;
      this.numbers.set(key, n);
    }
    return n;
  }
  value(n: number): T | undefined {
    return n > 0 ? this.values[n - 1] : undefined;
  }
}
