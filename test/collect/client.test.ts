// Client version collection never runs a program from the audited repository.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectClient, findOnPath, insideRepository } from '../../src/collect/client.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';

afterAll(cleanupTemp);

let repo: TestRepo;
let marker: string;
beforeAll(() => {
  repo = makeRepo();
  repo.commit('first', { 'a.txt': 'a\n' });
  marker = join(repo.home, 'planted-gpg-ran');
  mkdirSync(join(repo.dir, 'bin'));
  for (const name of ['gpg', 'git-lfs']) {
    const p = join(repo.dir, 'bin', name);
    writeFileSync(p, `#!/bin/sh\ntouch "${marker}"\necho "gpg (GnuPG) 9.9.9"\n`);
    chmodSync(p, 0o755);
  }
});

describe('collectClient', () => {
  test('reports but does not run a global gpg.program that lives inside the repository', async () => {
    repo.run(['config', '--global', 'gpg.program', join(repo.dir, 'bin', 'gpg')]);
    const info = await discoverRepository(repo.dir);
    const tools = await collectClient({ repository: info, env: repo.env });
    const planted = tools.find((t) => t.program === join(repo.dir, 'bin', 'gpg'));
    expect(planted).toMatchObject({ tool: 'gpg', raw: '', notRun: 'it lives inside the audited repository' });
    expect(planted?.source).toMatch(/^gpg\.program in .*\(global\)$/);
    expect(existsSync(marker)).toBe(false);
    repo.run(['config', '--global', '--unset', 'gpg.program']);
  });

  test('skips PATH entries inside the repository', () => {
    const path = `${join(repo.dir, 'bin')}:/usr/bin:/bin`;
    const repoInfo = {
      path: repo.dir,
      gitDir: join(repo.dir, '.git'),
      commonDir: join(repo.dir, '.git'),
      workTree: repo.dir,
      bare: false,
      shallow: false,
      objectFormat: 'sha1' as const,
    };
    expect(findOnPath('gpg', repoInfo, path)).not.toBe(join(repo.dir, 'bin', 'gpg'));
    expect(findOnPath('gpg', undefined, path)).toBe(join(repo.dir, 'bin', 'gpg'));
    expect(findOnPath('gpg', repoInfo, `bin:relative/dir`)).toBeUndefined();
    expect(insideRepository(join(repo.dir, 'x', 'y'), repoInfo)).toBe(true);
    expect(insideRepository(`${repo.dir}-sibling/gpg`, repoInfo)).toBe(false);
  });

  test('finds the installed git and reports where it came from', async () => {
    const tools = await collectClient();
    const git = tools.find((t) => t.tool === 'git');
    expect(git?.raw).toMatch(/^git version \d+\.\d+/);
    expect(git?.source).toBe('PATH');
  });
});

describe('collectClient and gpg.ssh.program', () => {
  test('reports but does not run a global gpg.ssh.program inside the repository', async () => {
    const r = makeRepo();
    r.commit('first', { 'a.txt': 'a\n' });
    const planted = join(r.dir, 'tools', 'ssh-keygen');
    mkdirSync(join(r.dir, 'tools'));
    writeFileSync(planted, `#!/bin/sh\ntouch "${join(r.home, 'ran')}"\n`);
    chmodSync(planted, 0o755);
    r.run(['config', '--global', 'gpg.ssh.program', planted]);
    const tools = await collectClient({ repository: await discoverRepository(r.dir), env: r.env });
    expect(tools.find((t) => t.program === planted)).toMatchObject({
      tool: 'ssh-keygen',
      raw: '',
      notRun: 'it lives inside the audited repository',
    });
    expect(existsSync(join(r.home, 'ran'))).toBe(false);
  });
});
