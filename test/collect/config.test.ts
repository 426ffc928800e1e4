// Config is read with scope and origin, includes followed as git follows them.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectConfig, parseConfigList } from '../../src/collect/config.js';
import { normaliseKey } from '../../src/domain/config.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { makeRepo, cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

describe('collectConfig', () => {
  test('reports global, local, worktree and command-line entries with their scope and file', async () => {
    const r = makeRepo({ globalConfig: '[transfer]\n\tfsckObjects = false\n' });
    r.commit('one');
    r.run(['config', 'http.sslVerify', 'false']);
    r.run(['config', 'extensions.worktreeConfig', 'true']);
    r.run(['config', '--worktree', 'core.protectNTFS', 'false']);
    const info = await discoverRepository(r.dir);
    const env = { ...r.env, GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'safe.directory', GIT_CONFIG_VALUE_0: '*' };
    const config = await collectConfig(info, env);
    const find = (key: string) => config.find((e) => e.key === key);
    expect(find('transfer.fsckobjects')).toMatchObject({
      value: 'false',
      scope: 'global',
      origin: `file:${join(r.home, '.gitconfig')}`,
    });
    expect(find('http.sslverify')).toMatchObject({
      value: 'false',
      scope: 'local',
      origin: `file:${join(r.dir, '.git', 'config')}`,
    });
    expect(find('core.protectntfs')).toMatchObject({ value: 'false', scope: 'worktree' });
    expect(find('safe.directory')).toMatchObject({ value: '*', scope: 'command' });
    // gitguard's own overrides never show up as the user's command-line config.
    expect(config.filter((e) => e.scope === 'command').map((e) => e.key)).toEqual(['safe.directory']);
  });

  test('follows include.path and includeIf gitdir, naming the included file', async () => {
    const r = makeRepo();
    const inc = join(r.home, 'extra.inc');
    const cond = join(r.home, 'cond.inc');
    writeFileSync(inc, '[credential]\n\thelper = store\n');
    writeFileSync(cond, '[http]\n\tsslVerify = no\n');
    writeFileSync(
      join(r.home, '.gitconfig'),
      `[include]\n\tpath = ${inc}\n[includeIf "gitdir:${r.dir}/"]\n\tpath = ${cond}\n`,
    );
    const config = await collectConfig(await discoverRepository(r.dir), r.env);
    expect(config.find((e) => e.key === 'credential.helper')).toMatchObject({
      value: 'store',
      scope: 'global',
      origin: `file:${inc}`,
    });
    expect(config.find((e) => e.key === 'http.sslverify')).toMatchObject({ value: 'no', origin: `file:${cond}` });
  });

  test("reads a bare repository's config", async () => {
    const r = makeRepo({ bare: true });
    execFileSync('git', ['config', 'receive.fsckObjects', 'false'], { cwd: r.dir, env: r.env });
    const config = await collectConfig(await discoverRepository(r.dir), r.env);
    expect(config.find((e) => e.key === 'receive.fsckobjects')).toMatchObject({ value: 'false', scope: 'local' });
    expect(config.find((e) => e.key === 'core.bare')?.value).toBe('true');
  });
});

describe('parsing', () => {
  test('keeps subsection case but folds section and variable', () => {
    expect(normaliseKey('HTTP.https://Example.com/.SSLVerify')).toBe('http.https://Example.com/.sslverify');
    expect(normaliseKey('Core.Bare')).toBe('core.bare');
  });
  test('parses a key without a value as boolean true (null)', () => {
    expect(parseConfigList('local\0file:.git/config\0core.bare\0local\0file:.git/config\0user.name\nA B\0')).toEqual([
      { key: 'core.bare', value: null, scope: 'local', origin: 'file:.git/config' },
      { key: 'user.name', value: 'A B', scope: 'local', origin: 'file:.git/config' },
    ]);
  });
});
