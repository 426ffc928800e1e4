// Whether a direct call's told writes (domain/checkout-writes.ts NpxLookup), whose paths as told miss
// what npx looks up, land there through the commit's links: each written path is followed as the
// runner's file system does, link by link at commit `tip` (`build` committed as a link to `.`: `tar
// -xf x.tgz -C build` unpacks at the root, `cp -r y/. build/` copies there), and so is each link the
// commit holds under a written folder (a copy or unpacking into it writes through them); the gate's
// folder too (npm takes the project from the folder the call physically runs in up). Then the real
// paths are judged as the told ones were (domain/npx-lookup.ts). A link out of the checkout or by an
// absolute target, a submodule, an entry that cannot be read, two names a case-folding runner takes
// for one, or more than MAX_HOPS links on one path: reached (fail closed). `git submodule update`'s
// folders are the commit's gitlinks (submodule-paths.ts): judged as their paths, what is under them theirs.
import type { GitObject } from './objects.js';
import { canonicalMode, LINK_MODE, parseTree, TREE_MODE } from './tree-entry.js';
import { foldName } from '../domain/path-way.js';
import { realPath, type Read } from './link-paths.js';
import { readsReached } from './read-reach.js';
import { npxLookupWritten } from '../domain/npx-lookup.js';
import type { NpxLookup } from '../domain/checkout-writes.js';
import { withSubmodules } from './submodule-paths.js';

/** The most tree entries read under one written folder for its links. */
const UNDER_BUDGET = 20_000;

/**
 * Whether `lookup`'s writes, followed through `tip`'s links, reach what npx looks up from one of its
 * folders, or a path the call names (read-reach.ts).
 */
export async function npxLookupReached(read: Read, tip: string, lookup: NpxLookup): Promise<boolean> {
  const folders: string[] = [];
  for (const f of lookup.folders) {
    const real = f === null ? undefined : await realPath(read, tip, f);
    if (real === undefined) return true;
    folders.push(real);
  }
  // The paths the call names (`-C app`, `--baseline f`), read through the links too (read-reach.ts).
  const named = await readsReached(read, tip, lookup.reads ?? []);
  if (named === true) return true;
  const reaches = (real: string | undefined): boolean =>
    real === undefined || folders.some((f) => npxLookupWritten([real], f)) || named(real);
  // `git submodule update`'s folders, read at the commit (submodule-paths.ts): each its own path, no link on its way.
  const told = await withSubmodules(read, tip, lookup.written);
  if (!told) return true;
  for (const w of told.written) {
    if (named(w)) return true;
    if (told.folders.has(foldName(w).replace(/\/$/, ''))) {
      if (reaches(w.replace(/\/$/, ''))) return true;
      continue;
    }
    const real = await realPath(read, tip, w);
    if (reaches(real)) return true;
    const links = await linksUnder(read, tip, real!);
    if (links === true) return true;
    for (const l of links) if (reaches(await realPath(read, tip, l))) return true;
  }
  return false;
}

/**
 * The links the commit holds at any depth under folder `path` (their paths from the root); true where
 * a submodule, an entry not read or more than UNDER_BUDGET entries leave that not known.
 */
async function linksUnder(read: Read, tip: string, path: string): Promise<string[] | true> {
  const top = await read(`${tip}:${path}`);
  if (top === undefined) return true;
  if (top?.type !== 'tree') return [];
  const out: string[] = [];
  const folders: Array<[GitObject, string]> = [[top, path]];
  let seen = 0;
  for (let t = folders.pop(); t; t = folders.pop()) {
    for (const e of parseTree(t[0].body, tip.length === 64 ? 32 : 20)) {
      if ((seen += 1) > UNDER_BUDGET) return true;
      const mode = canonicalMode(e.mode);
      const at = t[1] ? `${t[1]}/${e.name}` : e.name;
      if (mode === LINK_MODE) out.push(at);
      else if (mode === TREE_MODE) {
        const sub = await read(e.oid);
        if (sub?.type !== 'tree') return true;
        folders.push([sub, at]);
      } else if (!/^100/.test(mode)) return true;
    }
  }
  return out;
}
