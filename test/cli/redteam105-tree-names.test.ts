// Red team 105: the tip's tree listing (`git ls-tree -r`, tip-listing.ts) was bounded by its count of
// files alone (GITGUARD_MAX_TREE_FILES, 10 million), not by the bytes of their names. A tree naming
// one subtree five times at each of ten levels, each name 6,000 bytes, is 244 KB in the repository
// and 10 million paths of 60 KB: ls-tree printed 600 GB for hours (the audit killed at 2 minutes,
// still listing). Now a name counts one file for each 256 bytes it starts: such a tree stops at the
// bound (exit 2, naming the variable), as the billion-file tree of redteam15-git-bounds does. Here a
// smaller one under a bound of 100,000: 20,000 paths of 24 KB (480 MB of names) were listed whole
// before, and the audit went on.
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { treeEntry } from '../helpers/pack.js';
import { runCli } from '../helpers/cli.js';

afterAll(cleanupTemp);

/** A repository whose tip holds `a` and, under `z`, 20 files in three levels of 10 folders: 20,000
 *  paths, each name `long` bytes or so. */
function repeatedTree(long: number): TestRepo {
  const r = makeRepo();
  r.commit('base', { a: '1\n' });
  const put = (type: 'blob' | 'tree', body: Buffer): string =>
    r.run(['hash-object', '-w', '--literally', '-t', type, '--stdin'], { input: body });
  const name = (prefix: string, i: number): string => `${prefix}${String(i).padStart(2, '0')}`.padEnd(long, 'x');
  let oid = put('blob', Buffer.from('x\n'));
  oid = put('tree', Buffer.concat(Array.from({ length: 20 }, (_, i) => treeEntry('100644', name('f', i), oid))));
  for (let level = 0; level < 3; level++) {
    const sub = oid;
    oid = put('tree', Buffer.concat(Array.from({ length: 10 }, (_, i) => treeEntry('40000', name('d', i), sub))));
  }
  const a = r.run(['rev-parse', 'HEAD:a']);
  const top = put('tree', Buffer.concat([treeEntry('100644', 'a', a), treeEntry('40000', 'z', oid)]));
  r.run(['update-ref', 'refs/heads/main', r.run(['commit-tree', top, '-p', 'HEAD', '-m', 'tree'])]);
  return r;
}

const audit = (r: TestRepo) =>
  runCli(['audit', '-C', r.dir, '--no-ledger', '--allow-empty', '-r', 'protected-paths-changed-by-maintainers'], {
    env: { ...r.env, GITGUARD_MAX_TREE_FILES: '100000' },
    timeoutMs: 90_000,
  });

describe('a tree whose paths are long', () => {
  test('20,000 paths of 24 KB: exit 2 naming GITGUARD_MAX_TREE_FILES (before: 480 MB listed, the audit went on)', () => {
    const res = audit(repeatedTree(6000));
    expect([res.code, res.stderr.trim().split('\n')]).toEqual([
      2,
      [
        expect.stringMatching(
          /^gitguard: the tree of [0-9a-f]{12} lists more than 100,000 files \(GITGUARD_MAX_TREE_FILES; a name counts one for each 256 bytes it starts;.*set GITGUARD_MAX_TREE_FILES=N$/,
        ),
      ],
    ]);
  }, 120_000);

  test.each([
    ['short names', 8],
    ['names of 64 bytes (paths of 261 bytes: two files each)', 64],
  ])(
    'honest twin: 20,000 paths, %s: listed, the audit ends as usual',
    (_label, long) => {
      const res = audit(repeatedTree(long));
      expect(res.stderr).toBe('');
      expect([0, 1]).toContain(res.code);
    },
    120_000,
  );
});
