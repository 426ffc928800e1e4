// Clean workflows 22: the server's pre-receive check after red team 20 made it judge an update by
// every name that shows it (git writes through the server's symbolic refs). Every bare repository
// has HEAD -> main, and a default-branch rename often keeps the old name as an alias (master ->
// main) so that old clones still push: the everyday pushes must go through. Twins: a force push or
// a delete through the alias is still refused. Real git push into a bare repository with gitguard's
// hook installed.
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { hookedServer, pushOrigin as push, stopHookBridge } from '../helpers/hook-bridge.js';

afterAll(async () => {
  await stopHookBridge();
  cleanupTemp();
});

const tipOf = (server: TestRepo, ref: string): string => server.run(['rev-parse', '--verify', '-q', ref]);

async function published(): Promise<{ server: TestRepo; client: TestRepo; main: string }> {
  const server = await hookedServer();
  expect(server.run(['symbolic-ref', 'HEAD'])).toBe('refs/heads/main');
  const client = makeRepo();
  client.run(['remote', 'add', 'origin', server.dir]);
  client.commit('one');
  const main = client.commit('two');
  expect((await push(client, ['main'])).ok).toBe(true);
  return { server, client, main };
}

describe('a server whose only symbolic ref is HEAD -> main', () => {
  test('a fast-forward of main, a new branch, and deleting that branch are accepted', async () => {
    const { server, client } = await published();
    const next = client.commit('three');
    expect(await push(client, ['main'])).toEqual({ ok: true, stderr: '' });
    expect(tipOf(server, 'refs/heads/main')).toBe(next);
    client.run(['checkout', '-q', '-b', 'feature']);
    const feature = client.commit('feature work');
    expect(await push(client, ['feature'])).toEqual({ ok: true, stderr: '' });
    expect(tipOf(server, 'refs/heads/feature')).toBe(feature);
    expect(await push(client, ['--delete', 'feature'])).toEqual({ ok: true, stderr: '' });
    expect(server.run(['for-each-ref', 'refs/heads/feature'])).toBe('');
    expect(tipOf(server, 'refs/heads/main')).toBe(next);
  });

  test('a force push of an unprotected branch is accepted', async () => {
    const { client } = await published();
    client.run(['checkout', '-q', '-b', 'wip']);
    client.commit('wip 1');
    expect((await push(client, ['wip'])).ok).toBe(true);
    client.run(['commit', '-q', '--amend', '-m', 'wip 1, amended']);
    expect(await push(client, ['+wip'])).toEqual({ ok: true, stderr: '' });
  });

  test('twin: a force push of main is refused', async () => {
    const { server, client, main } = await published();
    client.run(['reset', '-q', '--hard', 'HEAD~1']);
    client.commit('rewritten two');
    const forced = await push(client, ['+main']);
    expect(forced.ok).toBe(false);
    expect(tipOf(server, 'refs/heads/main')).toBe(main);
  });
});

describe('a default branch renamed, the old name kept as an alias (master -> main)', () => {
  async function renamed(): Promise<{ server: TestRepo; client: TestRepo; main: string }> {
    const p = await published();
    p.server.run(['symbolic-ref', 'refs/heads/master', 'refs/heads/main']);
    return p;
  }

  test('an old clone pushing master fast-forwards main; pushing main and master together is accepted', async () => {
    const { server, client } = await renamed();
    const next = client.commit('three');
    expect(await push(client, ['HEAD:refs/heads/master'])).toEqual({ ok: true, stderr: '' });
    expect(tipOf(server, 'refs/heads/main')).toBe(next);
    const after = client.commit('four');
    expect(await push(client, ['HEAD:refs/heads/main', 'HEAD:refs/heads/master'])).toEqual({ ok: true, stderr: '' });
    expect(tipOf(server, 'refs/heads/main')).toBe(after);
  });

  test('a new branch and its deletion beside the alias are accepted', async () => {
    const { server, client } = await renamed();
    client.run(['checkout', '-q', '-b', 'topic']);
    client.commit('topic');
    expect(await push(client, ['topic'])).toEqual({ ok: true, stderr: '' });
    expect(await push(client, ['--delete', 'topic'])).toEqual({ ok: true, stderr: '' });
    expect(server.run(['for-each-ref', 'refs/heads/topic'])).toBe('');
  });

  test('twin: deleting the alias (which deletes main) is refused', async () => {
    const { server, client, main } = await renamed();
    const deleted = await push(client, [':refs/heads/master']);
    expect(deleted.ok).toBe(false);
    expect(tipOf(server, 'refs/heads/main')).toBe(main);
  });
});
