// The changed-path Bloom filters of a commit-graph (BIDX/BDAT chunks), checked against the paths
// each commit changes. `git log -- PATH` (and `rev-list`, `blame`) skips a commit whose filter says
// PATH did not change there, and `git commit-graph verify` does not read the filters: a filter
// zeroed or rewritten hid a commit changing .gitguard/ from `git log -- .gitguard/` with every object
// and every other part of the graph intact. Each path a commit changes against its first parent
// (git's `diff-tree -r --no-renames`), with its leading folders, must be one its filter may hold.
import { closeSync, existsSync, openSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GitError } from '../errors.js';
import { hiddenKey, type BloomSettings } from '../domain/bloom.js';
import { checkedGitAtLeast, type Shadow } from './git.js';
import { gitRecords } from './git-reading.js';
import { CHUNK_COMMITS, COMMIT_PASS_CONFIG, lineRanges, writeRange } from './list-chunks.js';
import { FETCH_ALL, isPartialClone, missingObjectIn } from './missing-object.js';
import { objectHeld } from './object-store.js';
import { readBoundedIfExists, readBoundedParts } from './safe-fs.js';

/** Lines reported per graph at most: a graph whose every filter is zeroed would name every commit. */
const MAX_REPORTED = 100;

/** A graph file of a million commits is ~60 MB with filters; more was not written by git. */
const GRAPH_MAX = 1024 * 1024 * 1024;

/** One graph file's filters: its commits' raw ids (OIDL, as the file lists them) and each one's filter bytes. */
interface LayerFilters {
  oidl: Buffer;
  count: number;
  filter: (i: number) => Buffer | undefined;
  settings?: { numHashes: number; hashVersion: number };
}

/** The chunks to read: the commit list, the filter index and the filters. */
const WANTED = ['OIDL', 'BIDX', 'BDAT'];

/**
 * A graph file's commit list and filter chunks, by id (gitformat-commit-graph: header, table of
 * contents), each read alone at its offset: the file's other chunks (a million commits: 40 of its
 * 66 MB, the commit data and dates) are never read while every commit is diffed. Undefined when
 * the header or the table of contents is not one git can read.
 */
function chunks(file: string): Map<string, Buffer> | undefined {
  return readBoundedParts(file, GRAPH_MAX, { follow: true }, (size, read) => {
    const head = read(0, 8);
    if (head.length < 8 || head.toString('latin1', 0, 4) !== 'CGPH') return undefined;
    const n = head[6]!;
    // n entries and the one that ends the last chunk, 12 bytes each.
    const toc = read(8, 12 * n + 12);
    const where = new Map<string, [number, number]>();
    for (let i = 0; i < n; i++) {
      const at = 12 * i;
      if (at + 24 > toc.length) return undefined;
      const start = Number(toc.readBigUInt64BE(at + 4));
      const end = Number(toc.readBigUInt64BE(at + 16));
      if (start > end || end > size) return undefined;
      where.set(toc.toString('latin1', at, at + 4), [start, end]);
    }
    const out = new Map<string, Buffer>();
    for (const id of WANTED) {
      const span = where.get(id);
      if (span) out.set(id, read(span[0], span[1] - span[0]));
    }
    return out;
  });
}

/** A graph file's filters; a string says why they cannot be read as git would. */
function layerFilters(file: string, oidBytes: number): LayerFilters | string | undefined {
  const parts = chunks(file);
  if (!parts) return `${file} is not a commit-graph file git can read`;
  const [oidl, bidx, bdat] = WANTED.map((id) => parts.get(id));
  if (!oidl) return `${file} has no commit list`;
  const count = Math.floor(oidl.length / oidBytes);
  if (!bidx || !bdat) return { oidl, count, filter: () => undefined }; // no filters: git diffs every commit
  if (bdat.length < 12 || bidx.length < 4 * count) return `${file} has a filter index or data chunk cut short`;
  const data = bdat.subarray(12);
  const settings = { hashVersion: bdat.readUInt32BE(0), numHashes: bdat.readUInt32BE(4) };
  return {
    oidl,
    count,
    settings,
    filter: (i) => {
      const start = i ? bidx.readUInt32BE(4 * (i - 1)) : 0;
      const end = bidx.readUInt32BE(4 * i);
      return start <= end && end <= data.length ? data.subarray(start, end) : Buffer.alloc(0);
    },
  };
}

/**
 * The ids of `w` bytes at `a[ai]` and `b[bi]` compared as Buffer.compare would, a 32-bit word at a
 * time in JS (ids are 20 or 32 bytes): Buffer.compare with offsets crosses into C++ on each call,
 * and was half of node's time in this check (the binary searches, ~35 compares a commit).
 */
function compareIds(a: Buffer, ai: number, b: Buffer, bi: number, w: number): number {
  for (let k = 0; k < w; k += 4) {
    const x = a.readUInt32BE(ai + k);
    const y = b.readUInt32BE(bi + k);
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * One layer's commits by id: a binary search of its commit list, through a sorted permutation when
 * the list is out of order (a graph edited by hand: verify fails it, but its filters are still read).
 */
class LayerLookup {
  private readonly order: Uint32Array | undefined;

  constructor(
    readonly layer: LayerFilters,
    private readonly width: number,
  ) {
    const { count } = layer;
    let sorted = true;
    for (let i = 1; i < count && sorted; i++) sorted = this.compareAt(i - 1, i) < 0;
    if (!sorted) {
      // Equal ids keep their order (a stable sort), so the last of them is found last, as a Map kept it.
      this.order = Uint32Array.from({ length: count }, (_, i) => i).sort((a, b) => this.compareAt(a, b) || a - b);
    }
  }

  private compareAt(a: number, b: number): number {
    const w = this.width;
    return compareIds(this.layer.oidl, a * w, this.layer.oidl, b * w, w);
  }

  /** The non-empty filter of `raw` here (the last one listed, when listed twice), else undefined. */
  filter(raw: Buffer): Buffer | undefined {
    const { oidl, count } = this.layer;
    const w = this.width;
    const at = (k: number): number => (this.order ? this.order[k]! : k);
    const cmp = (k: number): number => compareIds(oidl, at(k) * w, raw, 0, w);
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(mid) < 0) lo = mid + 1;
      else hi = mid;
    }
    // lo: the first entry not below `raw`; the entries equal to it follow, listed order kept.
    let end = lo;
    while (end < count && cmp(end) === 0) end++;
    for (let k = end - 1; k >= lo; k--) {
      const f = this.layer.filter(at(k));
      if (f?.length) return f;
    }
    return undefined;
  }
}

/**
 * The commits whose filter is checked, each with its filter: the last layer listing it with a
 * filter gives it (as a Map keyed by id, filled layer by layer, would). Looked up in the layers' own
 * commit lists rather than a Map of hex ids to Buffer views (~500 bytes a commit: at 200,000
 * commits node's peak for a default audit went from ~175 to ~310 MB with a graph of filters).
 */
class FilteredCommits {
  private readonly layers: LayerLookup[];
  private readonly raw: Buffer;

  /** Also writes the commits' ids, a line each, into `list` (one listed twice is sorted once by rev-list). */
  constructor(layers: readonly LayerFilters[], oidBytes: number, list: string) {
    this.layers = layers.map((l) => new LayerLookup(l, oidBytes)).reverse();
    this.raw = Buffer.alloc(oidBytes);
    const fd = openSync(list, 'w', 0o600);
    try {
      let lines: string[] = [];
      for (const l of layers)
        for (let i = 0; i < l.count; i++) {
          if (!l.filter(i)?.length) continue;
          lines.push(l.oidl.toString('hex', i * oidBytes, (i + 1) * oidBytes));
          if (lines.length === 4096) {
            writeSync(fd, `${lines.join('\n')}\n`);
            lines = [];
          }
        }
      if (lines.length) writeSync(fd, `${lines.join('\n')}\n`);
    } finally {
      closeSync(fd);
    }
  }

  /** The filter of a commit checked here, else undefined. */
  filter(oid: string): Buffer | undefined {
    if (oid.length !== this.raw.length * 2 || this.raw.write(oid, 'hex') !== this.raw.length) return undefined;
    for (const l of this.layers) {
      const f = l.filter(this.raw);
      if (f) return f;
    }
    return undefined;
  }
}

/**
 * The commits of `list` in the order `git rev-list` walks them, into `ordered`: diff-tree given the
 * graph's order (sorted by id) resolved each tree's deltas anew, five times slower (50,000 commits:
 * 50 s against 9 s). Those rev-list does not reach are not in the store (pruned since the graph was
 * written) and are left out.
 */
async function historyOrder(shadow: Shadow, commits: FilteredCommits, list: string, ordered: string): Promise<void> {
  const fd = openSync(ordered, 'w', 0o600);
  try {
    const args = [...COMMIT_PASS_CONFIG, 'rev-list', '--ignore-missing', '--stdin'];
    for await (const records of gitRecords(args, shadow.gitDir, '\n', 1024, () => new Error('rev-list'), list)) {
      const lines: string[] = [];
      for (const r of records) {
        const oid = r.toString('latin1');
        if (commits.filter(oid)) lines.push(oid); // rev-list prints each commit once
      }
      if (lines.length) writeSync(fd, `${lines.join('\n')}\n`);
    }
  } finally {
    closeSync(fd);
  }
}

/** What changedPaths reports: each commit's id, then each path it changes (a view into git's output, valid during the call). */
interface ChangeSink {
  commit(oid: string): void;
  path(p: Buffer): void;
}

/**
 * `git diff-tree -r --no-renames --raw -z` of each commit against its first parent, one process per
 * CHUNK_COMMITS, streamed into `sink`: no commit's paths are held. With -z, a commit's header is its
 * id alone and each change is a ":<modes> <ids> <status>" field followed by its path, so a path that
 * looks like an id is never taken for a header.
 */
async function changedPaths(shadow: Shadow, commits: FilteredCommits, list: string, sink: ChangeSink): Promise<void> {
  const ordered = `${list}-ordered`;
  const chunk = `${list}-chunk`;
  try {
    await historyOrder(shadow, commits, list, ordered);
    for (const range of lineRanges(ordered, CHUNK_COMMITS)) {
      writeRange(ordered, range, chunk);
      let pathNext = false;
      const args = [
        ...COMMIT_PASS_CONFIG,
        'diff-tree',
        '--stdin',
        '-r',
        '--no-renames',
        '--raw',
        '-z',
        '--root',
        '--diff-merges=first-parent',
      ];
      for await (const records of gitRecords(
        args,
        shadow.gitDir,
        '\0',
        64 * 1024,
        () => new Error('a path over 64 KiB'),
        chunk,
      ))
        for (const r of records) {
          if (pathNext) {
            sink.path(r);
            pathNext = false;
          } else if (r[0] === 0x3a) pathNext = true;
          else sink.commit(r.toString('latin1'));
        }
    }
  } finally {
    for (const f of [list, ordered, chunk]) rmSync(f, { force: true });
  }
}

/**
 * The layers a chain file names, base first, each from the first store holding it (as git looks for
 * them, commit-graph.c load_commit_graph_chain), up to the first one missing.
 */
function chainLayers(chain: string, stores: readonly string[]): string[] {
  const text = readBoundedIfExists(chain, 16 * 1024 * 1024, { follow: true })?.toString('latin1') ?? '';
  const out: string[] = [];
  for (const hash of text.split('\n').filter(Boolean)) {
    const file = stores.map((s) => join(s, 'info', 'commit-graphs', `graph-${hash}.graph`)).find((f) => existsSync(f));
    if (!file) return out; // git loads the layers up to the first one missing
    out.push(file);
  }
  return out;
}

/**
 * Why the filters could not be checked. A tree a partial clone left out (`--filter=tree:0`) is only
 * promised, but what git log -- PATH skips on a filter it skips without reading the trees, so no
 * fetch would ever show it: a filter over missing trees stays unchecked, the rule fails, and the line
 * says how to get the trees or drop the filters. (git writes filters in such a clone only by fetching
 * every tree, so only a graph brought from elsewhere meets this.) Anything else is damage.
 */
function unchecked(commonDir: string, err: GitError): string {
  const missing = missingObjectIn(`${err.stderr}\n${err.message}`);
  if (missing && !objectHeld(join(commonDir, 'objects'), missing) && isPartialClone(commonDir))
    return `this partial clone (git clone --filter) lacks tree ${missing.slice(0, 12)} of a commit they describe, and git log -- PATH skips a commit on its filter alone, without fetching the trees: ${FETCH_ALL}; or rewrite the graph without filters: git commit-graph write --reachable --no-changed-paths`;
  return `${err.message.split('\n')[0]!.slice(0, 200)}; run git fsck`;
}

/**
 * The commits of the graph git loads from `loaded` (the file, or a chain's layers base first) whose
 * filter says a path they change is not there, as lines of a report; empty when every filter holds
 * what its commit changes; `unchecked` when the commits' changes could not be read. git tests every layer's filters with the settings of the topmost layer
 * that has filters (commit-graph.c get_bloom_filter_settings).
 */
export async function filterProblems(
  shadow: Shadow,
  loaded: string,
  stores: readonly string[],
  oidBytes: number,
): Promise<string[] | { unchecked: string }> {
  const files = loaded.endsWith('commit-graph-chain') ? chainLayers(loaded, stores) : [loaded];
  const layers: LayerFilters[] = [];
  for (const f of files) {
    const l = layerFilters(f, oidBytes);
    if (typeof l === 'string') return [l];
    if (l) layers.push(l);
  }
  const top = [...layers].reverse().find((l) => l.settings)?.settings;
  if (!top) return [];
  // git before 2.46 hashes every filter as version 1 (signed bytes), whatever the graph says.
  const s: BloomSettings = {
    numHashes: top.numHashes,
    version: top.hashVersion === 2 && checkedGitAtLeast(2, 46) ? 2 : 1,
  };
  const list = join(dirname(shadow.gitDir), 'filter-commits');
  const commits = new FilteredCommits(layers, oidBytes, list);
  const problems: string[] = [];
  let hidden = 0;
  // The commit whose paths are being read: its filter, once one of its keys is hidden undefined
  // (one line a commit), and the path before (whose folders need no second hash).
  let oid = '';
  let filter: Buffer | undefined;
  let prev: Buffer | undefined;
  const check = changedPaths(shadow, commits, list, {
    commit(id) {
      oid = id;
      filter = commits.filter(id);
      prev = undefined;
    },
    path(p) {
      if (!filter) return;
      const end = hiddenKey(filter, p, s, prev);
      prev = p;
      if (end < 0) return;
      filter = undefined;
      if (++hidden <= MAX_REPORTED)
        problems.push(
          `the changed-path filter of commit ${oid} says ${JSON.stringify(p.toString('utf8', 0, end))} did not change there: git log -- that path skips the commit`,
        );
    },
  });
  try {
    await check;
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    return { unchecked: unchecked(shadow.commonDir, err) };
  }
  if (hidden > MAX_REPORTED) problems.push(`… and ${hidden - MAX_REPORTED} more commits whose filter hides a change`);
  return problems;
}
