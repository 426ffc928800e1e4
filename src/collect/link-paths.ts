// A path of a commit's checkout read as the runner's file system reads it: component by component
// from the root, each symbolic link the commit holds followed where it stands (its target read from
// the link's own folder), and `..` taken from the folder reached so far, so after a link from the
// folder its target leads to (`l/../x` with `l -> a/b` is `a/x`, not `x`: the kernel resolves `l`
// before it climbs). Names are folded as a case-insensitive runner folds them; two names folded to
// one, an entry not read, a submodule's or unknown mode, a link out of the checkout or by an absolute
// target, a `..` above the root, or more than MAX_HOPS links: not known (the callers fail closed).
import type { GitObject } from './objects.js';
import { canonicalMode, LINK_MODE, parseTree, TREE_MODE } from './tree-entry.js';
import { foldName } from '../domain/path-way.js';

export type Read = (spec: string) => Promise<GitObject | null | undefined>;

/** Links followed on one path before it counts as reaching anywhere (Linux's own limit). */
const MAX_HOPS = 40;

/** What a folder of `tip` holds under one name, folded as a case-insensitive runner compares it. */
type Found = { kind: 'absent' } | { kind: 'unknown' } | { kind: 'entry'; name: string; mode: string; oid: string };

async function entryIn(read: Read, tip: string, folder: readonly string[], name: string): Promise<Found> {
  const tree = await read(`${tip}:${folder.join('/')}`);
  if (tree === undefined) return { kind: 'unknown' };
  if (tree?.type !== 'tree') return { kind: 'absent' };
  const found = parseTree(tree.body, tip.length === 64 ? 32 : 20).filter((e) => foldName(e.name) === foldName(name));
  if (!found.length) return { kind: 'absent' };
  if (found.length > 1) return { kind: 'unknown' };
  return { kind: 'entry', name: found[0]!.name, mode: canonicalMode(found[0]!.mode), oid: found[0]!.oid };
}

/**
 * Where `path` (from the root) is in the checkout of `tip`, as a path from the root: each link on the
 * way followed, its own name too (a write to a link writes where it points); past an entry not there,
 * the rest is made as named. Undefined where that is not known. `links` gets each link's own path
 * (from the root) as it is passed: replacing one changes where the path leads.
 */
export async function realPath(read: Read, tip: string, path: string, links?: string[]): Promise<string | undefined> {
  const names = path.split('/').filter((n) => n !== '');
  const out: string[] = [];
  let hops = 0;
  let made = false;
  for (let name = names.shift(); name !== undefined; name = names.shift()) {
    if (name === '.') continue;
    if (name === '..') {
      if (!out.length) return undefined;
      out.pop();
      continue;
    }
    if (made) {
      out.push(name);
      continue;
    }
    const at = await entryIn(read, tip, out, name);
    if (at.kind === 'unknown') return undefined;
    if (at.kind === 'absent') {
      made = true;
      out.push(name);
      continue;
    }
    if (at.mode === LINK_MODE) {
      const target = await read(at.oid);
      if (target?.type !== 'blob' || (hops += 1) > MAX_HOPS) return undefined;
      const to = target.body.toString('utf8');
      if (to.startsWith('/') || !to || to.includes('\0')) return undefined;
      links?.push([...out, at.name].join('/'));
      // `a//b` and a trailing `/` name what `a/b` names.
      names.unshift(...to.split('/').filter((n) => n !== ''));
      continue;
    }
    // A submodule's checkout (or an entry git does not know) may hold links of its own.
    if (at.mode !== TREE_MODE && !/^100/.test(at.mode)) return undefined;
    out.push(at.name);
  }
  return out.join('/');
}
