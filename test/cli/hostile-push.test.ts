// Red-team round 4: what a push can bring past the server's pre-receive hook, through real git push
// into a bare repository with `gitguard hook install --server`, compared with what git lets through.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, tempDir, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, signedCommit, type SshTestKey } from '../helpers/ssh.js';
import { sshSigningRepo, tryGit } from '../helpers/signing-repo.js';
import { runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

let alice: SshTestKey;
beforeAll(() => {
  alice = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-push-')), 'ed25519', 'alice');
});

/** alice's governed work tree and a bare remote holding its history, with (or without) gitguard's server hook. */
async function served(withHook: boolean): Promise<{ r: TestRepo; remote: string; published: string }> {
  const r = sshSigningRepo(alice);
  const published = signedCommit(r, alice, 'published work');
  const remote = join(tempDir(), 'remote.git');
  r.run(['init', '-q', '--bare', remote]);
  r.run(['remote', 'add', 'origin', remote]);
  if (withHook) expect((await runMain(['hook', 'install', '--server', '-C', remote], { env: r.env })).code).toBe(0);
  expect(tryGit(r, ['push', '-q', 'origin', 'main']).code).toBe(0);
  return { r, remote, published };
}

const remoteRefs = (r: TestRepo, remote: string): string =>
  spawnSync('git', ['for-each-ref', '--format=%(refname)'], { cwd: remote, env: r.env, encoding: 'utf8' }).stdout;

describe('a replace ref pushed to the server', () => {
  /** A signed commit that stands in for `published` (same parent, other content), pushed as refs/replace/<published>. */
  function pushReplacement(r: TestRepo, published: string): ReturnType<typeof tryGit> {
    r.run(['checkout', '-q', '-b', 'stand-in', `${published}~1`]);
    r.write({ 'payload.txt': 'not what was published\n' });
    r.run(['add', '-A']);
    const standIn = signedCommit(r, alice, 'published work');
    return tryGit(r, ['push', '-q', 'origin', `${standIn}:refs/replace/${published}`]);
  }

  test('git alone lets it through: the server then shows the stand-in in place of the published commit', async () => {
    const { r, remote, published } = await served(false);
    expect(pushReplacement(r, published).code).toBe(0);
    const shown = spawnSync('git', ['show', '-s', '--format=%H %s', published], {
      cwd: remote,
      env: r.env,
      encoding: 'utf8',
    });
    expect(shown.stdout).toContain(published); // same id, ...
    expect(
      spawnSync('git', ['ls-tree', '--name-only', published], { cwd: remote, env: r.env, encoding: 'utf8' }).stdout,
    ).toContain('payload.txt'); // ... other content
  });

  test("gitguard's hook refuses it in one line naming the ref (before: accepted), and accepts its deletion", async () => {
    const { r, remote, published } = await served(true);
    const push = pushReplacement(r, published);
    expect(push.code).not.toBe(0);
    expect(push.stderr).toMatch(new RegExp(`remote: gitguard: rejected: refs/replace/${published}: a replace ref`));
    expect(remoteRefs(r, remote)).not.toContain('refs/replace/');
    // Deleting one (planted before the hook, say) takes a replacement away: accepted.
    const del = await runMain(['hook', 'run', 'pre-receive'], {
      cwd: remote,
      env: r.env,
      input: `${published} ${'0'.repeat(40)} refs/replace/${published}\n`,
    });
    expect(del.code).toBe(0);
  });
});
