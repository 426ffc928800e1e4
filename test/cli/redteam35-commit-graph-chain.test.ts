// Red-team round 35: the layers of a commit-graph chain. git looks for each layer the chain file
// names (graph-<hash>.graph) in every object store it reads, the repository's and each alternate's,
// in order (commit-graph.c load_commit_graph_chain), and `git commit-graph write --split` in a
// repository sharing another's objects writes such chains. gitguard's verdict cache hashed only the
// files of the chain's own store, so a layer living in an alternate could be swapped after a clean
// audit: the next audits reused the clean verdict while git read the forged layer. And a layer there
// that is a FIFO was handed to git's verify, which blocked on it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { forgeGraph, loggingGit, threeReleases } from '../helpers/commit-graph.js';
import { auditRules, parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

const RULE = 'commit-graph-matches-objects';

/** c1..c3, a split graph of one layer whose file lives in an alternate inside .git (the chain file stays home). */
function chainWithLayerInAlternate(): { r: TestRepo; ids: string[]; layer: string } {
  const { r, ids } = threeReleases((n, repo) => {
    if (n === 3) repo.run(['commit-graph', 'write', '--reachable', '--split']);
  });
  const home = join(r.dir, '.git', 'objects', 'info', 'commit-graphs');
  const hash = readFileSync(join(home, 'commit-graph-chain'), 'utf8').trim();
  const shared = join(r.dir, '.git', 'shared-objects');
  mkdirSync(join(shared, 'info', 'commit-graphs'), { recursive: true });
  const layer = join(shared, 'info', 'commit-graphs', `graph-${hash}.graph`);
  renameSync(join(home, `graph-${hash}.graph`), layer);
  writeFileSync(join(r.dir, '.git', 'objects', 'info', 'alternates'), '../shared-objects\n');
  return { r, ids, layer };
}

test('a chain layer in an alternate swapped after a clean audit is verified again, and fails', async () => {
  const { r, ids, layer } = chainWithLayerInAlternate();
  // git reads the layer from the alternate: the chain works, and a lie there is git's view.
  expect(r.run(['log', '--format=%s']).split('\n')).toEqual(['c3', 'c2', 'c1']);
  expect(r.run(['commit-graph', 'verify'])).toBe('');
  const logged = loggingGit();
  const run = async (): Promise<{ outcome: string; verified: boolean }> => {
    logged.reset();
    const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--git', logged.git, '-r', RULE], {
      env: r.env,
    });
    return { outcome: resultOf(parseJson(res), RULE).outcome, verified: logged.ran('commit-graph verify') };
  };
  expect(await run()).toEqual({ outcome: 'pass', verified: true });
  // Twin: nothing changed, the clean verdict is reused.
  expect(await run()).toEqual({ outcome: 'pass', verified: false });
  forgeGraph(layer, ids[2]!, { parent: ids[0]! });
  expect(r.run(['log', '--format=%s']).split('\n')).toEqual(['c3', 'c1']);
  expect(await run()).toEqual({ outcome: 'fail', verified: true });
});

test('a chain layer in an alternate that is a FIFO fails at once, and git is never asked', async () => {
  const { r, layer } = chainWithLayerInAlternate();
  rmSync(layer, { force: true });
  execFileSync('mkfifo', [layer]);
  const { code, report } = await auditRules(r.dir, r.env, [RULE]);
  expect(code).not.toBe(2);
  expect(resultOf(report, RULE).outcome).toBe('fail');
  expect(resultOf(report, RULE).findings[0]!.message).toContain('not a regular file');
});

/**
 * c1..c3 with a chain of two layers (c1 c2, then c3), and six alternates nested inside .git
 * (objects -> a1 -> ... -> a6: git reads alternates five deep below the repository's own, so a6 is
 * the last store it links); the top layer lives in a6.
 */
function chainLayerSixDeep(): { r: TestRepo; ids: string[]; layer: string } {
  const { r, ids } = threeReleases((n, repo) => {
    if (n >= 2) repo.run(['commit-graph', 'write', '--reachable', '--split=no-merge']);
  });
  const home = join(r.dir, '.git', 'objects', 'info', 'commit-graphs');
  const top = readFileSync(join(home, 'commit-graph-chain'), 'utf8').trim().split('\n');
  expect(top).toHaveLength(2);
  for (let n = 1; n <= 6; n += 1) mkdirSync(join(r.dir, '.git', `a${n}`, 'info', 'commit-graphs'), { recursive: true });
  writeFileSync(join(r.dir, '.git', 'objects', 'info', 'alternates'), '../a1\n');
  for (let n = 1; n < 6; n += 1) writeFileSync(join(r.dir, '.git', `a${n}`, 'info', 'alternates'), `../a${n + 1}\n`);
  const layer = join(r.dir, '.git', 'a6', 'info', 'commit-graphs', `graph-${top[1]!}.graph`);
  renameSync(join(home, `graph-${top[1]!}.graph`), layer);
  return { r, ids, layer };
}

test('a chain layer in the deepest alternate git links is verified as git loads it', async () => {
  const clean = chainLayerSixDeep();
  expect(clean.r.run(['commit-graph', 'verify'])).toBe('');
  expect(resultOf((await auditRules(clean.r.dir, clean.r.env, [RULE])).report, RULE).outcome).toBe('pass');

  const { r, ids, layer } = chainLayerSixDeep();
  forgeGraph(layer, ids[2]!, { date: 600_000_000 }); // 1989
  // git links a6 and reads c3 from its layer; its own verify, run in the repository, says so.
  expect(r.run(['rev-list', '--since=2000-01-01', 'HEAD'])).toBe('');
  expect(() => r.run(['commit-graph', 'verify'])).toThrow(/commit date/);
  const { code, report } = await auditRules(r.dir, r.env, [RULE]);
  expect(code).not.toBe(2);
  expect(resultOf(report, RULE).outcome).toBe('fail');
});

test("twin: a fork sharing its origin's objects (clone --shared) whose chain names the origin's layer passes", async () => {
  const { r: origin } = threeReleases((n, repo) => {
    if (n === 3) repo.run(['commit-graph', 'write', '--reachable', '--split']);
  });
  const fork = join(origin.dir, '..', 'fork');
  origin.run(['clone', '-q', '--shared', origin.dir, fork]);
  const graphs = (dir: string): string => join(dir, '.git', 'objects', 'info', 'commit-graphs');
  mkdirSync(graphs(fork), { recursive: true });
  writeFileSync(join(graphs(fork), 'commit-graph-chain'), readFileSync(join(graphs(origin.dir), 'commit-graph-chain')));
  writeFileSync(join(fork, 'app.sh'), 'echo release 4\n');
  origin.run(['-C', fork, 'commit', '-q', '-am', 'c4']);
  origin.run(['-C', fork, 'commit-graph', 'write', '--reachable', '--split=no-merge']);
  // git's layout: the fork's chain names the origin's layer (there only), then its own.
  const [base] = readFileSync(join(graphs(fork), 'commit-graph-chain'), 'utf8')
    .trim()
    .split('\n');
  expect(
    readFileSync(join(graphs(fork), 'commit-graph-chain'), 'utf8')
      .trim()
      .split('\n'),
  ).toHaveLength(2);
  expect(() => readFileSync(join(graphs(fork), `graph-${base!}.graph`))).toThrow();
  expect(origin.run(['-C', fork, 'commit-graph', 'verify'])).toBe('');
  const { report } = await auditRules(fork, origin.env, [RULE]);
  expect(resultOf(report, RULE).outcome).toBe('pass');
  expect(resultOf(report, RULE).note).toBe('2 commit-graphs checked by git commit-graph verify');
});
