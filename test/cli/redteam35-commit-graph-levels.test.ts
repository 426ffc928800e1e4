// Red-team round 35: the topological levels of a commit-graph. A graph git 2.39 writes carries two
// generation numbers per commit: the corrected commit date (the GDA2 chunk) and the topological
// level (beside the date in CDAT). git reads the first by default and the second where
// `commitGraph.generationVersion = 1` is set, a setting the audited repository's own config may
// carry; verify checks only the one it reads. gitguard's verify read the corrected dates alone, so
// levels edited after the fact passed, while the user's git, so configured, said a commit was not an
// ancestor of the branch it is on (merge-base --is-ancestor, branch --contains, push's fast-forward test).
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { forgeGraph, threeReleases } from '../helpers/commit-graph.js';
import { auditRules, resultOf } from '../helpers/cli.js';
import { join } from 'node:path';

afterAll(cleanupTemp);

const RULE = 'commit-graph-matches-objects';

/** c1..c3 with the graph git writes (both generation numbers), and a repository config reading the levels. */
function repo(): { r: TestRepo; ids: string[]; graph: string } {
  const { r, ids } = threeReleases((n, repo) => {
    if (n === 3) repo.run(['commit-graph', 'write', '--reachable']);
  });
  r.run(['config', 'commitGraph.generationVersion', '1']);
  return { r, ids, graph: join(r.dir, '.git', 'objects', 'info', 'commit-graph') };
}

const isAncestor = (r: TestRepo, a: string, b: string, ...config: string[]): boolean => {
  try {
    r.run([...config, 'merge-base', '--is-ancestor', a, b]);
    return true;
  } catch {
    return false;
  }
};

test('a graph whose topological levels lie fails; the same graph unedited passes', async () => {
  const clean = repo();
  expect(clean.r.run(['commit-graph', 'verify'])).toBe('');
  expect(resultOf((await auditRules(clean.r.dir, clean.r.env, [RULE])).report, RULE).outcome).toBe('pass');

  const { r, ids, graph } = repo();
  forgeGraph(graph, ids[0]!, { level: 5 });
  // The repository's git, reading the levels, loses c1 from main's history; the corrected dates do not.
  expect(isAncestor(r, ids[0]!, ids[2]!)).toBe(false);
  expect(r.run(['branch', '--contains', ids[0]!])).toBe('');
  expect(isAncestor(r, ids[0]!, ids[2]!, '-c', 'commitGraph.generationVersion=2')).toBe(true);
  // git's verify as gitguard ran it (the default version) passes; reading the levels, it fails.
  expect(r.run(['-c', 'commitGraph.generationVersion=2', 'commit-graph', 'verify'])).toBe('');
  expect(() => r.run(['commit-graph', 'verify'])).toThrow(/generation/);
  const { code, report } = await auditRules(r.dir, r.env, [RULE]);
  expect(code).not.toBe(2);
  expect(resultOf(report, RULE).outcome).toBe('fail');
  expect(resultOf(report, RULE).findings[0]!.message).toContain('generation');
});
