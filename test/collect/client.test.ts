// Client version collection never runs a program from the audited repository.
import { appendFileSync, chmodSync, existsSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectClient, findOnPath, insideRepository } from '../../src/collect/client.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { makeRepo, cleanupTemp, tempDir, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

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

// The programs git runs for a repository come from its config too: gpg.program and gpg.ssh.program
// sign and verify, core.sshCommand carries ssh:// fetches and pushes. The user's own (global) are
// judged; the audited repository's own (local) are never run, only reported, unless they are the
// very file judged already.
describe('collectClient and the programs the config names', () => {
  let r: TestRepo;
  let info: Awaited<ReturnType<typeof discoverRepository>>;
  let ran: string;
  const outside = (name: string, printed: string, stderr = false): string => {
    const dir = tempDir('gitguard-named-');
    const p = join(dir, name);
    writeFileSync(p, `#!/bin/sh\ntouch "${ran}"\necho "${printed}"${stderr ? ' >&2' : ''}\n`);
    chmodSync(p, 0o755);
    return p;
  };
  beforeAll(async () => {
    r = makeRepo();
    r.commit('first', { 'a.txt': 'a\n' });
    ran = join(r.home, 'named-program-ran');
    info = await discoverRepository(r.dir);
  });
  afterEach(() => {
    rmSync(ran, { force: true });
    for (const scope of ['--local', '--global'])
      for (const key of ['gpg.program', 'gpg.ssh.program', 'core.sshCommand'])
        try {
          r.run(['config', scope, '--unset-all', key]);
        } catch {
          // not set
        }
  });
  const collect = () => collectClient({ repository: info, env: r.env });

  test("a local gpg.program or core.sshCommand outside the repository is reported, not run, and not taken for PATH's", async () => {
    const gpg = outside('gpg', 'gpg (GnuPG) 2.4.9');
    const ssh = outside('ssh', 'OpenSSH_10.9p1, OpenSSL 3.0.0', true);
    r.run(['config', '--local', 'gpg.program', gpg]);
    r.run(['config', '--local', 'core.sshCommand', `${ssh} -o BatchMode=yes`]);
    const tools = await collect();
    for (const [tool, program, key] of [
      ['gpg', gpg, 'gpg\\.program'],
      ['ssh', ssh, 'core\\.sshCommand'],
    ] as const)
      expect(tools.find((t) => t.program === program)).toMatchObject({
        tool,
        raw: '',
        source: expect.stringMatching(new RegExp(`^${key} in .*\\(local\\)$`)),
        notRun: expect.stringMatching(/repository's own config names it/),
      });
    expect(existsSync(ran)).toBe(false);
  });

  test('a local gpg.program naming the gpg judged already (same file) adds nothing', async () => {
    const onPath = findOnPath('gpg');
    if (!onPath) return;
    const before = await collect();
    r.run(['config', '--local', 'gpg.program', realpathSync(onPath)]);
    r.run(['config', '--local', 'core.sshCommand', 'ssh -o BatchMode=yes']);
    const after = await collect();
    expect(after.map((t) => [t.tool, t.program, t.notRun])).toEqual(before.map((t) => [t.tool, t.program, t.notRun]));
  });

  test("the user's global core.sshCommand is the ssh git runs: it is judged by what it prints", async () => {
    const ssh = outside('ssh', 'OpenSSH_7.4p1, OpenSSL 1.0.2k-fips', true);
    r.run(['config', '--global', 'core.sshCommand', `${ssh} -i ~/.ssh/deploy`]);
    const tools = await collect();
    expect(tools.find((t) => t.program === ssh)).toMatchObject({
      tool: 'ssh',
      raw: 'OpenSSH_7.4p1, OpenSSL 1.0.2k-fips',
      source: expect.stringMatching(/^core\.sshCommand in .*\(global\)$/),
    });
    const json = parseJson(
      await runMain(['audit', '-r', 'ssh-client-patched', '--format', 'json', r.dir], { env: r.env }),
    );
    const rule = resultOf(json, 'ssh-client-patched');
    expect(rule.outcome).toBe('fail');
    expect(rule.findings.some((f) => f.evidence?.['program'] === ssh)).toBe(true);
  });

  test('a core.sshCommand whose program only a shell can tell is reported unjudged, not run', async () => {
    const ssh = outside('ssh', 'OpenSSH_7.4p1', true);
    r.run(['config', '--global', 'core.sshCommand', `"${ssh}" -o "ProxyCommand=nc %h %p"`]);
    const named = (await collect()).filter((t) => t.source?.startsWith('core.sshCommand'));
    expect(named).toEqual([expect.objectContaining({ tool: 'ssh', raw: '', notRun: expect.stringMatching(/shell/) })]);
    expect(existsSync(ran)).toBe(false);
  });
  test('a 200 kB core.sshCommand is reported shortened, never looked up whole', async () => {
    appendFileSync(join(r.dir, '.git', 'config'), `[core]\n\tsshCommand = ${'a'.repeat(200_000)}\n`);
    const named = (await collect()).filter((t) => t.source?.startsWith('core.sshCommand'));
    expect(named).toEqual([expect.objectContaining({ tool: 'ssh', notRun: expect.stringMatching(/longer than/) })]);
    expect(named[0]!.program.length).toBeLessThan(200);
  });
});
