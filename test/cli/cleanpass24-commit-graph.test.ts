// Clean pass 24: commit-graph-matches-objects on the set-ups people have. git writes no commit-graph
// in a shallow repository and loads none there, but a graph written before the repository became
// shallow stays (`git fetch --depth` after `git gc`), and a CI runner's `git clone --depth N
// --reference /cache.git` borrows the cache's graph, which lists the whole history. gitguard ran
// verify in a shadow git dir holding the repository's shallow file: the boundary commit then has no
// parents and verify said "parent list ... is too long", failing a clean repository. The graph is now
// verified against the objects as they are (what git reads once the boundary goes); a forged one
// still fails. The other set-ups the brief named pass as they are (last test).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, copyRepo, makeRepo, type TestRepo } from '../helpers/repo.js';
import { madeOnce } from '../helpers/made-once.js';
import { forgeGraph } from '../helpers/commit-graph.js';
import { auditRules, resultOf, runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

const RULE = 'commit-graph-matches-objects';

/** Six commits on main, one on side: the upstream the clones below are made from. */
const upstream = madeOnce(() => {
  const r = makeRepo();
  const ids: string[] = [];
  for (let i = 1; i <= 6; i += 1) ids.push(r.commit(`c${i}`, { 'app.sh': `echo ${i}\n`, [`f${i % 3}`]: `${i}\n` }));
  r.run(['branch', 'side', 'HEAD~2']);
  r.run(['config', 'uploadpack.allowFilter', 'true']);
  return { r, ids };
});

/** Runs `script` with sh in a fresh copy of the upstream's folder: $UP is the upstream, clones go beside it. */
function setUp(script: string): { up: TestRepo; ids: string[]; at: (name: string) => string } {
  const b = upstream();
  const up = copyRepo(b.r);
  const root = join(up.dir, '..');
  execFileSync('sh', ['-ec', script], { cwd: root, env: { ...up.env, UP: up.dir }, stdio: 'pipe' });
  return { up, ids: b.ids, at: (name) => join(root, name) };
}

async function outcome(dir: string, env: NodeJS.ProcessEnv): Promise<{ outcome: string; note?: string }> {
  const { code, report } = await auditRules(dir, env, [RULE]);
  expect(code).not.toBe(2);
  const r = resultOf(report, RULE);
  return { outcome: r.outcome, ...(r.note ? { note: r.note } : {}) };
}

const git = (dir: string, env: NodeJS.ProcessEnv, args: string[]): string =>
  execFileSync('git', ['-C', dir, ...args], { env, stdio: 'pipe' })
    .toString()
    .trim();

test('a graph written before git fetch --depth made the clone shallow passes; the same graph forged fails', async () => {
  const { up, ids, at } = setUp(
    'git clone -q "file://$UP" full && cd full && git gc -q && git fetch -q --depth=2 origin && git reset -q --hard origin/main',
  );
  const dir = at('full');
  const graph = join(dir, '.git', 'objects', 'info', 'commit-graph');
  // git's view: shallow, two commits, the graph left in place (git loads none in a shallow repository).
  expect(git(dir, up.env, ['rev-parse', '--is-shallow-repository'])).toBe('true');
  expect(git(dir, up.env, ['log', '--format=%s']).split('\n')).toEqual(['c6', 'c5']);
  expect(existsSync(graph)).toBe(true);
  expect(await outcome(dir, up.env)).toEqual({
    outcome: 'pass',
    note: '1 commit-graph checked by git commit-graph verify',
  });

  // The attack twin: the graph names c3 as c5's parent; once the boundary goes, git log skips c4.
  forgeGraph(graph, ids[4]!, { parent: ids[2]! });
  expect((await outcome(dir, up.env)).outcome).toBe('fail');
  git(dir, up.env, ['fetch', '-q', '--unshallow', 'origin']);
  expect(git(dir, up.env, ['log', '--format=%s']).split('\n')).toEqual(['c6', 'c5', 'c3', 'c2', 'c1']);
  expect((await outcome(dir, up.env)).outcome).toBe('fail');
});

test("a CI runner's git clone --depth --reference of a cache with a graph passes; the cache's graph forged fails", async () => {
  const { up, ids, at } = setUp(
    'git clone -q --bare "$UP" cache.git && git -C cache.git gc -q && git clone -q --depth 3 --reference "$PWD/cache.git" "file://$UP" ci',
  );
  const dir = at('ci');
  expect(git(dir, up.env, ['rev-parse', '--is-shallow-repository'])).toBe('true');
  expect(await outcome(dir, up.env)).toEqual({
    outcome: 'pass',
    note: '1 commit-graph checked by git commit-graph verify',
  });
  forgeGraph(join(at('cache.git'), 'objects', 'info', 'commit-graph'), ids[5]!, { parent: ids[2]! });
  // The cache's own git reads the forged graph: c5 and c4 are gone from its log.
  expect(git(at('cache.git'), up.env, ['log', '--format=%s', 'main']).split('\n')).toEqual(['c6', 'c3', 'c2', 'c1']);
  const forged = await outcome(dir, up.env);
  expect(forged.outcome).toBe('fail');
});

test('the graphs git, scalar-style maintenance and clones write pass as they are', async () => {
  const { up, at } = setUp(
    [
      // git maintenance's commit-graph task over a chain of several layers kept apart by --size-multiple
      'git clone -q "$UP" chain',
      'for i in 1 2 3; do echo $i >> chain/n; git -C chain add n; git -C chain commit -qm n$i;',
      '  git -C chain commit-graph write --reachable --split=no-merge --size-multiple=4; done',
      'git -C chain -c maintenance.strategy=incremental maintenance run --quiet --task=commit-graph',
      // fetch.writeCommitGraph, a partial clone, changed-path filters, a worktree, gc in a bare server
      'git clone -q "$UP" fetched && git -C fetched config fetch.writeCommitGraph true',
      'git -C "$UP" commit -q --allow-empty -m later && git -C fetched fetch -q',
      'git clone -q --filter=blob:none "file://$UP" partial && git -C partial gc -q',
      'git clone -q "$UP" paths && git -C paths commit-graph write --reachable --changed-paths',
      'git -C paths worktree add -q ../linked side',
      'git clone -q --bare "$UP" server.git && git -C server.git gc -q',
      // --shared with graphs on both sides; a graph after repack -ad and prune dropped a listed commit
      'git -C "$UP" gc -q && git clone -q --shared "$UP" shared && git -C shared commit -q --allow-empty -m own && git -C shared commit-graph write --reachable --split',
      'git clone -q "$UP" pruned && cd pruned && git checkout -qb tmp && git commit -q --allow-empty -m tmp',
      'git checkout -q main && git commit-graph write --reachable && git branch -qD tmp',
      'git reflog expire --expire=now --all && git repack -adq && git prune --expire=now',
    ].join('\n'),
  );
  const layers = readFileSync(
    join(at('chain'), '.git', 'objects', 'info', 'commit-graphs', 'commit-graph-chain'),
    'utf8',
  );
  expect(layers.trim().split('\n').length).toBeGreaterThanOrEqual(2);
  const cases: Array<[string, string]> = [
    ['chain', '1 commit-graph checked by git commit-graph verify'],
    ['fetched', '1 commit-graph checked by git commit-graph verify'],
    ['partial', '1 commit-graph checked by git commit-graph verify'],
    [
      'paths',
      "1 commit-graph checked by git commit-graph verify; its changed-path filters (what git log -- PATH skips) checked against each commit's changes",
    ],
    [
      'linked',
      "1 commit-graph checked by git commit-graph verify; its changed-path filters (what git log -- PATH skips) checked against each commit's changes",
    ],
    ['server.git', '1 commit-graph checked by git commit-graph verify'],
    ['shared', '2 commit-graphs checked by git commit-graph verify'],
    ['pruned', '1 commit-graph checked by git commit-graph verify; 1 commit it lists no longer in the object store'],
  ];
  for (const [name, note] of cases)
    expect([name, await outcome(at(name), up.env)]).toEqual([name, { outcome: 'pass', note }]);
});

test("the pre-push hook never has git verify a graph (the rule is the audit's, not the push rules')", async () => {
  const { up } = setUp('git clone -q --bare "$UP" remote.git && git -C "$UP" gc -q');
  up.run(['remote', 'add', 'origin', join(up.dir, '..', 'remote.git')]);
  expect(existsSync(join(up.dir, '.git', 'objects', 'info', 'commit-graph'))).toBe(true);
  const before = up.head();
  up.commit('pushed', { 'pushed.txt': 'p\n' });
  // A git on PATH that logs what it is asked to do, then does it.
  const bin = join(up.dir, '..', 'bin');
  const log = join(bin, 'git.log');
  mkdirSync(bin);
  const real = execFileSync('sh', ['-c', 'command -v git']).toString().trim();
  writeFileSync(join(bin, 'git'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
  const res = await runMain(['hook', 'run', 'pre-push', 'origin', join(up.dir, '..', 'remote.git')], {
    env: { ...up.env, PATH: `${bin}:${up.env.PATH ?? process.env.PATH ?? ''}` },
    cwd: up.dir,
    input: `refs/heads/main ${up.head()} refs/heads/main ${before}\n`,
  });
  expect(res.stderr).toContain('pre-push');
  const asked = readFileSync(log, 'utf8');
  expect(asked).toContain('rev-list'); // the wrapper was the hook's git
  expect(asked).not.toContain('commit-graph');
});
