// Clean workflows 32: a treeless partial clone (`git clone --filter=tree:0`, what GitHub recommends
// for throwaway CI builds) holds only the trees it checked out. The walk reads what each commit
// changes at the watched paths from its tree, so an audit cannot be done there (README: it stops,
// exit 2, naming the missing object and how to make the clone a full one). It stopped instead with
// "git diff-tree failed: fatal: unable to read tree ...; check the repository with: git fsck": the
// words for a damaged repository, sending the user to fsck a healthy clone. It now says what the
// partial clone left out and the fetch that brings it, and nothing is fetched. Twin: a tree missing
// from a repository that is no partial clone is still damage (fsck).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { runMain, stderrLines } from '../helpers/cli.js';

let origin: TestRepo;
let clone: string;
/** Objects the clone names but does not hold (what a fetch would have to bring). */
const missing = (): number =>
  origin
    .run(['-C', clone, 'rev-list', '--all', '--objects', '--missing=print'])
    .split('\n')
    .filter((l) => l.startsWith('?')).length;

beforeAll(() => {
  origin = makeRepo();
  for (const d of ['src', 'docs', 'ci']) origin.commit(`add ${d}`, { [`${d}/file.txt`]: `${d}\n` });
  origin.run(['config', 'uploadpack.allowFilter', 'true']);
  clone = join(tempDir(), 'treeless');
  origin.run(['clone', '-q', '--filter=tree:0', `file://${origin.dir}`, clone]);
});
afterAll(() => cleanupTemp());

const audit = (dir: string) =>
  runMain(['audit', '-C', dir, '--no-cache', '--no-ledger', '-r', 'commits-signed'], { env: origin.env });

test('a treeless clone: the audit stops in one line naming the partial clone and the fetch, nothing fetched (before: "git fsck")', async () => {
  const before = missing();
  expect(before).toBeGreaterThan(0);
  const res = await audit(clone);
  expect(res.code).toBe(2);
  const [line, ...rest] = stderrLines(res);
  expect(rest).toEqual([]);
  expect(line).toMatch(
    /a tree of the history \(object [0-9a-f]{12}\) is not in this repository: a partial clone \(git clone --filter\)/,
  );
  expect(line).toContain('git fetch --refetch origin');
  expect(line).not.toContain('fsck');
  expect(missing()).toBe(before);
});

test('twin: a tree missing from a repository that is no partial clone is damage: git fsck', async () => {
  const r = makeRepo();
  r.commit('one', { 'src/a.txt': 'a\n' });
  r.commit('two', { 'src/a.txt': 'b\n' });
  const tree = r.run(['rev-parse', 'HEAD~1^{tree}']); // a root tree, as a treeless clone lacks
  rmSync(join(r.dir, '.git', 'objects', tree.slice(0, 2), tree.slice(2)));
  const res = await runMain(['audit', '-C', r.dir, '--no-cache', '--no-ledger', '-r', 'commits-signed'], {
    env: r.env,
  });
  expect(res.code).toBe(2);
  expect(stderrLines(res).join('\n')).toMatch(/fsck/);
  expect(stderrLines(res).join('\n')).not.toContain('partial clone (git clone --filter) leaves');
});
