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
// for most merges, two (merge-base too) for one whose result is neither side's. An octopus, which
// merge-tree cannot merge, is compared entry by entry with its parents and their merge bases.
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runGit } from './git.js';
import type { Shadow } from './git.js';
import { nestedAttributes } from './nested-attributes.js';
import type { ObjectReader } from './objects.js';
import { entryId, TREE_MODE } from './tree-entry.js';
import { entriesByName, entryIn, pathwise, type Entry } from './merge-entries.js';

const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** Folders read to compare a merge with its sides file by file, per merge and per run (a hostile
 *  history of many merges of deep protected folders must not make the audit crawl); beyond, the
 *  path is judged as changed. Protected folders are small: a merge usually reads a handful. */
const READS_PER_MERGE = 1024;
const READS_PER_RUN = 200_000;

/** Parents of an octopus merge past which its paths are not compared, and the merge-base runs one
 *  octopus may start (distinct pairs of parents) and a whole run may (a hostile history of wide
 *  octopuses must not start a git per pair for ever); beyond, the path is judged as changed. */
const OCTOPUS_PARENTS = 64;
const OCTOPUS_PAIRS_PER_RUN = 20_000;

/** The clean-merge check for one run (what watched-changes.ts calls), sharing the run's read budget. */
export function cleanMerger(
  shadow: Shadow,
  reader: ObjectReader,
): (
  parents: readonly string[],
  paths: readonly string[],
  own: readonly (string | null)[],
) => Promise<Array<string | null | undefined>> {
  const run = { left: READS_PER_RUN, pairs: OCTOPUS_PAIRS_PER_RUN };
  return async (parents, paths, own) => {
    const budget = { left: Math.min(READS_PER_MERGE, run.left) };
    const start = budget.left;
    try {
      if (parents.length === 2) return await cleanMergeIds(shadow, reader, parents[0]!, parents[1]!, paths, budget);
      return await octopusIds(shadow, reader, parents, paths, own, budget, run);
    } finally {
      run.left -= start - Math.max(budget.left, 0);
    }
  };
}

/** The merge bases of two commits (none when git cannot tell). */
export async function mergeBases(shadow: Pick<Shadow, 'gitDir'>, a: string, b: string): Promise<string[]> {
  const r = await runGit(['merge-base', '--all', a, b], {
    gitDir: shadow.gitDir,
    timeoutMs: 60_000,
    maxBytes: 16 * 1024 * 1024,
    okCodes: [1],
  });
  return r.stdout
    .toString('utf8')
    .split('\n')
    .filter((l) => OBJECT_ID.test(l));
}

/**
 * An octopus merge (git's merge of several topic branches at once), given the merge's own entries:
 * its entry at a path is clean when one parent holds it and every other parent holds either it or
 * what a merge base of the two holds (that parent changed nothing there since they parted, so the
 * first one's line has seen its entry); for folders, each entry in them again. git merges an
 * octopus's parents one by one and stops at any that needs a hand resolution, so a path some topics
 * changed in different files is what it gives. Undefined where that does not hold, past the parent
 * limit or the read budget: the path is judged as changed.
 */
async function octopusIds(
  shadow: Shadow,
  reader: ObjectReader,
  parents: readonly string[],
  paths: readonly string[],
  own: readonly Entry[],
  budget: { left: number },
  run: { pairs: number },
): Promise<Array<string | null | undefined>> {
  const unknown = paths.map(() => undefined);
  if (parents.length < 2 || parents.length > OCTOPUS_PARENTS || !parents.every((p) => OBJECT_ID.test(p)))
    return unknown;
  const oidBytes = parents[0]!.length === 64 ? 32 : 20;
  const bases = new Map<string, Promise<string[]>>();
  const basesOf = (a: string, b: string): Promise<string[]> => {
    const key = a < b ? `${a} ${b}` : `${b} ${a}`;
    let found = bases.get(key);
    if (!found) {
      if (bases.size >= OCTOPUS_PARENTS || (run.pairs -= 1) < 0) throw new Error('octopus comparison limit');
      bases.set(key, (found = mergeBases(shadow, a, b)));
    }
    return found;
  };
  // Whether `merged` at `path` is clean, the parents holding `entries` there.
  const clean = async (path: string, entries: Entry[], merged: Entry): Promise<boolean> => {
    for (let k = 0; k < parents.length; k += 1) {
      if (entries[k] !== merged) continue;
      let ok = true;
      for (let j = 0; ok && j < parents.length; j += 1) {
        if (entries[j] === merged) continue;
        if ((budget.left -= 1) < 0) return false;
        const found = await basesOf(parents[k]!, parents[j]!);
        const at = await Promise.all(found.map((rev) => entryIn(reader, oidBytes, rev, path)));
        ok = at.includes(entries[j] ?? null);
      }
      if (ok) return true;
    }
    // Folders (or nothing) on every side: entry by entry.
    const all = [...entries, merged];
    if (merged === null || all.some((e) => e !== null && !e.startsWith(`${TREE_MODE} `))) return false;
    const folders: Array<Map<string, string>> = [];
    for (const e of all) {
      if (e === null) {
        folders.push(new Map());
        continue;
      }
      if ((budget.left -= 1) < 0) return false;
      const o = await reader.read(entryId(e));
      if (o?.type !== 'tree') return false;
      const byName = entriesByName(o.body, oidBytes);
      if (!byName) return false;
      folders.push(byName);
    }
    for (const name of new Set(folders.flatMap((f) => [...f.keys()]))) {
      const at = folders.map((f) => f.get(name) ?? null);
      if (!(await clean(`${path}/${name}`, at.slice(0, -1), at[at.length - 1]!))) return false;
    }
    return true;
  };
  // One path at a time: each starts its merge-base runs in turn, never dozens at once.
  const out: Array<string | null | undefined> = [];
  for (const [i, p] of paths.entries()) {
    try {
      const merged = own[i] ?? null;
      const entries = await Promise.all(parents.map((rev) => entryIn(reader, oidBytes, rev, p)));
      out.push((await clean(p, entries, merged)) ? merged : undefined);
    } catch {
      out.push(undefined);
    }
  }
  return out;
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
  const oidBytes = a.length === 64 ? 32 : 20;
  let out: string;
  try {
    const attributes = await sharedAttributes(shadow, reader, oidBytes, a, b);
    const merged = await runGit(
      [...attributes, 'merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', a, b],
      {
        ...opts,
        okCodes: [1],
      },
    );
    out = merged.stdout.toString('utf8');
  } catch {
    return unknown;
  }
  const [tree = '', ...conflicted] = out.split('\0').filter((s) => s !== '');
  if (!OBJECT_ID.test(tree)) return unknown;
  // The merge bases, asked only when a path's merge is neither side's entry (see below).
  let bases: Promise<string[]> | undefined;
  const basesOf = (): Promise<string[]> => (bases ??= mergeBases(shadow, a, b));
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

/**
 * The tree of the clean merge of `a` and `b`, as `git merge` in a work tree makes it (with the
 * .gitattributes both sides share), or undefined: a conflict, an old git without --write-tree, a
 * missing object. Its objects are written to the shadow only.
 */
export async function mergedTree(
  shadow: Shadow,
  reader: ObjectReader,
  a: string,
  b: string,
): Promise<string | undefined> {
  if (!OBJECT_ID.test(a) || !OBJECT_ID.test(b)) return undefined;
  try {
    const attributes = await sharedAttributes(shadow, reader, a.length === 64 ? 32 : 20, a, b, true);
    const r = await runGit([...attributes, 'merge-tree', '--write-tree', '--no-messages', a, b], {
      gitDir: shadow.gitDir,
      timeoutMs: 120_000,
    });
    const tree = r.stdout.toString('latin1').split('\n', 1)[0] ?? '';
    return OBJECT_ID.test(tree) ? tree : undefined;
  } catch {
    return undefined;
  }
}

/** Size past which a .gitattributes is not handed to merge-tree (the merge is then git's default, stricter). */
const ATTRIBUTES_MAX_BYTES = 1024 * 1024;

/** Nested .gitattributes read for a test merge (derived-paths.ts caps the walk's at the same). */
const NESTED_ATTRIBUTES_MAX = 512;

/**
 * The `-c core.attributesFile=…` that makes merge-tree merge as `git merge` does in a work tree
 * (which reads .gitattributes there: `merge=union` on CODEOWNERS, `-merge` on a lock file): merge-tree
 * in the bare shadow reads none. Only a .gitattributes both sides hold unchanged is used (a side's own
 * change to it is judged where it was made, and never decides how its merge is read); otherwise
 * none, git's default content merge. `nested`: the ones below the root too (a test merge, made once
 * per audit: `docs/.gitattributes` with `CHANGES merge=union`), each rooted at its folder.
 */
async function sharedAttributes(
  shadow: Shadow,
  reader: ObjectReader,
  oidBytes: 20 | 32,
  a: string,
  b: string,
  nested = false,
): Promise<string[]> {
  const paths = ['.gitattributes'];
  if (nested) {
    const below = await nestedAttributes(shadow.gitDir, a, NESTED_ATTRIBUTES_MAX).catch(() => []);
    // Shallower first: in one attributes file the later line wins, as the deeper file does in a tree.
    paths.push(...below.sort((x, y) => x.split('/').length - y.split('/').length || (x < y ? -1 : 1)));
  }
  const texts: string[] = [];
  const ids: string[] = [];
  for (const path of paths) {
    const [ea, eb] = await Promise.all([a, b].map((rev) => entryIn(reader, oidBytes, rev, path)));
    if (!ea || ea !== eb || !ea.startsWith('100')) continue;
    const blob = await reader.read(entryId(ea));
    if (blob?.type !== 'blob' || blob.body.length > ATTRIBUTES_MAX_BYTES || !blob.body.includes('merge')) continue;
    const folder = path.slice(0, -'.gitattributes'.length);
    texts.push(folder ? rooted(blob.body.toString('utf8'), folder) : blob.body.toString('utf8'));
    ids.push(entryId(ea));
  }
  if (!texts.length) return [];
  const body = texts.join('\n');
  const file = join(
    dirname(shadow.gitDir),
    `attributes-${ids.length === 1 ? ids[0]! : createHash('sha256').update(body).digest('hex')}`,
  );
  if (!existsSync(file)) writeFileSync(file, body, { mode: 0o600 });
  return ['-c', `core.attributesFile=${file}`];
}

/**
 * The lines of `folder`'s .gitattributes as the root's: a pattern with no slash matches at any depth
 * below the folder, one with a slash from the folder (gitignore's rules); macros (`[attr]`), which
 * git reads only at the root, are left out.
 */
function rooted(text: string, folder: string): string {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (!t || t.startsWith('#') || t.startsWith('[attr]')) continue;
    const quoted = t.startsWith('"');
    const m = quoted ? /^"((?:[^"\\]|\\.)*)"(.*)$/.exec(t) : /^(\S+)(.*)$/.exec(t);
    if (!m) continue;
    const [, pattern, rest] = m as unknown as [string, string, string];
    const inner = pattern.replace(/\/$/, '');
    const at = inner.includes('/') ? `${folder}${pattern.replace(/^\//, '')}` : `${folder}**/${pattern}`;
    out.push(quoted ? `"${at}"${rest}` : `${at}${rest}`);
  }
  return out.join('\n');
}
