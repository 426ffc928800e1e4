// Red team 47, the leftover of round 40: a treeless partial clone (`--filter=tree:0`) holding a
// commit-graph with changed-path filters. The filters cannot be checked there (the trees of the
// commits they describe are only promised), and passing them would not be sound: `git log -- PATH`
// skips a commit on its filter alone, without fetching a tree, so an emptied filter hides the policy
// change from it with lazy fetching off or on, and no fetch ever shows it. git writes filters in such
// a clone only by fetching every tree (then they are checked and pass), so only a graph brought from
// elsewhere meets this. The rule still fails, now saying so and the two ways out (before: "disagrees
// with them: ... git diff-tree failed: fatal: unable to read tree", the words for damage). Twins pass:
// filters git wrote in the treeless clone, a blobless clone, and each way out the finding names.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { forgeGraph } from '../helpers/commit-graph.js';
import { auditRules, resultOf } from '../helpers/cli.js';

afterAll(cleanupTemp);

const RULE = 'commit-graph-matches-objects';

let origin: TestRepo;
let policyChange: string;
beforeAll(() => {
  origin = makeRepo();
  origin.commit('root', { 'README.md': 'hello\n' });
  origin.commit('policy', { '.gitguard/policy.yml': 'version: 1\n' });
  policyChange = origin.commit('policy change', { '.gitguard/policy.yml': 'version: 1\nmaintainers: [mallory]\n' });
  origin.commit('after', { 'src/b.txt': 'b\n' });
  origin.config({ 'uploadpack.allowFilter': 'true' });
});

const graph = (dir: string): string => join(dir, '.git', 'objects', 'info', 'commit-graph');

function clone(filter: string): string {
  const dir = join(tempDir(), 'clone');
  origin.run(['clone', '-q', '--no-local', `--filter=${filter}`, `file://${origin.dir}`, dir]);
  return dir;
}

/** Objects the clone names but lacks (trees, and the blobs of older versions). */
const missingTrees = (dir: string): number =>
  origin
    .run(['-C', dir, 'rev-list', '--all', '--objects', '--missing=print'])
    .split('\n')
    .filter((l) => l.startsWith('?')).length;

async function rule(dir: string): Promise<{ outcome: string; messages: string[] }> {
  const { code, report } = await auditRules(dir, origin.env, [RULE]);
  expect(code).not.toBe(2);
  const res = resultOf(report, RULE);
  return { outcome: res.outcome, messages: res.findings.map((f) => f.message) };
}

/** A treeless clone holding the origin's graph with its filters, emptied when `forged`. */
function treelessWithGraph(forged: boolean): string {
  const dir = clone('tree:0');
  const file = join(tempDir(), 'commit-graph');
  origin.run([
    'commit-graph',
    'write',
    '--reachable',
    '--changed-paths',
    `--object-dir=${join(origin.dir, '.git', 'objects')}`,
  ]);
  copyFileSync(graph(origin.dir), file);
  if (forged) forgeGraph(file, policyChange, { noFilters: true });
  copyFileSync(file, graph(dir));
  expect(missingTrees(dir)).toBeGreaterThan(0);
  return dir;
}

/** The commits after the first policy that change .gitguard/, as git log -- PATH finds them, lazy fetching off. */
const logPolicy = (dir: string): string =>
  origin.run(['-C', dir, 'log', '--format=%H', 'HEAD~2..', '--', '.gitguard/'], {
    env: { ...origin.env, GIT_NO_LAZY_FETCH: '1' },
  });

test('a treeless clone with emptied filters brought from elsewhere: git log -- .gitguard/ skips the change without reading a tree; the rule fails saying why', async () => {
  const dir = treelessWithGraph(true);
  const before = missingTrees(dir);
  // git's answer, lazy fetching off: every filter says "not here", so no tree is read and the policy
  // change is gone from the path's history.
  expect(logPolicy(dir)).toBe('');
  expect(origin.run(['-C', dir, 'commit-graph', 'verify'])).toBe('');
  const o = await rule(dir);
  expect(o.outcome).toBe('fail');
  expect(o.messages).toHaveLength(1);
  expect(o.messages[0]).toMatch(
    /^the changed-path filters of the commit-graph git reads \(what git log -- PATH skips\) cannot be checked: this partial clone \(git clone --filter\) lacks tree [0-9a-f]{12} of a commit they describe/,
  );
  expect(o.messages[0]).toContain('git fetch --refetch origin');
  expect(o.messages[0]).toContain('git commit-graph write --reachable --no-changed-paths');
  expect(o.messages[0]).not.toContain('diff-tree failed');
  expect(missingTrees(dir)).toBe(before); // nothing fetched
});

test('the same with the filters git wrote (honest, but unchecked): still fails, since nothing tells them apart without the trees', async () => {
  const dir = treelessWithGraph(false);
  const o = await rule(dir);
  expect(o.outcome).toBe('fail');
  expect(o.messages[0]).toContain('lacks tree');
});

test('twins pass: filters git wrote in the treeless clone (it fetched the trees), a blobless clone, and each way out the finding names', async () => {
  const written = clone('tree:0');
  const lacking = missingTrees(written);
  origin.run(['-C', written, 'commit-graph', 'write', '--reachable', '--changed-paths']);
  expect(missingTrees(written)).toBeLessThan(lacking); // the trees it fetched (old blobs stay out)
  expect((await rule(written)).outcome).toBe('pass');

  const blobless = clone('blob:none');
  origin.run(['-C', blobless, 'commit-graph', 'write', '--reachable', '--changed-paths'], {
    env: { ...origin.env, GIT_NO_LAZY_FETCH: '1' },
  });
  expect((await rule(blobless)).outcome).toBe('pass');

  const rewritten = treelessWithGraph(true);
  origin.run(['-C', rewritten, 'commit-graph', 'write', '--reachable', '--no-changed-paths'], {
    env: { ...origin.env, GIT_NO_LAZY_FETCH: '1' },
  });
  expect((await rule(rewritten)).outcome).toBe('pass');

  const refetched = treelessWithGraph(true);
  origin.run(['-C', refetched, 'config', '--unset', 'remote.origin.partialclonefilter']);
  origin.run(['-C', refetched, 'fetch', '-q', '--refetch', 'origin']);
  expect(missingTrees(refetched)).toBe(0);
  const o = await rule(refetched);
  expect(o.outcome).toBe('fail'); // the trees are there now: the emptied filter is found hiding the change
  expect(o.messages.join('\n')).toMatch(/the changed-path filter of commit [0-9a-f]{40} says/);
});
