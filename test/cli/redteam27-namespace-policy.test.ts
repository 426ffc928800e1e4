// Red team 27: the server's pre-receive check under GIT_NAMESPACE (gitnamespaces(7): one repository
// serving several projects, each under refs/namespaces/<name>/) read the trust policy at the server's
// own HEAD, not the project's: on a server whose HEAD is unborn (git init --bare, every project in a
// namespace), a project whose policy protects refs/heads/release/* had release/1 rewound by a force
// push, accepted (only the default main/master and tags were protected). The project's HEAD is
// <namespace>HEAD, as upload-pack shows it to whoever clones it (without one, the namespace's branch
// of the server HEAD's name). Real git push into a bare repository with gitguard's hook installed.
// Clean twins: a fast-forward of release/1 and a rewrite of an unprotected branch are accepted.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { hookedServer, pushOrigin as push, stopHookBridge } from '../helpers/hook-bridge.js';

let alice: SshTestKey;
let server: TestRepo;
beforeAll(async () => {
  alice = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-rt27-')), 'ed25519', 'alice');
  server = await hookedServer();
});
afterAll(async () => {
  await stopHookBridge();
  cleanupTemp();
});

const POLICY =
  'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\nmaintainers: [Alice]\nprotected:\n  refs: [refs/heads/main, refs/heads/trunk, refs/heads/release/*, refs/tags/*]\n';
const tipOf = (ref: string): string => server.run(['rev-parse', '--verify', '-q', ref]);

/** A project of alice's in namespace `ns` of the server: its branch `branch` and release/1 pushed. */
async function project(ns: string, branch: string): Promise<{ client: TestRepo; released: string }> {
  const client = sshSigningRepo(alice, POLICY);
  client.run(['branch', '-q', '-m', branch]);
  client.run(['remote', 'add', 'origin', server.dir]);
  client.run(['config', 'remote.origin.receivepack', `env GIT_NAMESPACE=${ns} git-receive-pack`]);
  client.run(['commit', '-q', '--allow-empty', '-m', 'two']);
  const released = client.head();
  expect(await push(client, [branch, `${branch}:refs/heads/release/1`])).toEqual({ ok: true, stderr: '' });
  return { client, released };
}

test("no namespace HEAD, the server's HEAD unborn: the project's policy protects release/1", async () => {
  expect(server.run(['symbolic-ref', 'HEAD'])).toBe('refs/heads/main');
  const { client, released } = await project('proj', 'main');
  const forced = await push(client, ['+main~1:refs/heads/release/1']);
  expect(forced.ok).toBe(false);
  expect(forced.stderr).toContain('refs/heads/release/1: non-fast-forward update of a protected ref');
  expect(tipOf('refs/namespaces/proj/refs/heads/release/1')).toBe(released);
  // Clean twins: a fast-forward of release/1, and a rewrite of a branch the policy leaves alone.
  client.run(['commit', '-q', '--allow-empty', '-m', 'three']);
  expect(await push(client, ['main:refs/heads/release/1', 'main:refs/heads/topic'])).toEqual({ ok: true, stderr: '' });
  expect(await push(client, ['+main~1:refs/heads/topic'])).toEqual({ ok: true, stderr: '' });
});

test("the namespace's own HEAD names its policy's branch (trunk)", async () => {
  server.run(['symbolic-ref', 'refs/namespaces/other/HEAD', 'refs/namespaces/other/refs/heads/trunk']);
  const { client, released } = await project('other', 'trunk');
  const forced = await push(client, ['+trunk~1:refs/heads/release/1']);
  expect(forced.ok).toBe(false);
  expect(forced.stderr).toContain('refs/heads/release/1: non-fast-forward update of a protected ref');
  expect(tipOf('refs/namespaces/other/refs/heads/release/1')).toBe(released);
});

test("a commit another namespace holds is judged by this project's policy, not taken as judged", async () => {
  const { client, released } = await project('proj3', 'main');
  client.run(['-c', 'commit.gpgSign=false', 'commit', '-q', '--allow-empty', '-m', 'mallory: unsigned']);
  const x = client.head();
  // Held in Mallory's own project (her policy's goodlist accepted it there, or a hook-less namespace).
  server.run(['fetch', '-q', client.dir, `${x}:refs/namespaces/mallory/refs/heads/x`]);
  const smuggled = await push(client, ['main']);
  expect(smuggled.ok).toBe(false);
  expect(smuggled.stderr).toContain(`commit ${x.slice(0, 12)} refused by commits-signed`);
  expect(tipOf('refs/namespaces/proj3/refs/heads/main')).toBe(released);
  // Clean twin: what the project itself holds is judged already: a new branch of it is accepted.
  expect(await push(client, ['main~1:refs/heads/copy'])).toEqual({ ok: true, stderr: '' });
});
