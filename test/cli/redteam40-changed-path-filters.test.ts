// Red-team round 40: the commit-graph's changed-path Bloom filters. `git log -- PATH` skips every
// commit whose filter says PATH did not change there, and `git commit-graph verify` does not read the
// filters: a graph whose filters were emptied hid the commit changing .gitguard/ from `git log --
// .gitguard/` while verify exited 0 and commit-graph-matches-objects passed (its note said the filters
// were not checked). Each filter is now checked against the paths its commit changes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, copyRepo, makeRepo, type TestRepo } from '../helpers/repo.js';
import { forgeGraph } from '../helpers/commit-graph.js';
import { madeOnce } from '../helpers/made-once.js';
import { auditRules, resultOf } from '../helpers/cli.js';

afterAll(cleanupTemp);

const RULE = 'commit-graph-matches-objects';

/**
 * A history with the shapes a filter must hold: a root commit, folders and non-ASCII names, a merge
 * (filtered against its first parent), a submodule entry, and one commit of more than 512 paths
 * (git's "too many changes" filter).
 */
const base = madeOnce(() => {
  const r = makeRepo();
  r.commit('root', { 'README.md': 'hello\n' });
  r.commit('policy', { '.gitguard/policy.yml': 'version: 1\n', 'src/ü/fïle.txt': 'x\n' });
  r.run(['checkout', '-q', '-b', 'side']);
  r.commit('side', { 'docs/é.md': 'side\n' });
  r.run(['checkout', '-q', 'main']);
  r.commit('main work', { 'src/a.txt': 'a\n' });
  r.run(['merge', '-q', '--no-edit', 'side']);
  r.run(['update-index', '--add', '--cacheinfo', `160000,${r.head()},vendor/sub`]);
  r.run(['commit', '-q', '-m', 'a submodule entry']);
  const many: Record<string, string> = {};
  for (let i = 0; i < 600; i++) many[`gen/${i % 7}/f${i}.txt`] = `${i}\n`;
  r.commit('600 files', many);
  const policyChange = r.commit('policy change', { '.gitguard/policy.yml': 'version: 1\nmaintainers: [mallory]\n' });
  r.commit('after', { 'src/b.txt': 'b\n' });
  return { r, policyChange };
});

function withFilters(split = false): { r: TestRepo; policyChange: string } {
  const b = base();
  const r = copyRepo(b.r);
  r.run(['commit-graph', 'write', '--reachable', '--changed-paths', ...(split ? ['--split'] : [])]);
  return { r, policyChange: b.policyChange };
}

const infoDir = (r: TestRepo): string => join(r.dir, '.git', 'objects', 'info');

async function rule(r: TestRepo): Promise<{ outcome: string; note: string; messages: string[] }> {
  const { code, report } = await auditRules(r.dir, r.env, [RULE]);
  expect(code).not.toBe(2);
  const res = resultOf(report, RULE);
  return { outcome: res.outcome, note: res.note ?? '', messages: res.findings.map((f) => f.message) };
}

test('emptied filters: git log -- .gitguard/ skips the policy change, verify passes, the rule fails', async () => {
  const { r, policyChange } = withFilters();
  const log = (): string[] => r.run(['log', '--format=%H', '--', '.gitguard/']).split('\n').filter(Boolean);
  expect(log()).toContain(policyChange);
  forgeGraph(join(infoDir(r), 'commit-graph'), policyChange, { noFilters: true });
  // git's own answers: the graph's filter hides the commit, the objects do not, verify sees nothing.
  expect(log()).not.toContain(policyChange);
  expect(r.run(['-c', 'core.commitGraph=false', 'log', '--format=%H', '--', '.gitguard/'])).toContain(policyChange);
  expect(r.run(['commit-graph', 'verify'])).toBe('');
  const o = await rule(r);
  expect(o.outcome).toBe('fail');
  expect(o.messages.join('\n')).toContain('changed-path filter of commit');
  expect(o.note).not.toContain('not checked');
});

test("a chain's base layer with emptied filters fails too (git reads every layer's filters)", async () => {
  const { r, policyChange } = withFilters(true);
  r.commit('on top', { 'top.txt': 't\n' });
  r.run(['commit-graph', 'write', '--reachable', '--changed-paths', '--split=no-merge']);
  const dir = join(infoDir(r), 'commit-graphs');
  const layers = readFileSync(join(dir, 'commit-graph-chain'), 'utf8').trim().split('\n');
  expect(layers).toHaveLength(2);
  forgeGraph(join(dir, `graph-${layers[0]!}.graph`), policyChange, { noFilters: true });
  expect(r.run(['log', '--format=%H', '--', '.gitguard/'])).not.toContain(policyChange);
  expect((await rule(r)).outcome).toBe('fail');
});

test('twins pass: filters git wrote, a chain written twice, gc, maintenance, a pruned commit, SHA-256', async () => {
  const one = withFilters();
  let o = await rule(one.r);
  expect([o.outcome, o.messages]).toEqual(['pass', []]);

  const chain = withFilters(true);
  chain.r.commit('more', { 'src/ñ.txt': 'n\n' });
  chain.r.run(['commit-graph', 'write', '--reachable', '--changed-paths', '--split=no-merge']);
  o = await rule(chain.r);
  expect([o.outcome, o.messages]).toEqual(['pass', []]);
  chain.r.run(['maintenance', 'run', '--task=commit-graph']);
  chain.r.run(['gc', '-q']);
  o = await rule(chain.r);
  expect([o.outcome, o.messages]).toEqual(['pass', []]);

  // A commit the graph lists was pruned since: counted, not failed.
  const pruned = withFilters();
  pruned.r.run(['checkout', '-q', '-b', 'gone']);
  pruned.r.commit('gone', { 'gone.txt': 'g\n' });
  pruned.r.run(['checkout', '-q', 'main']);
  pruned.r.run(['commit-graph', 'write', '--reachable', '--changed-paths']);
  pruned.r.run(['branch', '-q', '-D', 'gone']);
  pruned.r.run(['reflog', 'expire', '--expire=now', '--all']);
  pruned.r.run(['prune', '--expire=now']);
  o = await rule(pruned.r);
  expect([o.outcome, o.messages]).toEqual(['pass', []]);

  const sha256 = makeRepo({ objectFormat: 'sha256' });
  sha256.commit('c1', { '.gitguard/policy.yml': 'version: 1\n' });
  sha256.commit('c2', { 'dir/ö.txt': 'o\n' });
  sha256.run(['commit-graph', 'write', '--reachable', '--changed-paths']);
  o = await rule(sha256);
  expect([o.outcome, o.messages]).toEqual(['pass', []]);
});
