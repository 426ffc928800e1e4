// The texts one run has charged to its YAML budget, by digest (yaml-budget.ts, command-reading.ts): a
// text's answer may be dropped to bound memory and asked for again, and its second reading must not be
// charged as a new text (that spent the budget twice and gave false "cannot be judged"). A hostile
// history can hold a million charged commands, so each is 8 bytes of its sha256 in one typed array,
// not a string in a Set (~60 bytes). Two texts sharing those 8 bytes only move the second one's
// charge to the run's bounded allowance for readings again: never a reading for free.

/** Open addressing, linear probing, two words a slot (0, 0: empty), grown at half full. */
export class DigestSet {
  private slots = new Uint32Array(2 * 256);
  private size = 0;

  /** Whether `key` (a textKey: base64 of a sha256) was added. */
  has(key: string): boolean {
    const at = this.find(...words(key));
    return this.slots[at] !== 0 || this.slots[at + 1] !== 0;
  }

  add(key: string): void {
    const [a, b] = words(key);
    const at = this.find(a, b);
    if (this.slots[at] !== 0 || this.slots[at + 1] !== 0) return;
    this.slots[at] = a;
    this.slots[at + 1] = b;
    if (++this.size * 4 > this.slots.length) this.grow();
  }

  /** The slot holding (a, b), else the empty one where it goes. */
  private find(a: number, b: number): number {
    const mask = this.slots.length / 2 - 1;
    for (let i = a & mask; ; i = (i + 1) & mask) {
      const x = this.slots[2 * i]!;
      const y = this.slots[2 * i + 1]!;
      if ((x === a && y === b) || (x === 0 && y === 0)) return 2 * i;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] === 0 && old[i + 1] === 0) continue;
      const at = this.find(old[i]!, old[i + 1]!);
      this.slots[at] = old[i]!;
      this.slots[at + 1] = old[i + 1]!;
    }
  }
}

/** The first 8 bytes of a base64 digest as two words, never both 0 (the empty slot). */
function words(key: string): [number, number] {
  const bytes = Buffer.from(key.slice(0, 12), 'base64');
  const a = bytes.readUInt32LE(0);
  const b = bytes.readUInt32LE(4);
  return a === 0 && b === 0 ? [1, 0] : [a, b];
}
