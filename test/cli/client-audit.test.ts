// `gitguard audit --threat client` end to end with a git shim on PATH: a script named git that
// reports a chosen version for --version and runs the real git for everything else.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findOnPath } from '../../src/collect/client.js';
import { makeRepo, tempDir, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

const realGit = findOnPath('git');

/** A folder holding only a `git` that claims `version` and runs the real git otherwise. */
function shimDir(version: string): string {
  const dir = tempDir('gitguard-shim-');
  const shim = join(dir, 'git');
  writeFileSync(
    shim,
    `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "git version ${version}"; exit 0; fi\nexec "${realGit}" "$@"\n`,
  );
  chmodSync(shim, 0o755);
  return dir;
}

let repo: TestRepo;
beforeAll(async () => {
  repo = makeRepo();
  repo.commit('first', { 'a.txt': 'a\n' });
});

describe('gitguard audit --threat client', () => {
  test('fails with a git reporting 2.39.2, naming CVE-2023-25652 and CVE-2024-32002 and the fixed versions', async () => {
    const env = { ...repo.env, PATH: `${shimDir('2.39.2')}:${repo.env.PATH ?? process.env.PATH}` };
    const text = await runMain(['audit', '--threat', 'client', repo.dir], { env });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/FAIL\s+git-client-patched/);
    expect(text.stdout).toContain('git 2.39.2 is affected by');
    expect(text.stdout).toContain('CVE-2023-25652');
    expect(text.stdout).toContain('CVE-2024-32002');

    const json = parseJson(
      await runMain(['audit', '--threat', 'client', '--rule', 'git-client-patched', '--format', 'json', repo.dir], {
        env,
      }),
    );
    const result = resultOf(json, 'git-client-patched');
    const byId = new Map(result.findings.map((f) => [f.evidence?.['id'], f.evidence]));
    // From git's release notes: 2.39.3 fixed CVE-2023-25652 on the 2.39 line, 2.39.4 CVE-2024-32002.
    expect(byId.get('CVE-2023-25652')).toMatchObject({ version: '2.39.2', fixedOnLine: '2.39.3' });
    expect(byId.get('CVE-2024-32002')).toMatchObject({ version: '2.39.2', fixedOnLine: '2.39.4' });
    expect(result.note).toMatch(/upgrade to 2\.\d+\.\d+ \(overall\)/);
  });

  test('a program rewritten in place is asked its version again (the per-process memo cannot go stale)', async () => {
    const dir = shimDir('2.45.0');
    const args = ['audit', '--rule', 'git-client-patched', '--git', join(dir, 'git'), repo.dir];
    const before = await runMain(args, { env: repo.env });
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('fixed in 2.45.1 on the 2.45 line');
    // The same file, the same size, written again at once: only its content tells it apart.
    const shim = join(dir, 'git');
    writeFileSync(shim, readFileSync(shim, 'utf8').replace('2.45.0', '2.45.1'));
    const after = await runMain(args, { env: repo.env });
    expect(after.stdout).not.toContain('fixed in 2.45.1 on the 2.45 line');
    expect(after.stdout).toMatch(/2\.45\.1/);
  });

  test('--git PATH judges that git instead of the one on PATH', async () => {
    const shim = join(shimDir('2.45.0'), 'git');
    const r = await runMain(['audit', '--rule', 'git-client-patched', '--git', shim, repo.dir], { env: repo.env });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('CVE-2024-32002 (critical)');
    expect(r.stdout).toContain('fixed in 2.45.1 on the 2.45 line');
  });

  test('passes git-client-patched with a git reporting the newest release, 2.55.0', async () => {
    const env = { ...repo.env, PATH: `${shimDir('2.55.0')}:${repo.env.PATH ?? process.env.PATH}` };
    const r = await runMain(['audit', '--rule', 'git-client-patched', repo.dir], { env });
    expect(r.stdout).toMatch(/pass\s+git-client-patched/);
    expect(r.stdout).toContain('git 2.55.0: no known vulnerability');
    expect(r.code).toBe(0);
  });

  test('a missing gpg, ssh and git-lfs are clear skips, not errors', async () => {
    // PATH holds only the shim: no gpg, ssh or git-lfs can be found.
    const env = { ...repo.env, PATH: shimDir('2.55.0') };
    const r = await runMain(['audit', '--threat', 'client', '--format', 'json', repo.dir], { env });
    const json = parseJson(r);
    for (const id of ['gpg-client-patched', 'ssh-client-patched', 'git-lfs-client-patched']) {
      const res = resultOf(json, id);
      expect(res.outcome).toBe('not-available');
      expect(res.note).toMatch(/^skipped: .* not installed/);
    }
    expect(resultOf(json, 'git-client-patched').outcome).toBe('pass');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });
});
