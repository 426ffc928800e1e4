// readParents against git's own `rev-list --no-walk --parents`: every answer it gives is git's, and
// what it cannot read as git does (the shallow boundary, a commit git reads otherwise, a tag, an id
// not there) it leaves to the caller's merge-base.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createShadow } from '../../src/collect/git.js';
import { ObjectReader } from '../../src/collect/objects.js';
import { readParents } from '../../src/collect/commit-parents.js';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';

afterAll(() => cleanupTemp());

function gitParents(r: TestRepo, gitDir: string, oids: string[]): Map<string, string[]> {
  const out = execFileSync(
    'git',
    [`--git-dir=${gitDir}`, 'rev-list', '--no-walk=unsorted', '--parents', '--ignore-missing', '--stdin'],
    { input: `${oids.join('\n')}\n`, env: r.env, encoding: 'utf8' },
  );
  return new Map(
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [oid, ...parents] = l.split(' ');
        return [oid!, parents];
      }),
  );
}

async function ours(gitDir: string, oids: string[]): Promise<Map<string, string[]>> {
  const shadow = createShadow(gitDir, 'sha1');
  const reader = new ObjectReader(shadow);
  try {
    return await readParents(reader, shadow, oids);
  } finally {
    reader.close();
    shadow.dispose();
  }
}

test('commits, a merge and a root read as rev-list shows them; a tag, a tree and a missing id are left out', async () => {
  const r = makeRepo();
  const root = r.commit('root', { 'a.txt': 'a\n' });
  r.run(['checkout', '-q', '-b', 'side']);
  const side = r.commit('side', { 'b.txt': 'b\n' });
  r.run(['checkout', '-q', 'main']);
  const main = r.commit('main', { 'c.txt': 'c\n' });
  r.run(['merge', '-q', '--no-ff', '-m', 'merge', 'side']);
  const merge = r.head();
  r.run(['tag', '-a', '-m', 'v1', 'v1']);
  const tag = r.run(['rev-parse', 'v1']);
  const tree = r.run(['rev-parse', 'HEAD^{tree}']);
  const oids = [root, side, main, merge, tag, tree, 'f'.repeat(40)];
  const gitDir = join(r.dir, '.git');
  const mine = await ours(gitDir, oids);
  expect([...mine.keys()].sort()).toEqual([root, side, main, merge].sort());
  const git = gitParents(r, gitDir, [root, side, main, merge]);
  for (const [oid, parents] of mine) expect(parents).toEqual(git.get(oid));
  expect(mine.get(merge)).toEqual([main, side]);
});

test('a commit on the shallow boundary (git shows no parents) and one git reads otherwise are left out', async () => {
  const r = makeRepo();
  r.commit('one', { 'a.txt': '1\n' });
  r.commit('two', { 'a.txt': '2\n' });
  const three = r.commit('three', { 'a.txt': '3\n' });
  const shallow = join(tempDir(), 'shallow');
  execFileSync('git', ['clone', '-q', '--depth', '2', `file://${r.dir}`, shallow], { env: r.env });
  const boundary = r.run(['rev-parse', 'HEAD~1']);
  const gitDir = join(shallow, '.git');
  const mine = await ours(gitDir, [three, boundary]);
  expect(gitParents(r, gitDir, [boundary]).get(boundary)).toEqual([]);
  expect(mine.has(boundary)).toBe(false);
  expect(mine.get(three)).toEqual([boundary]);
  // A `parent` line after the author: git takes no parent from it (our parser refuses the commit).
  const tree = r.run(['rev-parse', 'HEAD^{tree}']);
  const odd = r.run(['hash-object', '-t', 'commit', '-w', '--literally', '--stdin'], {
    input: `tree ${tree}\nauthor A <a@x> 1 +0000\nparent ${three}\ncommitter A <a@x> 1 +0000\n\nodd\n`,
  });
  const normal = join(r.dir, '.git');
  expect(gitParents(r, normal, [odd]).get(odd)).toEqual([]);
  expect((await ours(normal, [odd])).has(odd)).toBe(false);
});

test.each([
  ['in capitals', (id: string) => `${id.toUpperCase()}\n`],
  ['ending in \\r', (id: string) => `${id}\r\n`],
  ['with a tail', (id: string) => `${id} left by a tool\n`],
])('a shallow boundary line %s is a boundary to git (its first 40 hex digits), and is left out', async (_, line) => {
  const r = makeRepo();
  r.commit('one', { 'a.txt': '1\n' });
  r.commit('two', { 'a.txt': '2\n' });
  const three = r.commit('three', { 'a.txt': '3\n' });
  const boundary = r.run(['rev-parse', 'HEAD~1']);
  const gitDir = join(r.dir, '.git');
  writeFileSync(join(gitDir, 'shallow'), line(boundary));
  expect(gitParents(r, gitDir, [boundary]).get(boundary)).toEqual([]);
  const mine = await ours(gitDir, [three, boundary]);
  expect(mine.has(boundary)).toBe(false);
  expect(mine.get(three)).toEqual([boundary]);
});
