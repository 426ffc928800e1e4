// git's config syntax as config-syntax.ts reads it, against git's own reading of the same files, and
// the include checks built on it: an include git follows is never one gitguard misses, and a config
// that includes itself many times over costs gitguard no more than it costs git.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigText } from '../../src/collect/config-syntax.js';
import { assertGitDirReadable } from '../../src/collect/object-store.js';
import { ExpectedError } from '../../src/errors.js';
import { cleanupTemp, tempDir } from '../helpers/repo.js';

afterAll(cleanupTemp);

/** What git reads from a config file alone: key=value (a bare key: just the key), one per entry; undefined when git refuses the file. */
function gitReads(file: string): string[] | undefined {
  const res = spawnSync('git', ['config', '--file', file, '--no-includes', '--list', '-z'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: tempDir(), GIT_CONFIG_NOSYSTEM: '1' },
  });
  if (res.status !== 0) return undefined;
  return res.stdout
    .split('\0')
    .filter(Boolean)
    .map((e) => {
      const nl = e.indexOf('\n');
      return nl === -1 ? e : `${e.slice(0, nl)}=${e.slice(nl + 1)}`;
    });
}

const CONFIGS = [
  '[include]path=/x/a\n',
  '[include]\n\tpath = "/x/"b\n',
  '[include]\n\tpath = /x/\\\nc\n',
  '[INCLUDE] PATH = /x/d ; comment\n',
  '[includeIf "gitdir:/\\"q\\"/"]\n\tpath = "e # not a comment"\n',
  '[a "b"]k = one\\ttwo\\nthree\\\\ "  spaced  " # c\n[a.B]\n\tflag\n',
  '\uFEFF[core]\r\n\tx = 1\r\n\ty=\n',
  '# c\n; c\n[s]\n\tk = v\\',
];

describe('parseConfigText reads what git reads', () => {
  test.each(CONFIGS)('%j', (text) => {
    const file = join(tempDir(), 'config');
    writeFileSync(file, text);
    const git = gitReads(file);
    expect(git).toBeDefined();
    const ours = parseConfigText(text).map((e) => (e.value === undefined ? e.key : `${e.key}=${e.value}`));
    // git lower-cases the name and section as we do; --list prints the subsection as written
    expect(ours).toEqual(git);
  });

  test('a syntax error ends the entries where git stops', () => {
    for (const text of ['[a]\n\tk = v\n\tbad ; c\n\tz = 1\n', '[a]\n\tk = "open\n', '[a]\n\tk = \\q\n', '[a "x]\n']) {
      const file = join(tempDir(), 'config');
      writeFileSync(file, text);
      expect(gitReads(file)).toBeUndefined();
      expect(parseConfigText(text).length).toBeLessThanOrEqual(1);
    }
  });
});

describe('the files a config includes are checked as git reads the config', () => {
  const refusal = (gitDir: string): string | undefined => {
    try {
      assertGitDirReadable(gitDir);
      return undefined;
    } catch (err) {
      expect(err).toBeInstanceOf(ExpectedError);
      return (err as Error).message;
    }
  };

  test('a FIFO behind a same-line, a quoted-in-pieces or a continued path: refused, naming it (before: git blocked 30 s)', () => {
    const spellings = (f: string): string[] => {
      const [head, tail] = [f.slice(0, -2), f.slice(-2)];
      return [`[include]path=${f}`, `[include]\n\tpath = "${head}"${tail}`, `[include]\n\tpath = ${head}\\\n${tail}`];
    };
    for (const n of [0, 1, 2]) {
      const dir = tempDir();
      execFileSync('git', ['init', '-q', dir]);
      const fifo = join(dir, '.git', 'trap');
      execFileSync('mkfifo', [fifo]);
      appendFileSync(join(dir, '.git', 'config'), `${spellings(fifo)[n]}\n`);
      expect(refusal(dir)).toContain(fifo);
    }
  });

  test('a config that includes itself fifty times: checked at once (before: 50^10 reads, the audit never ended)', () => {
    const dir = tempDir();
    execFileSync('git', ['init', '-q', dir]);
    mkdirSync(join(dir, '.git', 'more'));
    appendFileSync(
      join(dir, '.git', 'config'),
      `[include]\n${'\tpath = config\n\tpath = more/../config\n'.repeat(25)}`,
    );
    expect(refusal(dir)).toBeUndefined();
    // still followed: a FIFO at the end of the loop is found
    execFileSync('mkfifo', [join(dir, '.git', 'more', 'trap')]);
    appendFileSync(join(dir, '.git', 'config'), '\tpath = more/trap\n');
    expect(refusal(dir)).toContain(join(dir, '.git', 'more', 'trap'));
  });
});
