// The folders `git submodule update --init` writes (domain/submodule-writes.ts SUBMODULES): the
// gitlinks of the audited commit's tree, which the checkout's index holds. Each is a checkout of
// another repository, its names and links its own, nested submodules under it, so it counts as a
// folder an unpacking wrote (`vendor/lib/`): a write at or under it, or one at a folder above it that
// may have left a link where git clones, is not told. The folders on each one's way are folders of
// the tree (no link: a tree holds a link or a folder under one name), but two names a case-folding
// runner takes for one on the way (`a -> .git` beside `A/modules/x`, CVE-2024-32002) leave where it
// lands not known, as does a mode git refuses, an entry not read, or more than BUDGET entries.
import type { GitObject } from './objects.js';
import { canonicalMode, parseTree, SUBMODULE_MODE, TREE_MODE } from './tree-entry.js';
import { foldName, foldPath } from '../domain/path-way.js';
import { SUBMODULES } from '../domain/submodule-writes.js';

type Read = (spec: string) => Promise<GitObject | null | undefined>;

/** The most tree entries read for the commit's gitlinks. */
const BUDGET = 200_000;

/** The paths of `tip`'s gitlinks (from the root), undefined where they are not known. */
async function gitlinks(read: Read, tip: string): Promise<string[] | undefined> {
  const root = await read(`${tip}:`);
  if (root?.type !== 'tree') return undefined;
  const out: string[] = [];
  // Each folder with its path and whether a name on its way has a case-folded twin.
  const folders: Array<[GitObject, string, boolean]> = [[root, '', false]];
  let seen = 0;
  for (let t = folders.pop(); t; t = folders.pop()) {
    const entries = parseTree(t[0].body, tip.length === 64 ? 32 : 20);
    const folded = entries.map((e) => foldName(e.name));
    const twin = (i: number): boolean => folded.indexOf(folded[i]!) !== folded.lastIndexOf(folded[i]!);
    for (const [i, e] of entries.entries()) {
      if ((seen += 1) > BUDGET) return undefined;
      const mode = canonicalMode(e.mode);
      const at = t[1] ? `${t[1]}/${e.name}` : e.name;
      if (mode === '') return undefined;
      if (mode === SUBMODULE_MODE) {
        if (t[2] || twin(i)) return undefined;
        out.push(at);
      } else if (mode === TREE_MODE) {
        const sub = await read(e.oid);
        if (sub?.type !== 'tree') return undefined;
        folders.push([sub, at, t[2] || twin(i)]);
      }
    }
  }
  return out;
}

/** Told writes with SUBMODULES read at the commit: every path, each submodule's folder marked `x/`, and those folders. */
export interface WithSubmodules {
  written: string[];
  /** The submodules' folders, folded, without their `/`. */
  folders: ReadonlySet<string>;
}

/**
 * `written` (paths from the root) with SUBMODULES replaced by `tip`'s submodule folders; undefined
 * where those are not known, or another path written is at, above or under one of them.
 */
export async function withSubmodules(
  read: Read,
  tip: string,
  written: readonly string[],
): Promise<WithSubmodules | undefined> {
  if (!written.includes(SUBMODULES)) return { written: [...written], folders: new Set() };
  const links = await gitlinks(read, tip);
  if (!links) return undefined;
  const others = written.filter((w) => w !== SUBMODULES).map(foldPath);
  const folders = new Set(links.map(foldPath));
  for (const s of folders)
    if (others.some((w) => w === '' || w === s || w.startsWith(`${s}/`) || s.startsWith(`${w}/`))) return undefined;
  return { written: [...written.filter((w) => w !== SUBMODULES), ...links.map((l) => `${l}/`)], folders };
}
