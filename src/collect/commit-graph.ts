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
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CommitGraphFacts, CommitGraphStore } from '../domain/commit-graph.js';
import type { RepositoryInfo } from '../domain/model.js';
import { createShadow, runGit } from './git.js';
import { objectStores } from './object-store.js';

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

/** The graph files of one object store: the file git loads first, and the chain's files. */
function graphFiles(store: string): { loaded?: string; others: string[]; layers: string[] } {
  const file = join(store, 'info', 'commit-graph');
  const dir = join(store, 'info', 'commit-graphs');
  const chain = join(dir, 'commit-graph-chain');
  let layers: string[] = [];
  try {
    layers = readdirSync(dir)
      .filter((n) => n.endsWith('.graph'))
      .map((n) => join(dir, n));
  } catch {
    // no chain folder: nothing git opens there
  }
  const loaded = kindOf(file) !== 'absent' ? file : kindOf(chain) !== 'absent' ? chain : undefined;
  return { ...(loaded ? { loaded } : {}), others: [file, chain, ...layers], layers };
}

/**
 * Whether a graph file carries changed-path Bloom filters (a BDAT chunk in its table of contents),
 * read from its header alone: `git log -- PATH` skips the commits a filter calls unchanged, and
 * `commit-graph verify` does not check the filters.
 */
function hasFilters(file: string): boolean {
  const head = Buffer.alloc(8 + 12 * 256);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const n = readSync(fd, head, 0, head.length, 0);
    const chunks = Math.min(head[6] ?? 0, Math.floor((n - 8) / 12));
    for (let i = 0; i < chunks; i += 1) if (head.toString('latin1', 8 + 12 * i, 12 + 12 * i) === 'BDAT') return true;
    return false;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function problemLines(stderr: string, code: number): string[] {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const kept = lines.slice(0, MAX_PROBLEMS).map((l) => (l.length > MAX_LINE ? `${l.slice(0, MAX_LINE)}…` : l));
  if (lines.length > MAX_PROBLEMS) kept.push(`… and ${lines.length - MAX_PROBLEMS} more lines`);
  return code === 0 ? [] : kept.length ? kept : [`git commit-graph verify exited ${code}`];
}

/** Every commit-graph git would read for this repository, each with git's own verdict on it. */
export async function collectCommitGraphs(
  repo: Pick<RepositoryInfo, 'commonDir' | 'objectFormat'>,
): Promise<CommitGraphFacts> {
  const found: Array<{ store: string; file: string; unreadable?: string; changedPaths?: true }> = [];
  for (const store of objectStores(join(repo.commonDir, 'objects'))) {
    const { loaded, others, layers } = graphFiles(store);
    if (!loaded) continue;
    const odd = others.find((f) => kindOf(f) === 'other');
    const filters = !odd && (loaded.endsWith('commit-graph-chain') ? layers : [loaded]).some(hasFilters);
    found.push({
      store,
      file: loaded,
      ...(odd ? { unreadable: `${odd} is not a regular file (a FIFO, device or socket): git would block on it` } : {}),
      ...(filters ? { changedPaths: true as const } : {}),
    });
  }
  if (found.every((g) => g.unreadable)) return { graphs: found.map((g) => ({ ...g, problems: [] })) };
  const shadow = createShadow(repo.commonDir, repo.objectFormat);
  try {
    const graphs: CommitGraphStore[] = [];
    for (const g of found) {
      if (g.unreadable) {
        graphs.push({ ...g, problems: [] });
        continue;
      }
      // Any exit is an answer: 1 and 2 are git's findings, 128 a graph git could not even open.
      const res = await runGit(['commit-graph', 'verify', '--object-dir', g.store], {
        gitDir: shadow.gitDir,
        okCodes: [1, 2, 3, 128],
        timeoutMs: 300_000,
      });
      graphs.push({ ...g, problems: problemLines(res.stderr, res.code) });
    }
    return { graphs };
  } finally {
    shadow.dispose();
  }
}
