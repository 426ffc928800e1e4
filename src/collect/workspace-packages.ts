// The packages of a JavaScript workspace at a tip, as turbo, nx, lerna, `pnpm -r`/`--filter`,
// `yarn workspace(s)` and `npm -w` find them (domain/ci-tools.ts): the folders its globs match
// that hold a package.json or project.json, and those found past them within the caps. Which one a
// name picks is not resolved: every package may run (fail closed).
import { posix } from 'node:path';
import { packageGlobs, segmentMatches } from '../domain/ci-tools.js';
import { parseTree, type GitObject } from './objects.js';
import { canonicalMode, TREE_MODE } from './tree-entry.js';

/** At most this many folders read while matching one workspace's globs; past it, a folder is watched whole. */
const MAX_TREES = 16384;
/** At most this many folders read looking for packages the declaration leaves out (past it: not looked for). */
const MAX_SEARCH = 2048;
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
  /** The package folders ('' the root), with the ids of the package.json and project.json each holds. */
  packages: Map<string, Map<string, string>>;
  /** Folders not read (a missing object, past the caps): watched whole. */
  unread: string[];
  /**
   * The search for packages the declaration leaves out stopped at its cap: a gate package taken out
   * of the declaration may be past it (a signer who adds thousands of folders pushes it there), so
   * the declaration is watched whatever the packages found run.
   */
  searchCut: boolean;
}

/** A file read as YAML (a key given twice refused: pnpm-workspace.yaml, pre-commit's), as JSON text; undefined where it is not YAML. */
export async function yamlJson(text: string): Promise<string | undefined> {
  try {
    return JSON.stringify((await import('yaml')).parse(text, { maxAliasCount: 64 }) ?? null);
  } catch {
    return undefined;
  }
}

/** Workspaces read, by tip and root (a tip's tree never changes): each CI file naming a runner asks again. */
const known = new Map<string, Promise<Workspace>>();

/** The packages of the workspace rooted at folder `root` ('' the repository's root) at `tip`. */
export function workspacePackages(
  read: (spec: string) => Promise<GitObject | null | undefined>,
  oidBytes: 20 | 32,
  tip: string,
  root: string,
): Promise<Workspace> {
  // Only by object id: a name (`main`) means another tree in the next repository this process reads.
  if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(tip)) return readWorkspace(read, oidBytes, tip, root);
  const key = `${tip}\0${root}`;
  let found = known.get(key);
  if (!found) {
    if (known.size >= 64) known.clear();
    found = readWorkspace(read, oidBytes, tip, root);
    known.set(key, found);
  }
  return found;
}

async function readWorkspace(
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
  if (pnpmText !== undefined) {
    const json = await yamlJson(pnpmText);
    const y = json === undefined ? undefined : (JSON.parse(json) as { packages?: unknown } | null);
    pnpm = Array.isArray(y?.packages) ? y.packages.filter((g): g is string => typeof g === 'string') : ['**'];
  }
  const globs = packageGlobs(await text('package.json'), await text('lerna.json'), pnpm);
  /** Each package folder, with the object ids of its package.json and project.json where it has them. */
  const packages = new Map<string, Map<string, string>>();
  const unread = new Set<string>();
  let trees = 0;
  let searchCut = false;
  /** `strict`: a folder not read is watched whole; else (the search past the declaration) skipped. */
  let [strict, budget] = [true, MAX_TREES];
  const PACKAGE_FILES = ['package.json', 'project.json'];
  // Trees are read by the ids their parents name (a path read anew walks every folder above it).
  const walk = async (
    folder: string,
    oid: string | undefined,
    segments: readonly string[],
    depth: number,
  ): Promise<void> => {
    const cut = ++trees > budget;
    if (cut || depth > MAX_DEPTH) {
      // Past the search's cap (not its depth: a gate package's depth is the maintainer's pick).
      if (strict) unread.add(at(folder));
      else searchCut ||= cut;
      return;
    }
    const tree = await read(oid ?? spec(at(folder)));
    if (tree === undefined) return void (strict && unread.add(at(folder)));
    if (tree?.type !== 'tree') return;
    const entries = parseTree(tree.body, oidBytes);
    const [s, ...rest] = segments;
    if (s === undefined || (s === '**' && !rest.length)) {
      const files = entries.filter((e) => PACKAGE_FILES.includes(e.name) && canonicalMode(e.mode) !== TREE_MODE);
      if (s === undefined || files.length) packages.set(folder, new Map(files.map((e) => [e.name, e.oid])));
      if (s === undefined) return;
    }
    const next = entries.filter(
      (e) =>
        canonicalMode(e.mode) === TREE_MODE &&
        e.name !== 'node_modules' &&
        (s === '**' ? !e.name.startsWith('.') : segmentMatches(s, e.name)),
    );
    // Read side by side (a workspace of thousands of packages is thousands of trees).
    await Promise.all([
      ...(s === '**' && rest.length ? [walk(folder, oid, rest, depth)] : []),
      ...next.map((e) => walk(posix.join(folder, e.name), e.oid, s === '**' ? segments : rest, depth + 1)),
    ]);
  };
  await walk('', undefined, [], 0);
  await Promise.all(
    globs.map((g) =>
      walk(
        '',
        undefined,
        g.split('/').filter((x) => x && x !== '.'),
        0,
      ),
    ),
  );
  // Packages the declaration leaves out, as far as a smaller cap reaches: a gate package taken out
  // of `workspaces` is still found at the tip, so that change is on its chain.
  if (!globs.includes('**')) {
    [strict, trees, budget] = [false, 0, MAX_SEARCH];
    await walk('', undefined, ['**'], 0);
  }
  const found = new Map([...packages].map(([p, files]) => [at(p), files]));
  return { packages: found, unread: [...unread], searchCut };
}
