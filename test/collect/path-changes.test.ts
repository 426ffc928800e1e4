// The walk's watched-path changes (one git diff-tree pass) against git's own answer: every commit's
// id at every watched path, derived from its first parent's plus the changes, must be what
// `git ls-tree` says, through submodules, type changes, mode-only changes, odd
// names, merges, unrelated roots, a parent outside the walk and a shallow boundary.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createShadow } from '../../src/collect/git.js';
import { walkCommits } from '../../src/collect/commits.js';
import { PathChangeParser } from '../../src/collect/path-changes.js';
import type { CommitRecord } from '../../src/domain/commit.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { makeRepo, cleanupTemp, tempDir, type TestRepo } from '../helpers/repo.js';
import { madeOnce } from '../helpers/made-once.js';

afterAll(cleanupTemp);

const WATCHED = [
  'CODEOWNERS',
  '.github/workflows',
  'sub',
  ':odd',
  'tab\there',
  'ünï/cödé',
  'sp ace',
  'deep/er/x.yml',
  'never',
];

/** git's answer: the entry ("<mode> <id>") at each watched path in `commit` (null where there is none). */
function gitAt(r: { run: TestRepo['run'] }, commit: string): (string | null)[] {
  // One `git ls-tree` per commit (every tree, blob and gitlink, NUL-terminated) rather than a
  // `git rev-parse <commit>:<path>` per path: the same ids from git, a ninth of the processes.
  const ids = new Map<string, string>();
  for (const entry of r.run(['ls-tree', '-r', '-t', '-z', '--full-tree', commit]).split('\0')) {
    const tab = entry.indexOf('\t');
    const [mode, , id] = entry.slice(0, tab).split(' ');
    if (tab > 0) ids.set(entry.slice(tab + 1), `${mode} ${id}`);
  }
  return WATCHED.map((p) => ids.get(p) ?? null);
}

async function walk(
  dir: string,
  revisions: string[],
  paths: string[],
  extra: { answersFileLimit?: number; chunkCommits?: number } = {},
): Promise<CommitRecord[]> {
  const info = await discoverRepository(dir);
  const shadow = createShadow(info.commonDir, info.objectFormat);
  try {
    const out: CommitRecord[] = [];
    for await (const c of walkCommits(shadow, { revisions, parentsFirst: true, paths, ...extra })) out.push(c);
    return out;
  } finally {
    shadow.dispose();
  }
}

/** Each commit's ids at `paths`, from its base's (walked before it, or asked of git when outside the walk). */
function derive(
  commits: CommitRecord[],
  paths: string[],
  outside: (oid: string) => Array<string | null>,
): Map<string, Array<string | null>> {
  const states = new Map<string, Array<string | null>>();
  for (const c of commits) {
    const pc = c.pathChanges!;
    const base = pc.base === null ? paths.map(() => null) : (states.get(pc.base) ?? outside(pc.base));
    states.set(
      c.oid,
      paths.map((p, i) => (Object.hasOwn(pc.changed, p) ? pc.changed[p]! : base[i]!)),
    );
  }
  return states;
}

/**
 * A history exercising every edge the derivation has to get right, written with plumbing (the index
 * and commit-tree), so submodule entries, modes and odd names are exactly what is asked for.
 */
function edgeHistory(r: TestRepo): { tip: string; commits: string[] } {
  const commits: string[] = [];
  const blob = (text: string): string => r.run(['hash-object', '-w', '--stdin'], { input: text });
  /** Index changes: [mode, id] to set a path, null to remove it. */
  const set = (entries: Record<string, [string, string] | null>): void => {
    const z = '0'.repeat(40);
    const lines = Object.entries(entries).map(([path, e]) => (e ? `${e[0]} ${e[1]}\t${path}` : `0 ${z}\t${path}`));
    r.run(['update-index', '-z', '--index-info'], { input: lines.map((l) => `${l}\0`).join('') });
  };
  const file = (text: string): [string, string] => ['100644', blob(text)];
  const commit = (message: string, parents: string[]): string => {
    const oid = r.run(['commit-tree', r.run(['write-tree']), ...parents.flatMap((p) => ['-p', p]), '-m', message]);
    commits.push(oid);
    return oid;
  };
  set({
    CODEOWNERS: file('* @a\n'),
    '.github/workflows/ci.yml': file('run: gitguard\n'),
    ':odd': file('x\n'),
    'tab\there': file('x\n'),
    'ünï/cödé': file('x\n'),
    'sp ace/f': file('x\n'),
    'deep/er/x.yml': file('a\n'),
    'other.txt': file('1\n'),
  });
  const root = commit('root', []);
  // Mode only: the id stays, so the state does not change.
  set({ CODEOWNERS: ['100755', blob('* @a\n')] });
  commit('chmod', [root]);
  // A submodule (gitlink) at a watched path.
  set({ sub: ['160000', root] });
  const fork = commit('gitlink', [commits.at(-1)!]);
  set({ 'other.txt': file('2\n') });
  const main = commit('change on main', [fork]);
  // A side branch, and a merge that brings its change in (its first parent did not have it).
  r.run(['read-tree', fork]);
  set({ '.github/workflows/ci.yml': file('run: other\n'), 'deep/er/x.yml': file('b\n') });
  const side = commit('workflow change on side', [fork]);
  set({ 'other.txt': file('2\n') });
  commit('merge side', [main, side]);
  // A file becomes a folder, a folder becomes a file (the watched path below it disappears).
  set({
    CODEOWNERS: null,
    'CODEOWNERS/inner': file('now a folder\n'),
    '.github/workflows/ci.yml': null,
    '.github': file('now a file\n'),
  });
  commit('types change', [commits.at(-1)!]);
  set({
    'CODEOWNERS/inner': null,
    CODEOWNERS: file('* @b\n'),
    '.github': null,
    '.github/workflows/ci.yml': file('run: gitguard\n'),
    ':odd': null,
  });
  commit('types change back', [commits.at(-1)!]);
  set({ sub: ['160000', fork] });
  const moved = commit('gitlink moves', [commits.at(-1)!]);
  // An unrelated root merged in, second parent and first.
  r.run(['read-tree', '--empty']);
  set({
    CODEOWNERS: file('* @mallory\n'),
    'ünï/cödé': file('y\n'),
    '.github/workflows/ci.yml': file('run: nothing\n'),
  });
  const orphan = commit('unrelated root', []);
  r.run(['read-tree', moved]);
  set({ CODEOWNERS: file('* @mallory\n'), 'ünï/cödé': file('y\n') });
  const m1 = commit('merge unrelated', [moved, orphan]);
  commit('merge the other way', [orphan, m1]);
  set({ 'sp ace/f': null, 'deep/er/x.yml': null, sub: null });
  commit('delete folders and the submodule', [commits.at(-1)!]);
  const tip = commits.at(-1)!;
  r.run(['update-ref', 'refs/heads/main', tip]);
  return { tip, commits };
}

/** A repository holding edgeHistory: made once per file, a copy of its own for each test. */
const edgeRepo = madeOnce(() => {
  const r = makeRepo();
  return { r, ...edgeHistory(r) };
});

describe('watched paths from one diff-tree pass', () => {
  test("every commit has git's id at every watched path: submodules, type and mode changes, odd names, merges, unrelated roots", async () => {
    const { r, tip } = edgeRepo();
    const commits = await walk(r.dir, [tip], WATCHED);
    const states = derive(commits, WATCHED, () => {
      throw new Error('every parent is in this walk');
    });
    expect(commits.length).toBeGreaterThanOrEqual(12);
    expect(commits.filter((c) => c.parents.length === 2)).toHaveLength(3);
    for (const c of commits) expect([c.oid, states.get(c.oid)]).toEqual([c.oid, gitAt(r, c.oid)]);
    // The edges really occur: a gitlink, a folder at a file's path, a path gone and back.
    const all = commits.map((c) => states.get(c.oid)!);
    expect(all.some((s) => s[2] !== null)).toBe(true);
    expect(new Set(all.map((s) => s[0])).size).toBeGreaterThanOrEqual(4);
    expect(all.some((s) => s[1] === null) && all.some((s) => s[1] !== null)).toBe(true);
    // The same through a pipe (the way a big history's answers come).
    expect((await walk(r.dir, [tip], WATCHED, { answersFileLimit: 0 })).map((c) => c.pathChanges)).toEqual(
      commits.map((c) => c.pathChanges),
    );
  });

  test('a commit whose first parent is outside the walk is compared against that parent', async () => {
    const { r, tip, commits: made } = edgeRepo();
    const cut = made[3]!;
    const commits = await walk(r.dir, [tip, `^${cut}`], WATCHED);
    expect(commits.some((c) => c.oid === cut)).toBe(false);
    const outside: string[] = [];
    const states = derive(commits, WATCHED, (oid) => {
      outside.push(oid);
      return gitAt(r, oid);
    });
    expect(outside).toContain(cut);
    for (const c of commits) expect(states.get(c.oid)).toEqual(gitAt(r, c.oid));
  });

  test("a shallow clone's boundary commit is compared against the empty tree", async () => {
    const { r, tip } = edgeRepo();
    const clone = join(tempDir(), 'shallow');
    execFileSync('git', ['clone', '-q', '--depth', '3', '--no-local', `file://${r.dir}`, clone], {
      env: r.env,
      stdio: 'pipe',
    });
    const cr = {
      run: (args: string[]) => execFileSync('git', args, { cwd: clone, env: r.env, stdio: 'pipe' }).toString().trim(),
    };
    const commits = await walk(clone, [tip], WATCHED);
    const boundary = commits.filter((c) => c.pathChanges!.base === null && c.parents.length > 0);
    expect(boundary.length).toBeGreaterThan(0);
    const states = derive(commits, WATCHED, () => {
      throw new Error('a shallow walk has no parent outside it');
    });
    for (const c of commits) expect(states.get(c.oid)).toEqual(gitAt(cr, c.oid));
  });

  test('with a git before --diff-merges, each commit is given with its first parent: the same changes', async () => {
    const { r, tip } = edgeRepo();
    const modern = await walk(r.dir, [tip], WATCHED);
    const old = join(r.home, 'old-git');
    const log = join(r.home, 'old-git.log');
    const real = execFileSync('sh', ['-c', 'command -v git']).toString().trim();
    writeFileSync(
      old,
      `#!/bin/sh\necho "$*" >> '${log}'\nfor a in "$@"; do case "$a" in --diff-merges*) echo "usage: git diff-tree" >&2; exit 129;; esac; done\nexec ${real} "$@"\n`,
      { mode: 0o755 },
    );
    const { inRun } = await import('../../src/collect/run-context.js');
    const fallback = await inRun({ gitBinary: old }, () => walk(r.dir, [tip], WATCHED));
    expect(fallback.map((c) => [c.oid, c.pathChanges])).toEqual(modern.map((c) => [c.oid, c.pathChanges]));
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(log, 'utf8')).toMatch(/diff-tree --stdin (?:(?!--diff-merges).)*$/m); // the fallback really ran
    // The fallback decided on the first chunk holds for every chunk after it.
    const chunked = await inRun({ gitBinary: old }, () => walk(r.dir, [tip], WATCHED, { chunkCommits: 4 }));
    expect(chunked.map((c) => [c.oid, c.pathChanges])).toEqual(modern.map((c) => [c.oid, c.pathChanges]));
  });

  test('a long list is given to one diff-tree per chunk: the same changes at every chunk size, through a file or a pipe', async () => {
    const { r, tip } = edgeRepo();
    const whole = (await walk(r.dir, [tip], WATCHED)).map((c) => [c.oid, c.pathChanges]);
    const log = join(r.home, 'git.log');
    const wrapper = join(r.home, 'logging-git');
    const real = execFileSync('sh', ['-c', 'command -v git']).toString().trim();
    writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${log}'\nexec ${real} "$@"\n`, { mode: 0o755 });
    const { inRun } = await import('../../src/collect/run-context.js');
    const { readFileSync, rmSync } = await import('node:fs');
    for (const chunkCommits of [1, 2, 5, whole.length - 1, whole.length]) {
      for (const answersFileLimit of [0, 1000]) {
        rmSync(log, { force: true });
        const chunked = await inRun({ gitBinary: wrapper }, () =>
          walk(r.dir, [tip], WATCHED, { chunkCommits, answersFileLimit }),
        );
        expect([chunkCommits, chunked.map((c) => [c.oid, c.pathChanges])]).toEqual([chunkCommits, whole]);
        const runs = readFileSync(log, 'utf8')
          .split('\n')
          .filter((l) => / diff-tree --stdin /.test(l)).length;
        expect([chunkCommits, runs]).toEqual([chunkCommits, Math.ceil(whole.length / chunkCommits)]);
      }
    }
  });
});

test("a commit whose bytes were swapped for another's (git will not diff it) and its child are left to be looked up; the rest keep their changes", async () => {
  const r = makeRepo();
  const victim = r.commit('victim', { CODEOWNERS: '* @a\n' });
  const child = r.commit('child', { CODEOWNERS: '* @b\n' });
  const grandchild = r.commit('grandchild', { 'x.txt': 'x\n' });
  r.run(['checkout', '-q', '--orphan', 'donor']);
  const donor = r.commit('donor', { CODEOWNERS: '* @mallory\n' });
  r.run(['checkout', '-q', '-f', 'main']);
  r.run(['branch', '-q', '-D', 'donor']);
  const file = (oid: string): string => join(r.dir, '.git', 'objects', oid.slice(0, 2), oid.slice(2));
  const { chmodSync, copyFileSync } = await import('node:fs');
  chmodSync(file(victim), 0o644);
  copyFileSync(file(donor), file(victim));
  const commits = await walk(r.dir, [grandchild], ['CODEOWNERS']);
  expect(commits.map((c) => [c.oid, c.hashOk, c.pathChanges !== undefined])).toEqual([
    [victim, false, false],
    [child, true, false],
    [grandchild, true, true],
  ]);
});

describe('PathChangeParser', () => {
  const a = 'a'.repeat(40);
  const b = 'b'.repeat(40);
  const z = '0'.repeat(40);
  const rec = (...tokens: string[]): Buffer => Buffer.from(tokens.map((t) => `${t}\0`).join(''), 'latin1');

  test('splits records across any chunk boundary, and keeps only exact watched paths', () => {
    const bytes = rec(
      a,
      `:000000 040000 ${z} ${b} A`,
      'dir',
      `:000000 100644 ${z} ${a} A`,
      'dir/file',
      b,
      `:100644 000000 ${a} ${z} D`,
      'x',
    );
    for (let cut = 0; cut <= bytes.length; cut += 1) {
      const p = new PathChangeParser(['dir', 'x']);
      const got = [...p.push(bytes.subarray(0, cut)), ...p.push(bytes.subarray(cut)), ...p.end()];
      expect(got).toEqual([
        { oid: a, changed: { dir: `040000 ${b}` } },
        { oid: b, changed: { x: null } },
      ]);
    }
  });

  test('a type change at one path (deleted and added) leaves the added id, in either order', () => {
    for (const order of [
      [0, 1],
      [1, 0],
    ]) {
      const entries = [
        [`:100644 000000 ${a} ${z} D`, 'p'],
        [`:000000 040000 ${z} ${b} A`, 'p'],
      ];
      const p = new PathChangeParser(['p']);
      expect([...p.push(rec(a, ...order.flatMap((i) => entries[i]!))), ...p.end()]).toEqual([
        { oid: a, changed: { p: `040000 ${b}` } },
      ]);
    }
  });

  test('refuses output it does not understand, and a stream cut in a record', () => {
    expect(() => new PathChangeParser(['p']).push(rec('not a header'))).toThrow(/diff-tree header/);
    expect(() => new PathChangeParser(['p']).push(rec(a, ':100644 bad'))).toThrow(/diff-tree record/);
    const p = new PathChangeParser(['p']);
    p.push(Buffer.concat([rec(a), Buffer.from(`:100644 100644 ${a} ${b} M`)]));
    expect(() => p.end()).toThrow(/middle of a record/);
  });
});
