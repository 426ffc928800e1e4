// Red team 29: the server's pre-receive check under GIT_NAMESPACE takes only the project's own refs
// as history already judged (redteam27-namespace-policy). Namespaces nest (gitnamespaces(7):
// GIT_NAMESPACE=proj/mallory writes refs/namespaces/proj/refs/namespaces/mallory/...): a project
// nested in Alice's, with a policy (or no hook) of its own, held Mallory's unsigned commit X, which
// started with Alice's prefix and counted as hers: pushing X onto her main was accepted. Outside a
// namespace no ref under refs/namespaces/ counts; inside one, none under <namespace>refs/namespaces/.
// Real git push into a bare repository with gitguard's hook installed. Clean twin: a new branch of
// what the project itself holds is accepted.
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { sharedSshKey } from '../helpers/ssh.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { hookedServer, pushOrigin as push, stopHookBridge } from '../helpers/hook-bridge.js';

let server: TestRepo;
beforeAll(async () => {
  server = await hookedServer();
});
afterAll(async () => {
  await stopHookBridge();
  cleanupTemp();
});

test("a commit a nested namespace holds is not the project's: walked, and refused", async () => {
  const client = sshSigningRepo(sharedSshKey('alice'));
  client.run(['remote', 'add', 'origin', server.dir]);
  client.run(['config', 'remote.origin.receivepack', 'env GIT_NAMESPACE=proj git-receive-pack']);
  expect(await push(client, ['main'])).toEqual({ ok: true, stderr: '' });
  const released = client.head();
  client.run(['-c', 'commit.gpgSign=false', 'commit', '-q', '--allow-empty', '-m', 'mallory: unsigned']);
  const x = client.head();
  server.run(['fetch', '-q', client.dir, `${x}:refs/namespaces/proj/refs/namespaces/mallory/refs/heads/x`]);
  const smuggled = await push(client, ['main']);
  expect(smuggled.ok).toBe(false);
  expect(smuggled.stderr).toContain(`commit ${x.slice(0, 12)} refused by commits-signed`);
  expect(server.run(['rev-parse', 'refs/namespaces/proj/refs/heads/main'])).toBe(released);
  // Clean twin: what the project itself holds is judged already.
  expect(await push(client, [`${released}:refs/heads/copy`])).toEqual({ ok: true, stderr: '' });
});
