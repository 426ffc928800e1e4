// The walk's watched-path changes taken from the secrets scan's `git log -p --raw` (path-tap.ts)
// against the walk's own `git diff-tree` pass, commit by commit. Differential: on random small
// histories written with plumbing (merges, octopus merges up to past the scan's combined-diff width,
// unrelated roots, renames into and out of watched paths and folders, files becoming folders and
// symlinks, the exec bit, deletions, submodules, names with tabs, quotes, backslashes, newlines and
// non-ASCII bytes, refactors moving and editing up to 320 modules a folder each between packages,
// watched ones too, past git's rename limit with the folders counted or without), at random chunk
// sizes, every commit's changes must be diff-tree's, the states they give git ls-tree's, and the
// scan's facts (its findings, and the renames they were moved by) the same as without --raw -t. Seeded: the same cases on every run;
// `node scripts/differential.mjs` runs more from random seeds (GITGUARD_TAP_SEED, GITGUARD_TAP_HISTORIES).
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createShadow } from '../../src/collect/git.js';
import { walkCommits } from '../../src/collect/commits.js';
import { subscribePathTap } from '../../src/collect/path-tap.js';
import { NO_CHANGES, noteRawRecord, type CommitPathChanges } from '../../src/collect/path-changes.js';
import { inRun } from '../../src/collect/run-context.js';
import { scanSecrets } from '../../src/collect/secrets/scan.js';
import { discoverRepository } from '../../src/collect/repository.js';
import type { SecretsFacts } from '../../src/domain/content.js';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { rng } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const WATCHED = [
  '.gitguard',
  'CODEOWNERS',
  '.github/workflows',
  'docs/CODEOWNERS',
  'sub',
  ':odd',
  'tab\there',
  'qu"ote',
  'back\\slash',
  'new\nline',
  'ünï/cödé',
  'sp ace',
];
/** Where the random changes land: watched paths, paths under and around them, and others. */
const PLACES = [
  ...WATCHED,
  '.gitguard/policy.yml',
  '.gitguard/keys/a.asc',
  '.github/workflows/ci.yml',
  '.github/workflows/x/deep.yml',
  'CODEOWNERS/inner',
  'docs/readme',
  'sp ace/f',
  'ünï/other',
  'other.txt',
  'src/a.txt',
  'src/b.txt',
  'CODEOWNERS.bak',
];
const pickPath = (i: number): string =>
  ['CODEOWNERS', '.github/workflows/ci.yml', '.gitguard/policy.yml', 'sp ace', 'src/a.txt'][i % 5]!;
const CONTENTS = ['one\n', 'two\n', 'three\nlines\nhere\n', 'T=plain\n', ''];
/** A credential the scan finds, in some of the modules a refactor moves. */
const KEY = 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzKq9Lm2Vt4\nAWS_ACCESS_KEY_ID=AKIAZ7QK3M5N7P2R4T6V\n';
/** Folders a refactor fills with modules (one folder each) and moves between, watched ones too. */
const PACKAGES = ['mods', 'lib', '.gitguard', 'sp ace', '.github/workflows'];
/** Modules per package: few, and past git's rename limit (300) with their folders counted, or without. */
const MODULE_COUNTS = [3, 20, 150, 170, 200, 320];

type Entry = [mode: string, oid: string];

/** A path as fast-import reads it: C-quoted, so tabs, quotes, backslashes and newlines survive. */
const fastImportPath = (p: string): string =>
  `"${p
    .replace(/[\\"]/g, (c) => `\\${c}`)
    .replace(/\n/g, '\\n')
    .replace(/\t/g, '\\t')}"`;

/**
 * A random history with exactly the trees, modes and parents asked for, written by one
 * `git fast-import` stream (blobs and commits named by marks until git has written them).
 */
export function randomHistory(seed: number, n: number): { r: TestRepo; tip: string; merges: number } {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const r = makeRepo();
  const stream: Buffer[] = [];
  const emit = (text: string): void => void stream.push(Buffer.from(text, 'utf8'));
  let marks = 0;
  const blobs = new Map<string, string>();
  const blob = (text: string): string => {
    let b = blobs.get(text);
    if (!b) {
      blobs.set(text, (b = `:${(marks += 1)}`));
      emit(`blob\nmark ${b}\ndata ${Buffer.byteLength(text)}\n${text}\n`);
    }
    return b;
  };
  const commits: string[] = [];
  /** Each branch tip and its tree, as path -> entry (ids are marks). */
  const tips: Array<{ oid: string; tree: Map<string, Entry> }> = [];
  /** Sets `path` in `tree`, removing what would clash with it (a file above it, a folder at it). */
  const put = (tree: Map<string, Entry>, path: string, e: Entry | null): void => {
    for (const p of [...tree.keys()])
      if (p === path || p.startsWith(`${path}/`) || path.startsWith(`${p}/`)) tree.delete(p);
    if (e) tree.set(path, e);
  };
  const commit = (tree: Map<string, Entry>, parents: string[]): string => {
    const mark = `:${(marks += 1)}`;
    const message = `c${commits.length}\n`;
    // reset: a commit without parents starts a history of its own, not the ref's last commit.
    emit(`reset refs/heads/main\ncommit refs/heads/main\nmark ${mark}\n`);
    emit(`committer T <t@example.com> ${1700000000 + commits.length} +0000\ndata ${message.length}\n${message}`);
    parents.forEach((p, i) => emit(`${i ? 'merge' : 'from'} ${p}\n`));
    emit('deleteall\n');
    for (const [p, [mode, oid]] of tree) emit(`M ${mode} ${oid} ${fastImportPath(p)}\n`);
    emit('\n');
    commits.push(mark);
    return mark;
  };
  /** A module's text: a few lines of its own (an edit keeps most of them), some with the credential. */
  const moduleText = (j: number, edit: number): string =>
    `export const m${j} = ${j};\nexport const n${j} = 'n${j}';\n${j % 7 === 0 ? KEY : ''}export default m${j};\n${edit ? `// edit ${edit}\n` : ''}`;
  /** A refactor: a package filled with modules, or every file of one moved to another, most of them edited. */
  const refactor = (tree: Map<string, Entry>): void => {
    const full = PACKAGES.filter((p) => [...tree.keys()].some((k) => k.startsWith(`${p}/m`)));
    if (!full.length || rand() < 0.3) {
      const p = pick(PACKAGES);
      const count = pick(MODULE_COUNTS);
      for (let j = 0; j < count; j += 1) put(tree, `${p}/m${j}/index.ts`, ['100644', blob(moduleText(j, 0))]);
      return;
    }
    const from = pick(full);
    const to = pick(PACKAGES.filter((p) => p !== from));
    const edit = 1 + Math.floor(rand() * 1000);
    const moved = [...tree.entries()].filter(([k]) => k.startsWith(`${from}/m`));
    for (const [k] of moved) put(tree, k, null);
    for (const [k, e] of moved) {
      const j = Number(/\/m(\d+)\//.exec(k)?.[1] ?? 0);
      const entry: Entry = k.endsWith('/index.ts') && rand() < 0.97 ? ['100644', blob(moduleText(j, edit))] : e;
      put(tree, `${to}${k.slice(from.length)}`, entry);
    }
    // A folder named as the moved files are (git's basename matching counts it with -t), sometimes.
    if (rand() < 0.4) put(tree, `${to}/extra/index.ts/inner`, ['100644', blob(`inner ${edit}\n`)]);
    if (rand() < 0.5) put(tree, `${from}/extra`, null);
  };
  const change = (tree: Map<string, Entry>): void => {
    const roll = rand();
    if (roll < 0.06) {
      refactor(tree);
      return;
    }
    const path = pick(PLACES);
    if (roll < 0.35) put(tree, path, ['100644', blob(pick(CONTENTS))]);
    else if (roll < 0.45) put(tree, path, null);
    else if (roll < 0.65) {
      // A rename (same content: log pairs them), into or out of a watched path.
      const from = pick([...tree.keys()]);
      if (from === undefined) return;
      const e = tree.get(from)!;
      put(tree, from, null);
      put(tree, path, e);
    } else if (roll < 0.72) {
      const e = tree.get(path);
      if (e && e[0].startsWith('100')) tree.set(path, [e[0] === '100644' ? '100755' : '100644', e[1]]);
      else put(tree, path, ['100755', blob(pick(CONTENTS))]);
    } else if (roll < 0.8) put(tree, path, ['120000', blob(pick(['target', '../x', 'CODEOWNERS']))]);
    else if (roll < 0.86 && commits.length) put(tree, path, ['160000', pick(commits)]);
    else put(tree, path, ['100644', blob(`${pick(CONTENTS)}${Math.floor(rand() * 4)}\n`)]);
  };
  let merges = 0;
  const root = new Map<string, Entry>();
  for (let k = 0; k < 4; k += 1) change(root);
  tips.push({ oid: commit(root, []), tree: root });
  for (let i = 0; i < n; i += 1) {
    const roll = rand();
    if (roll < 0.05) {
      // An unrelated root.
      const tree = new Map<string, Entry>();
      change(tree);
      tips.push({ oid: commit(tree, []), tree });
    } else if (roll < 0.25 && tips.length > 1) {
      // A merge of 2 (mostly) to all the tips, in a random order; its tree from one of them, changed.
      const count = rand() < 0.7 ? 2 : 2 + Math.floor(rand() * (tips.length - 1));
      const chosen = [...tips].sort(() => rand() - 0.5).slice(0, count);
      const tree = new Map(pick(chosen).tree);
      if (rand() < 0.6) change(tree);
      const oid = commit(
        tree,
        chosen.map((t) => t.oid),
      );
      merges += 1;
      for (const t of chosen) tips.splice(tips.indexOf(t), 1);
      tips.push({ oid, tree });
    } else if (roll < 0.35 && tips.length < 11) {
      // A new branch from a tip.
      const from = pick(tips);
      const tree = new Map(from.tree);
      change(tree);
      tips.push({ oid: commit(tree, [from.oid]), tree });
    } else {
      const t = pick(tips);
      const tree = new Map(t.tree);
      for (let k = 1 + Math.floor(rand() * 3); k > 0; k -= 1) change(tree);
      t.oid = commit(tree, [t.oid]);
      t.tree = tree;
    }
  }
  // Everything reachable from one tip: the last commit merges them all.
  let tip = tips[0]!.oid;
  if (tips.length > 1) {
    tip = commit(
      new Map(tips[0]!.tree),
      tips.map((t) => t.oid),
    );
    merges += 1;
  }
  const exported = join(r.home, 'marks');
  r.run(['fast-import', '--quiet', `--export-marks=${exported}`], { input: Buffer.concat(stream) });
  const ids = new Map(
    readFileSync(exported, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' ') as [string, string]),
  );
  return { r, tip: ids.get(tip)!, merges };
}

/** A git that logs each command line to `log` (and fails `log -p` on its `failAt`-th run, when given). */
function loggingGit(home: string, failAt?: number): { git: string; log: string } {
  const git = join(home, 'logging-git');
  const log = join(home, 'git.log');
  const count = join(home, 'log-count');
  const real = execFileSync('sh', ['-c', 'command -v git']).toString().trim();
  const fail =
    failAt === undefined
      ? ''
      : `case "$*" in *" log -p "*) n=$(cat '${count}' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '${count}'; [ $n -eq ${failAt} ] && { echo "fatal: planted failure" >&2; exit 128; };; esac\n`;
  writeFileSync(git, `#!/bin/sh\necho "$*" >> '${log}'\n${fail}exec ${real} "$@"\n`, { mode: 0o755 });
  rmSync(log, { force: true });
  rmSync(count, { force: true });
  return { git, log };
}

interface Tapped {
  changes: Array<[string, unknown]>;
  facts?: SecretsFacts;
  error?: string;
}

/**
 * One run as an audit makes it: the walk subscribes, the scan of the same revisions offers, and
 * the walk reads its changes through the tap (or diff-tree, when `scan` is false).
 */
async function run(
  dir: string,
  tip: string,
  opts: { scan: boolean; scanChunk?: number; walkChunk?: number; git?: string },
): Promise<Tapped> {
  const info = await discoverRepository(dir);
  return inRun({ ...(opts.git ? { gitBinary: opts.git } : {}) }, async () => {
    const shadow = createShadow(info.commonDir, info.objectFormat);
    const tap = subscribePathTap(shadow.gitDir, [tip], WATCHED);
    try {
      const scanning = opts.scan
        ? scanSecrets(info, [tip], { entropy: false, ...(opts.scanChunk ? { chunkCommits: opts.scanChunk } : {}) })
        : undefined;
      scanning?.catch(() => undefined);
      const changes: Array<[string, unknown]> = [];
      for await (const c of walkCommits(shadow, {
        revisions: [tip],
        parentsFirst: true,
        paths: WATCHED,
        tap,
        ...(opts.walkChunk ? { chunkCommits: opts.walkChunk } : {}),
      }))
        changes.push([c.oid, c.pathChanges]);
      try {
        return { changes, ...(scanning ? { facts: await scanning } : {}) };
      } catch (err) {
        return { changes, error: (err as Error).message };
      }
    } finally {
      tap.release();
      shadow.dispose();
    }
  });
}

/**
 * Each commit's entries at the watched paths as the walk derives them (its first parent's, with its
 * changes applied), and as `git ls-tree` lists them at that commit.
 */
function watchedStates(dir: string, tip: string, changes: Array<[string, unknown]>): [string[], string[]] {
  const git = (args: string[]): string =>
    execFileSync('git', args, { cwd: dir, encoding: 'latin1', maxBuffer: 1 << 28 });
  const firstParent = new Map<string, string | undefined>(
    git(['rev-list', '--parents', tip])
      .trim()
      .split('\n')
      .map((l) => {
        const [c, p] = l.split(' ');
        return [c!, p];
      }),
  );
  const derived = new Map<string, Record<string, string>>();
  const ours: string[] = [];
  const theirs: string[] = [];
  for (const [oid, c] of changes) {
    const parent = firstParent.get(oid);
    const state: Record<string, string> = { ...(parent ? derived.get(parent) : {}) };
    for (const [p, v] of Object.entries((c as CommitPathChanges).changed)) {
      if (v === null) delete state[p];
      else state[p] = v;
    }
    derived.set(oid, state);
    ours.push(`${oid} ${JSON.stringify(Object.entries(state).sort())}`);
    const listed = git(['--literal-pathspecs', 'ls-tree', '-z', '--full-tree', oid, '--', ...WATCHED])
      .split('\0')
      .filter(Boolean)
      .map((l) => {
        const tab = l.indexOf('\t'); // the path may hold tabs
        const [mode, , id] = l.slice(0, tab).split(' ');
        return [Buffer.from(l.slice(tab + 1), 'latin1').toString('utf8'), `${mode} ${id}`];
      });
    theirs.push(`${oid} ${JSON.stringify(listed.sort())}`);
  }
  return [ours, theirs];
}

const seeds = process.env.GITGUARD_TAP_SEED ? [Number(process.env.GITGUARD_TAP_SEED)] : [11, 23, 37];
const histories = Number(process.env.GITGUARD_TAP_HISTORIES ?? seeds.length);
const cases = Array.from({ length: histories }, (_, i) => (seeds[0]! + i * 7919) >>> 0);

describe("the walk's watched-path changes from the scan's log --raw equal diff-tree's", () => {
  test.each(cases)(
    'random history, seed %i',
    async (seed) => {
      const rand = rng(seed ^ 0x5a5a);
      const { r, tip, merges } = randomHistory(seed, 45);
      const own = await run(r.dir, tip, { scan: false });
      expect(own.changes.length).toBeGreaterThan(45);
      expect(own.changes.some(([, c]) => Object.keys((c as { changed: object }).changed).length > 0)).toBe(true);
      // The walk's states at the watched paths, commit by commit, are git ls-tree's.
      const [ours, theirs] = watchedStates(r.dir, tip, own.changes);
      expect(ours).toEqual(theirs);
      const alone = await inRun({}, async () =>
        scanSecrets(await discoverRepository(r.dir), [tip], { entropy: false }),
      );
      const { git, log } = loggingGit(r.home);
      for (const [scanChunk, walkChunk] of [
        [undefined, undefined],
        [1, 1 + Math.floor(rand() * 5)],
        [2 + Math.floor(rand() * 8), 1 + Math.floor(rand() * 5)],
        [2 + Math.floor(rand() * 20), 1000],
      ]) {
        rmSync(log, { force: true });
        const tapped = await run(r.dir, tip, {
          scan: true,
          git,
          ...(scanChunk ? { scanChunk } : {}),
          ...(walkChunk ? { walkChunk } : {}),
        });
        expect([seed, scanChunk, walkChunk, tapped.changes]).toEqual([seed, scanChunk, walkChunk, own.changes]);
        // The scan's facts do not change with --raw.
        expect(tapped.facts).toEqual(alone);
        if (scanChunk !== 1) continue;
        // A log per commit: each one without a merge had --raw, and diff-tree read only the merges.
        const lines = readFileSync(log, 'utf8').split('\n');
        const logs = lines.filter((l) => / log -p /.test(l) && !/ -m --first-parent /.test(l));
        expect(logs.filter((l) => / --raw -t --no-abbrev /.test(l))).toHaveLength(own.changes.length - merges);
        expect(lines.filter((l) => / diff-tree --stdin /.test(l))).toHaveLength(merges);
      }
      expect(merges).toBeGreaterThan(0);
    },
    120_000,
  );

  test('a history without merges is read by log alone: no diff-tree', async () => {
    const r = makeRepo();
    for (let i = 0; i < 12; i += 1)
      r.commit(`c${i}`, { [pickPath(i)]: `v${i}\n`, ...(i % 4 === 0 ? { 'other.txt': `${i}\n` } : {}) });
    const tip = r.head();
    const own = await run(r.dir, tip, { scan: false });
    const { git, log } = loggingGit(r.home);
    for (const scanChunk of [undefined, 5]) {
      rmSync(log, { force: true });
      const tapped = await run(r.dir, tip, { scan: true, git, ...(scanChunk ? { scanChunk } : {}) });
      expect(tapped.changes).toEqual(own.changes);
      const lines = readFileSync(log, 'utf8').split('\n');
      expect(lines.filter((l) => / diff-tree /.test(l))).toHaveLength(0);
      expect(lines.filter((l) => / log -p .*--raw -t --no-abbrev /.test(l))).toHaveLength(scanChunk ? 3 : 1);
    }
  }, 60_000);

  test('a scan that stops part way leaves the rest to diff-tree: the same changes, and the scan fails', async () => {
    const { r, tip } = randomHistory(5, 40);
    const own = await run(r.dir, tip, { scan: false });
    for (const failAt of [1, 2, 4]) {
      const { git } = loggingGit(r.home, failAt);
      const tapped = await run(r.dir, tip, { scan: true, git, scanChunk: 7 });
      expect(tapped.error).toMatch(/planted failure/);
      expect([failAt, tapped.changes]).toEqual([failAt, own.changes]);
    }
  }, 120_000);

  test("a walk of other revisions than the scan's, or with no scan, reads diff-tree alone", async () => {
    const { r, tip } = randomHistory(9, 20);
    const own = await run(r.dir, tip, { scan: false });
    const info = await discoverRepository(r.dir);
    const { git, log } = loggingGit(r.home);
    const changes = await inRun({ gitBinary: git }, async () => {
      const shadow = createShadow(info.commonDir, info.objectFormat);
      const tap = subscribePathTap(shadow.gitDir, [tip], WATCHED);
      try {
        // The scan reads another list (HEAD~0 is not the same revision string): no tap.
        const scanning = scanSecrets(info, [`${tip}^{commit}`], { entropy: false });
        const out: Array<[string, unknown]> = [];
        for await (const c of walkCommits(shadow, { revisions: [tip], parentsFirst: true, paths: WATCHED, tap }))
          out.push([c.oid, c.pathChanges]);
        await scanning;
        return out;
      } finally {
        tap.release();
        shadow.dispose();
      }
    });
    expect(changes).toEqual(own.changes);
    const lines = readFileSync(log, 'utf8').split('\n');
    expect(lines.some((l) => / log -p .*--raw/.test(l))).toBe(false);
    expect(lines.filter((l) => / diff-tree --stdin /.test(l))).toHaveLength(1);
  }, 60_000);
});

describe('noteRawRecord', () => {
  const a = 'a'.repeat(40);
  const b = 'b'.repeat(40);
  const z = '0'.repeat(40);
  const wanted = new Map(['x', 'tab\there', 'é'].map((p) => [Buffer.from(p).toString('latin1'), p]));
  const note = (...lines: string[]): CommitPathChanges['changed'] => {
    const c: CommitPathChanges = { oid: a, changed: NO_CHANGES };
    const present = new Set<string>();
    for (const l of lines) noteRawRecord(l, 0, l.length, wanted, c, present);
    return c.changed;
  };

  test('a rename is a deletion at its source and an addition at its target; a copy only the addition', () => {
    expect(note(`:100644 100644 ${a} ${a} R100\tx\t"tab\\there"`)).toEqual({ x: null, 'tab\there': `100644 ${a}` });
    expect(note(`:100644 100644 ${a} ${b} R071\t"\\303\\251"\tother`)).toEqual({ é: null });
    expect(note(`:100644 100644 ${a} ${a} C100\tx\t"\\303\\251"`)).toEqual({ é: `100644 ${a}` });
    expect(note(`:100644 100644 ${a} ${b} M\tother`, `:100644 100755 ${a} ${a} M\tx/y`)).toBe(NO_CHANGES);
  });

  test('a mode change at one path is a change of its entry, the id the same', () => {
    expect(note(`:100644 120000 ${a} ${a} T\tx`)).toEqual({ x: `120000 ${a}` });
    expect(note(`:100644 100755 ${a} ${a} M\tx`)).toEqual({ x: `100755 ${a}` });
  });

  test('a type change at one path leaves the added entry, in either order; a second addition is refused', () => {
    const del = `:100644 000000 ${a} ${z} D\tx`;
    const add = `:000000 040000 ${z} ${b} A\tx`;
    expect(note(del, add)).toEqual({ x: `040000 ${b}` });
    expect(note(add, del)).toEqual({ x: `040000 ${b}` });
    expect(() => note(add, add)).toThrow(/two entries at x/);
  });

  test('refuses a record it does not understand at a watched path', () => {
    expect(() => note(`:100644 100644 ${a} short M\tx`)).toThrow(/log --raw record/);
    expect(() => note(`:100644 100644 ${a} ${b} R100\tx`)).toThrow(/log --raw record/);
    expect(() => note(':100644 no tab')).toThrow(/log --raw record/);
  });
});
