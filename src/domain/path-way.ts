// The one walk down a path of a commit's tree for whether a write to the path may land elsewhere than
// at it, component by component: a link or submodule on the way (the write follows it), an entry that
// cannot be read, two names a case-folding file system takes for one. Its readers answer each
// component as they read the tree, and differ on purpose in one rule, `existing`:
// restore-links.ts (a restore of GitHub's actions, through the Checkout the shell readings use: any
// entry already there on the way counts, a file or the path itself) and collect/written-reach.ts (a
// script's write, names case-folded: only links and submodules count, a file or folder there is
// written in place).

/** A name as a case-insensitive file system (a macOS or Windows runner's) compares it. */
export const foldName = (text: string): string => text.normalize('NFC').toLowerCase();

/** A path folded so, without its trailing slashes. */
export const foldPath = (path: string): string => foldName(path).replace(/\/+$/, '');

/** What a component of the path is at the commit (`ambiguous`: two names folded to one). */
export type WayEntry = 'absent' | 'tree' | 'file' | 'link' | 'unknown' | 'ambiguous';

/**
 * Whether a write to a path of `count` components may land elsewhere: yields each component's index
 * and takes what is there. Not there: the write makes the folders below it. `existing`: whether an
 * entry already there (a file on the way, or the path itself) makes it reach anywhere.
 */
export function* pathWay(count: number, existing: boolean): Generator<number, boolean, WayEntry> {
  for (let i = 0; i < count; i += 1) {
    const at = yield i;
    if (at === 'absent') return false;
    if (at === 'unknown' || at === 'link' || at === 'ambiguous') return true;
    if (existing && (at === 'file' || i === count - 1)) return true;
  }
  return false;
}

/** pathWay answered at once by `at` (each component's entry by index). */
export function wayReaches(count: number, existing: boolean, at: (i: number) => WayEntry): boolean {
  const walk = pathWay(count, existing);
  let step = walk.next();
  while (!step.done) step = walk.next(at(step.value));
  return step.value;
}
