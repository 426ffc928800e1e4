// Red team 20: the server's pre-receive check against pushes that rewrite or delete a protected ref
// under another name. git's receive-pack writes through a symbolic ref of the server (a branch alias
// such as refs/heads/latest -> refs/heads/main, kept after a default-branch rename): a force push or
// a delete of the alias rewrites or deletes main, while the hook is told only the alias's name. Real
// git push into a bare repository with gitguard's hook installed.
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { hookedServer, pushOrigin as push, stopHookBridge } from '../helpers/hook-bridge.js';

afterAll(async () => {
  await stopHookBridge();
  cleanupTemp();
});

const tipOf = (server: TestRepo, ref: string): string => server.run(['rev-parse', '--verify', '-q', ref]);

async function serverWithAlias(): Promise<{ server: TestRepo; client: TestRepo; published: string }> {
  const server = await hookedServer();
  const client = makeRepo();
  client.run(['remote', 'add', 'origin', server.dir]);
  client.commit('one');
  const published = client.commit('two');
  expect((await push(client, ['main'])).ok).toBe(true);
  server.run(['symbolic-ref', 'refs/heads/latest', 'refs/heads/main']);
  return { server, client, published };
}

describe('a symbolic ref of the server is the ref it points at', () => {
  test('a force push to an alias of main is a rewrite of main: rejected, main unchanged', async () => {
    const { server, client, published } = await serverWithAlias();
    client.run(['reset', '-q', '--hard', 'HEAD~1']);
    client.commit('rewritten two');
    const forced = await push(client, ['+HEAD:refs/heads/latest']);
    expect(forced.ok).toBe(false);
    expect(forced.stderr).toContain('non-fast-forward update of a protected ref');
    expect(forced.stderr).toContain('refs/heads/main');
    expect(tipOf(server, 'refs/heads/main')).toBe(published);
  });

  test('deleting an alias of main deletes main: rejected', async () => {
    const { server, client, published } = await serverWithAlias();
    const deleted = await push(client, [':refs/heads/latest']);
    expect(deleted.ok).toBe(false);
    expect(deleted.stderr).toContain('deleting a protected ref is not allowed');
    expect(tipOf(server, 'refs/heads/main')).toBe(published);
  });

  test('a branch aliasing a protected tag: moving it moves the tag, rejected', async () => {
    const { server, client, published } = await serverWithAlias();
    client.run(['tag', 'v1', published]);
    expect((await push(client, ['v1'])).ok).toBe(true);
    server.run(['symbolic-ref', 'refs/heads/release', 'refs/tags/v1']);
    const next = client.commit('three');
    const moved = await push(client, [`${next}:refs/heads/release`]);
    expect(moved.ok).toBe(false);
    expect(moved.stderr).toContain('moving a protected tag is not allowed');
    expect(tipOf(server, 'refs/tags/v1')).toBe(published);
  });

  test('clean twin: a fast-forward through the alias is accepted and moves main', async () => {
    const { server, client } = await serverWithAlias();
    const next = client.commit('three');
    expect(await push(client, ['HEAD:refs/heads/latest'])).toEqual({ ok: true, stderr: '' });
    expect(tipOf(server, 'refs/heads/main')).toBe(next);
  });
});

describe('held: several refs in one push', () => {
  test('a good branch and a force push of main together: the whole push is refused (with --atomic too)', async () => {
    const { server, client, published } = await serverWithAlias();
    client.run(['reset', '-q', '--hard', 'HEAD~1']);
    const rewritten = client.commit('rewritten two');
    for (const atomic of [[], ['--atomic']]) {
      const both = await push(client, [...atomic, `${rewritten}:refs/heads/feature`, '+HEAD:refs/heads/main']);
      expect(both.ok).toBe(false);
      expect(both.stderr).toContain('refs/heads/main: non-fast-forward update of a protected ref');
      expect(tipOf(server, 'refs/heads/main')).toBe(published);
      expect(server.run(['for-each-ref', 'refs/heads/feature'])).toBe('');
    }
  });

  test('push options change nothing', async () => {
    const { server, client, published } = await serverWithAlias();
    server.run(['config', 'receive.advertisePushOptions', 'true']);
    client.run(['reset', '-q', '--hard', 'HEAD~1']);
    client.commit('rewritten two');
    const forced = await push(client, ['-o', 'skip-checks', '-o', 'gitguard.skip', '+HEAD:refs/heads/main']);
    expect(forced.ok).toBe(false);
    expect(tipOf(server, 'refs/heads/main')).toBe(published);
  });
});

test('a protected name that is itself a symref (main -> trunk): rewriting trunk rewrites main, rejected', async () => {
  const server = await hookedServer();
  const client = makeRepo();
  client.run(['remote', 'add', 'origin', server.dir]);
  client.commit('one');
  const published = client.commit('two');
  expect((await push(client, ['HEAD:refs/heads/trunk'])).ok).toBe(true);
  server.run(['symbolic-ref', 'refs/heads/main', 'refs/heads/trunk']);
  client.run(['reset', '-q', '--hard', 'HEAD~1']);
  client.commit('rewritten two');
  const forced = await push(client, ['+HEAD:refs/heads/trunk']);
  expect(forced.ok).toBe(false);
  expect(forced.stderr).toContain('refs/heads/main is a symbolic ref to refs/heads/trunk');
  expect(tipOf(server, 'refs/heads/main')).toBe(published);
});
