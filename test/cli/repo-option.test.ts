// Every command takes the repository as -C PATH (audit, baseline write and ledger show also as a
// positional [path]), run from a folder that is not a repository so that "." would fail.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, tempDir, type TestRepo } from '../helpers/repo.js';
import { hasStackTrace, parseJson, runMain, stderrLines } from '../helpers/cli.js';

afterAll(cleanupTemp);

let repo: TestRepo;
let outside: string;
beforeAll(async () => {
  repo = makeRepo();
  repo.commit('first');
  repo.commit('second');
  outside = tempDir('gitguard-not-a-repo-');
});

const run = async (args: string[], _input?: string) => await runMain(args, { cwd: outside, env: repo.env });

describe('-C PATH on every command', () => {
  test('audit -C PATH audits that repository, like audit PATH', async () => {
    const withC = await run(['audit', '-C', repo.dir, '--format', 'json', '--rule', 'objects-intact', '--no-ledger']);
    expect(withC.code).toBe(0);
    expect(parseJson(withC).repository.path).toBe(repo.dir);
    const positional = await run(['audit', repo.dir, '--format', 'json', '--rule', 'objects-intact', '--no-ledger']);
    expect(parseJson(positional).repository.path).toBe(repo.dir);
    // The same repository given both ways is fine; two different ones are an error, one line, exit 2.
    expect((await run(['audit', repo.dir, '-C', repo.dir, '--rule', 'objects-intact', '--no-ledger'])).code).toBe(0);
    const two = await run(['audit', repo.dir, '-C', outside, '--rule', 'objects-intact']);
    expect(two.code).toBe(2);
    expect(stderrLines(two)).toEqual([
      expect.stringMatching(/^gitguard: two repositories given: .*; give the repository once/),
    ]);
    expect(hasStackTrace(two)).toBe(false);
  });

  test('without -C the current folder is used (here: not a repository, exit 2)', async () => {
    const r = await run(['audit', '--rule', 'objects-intact']);
    expect(r.code).toBe(2);
    expect(stderrLines(r)).toHaveLength(1);
  });

  test('-C PATH before the command, as with git -C', async () => {
    const r = await run(['-C', repo.dir, 'verify']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(repo.head());
    const a = await run(['-C', repo.dir, 'audit', '--format', 'json', '--rule', 'objects-intact', '--no-ledger']);
    expect(parseJson(a).repository.path).toBe(repo.dir);
  });

  test('verify -C PATH', async () => {
    const r = await run(['verify', '-C', repo.dir]);
    expect(r.code).toBe(1); // unsigned commits
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(r.stdout).toContain(repo.head());
  });

  test('rules -C PATH is accepted (the rule list does not depend on the repository)', async () => {
    const r = await run(['rules', '-C', repo.dir, '--format', 'json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { rules: unknown[] }).rules.length).toBeGreaterThan(10);
  });

  test('baseline write FILE -C PATH', async () => {
    const file = join(outside, 'baseline.json');
    const r = await run(['baseline', 'write', file, '-C', repo.dir, '--rule', 'commits-signed', '--no-cache']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote 2 finding\(s\) of 1 rule\(s\)/);
    expect(existsSync(file)).toBe(true);
  });

  test('ledger show -C PATH and ledger accept -C PATH', async () => {
    const show = await run(['ledger', 'show', '-C', repo.dir]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(join(repo.dir, '.git', 'gitguard', 'ledger.json'));
    const accept = await run(['ledger', 'accept', 'refs/heads/main', '-C', repo.dir, '--reason', 'test']);
    expect(accept.code).toBe(0);
    expect((await run(['ledger', 'show', '-C', repo.dir, '--format', 'json'])).stdout).toContain(repo.head());
  });

  test('hook install / run pre-push / uninstall -C PATH', async () => {
    const install = await run(['hook', 'install', '-C', repo.dir]);
    expect(install.code).toBe(0);
    const hook = join(repo.dir, '.git', 'hooks', 'pre-push');
    expect(readFileSync(hook, 'utf8')).toContain('gitguard-hook v1');
    const push = await run(['hook', 'run', 'pre-push', 'origin', 'https://example.invalid/x.git', '-C', repo.dir], '');
    expect(push.code).toBe(0);
    expect((await run(['hook', 'uninstall', '-C', repo.dir])).code).toBe(0);
    expect(existsSync(hook)).toBe(false);
  });

  test('hook install --server and hook run pre-receive -C PATH on a bare repository', async () => {
    const bare = makeRepo({ bare: true });
    expect((await runMain(['hook', 'install', '--server', '-C', bare.dir], { cwd: outside, env: bare.env })).code).toBe(
      0,
    );
    expect(existsSync(join(bare.dir, 'hooks', 'pre-receive'))).toBe(true);
    const r = await runMain(['hook', 'run', 'pre-receive', '-C', bare.dir], { cwd: outside, env: bare.env });
    expect(r.code).toBe(0);
  });

  test('init -C PATH writes the policy into that repository', async () => {
    const r = await run(['init', '-C', repo.dir]);
    expect(r.code).toBe(0);
    expect(existsSync(join(repo.dir, '.gitguard', 'policy.yml'))).toBe(true);
    expect(existsSync(join(outside, '.gitguard'))).toBe(false);
  });
});
