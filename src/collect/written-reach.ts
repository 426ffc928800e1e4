// Whether files of the checkout an earlier step wrote (domain/written-targets.ts, by path from the
// root) reach what the gate runs, read at commit `tip`: a file the gate's chain reads or runs
// (gate-chains.ts), a folder holding one, a name the step's script or a file on the chain says as a
// word (`GIT_CONFIG_GLOBAL=./x npx gitguard audit` reads x, the chain does not list it), or a path
// through a link or submodule at the commit (the write follows the link to wherever it points). A
// file or folder on the way that cannot be read: reached (fail closed). Names are compared as a
// macOS or Windows runner's file system does, case and Unicode form folded (`CI/Gate.sh` is ci/gate.sh).
import { posix } from 'node:path';
import type { GitObject } from './objects.js';
import { canonicalMode, LINK_MODE, parseTree, SUBMODULE_MODE, TREE_MODE } from './tree-entry.js';
import { foldName as fold, pathWay, type WayEntry } from '../domain/path-way.js';
import { withSubmodules } from './submodule-paths.js';

type Read = (spec: string) => Promise<GitObject | null | undefined>;

/** `written` (paths from the root) against the gate step's `script` (run in `folder`) and the `files` its chain runs or reads. */
export async function writesReach(
  read: Read,
  tip: string,
  written: readonly string[],
  script: string,
  folder: string | null,
  files: Iterable<string>,
): Promise<boolean> {
  const run = [...new Set(files)].map(fold);
  // Each text with the folder its paths count from (the step's from the root, or where it may run).
  const texts: Array<[string, string]> = [[fold(script), fold(folder ?? '')]];
  for (const f of run) {
    const o = await read(`${tip}:${f}`);
    if (o === undefined) return true;
    if (o?.type === 'blob') texts.push([fold(o.body.toString('utf8')), posix.dirname(fold(f)).replace(/^\.$/, '')]);
  }
  // `git submodule update`'s folders, read at the commit (submodule-paths.ts): their way is the tree's own.
  const told = await withSubmodules(read, tip, written);
  if (!told) return true;
  const all = told.written.map(fold);
  if (all.some((w, i) => w === '' || underUnpacked(all, i))) return true;
  for (const w of all.map((p) => p.replace(/\/$/, ''))) {
    if (run.some((f) => f === w || f.startsWith(`${w}/`))) return true;
    // Said as a word of one of the texts (`./x`, `file:x`, `$PWD/x`), from the root or the text's folder.
    const said = ([text, dir]: [string, string]): boolean =>
      [w, posix.relative(dir, w)].some((p) =>
        new RegExp(`(?:^|[^\\w.-])(?:\\./)?${escaped(p)}(?![\\w.-])`, 'm').test(text),
      );
    if (texts.some(said)) return true;
    if (told.folders.has(w)) continue;
    if ((await throughLink(read, tip, w)) || (await linkUnder(read, tip, w))) return true;
  }
  return false;
}

/**
 * Whether written path `all[i]` is at or under another one that an unpacking wrote (marked `build/`:
 * domain/download-folders.ts): a link the unpacking made there may lead it anywhere.
 */
function underUnpacked(all: readonly string[], i: number): boolean {
  const w = all[i]!.replace(/\/$/, '');
  return all.some((u, j) => j !== i && u.endsWith('/') && (`${w}/` === u || w.startsWith(u)));
}

/** The most tree entries linkUnder reads under one written folder before it answers "reached". */
const UNDER_BUDGET = 20_000;

/**
 * Whether `path` is a folder at `tip` holding a link or submodule at any depth (or one not read, or
 * more entries than UNDER_BUDGET): a write into the folder (`cp a out/`, an unpacking) follows it.
 */
async function linkUnder(read: Read, tip: string, path: string): Promise<boolean> {
  const oidBytes = tip.length === 64 ? 32 : 20;
  const top = await read(`${tip}:${path}`);
  if (top === undefined) return true;
  if (top?.type !== 'tree') return false;
  const folders = [top];
  let seen = 0;
  for (let t = folders.pop(); t; t = folders.pop()) {
    for (const e of parseTree(t.body, oidBytes)) {
      if ((seen += 1) > UNDER_BUDGET) return true;
      const mode = canonicalMode(e.mode);
      if (mode === LINK_MODE || mode === SUBMODULE_MODE || mode === '') return true;
      if (mode !== TREE_MODE) continue;
      const sub = await read(e.oid);
      if (sub?.type !== 'tree') return true;
      folders.push(sub);
    }
  }
  return false;
}

/** Whether `path` or a folder on its way is a link or a submodule at `tip` (or a folder not read): path-way.ts. */
export async function throughLink(read: Read, tip: string, path: string): Promise<boolean> {
  const names = path.split('/');
  const walk = pathWay(names.length, false);
  let step = walk.next();
  while (!step.done) step = walk.next(await entryAt(read, tip, names, step.value));
  return step.value;
}

/** What component `i` of `names` (folded) is in its folder at `tip`; its name as the tree spells it put back in `names`. */
async function entryAt(read: Read, tip: string, names: string[], i: number): Promise<WayEntry> {
  const folder = await read(`${tip}:${names.slice(0, i).join('/')}`);
  if (folder === undefined) return 'unknown';
  // Not there, or a file: the write makes a new one (or fails).
  if (folder?.type !== 'tree') return 'absent';
  const found = parseTree(folder.body, tip.length === 64 ? 32 : 20).filter((e) => fold(e.name) === names[i]);
  if (!found.length) return 'absent';
  // Two names the file system takes for one: which it writes is not told.
  if (found.length > 1) return 'ambiguous';
  const mode = canonicalMode(found[0]!.mode);
  if (mode === LINK_MODE || mode === SUBMODULE_MODE || mode === '') return 'link';
  names[i] = found[0]!.name;
  return mode === TREE_MODE ? 'tree' : 'file';
}

/** `text` as a regular expression matching it alone. */
const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
