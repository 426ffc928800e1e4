// `gitguard hook install|uninstall` with real git: real `git push` to a local bare repository through
// the installed hook, chaining to the hook that was there before.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, tempDir, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, signedCommit, type SshTestKey } from '../helpers/ssh.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';
import { installHook } from '../../src/engine/hook-install.js';
import { checkHookMarker } from '../../src/collect/hook-marker.js';
import { gitAsync, inProcessHooks, stopHookBridge } from '../helpers/hook-bridge.js';

let alice: SshTestKey;
beforeAll(async () => {
  alice = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-hooks-')), 'ed25519', 'alice');
});
afterAll(async () => {
  await stopHookBridge();
  cleanupTemp();
});

const ZERO = '0'.repeat(40);

/** git push (or any git command) without throwing: exit code and stderr. */
function git(r: TestRepo, args: string[], cwd = r.dir): { code: number; stderr: string } {
  const res = spawnSync('git', args, { cwd, env: r.env, encoding: 'utf8', timeout: 60_000 });
  return { code: res.status ?? -1, stderr: res.stderr };
}

/** A repository whose policy (signed by alice, its first commit) makes alice the only signer, with a bare remote. */
function protectedRepo(): { r: TestRepo; remote: string } {
  const r = makeRepo();
  r.write({
    '.gitguard/policy.yml':
      'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\nmaintainers: [Alice]\n',
    '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\n`,
  });
  r.run(['add', '-A']);
  signedCommit(r, alice, 'policy: alice signs');
  const remote = join(tempDir(), 'remote.git');
  r.run(['init', '-q', '--bare', remote]);
  r.run(['remote', 'add', 'origin', remote]);
  return { r, remote };
}

describe('a pre-push hook installed over an existing one', () => {
  let r: TestRepo;
  let remote: string;
  const marker = (): string => join(r.home, 'old-hook-ran');
  let hookPath: string;
  let original: Buffer;
  beforeAll(async () => {
    ({ r, remote } = protectedRepo());
    hookPath = join(r.dir, '.git', 'hooks', 'pre-push');
    // The old hook records its arguments and its stdin, so we can tell it got git's input unchanged.
    writeFileSync(hookPath, `#!/bin/sh\n# a team's own pre-push hook\n{ echo "args: $*"; cat; } > '${marker()}'\n`);
    chmodSync(hookPath, 0o750);
    original = readFileSync(hookPath);
  });

  test('install keeps the old hook beside it and writes a marked, executable hook', async () => {
    const res = await runMain(['hook', 'install', '-C', r.dir], { env: r.env });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('pre-push.gitguard-chained');
    expect(readFileSync(`${hookPath}.gitguard-chained`)).toEqual(original);
    expect(checkHookMarker(readFileSync(hookPath, 'utf8'))).toBe('valid');
    expect(statSync(hookPath).mode & 0o111).toBe(0o111);
    const audit = await runMain(['audit', r.dir, '--format', 'json', '--rule', 'gitguard-hook-installed'], {
      env: r.env,
    });
    expect(resultOf(parseJson(audit), 'gitguard-hook-installed').outcome).toBe('pass');
  });

  test('a push of signed, authorized commits goes through, and the old hook ran with the same arguments and input', async () => {
    const tip = signedCommit(r, alice, 'feature, signed by alice');
    const push = git(r, ['push', '-q', 'origin', 'main']);
    expect(push.stderr).toMatch(/gitguard pre-push: 2 new commit\(s\) checked, 0 rule\(s\) failed/);
    expect(push.code).toBe(0);
    expect(git(r, ['rev-parse', 'main'], remote).code).toBe(0);
    expect(spawnSync('git', ['rev-parse', 'main'], { cwd: remote, env: r.env, encoding: 'utf8' }).stdout.trim()).toBe(
      tip,
    );
    expect(readFileSync(marker(), 'utf8')).toBe(
      `args: origin ${remote}\nrefs/heads/main ${tip} refs/heads/main ${ZERO}\n`,
    );
  });

  test('a push of an unsigned commit to the protected branch is refused by gitguard, and the old hook still ran', async () => {
    rmSync(marker(), { force: true });
    const before = spawnSync('git', ['rev-parse', 'main'], { cwd: remote, env: r.env, encoding: 'utf8' }).stdout.trim();
    const unsigned = signedCommit(r, undefined, 'nobody signs this');
    const push = git(r, ['push', '-q', 'origin', 'main']);
    expect(push.code).not.toBe(0);
    expect(push.stderr).toMatch(/gitguard: commits-signed: /);
    expect(push.stderr).toMatch(/gitguard pre-push: push to origin .* blocked/);
    expect(spawnSync('git', ['rev-parse', 'main'], { cwd: remote, env: r.env, encoding: 'utf8' }).stdout.trim()).toBe(
      before,
    );
    expect(readFileSync(marker(), 'utf8')).toContain(`refs/heads/main ${unsigned} refs/heads/main ${before}`);
    r.run(['reset', '-q', '--hard', 'HEAD~1']);
  });

  test('uninstall restores the old hook byte for byte, with its mode', async () => {
    const res = await runMain(['hook', 'uninstall', '-C', r.dir], { env: r.env });
    expect(res.code).toBe(0);
    expect(readFileSync(hookPath)).toEqual(original);
    expect(statSync(hookPath).mode & 0o777).toBe(0o750);
    expect(existsSync(`${hookPath}.gitguard-chained`)).toBe(false);
  });
});

describe('where the hook goes', () => {
  test('into the common git dir when installed from a linked worktree', async () => {
    const r = makeRepo();
    r.commit('first');
    const wt = join(tempDir(), 'wt');
    r.run(['worktree', 'add', '-q', '-b', 'side', wt]);
    expect((await runMain(['hook', 'install', '-C', wt], { env: r.env })).code).toBe(0);
    expect(checkHookMarker(readFileSync(join(r.dir, '.git', 'hooks', 'pre-push'), 'utf8'))).toBe('valid');
  });

  test("into the folder core.hooksPath names (husky's .husky/_), with a note to use .husky/pre-push instead", async () => {
    const r = makeRepo();
    r.run(['config', 'core.hooksPath', '.husky/_']);
    const res = await runMain(['hook', 'install', '-C', r.dir], { env: r.env });
    expect(res.code).toBe(0);
    expect(checkHookMarker(readFileSync(join(r.dir, '.husky', '_', 'pre-push'), 'utf8'))).toBe('valid');
    expect(res.stdout).toContain('.husky/pre-push');
    expect(existsSync(join(r.dir, '.git', 'hooks', 'pre-push'))).toBe(false);
  });

  test('refuses to replace a gitguard hook someone edited (exit 2, one line) unless --force', async () => {
    const r = makeRepo();
    expect((await runMain(['hook', 'install', '-C', r.dir], { env: r.env })).code).toBe(0);
    const hook = join(r.dir, '.git', 'hooks', 'pre-push');
    writeFileSync(hook, `${readFileSync(hook, 'utf8')}exit 0\n`);
    const res = await runMain(['hook', 'install', '-C', r.dir], { env: r.env });
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain('edited');
    expect((await runMain(['hook', 'install', '-C', r.dir, '--force'], { env: r.env })).code).toBe(0);
    expect(checkHookMarker(readFileSync(hook, 'utf8'))).toBe('valid');
  });

  test('--server installs a pre-receive hook in a bare repository and refuses a non-bare one', async () => {
    const bare = makeRepo({ bare: true });
    expect((await runMain(['hook', 'install', '--server', '-C', bare.dir], { env: bare.env })).code).toBe(0);
    const hook = readFileSync(join(bare.dir, 'hooks', 'pre-receive'), 'utf8');
    expect(checkHookMarker(hook)).toBe('valid');
    expect(hook).toContain('hook run pre-receive');
    const audit = await runMain(['audit', bare.dir, '--format', 'json', '--rule', 'server-hook-installed'], {
      env: bare.env,
    });
    expect(resultOf(parseJson(audit), 'server-hook-installed').outcome).toBe('pass');
    const work = makeRepo();
    expect((await runMain(['hook', 'install', '--server', '-C', work.dir], { env: work.env })).code).toBe(2);
  });
});

describe('the server-side pre-receive hook', () => {
  // gitguard answers in this process (helpers/hook-bridge.ts); server-protections.test.ts pushes
  // through a pre-receive hook that runs the built binary.
  test('refuses a push of an unsigned commit and accepts signed, authorized ones', async () => {
    const { r, remote } = protectedRepo();
    const installed = await runMain(['hook', 'install', '--server', '-C', remote], {
      env: r.env,
      ...(await inProcessHooks()),
    });
    expect(installed.code).toBe(0);
    const good = signedCommit(r, alice, 'signed by alice');
    expect((await gitAsync(r, ['push', '-q', 'origin', 'main'])).code).toBe(0);
    signedCommit(r, undefined, 'nobody signs this');
    const push = await gitAsync(r, ['push', '-q', 'origin', 'main']);
    expect(push.code).not.toBe(0);
    expect(push.stderr).toMatch(/remote: .*gitguard/);
    expect(spawnSync('git', ['rev-parse', 'main'], { cwd: remote, env: r.env, encoding: 'utf8' }).stdout.trim()).toBe(
      good,
    );
  });
});

describe('under the pre-commit framework', () => {
  test('hook run pre-push reads the ref update from the PRE_COMMIT_* variables when stdin is empty', async () => {
    const { r } = protectedRepo();
    expect(git(r, ['push', '-q', '--no-verify', 'origin', 'main']).code).toBe(0);
    const from = r.head();
    const to = signedCommit(r, undefined, 'nobody signs this');
    const env = {
      ...r.env,
      PRE_COMMIT_REMOTE_NAME: 'origin',
      PRE_COMMIT_REMOTE_URL: 'x',
      PRE_COMMIT_FROM_REF: from,
      PRE_COMMIT_TO_REF: to,
      PRE_COMMIT_LOCAL_BRANCH: 'refs/heads/main',
      PRE_COMMIT_REMOTE_BRANCH: 'refs/heads/main',
    };
    const res = await runMain(['hook', 'run', 'pre-push'], { cwd: r.dir, env });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/gitguard pre-push: 1 new commit\(s\) checked/);
  });
});

describe('when gitguard is missing', () => {
  test('the hook refuses the push and says how to install gitguard or skip once with --no-verify', async () => {
    const { r, remote } = protectedRepo();
    const bin = join(tempDir(), 'bin');
    mkdirSync(bin);
    await installHook({
      path: r.dir,
      env: r.env,
      gitguard: { node: join(bin, 'node-that-is-gone'), bin: join(bin, 'gitguard-that-is-gone.js') },
    });
    const env = { ...r.env, PATH: `${bin}:/usr/bin:/bin` }; // no gitguard on PATH
    const push = spawnSync('git', ['push', '-q', 'origin', 'main'], { cwd: r.dir, env, encoding: 'utf8' });
    expect(push.status).not.toBe(0);
    expect(push.stderr).toContain('gitguard: not found');
    expect(push.stderr).toContain('npm install -g');
    expect(push.stderr).toContain('git push --no-verify');
    expect(
      spawnSync('git', ['rev-parse', '--verify', '-q', 'main'], { cwd: remote, env, encoding: 'utf8' }).status,
    ).not.toBe(0);
    expect(
      spawnSync('git', ['push', '-q', '--no-verify', 'origin', 'main'], { cwd: r.dir, env, encoding: 'utf8' }).status,
    ).toBe(0);
  });
});
