import { makeRepo, cleanupTemp } from './repo.js';
afterAll(cleanupTemp);
test('makeRepo makes commits with pinned identity and no signing', async () => {
  const r = makeRepo();
  const a = r.commit('first');
  const b = r.commit('second', { 'x.txt': 'x' });
  expect(r.run(['rev-list', '--count', 'HEAD'])).toBe('2');
  expect(r.run(['log', '-1', '--format=%an <%ae> %G?', b])).toBe('Alice Example <alice@example.com> N');
  expect((await r.git.revparse(['HEAD~1']))).toBe(a);
});
