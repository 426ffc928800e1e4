// git push --all of a large repository (red-team round 2): 10,000 new branches beside 10,000
// remote-tracking refs. Each new branch is checked against every remote-tracking tip; the
// exclusions must be listed once for the walk, not once per branch (10,000 x 10,000 of them filled
// the heap: the check died out of memory). The one new commit is still found, and only it.
import { prePushCheck } from '../../src/engine/prepush.js';
import { makeRepo, cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

const ZERO = '0'.repeat(40);
const N = 10_000;

test('10,000 new branches beside 10,000 remote-tracking refs: one walk, the one new commit checked', async () => {
  const repo = makeRepo();
  const base = repo.commit('published');
  // The remote's branches (its fetch refspec stores them there: a pull request's head would not count).
  repo.run(['config', 'remote.origin.fetch', '+refs/heads/*:refs/remotes/origin/*']);
  const refs = Array.from({ length: N }, (_, i) => `create refs/remotes/origin/b${i} ${base}\n`).join('');
  repo.run(['update-ref', '--stdin'], { input: refs });
  const fresh = repo.commit('new, unpublished');
  // Every new branch at the new commit, none of them at a remote-tracking tip: each is measured against all 10,000.
  const input = Array.from({ length: N }, (_, i) => `refs/heads/n${i} ${fresh} refs/heads/n${i} ${ZERO}\n`).join('');
  const r = await prePushCheck({
    path: repo.dir,
    remote: 'origin',
    url: 'https://example.invalid/r.git',
    input,
    env: repo.env,
    trust: { cache: false },
  });
  expect(r.lines.join('\n')).toContain('1 new commit(s) checked');
}, 120_000);
