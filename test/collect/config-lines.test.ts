// The line that sets each config key, found in the file git named (git gives the file, not the line):
// the syntax variants git accepts, and real config written by real git.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, cleanupTemp } from '../helpers/repo.js';
import { collectConfig } from '../../src/collect/config.js';
import { configKeyLines, locateConfigLines } from '../../src/collect/config-lines.js';
import { discoverRepository } from '../../src/collect/repository.js';

afterAll(cleanupTemp);

describe('configKeyLines', () => {
  test('sections, subsections, same-line variables, continuations and comments', () => {
    const text = [
      '# comment', // 1
      '[core]', // 2
      '\tbare = false', // 3
      '  FsMonitor = "echo hi"  ; trailing', // 4
      '[http "https://Example.com/"] sslVerify', // 5: a variable on the header line
      '[url "git@x:"]', // 6
      '\tinsteadOf = https://x/ \\', // 7: continued...
      '\tinsteadOf = not a key', // 8: ...so this line sets nothing
      '[Remote.origin]', // 9: old syntax
      '\turl = https://a/b', // 10
      '; [core] fsmonitor = no', // 11: a comment
      '[core]', // 12
      '\tfsmonitor', // 13: no value: true
      '[a "q\\"uote"]', // 14
      'k = v', // 15
    ].join('\n');
    expect(configKeyLines(text)).toEqual([
      ['core.bare', 3],
      ['core.fsmonitor', 4],
      ['http.https://Example.com/.sslverify', 5],
      ['url.git@x:.insteadof', 7],
      ['remote.origin.url', 10],
      ['core.fsmonitor', 13],
      ['a.q"uote.k', 15],
    ]);
  });
});

describe('collectConfig gives every entry read from a file its line', () => {
  test('local and global files, repeated keys, the n-th entry on the n-th line', async () => {
    const repo = makeRepo({ globalConfig: '[http]\n\tsslVerify = false\n[http]\n\tsslVerify = true\n' });
    repo.run(['config', 'core.fsmonitor', 'echo planted']);
    repo.run(['config', '--add', 'remote.origin.url', 'https://a.example/x.git']);
    repo.run(['config', '--add', 'remote.origin.url', 'https://b.example/x.git']);
    const entries = await collectConfig(await discoverRepository(repo.dir), repo.env);
    const lineOf = (key: string, value: string) => entries.find((e) => e.key === key && e.value === value)!.line;
    const local = linesOf(join(repo.dir, '.git', 'config'));
    expect(lineOf('core.fsmonitor', 'echo planted')).toBe(local.indexOf('\tfsmonitor = echo planted') + 1);
    expect(lineOf('remote.origin.url', 'https://a.example/x.git')).toBe(
      local.indexOf('\turl = https://a.example/x.git') + 1,
    );
    expect(lineOf('remote.origin.url', 'https://b.example/x.git')).toBe(
      local.indexOf('\turl = https://b.example/x.git') + 1,
    );
    const global = linesOf(join(repo.home, '.gitconfig'));
    const ssl = entries.filter((e) => e.key === 'http.sslverify');
    expect(ssl.map((e) => e.line)).toEqual([
      global.indexOf('\tsslVerify = false') + 1,
      global.indexOf('\tsslVerify = true') + 1,
    ]);
    for (const e of entries.filter((x) => x.origin.startsWith('file:')))
      expect([e.key, e.line]).toEqual([e.key, expect.any(Number)]);
  });

  test('a FIFO or an unreadable file gets no line and never hangs', () => {
    const dir = makeRepo().home;
    const fifo = join(dir, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const file = join(dir, 'plain');
    writeFileSync(file, '[core]\n\tx = 1\n');
    const out = locateConfigLines(
      [
        { key: 'core.x', value: '1', scope: 'global', origin: `file:${fifo}` },
        { key: 'core.x', value: '1', scope: 'global', origin: `file:${file}` },
        { key: 'core.x', value: '1', scope: 'global', origin: `file:${join(dir, 'missing')}` },
        { key: 'core.x', value: '1', scope: 'command', origin: 'command line:' },
      ],
      dir,
    );
    expect(out.map((e) => e.line)).toEqual([undefined, 2, undefined, undefined]);
  });
});

const linesOf = (file: string): string[] => readFileSync(file, 'utf8').split('\n');
