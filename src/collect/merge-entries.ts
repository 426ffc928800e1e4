// A merge compared with its sides path by path: where a side left an entry as the merge base had it,
// the merge must hold the other side's; where both changed a folder, each entry in it again
// (clean-merge.ts asks this of merge-tree's answer, and of an octopus). Entries are "<mode> <id>",
// read through the walk's object reader.
import { entryNamed, parseTree, type ObjectReader } from './objects.js';
import { entryId, entryOf, TREE_MODE } from './tree-entry.js';

/**
 * A tree's entries by name ("<mode> <id>"), or undefined where a name is not UTF-8: decoded, two
 * names (0xee and the real U+FFFD) read as one and one side's entry hid the other's change.
 */
export function entriesByName(body: Buffer, oidBytes: 20 | 32): Map<string, string> | undefined {
  const entries = parseTree(body, oidBytes);
  const byName = new Map(entries.map((t) => [t.name, entryOf(t.mode, t.oid)]));
  return byName.size === entries.length && entries.every((t) => !t.name.includes('\uFFFD')) ? byName : undefined;
}

/** The entry at `path` in `tree` ("<mode> <id>", a submodule's commit too), or null. */
export async function entryIn(reader: ObjectReader, oidBytes: 20 | 32, tree: string, path: string): Promise<Entry> {
  const slash = path.lastIndexOf('/');
  const dir = await reader.read(`${tree}:${slash < 0 ? '' : path.slice(0, slash)}`);
  if (dir?.type !== 'tree') return null;
  const name = path.slice(slash + 1);
  const e = entryNamed(dir.body, oidBytes, name);
  return e ? entryOf(e.mode, e.oid) : null;
}

/** An entry as the comparison sees it: its mode and id ("040000 <id>" for a folder), or null. */
export type Entry = string | null;
const idOf = (e: Entry): string | null => (e === null ? null : entryId(e));

/**
 * Whether the merge's entry `merged` at a path is what merging the sides file by file gives: where
 * a side left something as the merge base had it, the merge must hold the other side's; where both
 * changed a folder, each entry in it again. Where both changed a file, merge-tree's clean content
 * merge stands. Undefined: cannot tell (the merge bases differ at a file, or past the read budget).
 */
export async function pathwise(
  reader: ObjectReader,
  oidBytes: 20 | 32,
  bases: Entry[],
  a: Entry,
  b: Entry,
  merged: Entry,
  budget: { left: number },
): Promise<boolean | undefined> {
  if (merged === a && merged === b) return true;
  // A side that holds what one of the merge bases holds brought in nothing since: that entry is in
  // the other side's history too, so the merge holding the other side's entry drops nothing unseen.
  // With one base this is the rule below; with several (a criss-cross, whose bases may differ here)
  // it is what lets a file one side left as a base had it through.
  if ((bases.includes(a) && merged === b) || (bases.includes(b) && merged === a)) return true;
  // Several merge bases (a criss-cross) that differ here: folders are compared entry by entry, with
  // each base's entry; a file where they differ cannot be told.
  const agreed = bases.every((x) => x === bases[0]);
  if (agreed) {
    const base = bases[0] ?? null;
    if (a === base) return merged === b;
    if (b === base) return merged === a;
  }
  // Both sides changed it: a file (merge-tree merged the content cleanly), or a folder to go into.
  const all = [...bases, a, b, merged];
  if (all.some((e) => e !== null && !e.startsWith(`${TREE_MODE} `))) return agreed ? true : undefined;
  const folders: Array<Map<string, string>> = [];
  for (const e of all) {
    const id = idOf(e);
    if (id === null) {
      folders.push(new Map());
      continue;
    }
    if (--budget.left < 0) return undefined;
    const o = await reader.read(id);
    if (o?.type !== 'tree') return undefined;
    const byName = entriesByName(o.body, oidBytes);
    if (!byName) return undefined;
    folders.push(byName);
  }
  const names = new Set(folders.flatMap((f) => [...f.keys()]));
  for (const name of names) {
    const entries = folders.map((f) => f.get(name) ?? null);
    const [ea = null, eb = null, em = null] = entries.slice(bases.length);
    const ok = await pathwise(reader, oidBytes, entries.slice(0, bases.length), ea, eb, em, budget);
    if (ok !== true) return ok;
  }
  return true;
}
