// What a merge of two commits gives when nobody resolves anything: `git merge-tree --write-tree`
// (merge-ort, the merge GitHub's and GitLab's merge buttons make), run in the shadow git dir so the
// trees it writes never land in the audited repository. A merge commit whose protected path holds
// exactly that brings in nothing its parents did not already carry: the changes on each side were
// judged in the commits that made them. That holds path by path only: merge-ort's rename detection
// (which git 2.39's merge-tree cannot turn off) carries an edit made at an unprotected path, judged
// as such, into the protected file a rename on the other side moved there. So the merge must also
// be what merging the sides file by file gives under the path (where a side left an entry as the
// merge base had it, the other side's): otherwise the path is judged as changed, stricter than git,
// never laxer. Only the folders whose ids differ are read, through the walk's object reader; a merge
// whose clean result at the path is one side's entry needs no merge base: one git process (merge-tree)
// for most merges, two (merge-base too) for one whose result is neither side's.
import { runGit } from './git.js';
import type { Shadow } from './git.js';
import { parseTree, type ObjectReader } from './objects.js';
import { entryId, entryOf, TREE_MODE } from './tree-entry.js';

const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** Folders read to compare a merge with its sides file by file, per merge and per run (a hostile
 *  history of many merges of deep protected folders must not make the audit crawl); beyond, the
 *  path is judged as changed. Protected folders are small: a merge usually reads a handful. */
const READS_PER_MERGE = 1024;
const READS_PER_RUN = 200_000;

/** The clean-merge check for one run (what watched-changes.ts calls), sharing the run's read budget. */
export function cleanMerger(
  shadow: Shadow,
  reader: ObjectReader,
): (a: string, b: string, paths: readonly string[]) => Promise<Array<string | null | undefined>> {
  const run = { left: READS_PER_RUN };
  return async (a, b, paths) => {
    const budget = { left: Math.min(READS_PER_MERGE, run.left) };
    const start = budget.left;
    try {
      return await cleanMergeIds(shadow, reader, a, b, paths, budget);
    } finally {
      run.left -= start - Math.max(budget.left, 0);
    }
  };
}

/**
 * For each of `paths`, the entry there in the clean merge of `a` and `b` ("<mode> <id>", tree-entry.ts; null: absent),
 * or undefined where the merge conflicts (under that path), is not what a merge file by file gives
 * (a rename into it), or cannot be computed (an old git without --write-tree, a missing object, a timeout): such
 * a path is judged as changed.
 */
async function cleanMergeIds(
  shadow: Shadow,
  reader: ObjectReader,
  a: string,
  b: string,
  paths: readonly string[],
  budget: { left: number },
): Promise<Array<string | null | undefined>> {
  const unknown = paths.map(() => undefined);
  if (!OBJECT_ID.test(a) || !OBJECT_ID.test(b)) return unknown;
  const opts = { gitDir: shadow.gitDir, timeoutMs: 60_000, maxBytes: 16 * 1024 * 1024 };
  let out: string;
  try {
    const merged = await runGit(['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', a, b], {
      ...opts,
      okCodes: [1],
    });
    out = merged.stdout.toString('utf8');
  } catch {
    return unknown;
  }
  const [tree = '', ...conflicted] = out.split('\0').filter((s) => s !== '');
  if (!OBJECT_ID.test(tree)) return unknown;
  // The merge bases, asked only when a path's merge is neither side's entry (see below).
  let bases: Promise<string[]> | undefined;
  const basesOf = (): Promise<string[]> =>
    (bases ??= runGit(['merge-base', '--all', a, b], { ...opts, okCodes: [1] }).then((r) =>
      r.stdout
        .toString('utf8')
        .split('\n')
        .filter((l) => OBJECT_ID.test(l)),
    ));
  const oidBytes = a.length === 64 ? 32 : 20;
  const inConflict = (p: string): boolean => conflicted.some((f) => f === p || f.startsWith(`${p}/`));
  return Promise.all(
    paths.map(async (p) => {
      if (inConflict(p)) return undefined;
      try {
        const at = (rev: string): Promise<Entry> => entryIn(reader, oidBytes, rev, p);
        const [merged = null, ea = null, eb = null] = await Promise.all([tree, a, b].map(at));
        // A clean merge that is exactly one side's entry drops nothing of the other side's (merge-ort
        // drops no change without a conflict) and carries in nothing foreign: what a merge equal to
        // one parent (most merges of a branch started before the other side's change) needs, without
        // asking for the merge bases.
        if (merged === ea || merged === eb) return merged;
        const found = await basesOf();
        if (!found.length) return undefined;
        const eBases = await Promise.all(found.map(at));
        const ok = await pathwise(reader, oidBytes, eBases, ea, eb, merged, budget);
        return ok === true ? merged : undefined;
      } catch {
        return undefined;
      }
    }),
  );
}

/** The entry at `path` in `tree` ("<mode> <id>", a submodule's commit too), or null. */
async function entryIn(reader: ObjectReader, oidBytes: 20 | 32, tree: string, path: string): Promise<Entry> {
  const slash = path.lastIndexOf('/');
  const dir = await reader.read(`${tree}:${slash < 0 ? '' : path.slice(0, slash)}`);
  if (dir?.type !== 'tree') return null;
  const name = path.slice(slash + 1);
  const e = parseTree(dir.body, oidBytes).find((t) => t.name === name);
  return e ? entryOf(e.mode, e.oid) : null;
}

/** An entry as the comparison sees it: its mode and id ("040000 <id>" for a folder), or null. */
type Entry = string | null;
const idOf = (e: Entry): string | null => (e === null ? null : entryId(e));

/**
 * Whether the merge's entry `merged` at a path is what merging the sides file by file gives: where
 * a side left something as the merge base had it, the merge must hold the other side's; where both
 * changed a folder, each entry in it again. Where both changed a file, merge-tree's clean content
 * merge stands. Undefined: cannot tell (the merge bases differ at a file, or past the read budget).
 */
async function pathwise(
  reader: ObjectReader,
  oidBytes: 20 | 32,
  bases: Entry[],
  a: Entry,
  b: Entry,
  merged: Entry,
  budget: { left: number },
): Promise<boolean | undefined> {
  if (merged === a && merged === b) return true;
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
    folders.push(new Map(parseTree(o.body, oidBytes).map((t) => [t.name, entryOf(t.mode, t.oid)])));
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
