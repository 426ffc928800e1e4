// Red team 21: the server's pre-receive check on a server that serves a project from a namespace
// (GIT_NAMESPACE, gitnamespaces(7): one repository holding several projects, each under
// refs/namespaces/<name>/). receive-pack tells the hook the names the client pushed to (refs/heads/latest)
// and writes refs/namespaces/<name>/refs/heads/latest, through that namespace's symbolic refs: an alias
// latest -> main inside the namespace rewrites the project's main. Real git push into a bare repository
// with gitguard's hook installed.
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { hookedServer, pushOrigin as push, stopHookBridge } from '../helpers/hook-bridge.js';

afterAll(async () => {
  await stopHookBridge();
  cleanupTemp();
});

const NS = 'refs/namespaces/proj/';
const tipOf = (server: TestRepo, ref: string): string => server.run(['rev-parse', '--verify', '-q', ref]);

async function namespacedServer(): Promise<{ server: TestRepo; client: TestRepo; published: string }> {
  const server = await hookedServer();
  const client = makeRepo();
  client.run(['remote', 'add', 'origin', server.dir]);
  client.run(['config', 'remote.origin.receivepack', 'env GIT_NAMESPACE=proj git-receive-pack']);
  client.commit('one');
  const published = client.commit('two');
  expect((await push(client, ['main'])).ok).toBe(true);
  expect(tipOf(server, `${NS}refs/heads/main`)).toBe(published);
  server.run(['symbolic-ref', `${NS}refs/heads/latest`, `${NS}refs/heads/main`]);
  return { server, client, published };
}

describe('a symbolic ref inside the namespace is the ref it points at', () => {
  test("a force push to an alias of the project's main rewrites main: rejected, main unchanged", async () => {
    const { server, client, published } = await namespacedServer();
    client.run(['reset', '-q', '--hard', 'HEAD~1']);
    client.commit('rewritten two');
    const forced = await push(client, ['+HEAD:refs/heads/latest']);
    expect(forced.ok).toBe(false);
    expect(forced.stderr).toContain('non-fast-forward update of a protected ref');
    expect(tipOf(server, `${NS}refs/heads/main`)).toBe(published);
  });

  test("deleting an alias of the project's main deletes main: rejected", async () => {
    const { server, client, published } = await namespacedServer();
    const deleted = await push(client, [':refs/heads/latest']);
    expect(deleted.ok).toBe(false);
    expect(deleted.stderr).toContain('deleting a protected ref is not allowed');
    expect(tipOf(server, `${NS}refs/heads/main`)).toBe(published);
  });

  test('clean twins: a fast-forward through the alias is accepted; an alias outside the namespace is not this one', async () => {
    const { server, client } = await namespacedServer();
    const next = client.commit('three');
    expect(await push(client, ['HEAD:refs/heads/latest'])).toEqual({ ok: true, stderr: '' });
    expect(tipOf(server, `${NS}refs/heads/main`)).toBe(next);
    // Outside the namespace, refs/heads/topic aliases the server's own main; in the namespace,
    // refs/heads/topic is a plain branch of the project, rewritten at will.
    server.run(['update-ref', 'refs/heads/main', next]);
    server.run(['symbolic-ref', 'refs/heads/topic', 'refs/heads/main']);
    expect((await push(client, [`${next}:refs/heads/topic`])).ok).toBe(true);
    client.run(['reset', '-q', '--hard', 'HEAD~1']);
    client.commit('rewritten three');
    expect(await push(client, ['+HEAD:refs/heads/topic'])).toEqual({ ok: true, stderr: '' });
    expect(tipOf(server, 'refs/heads/main')).toBe(next);
  });
});
