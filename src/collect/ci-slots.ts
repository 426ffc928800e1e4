// How many commits read their CI files at once. The walk judges up to two windows of 256 commits
// side by side, and each commit that changes a watched path holds the texts it reads (its CI files
// and its parents') until its answer is known: 300 versions of a 200 KiB workflow in flight held
// ~120 MB of texts and ~70 MB of their lines and commands, so node's heap grew to ~900 MB before V8
// collected it. A few commits at a time keep the CPU busy (the readings are node's, and git answers
// in batches) while what they hold stays a few MB.

/** The commits whose watched changes are read at once, at most. */
const CI_SLOTS = 8;

/** A counting semaphore whose free slot is taken at once, without a promise (steps.ts runs on). */
export class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(count = CI_SLOTS) {
    this.free = count;
  }

  /** Takes a slot: true at once when one is free, else a promise of it. */
  take(): true | Promise<true> {
    if (this.free > 0) {
      this.free -= 1;
      return true;
    }
    return new Promise((resolve) => this.waiting.push(() => resolve(true)));
  }

  /** Gives a slot back: to the first waiting, else free. */
  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}

const slotsOf = new WeakMap<object, Slots>();

/** The slots shared by everything that reads through `owner` (a run's CI gate reader). */
export function slotsFor(owner: object): Slots {
  let s = slotsOf.get(owner);
  if (!s) slotsOf.set(owner, (s = new Slots()));
  return s;
}
