// The packages of a JavaScript workspace at a tip, as turbo, nx, lerna, `pnpm -r`/`--filter`,
// `yarn workspace(s)` and `npm -w` find them (domain/ci-tools.ts): the folders its globs match
// that hold a package.json or project.json, and those found past them within the caps. Which one a
// name picks is not resolved: every package may run (fail closed).
import { posix } from 'node:path';
import { packageGlobs, segmentMatches } from '../domain/ci-tools.js';
import { parseTree, type GitObject } from './objects.js';
import { canonicalMode, TREE_MODE } from './tree-entry.js';

/** At most this many folders read while matching one workspace's globs; past it, a folder is watched whole. */
const MAX_TREES = 2048;
/** How deep a `**` glob is followed. */
const MAX_DEPTH = 8;

/** The files beside a workspace's root that change what its runners run: watched whole with the chain. */
export const WORKSPACE_CONFIGS = ['pnpm-workspace.yaml', 'lerna.json', 'turbo.json', 'nx.json'].concat([
  '.npmrc',
  '.yarnrc.yml',
  '.yarnrc',
  '.pnpmfile.cjs',
]);

export interface Workspace {
  /** The package folders ('' the root). */
  packages: string[];
  /** Folders not read (a missing object, past the caps): watched whole. */
  unread: string[];
}

/** The packages of the workspace rooted at folder `root` ('' the repository's root) at `tip`. */
export async function workspacePackages(
  read: (spec: string) => Promise<GitObject | null | undefined>,
  oidBytes: 20 | 32,
  tip: string,
  root: string,
): Promise<Workspace> {
  const at = (...p: string[]): string => posix.join(root || '.', ...p).replace(/^\.$/, '');
  const spec = (folder: string): string => (folder ? `${tip}:${folder}` : `${tip}^{tree}`);
  const text = async (name: string): Promise<string | undefined> => {
    const o = await read(`${tip}:${at(name)}`);
    return o?.type === 'blob' ? o.body.toString('utf8') : undefined;
  };
  const pnpmText = await text('pnpm-workspace.yaml');
  let pnpm: string[] = [];
  if (pnpmText !== undefined)
    try {
      const y = (await import('yaml')).parse(pnpmText, { maxAliasCount: 64 }) as { packages?: unknown } | null;
      pnpm = Array.isArray(y?.packages) ? y.packages.filter((g): g is string => typeof g === 'string') : ['**'];
    } catch {
      pnpm = ['**'];
    }
  const globs = packageGlobs(await text('package.json'), await text('lerna.json'), pnpm);
  const packages = new Set<string>(['']);
  const unread = new Set<string>();
  let trees = 0;
  /** `strict`: a folder not read is watched whole; else (the search past the declaration) skipped. */
  let strict = true;
  const walk = async (folder: string, segments: readonly string[], depth: number): Promise<void> => {
    if (++trees > MAX_TREES || depth > MAX_DEPTH) return void (strict && unread.add(at(folder)));
    const tree = await read(spec(at(folder)));
    if (tree === undefined) return void (strict && unread.add(at(folder)));
    if (tree?.type !== 'tree') return;
    const entries = parseTree(tree.body, oidBytes);
    if (!segments.length || (segments.length === 1 && segments[0] === '**')) {
      if (entries.some((e) => e.name === 'package.json' || e.name === 'project.json')) packages.add(folder);
      if (!segments.length) return;
    }
    const [s, ...rest] = segments as [string, ...string[]];
    if (s === '**' && rest.length) await walk(folder, rest, depth);
    for (const e of entries) {
      if (canonicalMode(e.mode) !== TREE_MODE || e.name === 'node_modules' || e.name === '.git') continue;
      if (s === '**' ? e.name.startsWith('.') : !segmentMatches(s, e.name)) continue;
      await walk(posix.join(folder, e.name), s === '**' ? segments : rest, depth + 1);
    }
  };
  for (const g of globs)
    await walk(
      '',
      g.split('/').filter((s) => s && s !== '.'),
      0,
    );
  // Packages the declaration leaves out, as far as the caps reach: a gate package taken out of
  // `workspaces` is still found at the tip, so that change is on its chain.
  if (!globs.includes('**')) {
    [strict, trees] = [false, 0];
    await walk('', ['**'], 0);
  }
  return { packages: [...packages].map((p) => at(p)), unread: [...unread] };
}
