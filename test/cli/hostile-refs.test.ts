// Red-team round 4: refs whose stored form can lie about what they name. packed-refs keeps a "^"
// line per annotated tag, the object it peels to: a cache git 2.44+ for-each-ref trusts for
// %(*objectname); gitguard peels from the objects (as `git rev-parse <tag>^{}` does), so a repository
// cannot keep a tag's real target out of the walk. A tag of a tag is peeled to its end, as git peels it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo } from '../helpers/repo.js';
import { runMain } from '../helpers/cli.js';
import { collectHistory } from '../../src/collect/refs.js';
import { discoverRepository } from '../../src/collect/repository.js';

afterAll(cleanupTemp);

test('a tag of a tag is peeled to the commit it finally names, like git rev-parse <tag>^{} (before: the inner tag)', async () => {
  const r = makeRepo();
  const a = r.commit('one');
  r.run(['tag', '-a', '-m', 'inner', 'inner', a]);
  r.run(['tag', '-a', '-m', 'outer', 'outer', 'inner']);
  const h = await collectHistory(await discoverRepository(r.dir));
  expect(r.run(['rev-parse', 'refs/tags/outer^{}'])).toBe(a);
  expect(h.refs.find((x) => x.name === 'refs/tags/outer')?.peeled).toBe(a);
});

test("a packed-refs peel line that lies about a tag's target: the tag's real commit is walked and judged", async () => {
  const r = makeRepo();
  const onMain = r.commit('on main');
  r.run(['checkout', '-q', '--detach']);
  const hidden = r.commit('unsigned, reachable only from the tag', { 'm.txt': 'm\n' });
  r.run(['tag', '-a', '-m', 'release', 'v1', hidden]);
  r.run(['checkout', '-q', 'main']);
  r.run(['pack-refs', '--all']);
  const packed = join(r.dir, '.git', 'packed-refs');
  const text = readFileSync(packed, 'utf8');
  expect(text).toContain(`^${hidden}`);
  writeFileSync(packed, text.replace(`^${hidden}`, `^${onMain}`));
  expect(r.run(['rev-list', '--all'])).toContain(hidden); // git walks the tag's real target
  const h = await collectHistory(await discoverRepository(r.dir));
  expect(h.refs.find((x) => x.name === 'refs/tags/v1')?.peeled).toBe(hidden);
  const res = await runMain(['verify', '--all', '-C', r.dir, '--no-cache'], { env: r.env });
  expect(res.stdout).toContain(`${hidden} N`);
  expect(res.code).toBe(1);
});
