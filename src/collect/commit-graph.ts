// The commit-graph files git reads in place of commit objects. gitguard's own gits never read them
// (core.commitGraph=false: a graph may lie about parents), but the user's git does, by default: a
// graph naming other parents, another root tree or another date for a commit makes `git log`,
// `git log -p`, `rev-list --objects` (what a push sends) and `merge-base` show a history that is
// not the one gitguard judged, with every object intact. So each graph git would load (in the
// repository's object store and in each alternate) is checked by git itself: `git commit-graph
// verify`, run in a shadow git dir, compares every commit of the graph with its object (tree,
// parents, date, generation order) and the file's checksum, and loads the graph exactly as every git
// command does (the file, else the chain). Graph files are checked first as data: a FIFO there
// would block git's open().
import { closeSync, constants, openSync, readdirSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CommitGraphFacts, CommitGraphStore } from '../domain/commit-graph.js';
import type { RepositoryInfo } from '../domain/model.js';
import { checkedGitIdentity, createShadow, runGit, type Shadow } from './git.js';
import { CommitGraphCache, graphKey } from './commit-graph-cache.js';
import { objectStores } from './object-store.js';
import { filterProblems } from './changed-path-filters.js';

/** Lines of git's report kept per graph: the first say what is wrong; a forged graph can fill thousands. */
const MAX_PROBLEMS = 20;
const MAX_LINE = 300;

type Kind = 'absent' | 'file' | 'other';

/** What git's open() finds at `path` (a link followed, as git follows it). */
function kindOf(path: string): Kind {
  try {
    return statSync(path).isFile() ? 'file' : 'other';
  } catch {
    return 'absent'; // missing, or a dangling link: git finds no graph there
  }
}

/** The layer files of one store's commit-graphs folder, sorted (readdir's order is the file system's). */
function layerFiles(store: string): string[] {
  const dir = join(store, 'info', 'commit-graphs');
  try {
    return readdirSync(dir)
      .filter((n) => n.endsWith('.graph'))
      .sort()
      .map((n) => join(dir, n));
  } catch {
    return []; // no chain folder: nothing git opens there
  }
}

/**
 * The graph files of one store: the file git loads first, the chain file, and the layers a chain may
 * name. git looks for each layer (graph-<hash>.graph) in every store it reads, the first holding one
 * wins (commit-graph.c load_commit_graph_chain): a chain here can load an alternate's layer, so every
 * store's layers count, in git's order of the stores.
 */
function graphFiles(store: string, stores: readonly string[]): { loaded?: string; others: string[]; layers: string[] } {
  const file = join(store, 'info', 'commit-graph');
  const chain = join(store, 'info', 'commit-graphs', 'commit-graph-chain');
  const layers = stores.flatMap(layerFiles);
  const loaded = kindOf(file) !== 'absent' ? file : kindOf(chain) !== 'absent' ? chain : undefined;
  return { ...(loaded ? { loaded } : {}), others: [file, chain, ...layers], layers };
}

/**
 * The chunk ids in a graph file's table of contents, read from its header alone: BDAT (changed-path
 * Bloom filters: `git log -- PATH` skips the commits a filter calls unchanged, and `commit-graph
 * verify` does not check them), GDA2 (corrected commit dates, read in place of the topological levels).
 */
function chunkIds(file: string): string[] {
  const head = Buffer.alloc(8 + 12 * 256);
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK); // a FIFO put there since the stat cannot block us
    const n = readSync(fd, head, 0, head.length, 0);
    const chunks = Math.min(head[6] ?? 0, Math.floor((n - 8) / 12));
    return Array.from({ length: chunks }, (_, i) => head.toString('latin1', 8 + 12 * i, 12 + 12 * i));
  } catch {
    return [];
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** All of verify's report is read: a forged graph could hide its one real line behind pruned ones. */
const VERIFY_STDERR_MAX = 16 * 1024 * 1024;
/** verify's two lines for a commit the graph lists whose object is not there (git repack -a -d after a branch was deleted). */
const UNREAD =
  /^(?:error: Could not read ([0-9a-f]{40}(?:[0-9a-f]{24})?)|failed to parse commit ([0-9a-f]{40}(?:[0-9a-f]{24})?) from object database for commit-graph)$/;

function kept(lines: string[]): string[] {
  const out = lines.slice(0, MAX_PROBLEMS).map((l) => (l.length > MAX_LINE ? `${l.slice(0, MAX_LINE)}…` : l));
  if (lines.length > MAX_PROBLEMS) out.push(`… and ${lines.length - MAX_PROBLEMS} more lines`);
  return out;
}

/**
 * The repository's own store as git's first, as the user's git has it: its alternates are then read
 * from the same depth, and the last store git links (six below) is linked here too. Through the
 * shadow's alternates file it was one level deeper, and git's verify silently loaded a chain without
 * a layer living there, a layer the user's git loads.
 */
const ownStore = (shadow: Shadow): NodeJS.ProcessEnv => ({ GIT_OBJECT_DIRECTORY: join(shadow.commonDir, 'objects') });

/** Which of `ids` the object store lacks (cat-file: `<id> missing`). */
async function absent(shadow: Shadow, ids: string[]): Promise<Set<string>> {
  const out = await runGit(['cat-file', '--batch-check=%(objectname)'], {
    gitDir: shadow.gitDir,
    env: ownStore(shadow),
    input: ids.map((id) => `${id}\n`).join(''),
    timeoutMs: 300_000,
  });
  const missing = new Set<string>();
  for (const line of out.stdout.toString('utf8').split('\n'))
    if (line.endsWith(' missing')) missing.add(line.slice(0, -8));
  return missing;
}

/**
 * git's verdict on the graph of `store`: the lines of `commit-graph verify`, but those about commits
 * the graph lists and the store no longer holds (pruned since the graph was written; git reaches
 * them only through a ref or a parent, and every commit present is still compared), counted apart.
 */
async function verifyGraph(
  shadow: Shadow,
  store: string,
  levels: boolean,
): Promise<{ problems: string[]; pruned?: number; filtersUnchecked?: string }> {
  // A graph with corrected commit dates (GDA2) also keeps topological levels, which git reads instead
  // where commitGraph.generationVersion = 1 (the audited config may say so): verify checks only the
  // numbers it reads, so such a graph is verified reading each.
  let res: { code: number; stderr: string } = { code: 0, stderr: '' };
  for (const version of levels ? [2, 1] : [2]) {
    // Any exit is an answer: 1 and 2 are git's findings, 128 a graph git could not even open.
    const run = await runGit(
      ['-c', `commitGraph.generationVersion=${version}`, 'commit-graph', 'verify', '--object-dir', store],
      {
        gitDir: shadow.gitDir,
        env: ownStore(shadow),
        okCodes: [1, 2, 3, 128],
        timeoutMs: 300_000,
        maxStderrBytes: VERIFY_STDERR_MAX,
      },
    );
    if (run.stderrCut)
      return {
        problems: [`git commit-graph verify reported more than ${VERIFY_STDERR_MAX / 1024 / 1024} MiB of problems`],
      };
    res = { code: Math.max(res.code, run.code), stderr: `${res.stderr}\n${run.stderr}` };
  }
  if (res.code === 0) return { problems: [] };
  const others: string[] = [];
  const unread = new Set<string>();
  for (const line of new Set(res.stderr.split('\n').map((l) => l.trim()))) {
    const m = UNREAD.exec(line);
    if (m) unread.add((m[1] ?? m[2])!);
    else if (line) others.push(line);
  }
  const missing = unread.size ? await absent(shadow, [...unread]) : new Set<string>();
  for (const id of unread)
    if (!missing.has(id)) others.push(`commit ${id} of the graph cannot be read from the object database`);
  if (!others.length && res.code !== 1) others.push(`git commit-graph verify exited ${res.code}`);
  return { problems: kept(others), ...(missing.size ? { pruned: missing.size } : {}) };
}

/**
 * A shadow that sees the commits as their objects are, without the repository's shallow boundary:
 * the graph is written from the objects (git writes none in a shallow repository, and loads none
 * there), so a boundary commit's parents as the shallow file cuts them are not the graph's, and
 * verify failed every graph written before `git fetch --depth`, or in the cache a
 * `git clone --depth N --reference` borrows. The graph is what git reads once the boundary goes.
 */
function unshallowShadow(repo: Pick<RepositoryInfo, 'commonDir' | 'objectFormat'>): Shadow {
  const shadow = createShadow(repo.commonDir, repo.objectFormat);
  rmSync(join(shadow.gitDir, 'shallow'), { force: true });
  return shadow;
}

/**
 * Every commit-graph git would read for this repository, each with git's own verdict on it; with
 * `cacheEnv`, a graph whose bytes an earlier run found clean is not verified again.
 */
export async function collectCommitGraphs(
  repo: Pick<RepositoryInfo, 'commonDir' | 'objectFormat'>,
  cacheEnv?: NodeJS.ProcessEnv,
): Promise<CommitGraphFacts> {
  const found: Array<{
    store: string;
    file: string;
    files: string[];
    levels: boolean;
    unreadable?: string;
    changedPaths?: true;
  }> = [];
  const stores = objectStores(join(repo.commonDir, 'objects'));
  for (const store of stores) {
    const { loaded, others, layers } = graphFiles(store, stores);
    if (!loaded) continue;
    const odd = others.find((f) => kindOf(f) === 'other');
    const chunks = odd ? [] : (loaded.endsWith('commit-graph-chain') ? layers : [loaded]).flatMap(chunkIds);
    const filters = chunks.includes('BDAT');
    found.push({
      store,
      file: loaded,
      files: others.filter((f) => kindOf(f) === 'file'),
      levels: chunks.includes('GDA2'),
      ...(odd ? { unreadable: `${odd} is not a regular file (a FIFO, device or socket): git would block on it` } : {}),
      ...(filters ? { changedPaths: true as const } : {}),
    });
  }
  const fact = ({ files: _files, levels: _levels, ...g }: (typeof found)[number]): Omit<CommitGraphStore, 'problems'> =>
    g;
  if (found.every((g) => g.unreadable)) return { graphs: found.map((g) => ({ ...fact(g), problems: [] })) };
  const cache = cacheEnv && CommitGraphCache.open(repo.commonDir, cacheEnv);
  const git = checkedGitIdentity();
  const clean: string[] = [];
  let shadow: Shadow | undefined;
  try {
    const graphs: CommitGraphStore[] = [];
    for (const g of found) {
      if (g.unreadable) {
        graphs.push({ ...fact(g), problems: [] });
        continue;
      }
      const key = cache && graphKey(g.store, g.files, git);
      if (key && cache.has(key)) {
        clean.push(key);
        graphs.push({ ...fact(g), problems: [] });
        continue;
      }
      shadow ??= unshallowShadow(repo);
      // verify does not read the changed-path filters: they are checked against each commit's diff,
      // beside verify (its own git processes; neither needs the other's answer).
      const [verified, filtered] = await Promise.allSettled([
        verifyGraph(shadow, g.store, g.levels),
        g.changedPaths ? filterProblems(shadow, g.file, stores, repo.objectFormat === 'sha256' ? 32 : 20) : [],
      ]);
      if (verified.status === 'rejected') throw verified.reason;
      if (filtered.status === 'rejected') throw filtered.reason;
      const verdict = verified.value;
      const hiding = filtered.value;
      if (!Array.isArray(hiding)) verdict.filtersUnchecked = hiding.unchecked;
      else if (hiding.length) verdict.problems = kept([...verdict.problems, ...hiding]);
      // Kept only when the bytes verified are still those hashed before (nothing swapped meanwhile).
      const vouched = !verdict.problems.length && !verdict.pruned && !verdict.filtersUnchecked;
      if (key && vouched && graphKey(g.store, g.files, git) === key) clean.push(key);
      graphs.push({ ...fact(g), ...verdict });
    }
    if (cache) {
      cache.keep(clean);
      cache.save();
    }
    return { graphs };
  } finally {
    shadow?.dispose();
  }
}
