// Scale 14 (round j): the changed-path filter check (collect/changed-path-filters.ts) keeps its
// commits in an id index rather than a Map of hex strings, and runs beside `git commit-graph
// verify` rather than after it. Both answers must still be reported together, the last layer of a
// chain still gives a commit its filter, and commits the store no longer holds are still left out:
// each compared with git's own answers on the same graph.
import { join } from 'node:path';
import { cleanupTemp, copyRepo, makeRepo } from '../helpers/repo.js';
import { forgeGraph } from '../helpers/commit-graph.js';
import { madeOnce } from '../helpers/made-once.js';
import { auditRules, resultOf } from '../helpers/cli.js';

afterAll(cleanupTemp);

const RULE = 'commit-graph-matches-objects';

/** Four commits changing a.txt, the third one .gitguard/ too, and a tree no commit has. */
const base = madeOnce(() => {
  const r = makeRepo();
  const ids: string[] = [];
  for (const n of [1, 2, 3, 4]) {
    ids.push(r.commit(`c${n}`, { 'a.txt': `${n}\n`, ...(n === 3 ? { '.gitguard/policy.yml': 'version: 1\n' } : {}) }));
  }
  r.write({ 'a.txt': 'other\n' });
  r.run(['add', '-A']);
  const strayTree = r.run(['write-tree']);
  r.run(['reset', '-q', '--hard']);
  return { r, ids, strayTree };
});

const graph = (dir: string): string => join(dir, '.git', 'objects', 'info', 'commit-graph');

async function rule(dir: string, env: NodeJS.ProcessEnv): Promise<{ outcome: string; messages: string[] }> {
  const { code, report } = await auditRules(dir, env, [RULE]);
  expect(code).not.toBe(2);
  const res = resultOf(report, RULE);
  // Each graph's finding names its first problem; the evidence holds them all.
  const all = res.findings.flatMap((f) =>
    String((f.evidence as { verify?: string } | undefined)?.verify ?? f.message).split('\n'),
  );
  return { outcome: res.outcome, messages: all };
}

test("verify's finding and the filters' are both reported when both checks run at once; the graph git wrote passes", async () => {
  const b = base();
  const twin = copyRepo(b.r);
  twin.run(['commit-graph', 'write', '--reachable', '--changed-paths']);
  expect(await rule(twin.dir, twin.env)).toEqual({ outcome: 'pass', messages: [] });

  const r = copyRepo(b.r);
  r.run(['commit-graph', 'write', '--reachable', '--changed-paths']);
  forgeGraph(graph(r.dir), b.ids[1]!, { tree: b.strayTree, noFilters: true });
  // git's own answers: verify finds the tree, and git log -- .gitguard/ loses the commit that changed it.
  expect(() => r.run(['commit-graph', 'verify'])).toThrow();
  expect(r.run(['log', '--format=%H', '--', '.gitguard/'])).not.toContain(b.ids[2]!);
  const o = await rule(r.dir, r.env);
  expect(o.outcome).toBe('fail');
  expect(o.messages.some((m) => m.includes(`the changed-path filter of commit ${b.ids[2]!}`))).toBe(true);
  expect(o.messages.some((m) => !m.includes('changed-path filter'))).toBe(true);
});

test('a commit the store no longer holds is left out, the others still checked; a chain is read layer by layer', async () => {
  const b = base();
  const r = copyRepo(b.r);
  r.run(['checkout', '-q', '-b', 'gone']);
  const gone = r.commit('gone', { 'gone.txt': 'g\n' });
  r.run(['checkout', '-q', 'main']);
  r.run(['commit-graph', 'write', '--reachable', '--changed-paths']);
  r.run(['branch', '-q', '-D', 'gone']);
  r.run(['reflog', 'expire', '--expire=now', '--all']);
  r.run(['prune', '--expire=now']);
  expect(await rule(r.dir, r.env)).toEqual({ outcome: 'pass', messages: [] });
  forgeGraph(graph(r.dir), b.ids[2]!, { noFilters: true });
  expect(r.run(['log', '--format=%H', '--', '.gitguard/'])).not.toContain(b.ids[2]!);
  const o = await rule(r.dir, r.env);
  expect(o.outcome).toBe('fail');
  expect(o.messages.join('\n')).toContain(`the changed-path filter of commit ${b.ids[2]!}`);
  expect(o.messages.join('\n')).not.toContain(gone);

  // A chain of two layers (the second written after one more commit): every layer's commits checked.
  const chain = copyRepo(b.r);
  chain.run(['commit-graph', 'write', '--reachable', '--changed-paths', '--split']);
  const top = chain.commit('top', { '.gitguard/policy.yml': 'version: 1\n# top\n' });
  chain.run(['commit-graph', 'write', '--reachable', '--changed-paths', '--split=no-merge']);
  expect(chain.run(['log', '--format=%H', '--', '.gitguard/'])).toContain(top);
  expect(await rule(chain.dir, chain.env)).toEqual({ outcome: 'pass', messages: [] });
});
