// A `git clone --mirror` of a big GitHub project holds refs/pull/<n>/head and /merge for every pull
// request (~260,000 for kubernetes): past GITGUARD_MAX_REFS its audit stopped (exit 2) though
// gitguard leaves those refs out on purpose. Forge refs of their family's whole shape naming a commit
// are counted per family and not held, and do not count against the limit; every other ref does,
// a branch named like a forge ref and a forge-shaped ref naming no commit among them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { runMain } from '../helpers/cli.js';
import { unsignedAnnotatedTags } from '../../src/collect/refs.js';
import { RefListError } from '../../src/collect/ref-list.js';

afterAll(cleanupTemp);

/** `refs` (name -> object) written straight into the packed-refs of `gitDir` (main stays a loose ref). */
/** A packed-refs file as `git pack-refs` would write it without peeling: git reads tags' targets from the
 *  objects (a `fully-peeled` header without `^` lines would tell git the tags peel to nothing). */
function writePackedRefs(gitDir: string, refs: Array<[string, string]>): void {
  const lines = [...refs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, oid]) => `${oid} ${name}\n`);
  writeFileSync(join(gitDir, 'packed-refs'), `# pack-refs with: sorted \n${lines.join('')}`);
}

/** `n` pull requests' head and merge refs (2n refs), all on `oid`. */
const pulls = (n: number, oid: string): Array<[string, string]> =>
  Array.from({ length: n }, (_, i) => [
    [`refs/pull/${i + 1}/head`, oid] as [string, string],
    [`refs/pull/${i + 1}/merge`, oid] as [string, string],
  ]).flat();

const branches = (n: number, oid: string): Array<[string, string]> =>
  Array.from({ length: n }, (_, i) => [`refs/heads/b/${String(i).padStart(3, '0')}`, oid]);

/** `audit --all` of the history rules, as JSON; the scope's description and the exit code. */
async function auditAll(r: TestRepo, maxRefs: number) {
  const res = await runMain(
    ['audit', '-C', r.dir, '--all', '--no-ledger', '--no-cache', '-t', 'history', '-f', 'json'],
    {
      env: { ...r.env, GITGUARD_MAX_REFS: String(maxRefs) },
    },
  );
  const scope = res.code === 2 ? '' : (JSON.parse(res.stdout) as { scope: { description: string } }).scope.description;
  return { code: res.code, scope, stderr: res.stderr.trim().split('\n') };
}

const overLimit = (n: number): unknown[] => [
  expect.stringMatching(
    new RegExp(`^gitguard: the repository has more than ${n} refs \\(GITGUARD_MAX_REFS\\); .*set GITGUARD_MAX_REFS=N`),
  ),
];

test('a mirror: 200 pull request refs beside 10 branches audit under a limit of 50, counted and left out', async () => {
  const r = makeRepo();
  const oid = r.commit('c', { f: '1\n' });
  writePackedRefs(join(r.dir, '.git'), [...pulls(100, oid), ...branches(10, oid)]);
  const res = await auditAll(r, 50);
  expect([res.code, res.scope]).toEqual([0, expect.stringMatching(/left out: 200 forge refs \(refs\/pull\/\*: 200\)/)]);
});

test('twin: 60 ordinary branches over a limit of 50 still stop the run (exit 2, one line)', async () => {
  const r = makeRepo();
  const oid = r.commit('c', { f: '1\n' });
  writePackedRefs(join(r.dir, '.git'), branches(60, oid));
  const res = await auditAll(r, 50);
  expect([res.code, res.stderr]).toEqual([2, overLimit(50)]);
});

test('a ref named like a forge ref in another shape is an ordinary ref, and counts', async () => {
  const r = makeRepo();
  const oid = r.commit('c', { f: '1\n' });
  const lookalikes: Array<[string, string]> = Array.from({ length: 12 }, (_, i) => [
    [`refs/heads/pull/${i + 1}/head`, oid] as [string, string], // a branch
    [`refs/pull/0${i + 1}/head`, oid] as [string, string], // a number git's forge never writes
    [`refs/pull/${i + 1}/other`, oid] as [string, string],
    [`refs/keep-around/${'0'.repeat(38)}${String(i).padStart(2, '0')}`, oid] as [string, string], // not its commit's id
    [`refs/changes/99/${i + 1}/1`, oid] as [string, string], // not in its change's folder
  ]).flat();
  writePackedRefs(join(r.dir, '.git'), [...pulls(100, oid), ...lookalikes]);
  // 60 lookalikes and main over 50: the 200 forge refs are left out, the lookalikes are not.
  expect(await auditAll(r, 50)).toEqual({ code: 2, scope: '', stderr: overLimit(50) });
  const res = await auditAll(r, 61);
  expect([res.code, res.scope]).toEqual([0, expect.stringMatching(/left out: 200 forge refs \(refs\/pull\/\*: 200\)/)]);
});

test('a forge-shaped ref naming a tag is walked as a branch and counts, across the batches types are asked in', async () => {
  const r = makeRepo();
  const oid = r.commit('c', { f: '1\n' });
  r.run(['tag', '-a', '-m', 'not a commit', 'v1']);
  const tag = r.run(['rev-parse', 'refs/tags/v1']);
  // 45,000 pull request refs: types are asked 20,000 at a time; the one naming a tag sits in the last batch.
  writePackedRefs(join(r.dir, '.git'), [...pulls(22_500, oid), ['refs/pull/30000/head', tag], ['refs/tags/v1', tag]]);
  const res = await auditAll(r, 3); // main, v1 and refs/pull/30000/head
  expect([res.code, res.scope]).toEqual([
    0,
    expect.stringMatching(/left out: 45000 forge refs \(refs\/pull\/\*: 45000\)/),
  ]);
  expect((await auditAll(r, 2)).stderr).toEqual(overLimit(2));
});

test('the unsigned annotated tags gitguard init lists are read as a stream, at most GITGUARD_MAX_REFS of them', async () => {
  const r = makeRepo();
  r.commit('c', { f: '1\n' });
  r.run(['tag', '-a', '-m', 'one', 'v1']);
  r.run(['tag', '-a', '-m', 'two', 'v2']);
  r.run(['tag', 'light']); // a lightweight tag is no tag object
  const gitDir = join(r.dir, '.git');
  expect(await unsignedAnnotatedTags(gitDir, 3)).toEqual([
    { ref: 'refs/tags/v1', oid: r.run(['rev-parse', 'refs/tags/v1']) },
    { ref: 'refs/tags/v2', oid: r.run(['rev-parse', 'refs/tags/v2']) },
  ]);
  await expect(unsignedAnnotatedTags(gitDir, 2)).rejects.toThrow(RefListError);
});

test("a server's pre-receive hook on a mirror's forge refs: they do not count; its own branches still do", async () => {
  const r = makeRepo();
  const first = r.commit('c', { f: '1\n' });
  const next = r.commit('d', { f: '2\n' });
  const server = join(r.home, 'server.git');
  r.run(['init', '-q', '--bare', '-b', 'main', server]);
  r.run(['push', '-q', server, `${first}:refs/heads/main`]);
  r.run(['--git-dir', server, 'fetch', '-q', r.dir, next]); // the push's objects, on no ref yet
  const receive = (refs: Array<[string, string]>) => {
    writePackedRefs(server, refs);
    return runMain(['hook', 'run', 'pre-receive'], {
      cwd: server,
      env: { ...r.env, GITGUARD_MAX_REFS: '50' },
      input: `${first} ${next} refs/heads/main\n`,
    });
  };
  const forge = await receive(pulls(100, first));
  // No policy on the server: the push is judged (not stopped before), and its answer is the same without the forge refs.
  const plain = await receive([]);
  expect([forge.code, forge.stderr, forge.stdout]).toEqual([plain.code, plain.stderr, plain.stdout]);
  expect(forge.code).not.toBe(2);
  const many = await receive(branches(60, first));
  expect([many.code, many.stderr.trim().split('\n')]).toEqual([
    2,
    [
      expect.stringMatching(
        /^gitguard: push rejected: cannot check it: the repository has more than 50 refs \(GITGUARD_MAX_REFS\)/,
      ),
    ],
  ]);
});
