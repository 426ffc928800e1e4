// The walk cut at a trust root reads the secrets scan's list and skips what the root's parents reach
// (walk-list.ts): on seeded random histories with branches forked before the root and merged after
// it, the commits it yields, their order and their watched-path changes must be those of the walk of
// git's own list (`HEAD ^<root's parents>`).
import { join } from 'node:path';
import { createShadow, type Shadow } from '../../src/collect/git.js';
import { walkCommits } from '../../src/collect/commits.js';
import { skippedBefore, walkListWithout } from '../../src/collect/walk-list.js';
import { inRun } from '../../src/collect/run-context.js';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { rng } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const PATHS = ['.gitguard', 'CODEOWNERS', 'src'];

/** A history of `n` commits on up to three branches, merged into main at random. */
function randomHistory(seed: number, n: number): TestRepo {
  const rand = rng(seed);
  const repo = makeRepo();
  repo.commit('c0', { 'src/a.txt': '0\n' });
  const branches = ['main'];
  // The branch checked out: a checkout of it again is a git process that changes nothing.
  let current = 'main';
  const checkout = (name: string): void => {
    if (name !== current) repo.run(['checkout', '-q', name]);
    current = name;
  };
  for (let i = 1; i < n; i += 1) {
    const r = rand();
    if (r < 0.15 && branches.length < 3) {
      const name = `b${i}`;
      repo.run(['branch', name]);
      branches.push(name);
    } else if (r < 0.3 && branches.length > 1) {
      const name = branches.splice(1 + Math.floor(rand() * (branches.length - 1)), 1)[0]!;
      checkout('main');
      repo.run(['merge', '-q', '--no-ff', '-X', 'theirs', '-m', `merge ${name}`, name]);
      continue;
    }
    const on = branches[Math.floor(rand() * branches.length)]!;
    checkout(on);
    const file = ['CODEOWNERS', '.gitguard/policy.yml', 'src/a.txt', `src/${on}-${i}.txt`][Math.floor(rand() * 4)]!;
    repo.commit(`c${i}`, { [file]: `${i}\n` });
  }
  checkout('main');
  for (const b of branches.slice(1)) repo.run(['merge', '-q', '--no-ff', '-X', 'theirs', '-m', `merge ${b}`, b]);
  return repo;
}

async function walked(shadow: Shadow, revisions: string[], skip?: ReadonlySet<string>): Promise<string[]> {
  return inRun({}, async () => {
    const out: string[] = [];
    for await (const c of walkCommits(shadow, {
      revisions,
      parentsFirst: true,
      paths: PATHS,
      chunkCommits: 7,
      ...(skip ? { skip } : {}),
    }))
      out.push(`${c.oid} ${JSON.stringify(c.pathChanges ?? null)}`);
    return out;
  });
}

const parentsOf = (repo: TestRepo, oid: string): string[] =>
  repo.run(['rev-list', '--parents', '-n', '1', oid]).trim().split(' ').slice(1);

test.each([1, 2, 3, 4, 5, 6])(
  'seed %i: the walk of the shared list, skipping what the root’s parents reach, is git’s walk from the root',
  async (seed) => {
    const repo = randomHistory(seed, 40);
    const shadow = createShadow(join(repo.dir, '.git'), 'sha1');
    const head = repo.head();
    const firstParents = repo.run(['rev-list', '--first-parent', '--reverse', head]).trim().split('\n');
    const rand = rng(seed * 7);
    for (let k = 0; k < 3; k += 1) {
      const root = firstParents[1 + Math.floor(rand() * (firstParents.length - 1))]!;
      const excluding = parentsOf(repo, root).map((p) => `^${p}`);
      const list = await walkListWithout(shadow.gitDir, [head], excluding);
      expect(list?.revisions).toEqual([head]);
      const expected = repo
        .run(['rev-list', ...excluding.map((e) => e.slice(1))])
        .trim()
        .split('\n')
        .filter(Boolean);
      expect([...(list?.skip ?? [])].sort()).toEqual(expected.sort());
      expect(await walked(shadow, [head], list!.skip)).toEqual(await walked(shadow, [head, ...excluding]));
    }
  },
);

test('past its limit, or with a revision that is not a plain id, nothing is skipped and the walk lists its own', async () => {
  const repo = randomHistory(9, 12);
  const shadow = createShadow(join(repo.dir, '.git'), 'sha1');
  const head = repo.head();
  const excluding = [`^${repo.run(['rev-parse', 'HEAD~2']).trim()}`];
  const reach = repo.run(['rev-list', '--count', 'HEAD~2']).trim();
  expect((await skippedBefore(shadow.gitDir, [head], excluding, Number(reach)))?.size).toBe(Number(reach));
  expect(await skippedBefore(shadow.gitDir, [head], excluding, Number(reach) - 1)).toBeUndefined();
  expect(await skippedBefore(shadow.gitDir, ['--all'], excluding)).toBeUndefined();
});
