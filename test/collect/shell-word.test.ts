// shellWord (domain/shell-word.ts) against a real POSIX shell: every word it writes, given to
// /bin/sh as one command line, comes back as exactly the string it quoted, and runs nothing. The
// hints gitguard prints (a ref name in `gitguard ledger accept`, `git rev-parse`, a config key in
// `git config --unset-all`) are copied into shells, and a hostile repository picks those names.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { shellWord } from '../../src/domain/shell-word.js';

/** What /bin/sh makes of `printf '%s\0' <words...>`, run in `dir`: the words it received. */
function throughShell(words: string[], dir: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${words.map(shellWord).join(' ')}`], {
    cwd: dir,
    encoding: 'latin1',
  });
  return out.split('\0').slice(0, -1);
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gitguard-shell-word-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('plain words are left as they are; anything else is one single-quoted word', () => {
  expect(shellWord('refs/heads/main')).toBe('refs/heads/main');
  expect(shellWord('core.fsmonitor')).toBe('core.fsmonitor');
  expect(shellWord('/srv/git/my repo')).toBe(`'/srv/git/my repo'`);
  expect(shellWord('refs/heads/x$(touch${IFS}pwned)')).toBe(`'refs/heads/x$(touch\${IFS}pwned)'`);
  expect(shellWord(`it's`)).toBe(`'it'\\''s'`);
  expect(shellWord('')).toBe(`''`);
});

test('hostile names (command substitution, ;, |, backquotes, quotes, globs, ~) reach the command whole and run nothing', () => {
  const names = [
    'refs/heads/x$(touch${IFS}pwned)',
    'refs/heads/a;touch pwned',
    'refs/heads/`touch pwned`',
    "remote.a'$(touch pwned)'.vcs",
    'refs/heads/a|touch pwned',
    'refs/heads/a&&touch pwned',
    'x"$(touch pwned)"',
    '~root',
    '*',
    '-n',
    'a\nb',
  ];
  expect(throughShell(names, dir)).toEqual(names);
  expect(existsSync(join(dir, 'pwned'))).toBe(false);
});

test('property: any string without NUL comes back from /bin/sh unchanged (500 strings, one shell)', () => {
  const strings = fc.sample(
    fc.string({ unit: 'binary-ascii', maxLength: 24 }).filter((s) => !s.includes('\0')),
    {
      numRuns: 500,
      seed: 26,
    },
  );
  expect(throughShell(strings, dir)).toEqual(strings);
  expect(existsSync(join(dir, 'pwned'))).toBe(false);
});
