// Red team 53: three places a push carries a token the scan did not read as git and its readers do.
// - A commit whose `encoding` header names ISO-2022-JP or UTF-16: git log prints its message, author
//   and committer decoded (pretty.c logmsg_reencode), other letters than the bytes `git cat-file -p`, a
//   push and a clone carry, and the commit-object pass took the message and names for ones the log
//   printed: a token in those bytes passed.
// - A token in a file's name (a tree entry, a folder's too): `git log --stat` and `git ls-tree` print
//   it, and the scan read only the lines files add.
// - A token split by a line continuation (a backslash before the line end, LF or CRLF): sh, Python,
//   C and make read one token; the scan read each line alone.
// Real git writes every object; git's own answer (log, cat-file -p, ls-tree) says what each shows.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMIT_MESSAGE, COMMIT_OBJECT, FILE_NAME } from '../../src/domain/content.js';
import { scanSecrets } from '../../src/collect/secrets/scan.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const f = new TokenFactory(5353);
const ESC = '\x1b';

/** The scan's findings over every branch, read in one log and with a log per commit (its readers deferred). */
async function leaks(r: TestRepo): Promise<string[][]> {
  const repo = await discoverRepository(r.dir);
  const tips = r.run(['for-each-ref', '--format=%(objectname)', 'refs/heads']).split('\n');
  const found = async (chunkCommits?: number): Promise<string[][]> =>
    (await scanSecrets(repo, tips, chunkCommits ? { chunkCommits } : {})).leaks
      .map((l) => [l.commit, l.path, String(l.line), l.kind])
      .sort();
  const whole = await found();
  expect(await found(1)).toEqual(whole);
  return whole;
}

/** A commit object written as given (git hash-object --literally) on a branch of its own, after main. */
function literal(r: TestRepo, branch: string, headers: string, message: Buffer | string): string {
  const tree = r.run(['rev-parse', 'main^{tree}']);
  const body = Buffer.concat([
    Buffer.from(`tree ${tree}\nparent ${r.run(['rev-parse', 'main'])}\n`),
    Buffer.from(headers, 'latin1'),
    Buffer.from('\n'),
    Buffer.isBuffer(message) ? message : Buffer.from(message, 'latin1'),
  ]);
  const oid = r.run(['hash-object', '-t', 'commit', '-w', '--literally', '--stdin'], { input: body });
  r.run(['update-ref', `refs/heads/${branch}`, oid]);
  return oid;
}

const who = (name: string): string =>
  `author ${name} <e@example.com> 1700000000 +0000\ncommitter Eve <e@example.com> 1700000000 +0000\n`;

test("a token in the bytes of a commit git's log prints decoded (ISO-2022-JP, UTF-16) is found where cat-file -p shows it", async () => {
  const r = makeRepo();
  r.commit('base', { 'a.txt': 'a\n' });
  /** A commit of `make(token)` whose decoded form (git log's `format`) does not show the token: after
   *  ESC $ B, ISO-2022-JP reads two bytes a kanji, and where a pair is none iconv fails and git prints
   *  the bytes as they are (the log then shows it), so the seeded tokens are drawn until git hides one. */
  const hidden = (prefix: string, format: string, make: (token: string) => string): [string, string] => {
    for (let tries = 0; tries < 100; tries += 1) {
      const token = f.checksummed(prefix);
      const oid = make(token);
      if (!r.run(['log', '-1', `--format=${format}`, oid]).includes(token)) return [oid, token];
    }
    throw new Error(`git printed every ${prefix} token`);
  };
  const jis = (token: string) => `${ESC}$B${token}${ESC}(B`;
  const [a, inJis] = hidden(`gh${'p'}_`, '%B', (t) =>
    literal(r, 'jis', `${who('Eve')}encoding ISO-2022-JP\n`, `deploy ${jis(t)}\n`),
  );
  // Bytes of ASCII read as UTF-16 (an even count of them, else iconv fails): the log prints none of them.
  const [b, utf16] = hidden(`gh${'o'}_`, '%B', (t) =>
    literal(r, 'utf16', `${who('Eve')}encoding UTF-16\n`, `GH_TOKEN=${t} ok!\n`),
  );
  // The author's name is decoded too (git re-encodes the whole commit before it reads it).
  const [c, name] = hidden(`gh${'s'}_`, '%an', (t) =>
    literal(r, 'name', `${who(`Eve ${jis(t)}`)}encoding ISO-2022-JP\n`, 'hello\n'),
  );
  // A message past the 64 KiB a commit is held whole for: the header is read before the rest.
  const [d, large] = hidden(`gh${'r'}_`, '%B', (t) =>
    literal(r, 'large', `${who('Eve')}encoding ISO-2022-JP\n`, `${'x\n'.repeat(40_000)}${jis(t)}\n`),
  );
  // What the objects hold (git log printed none of the four)
  const lineOf = (oid: string, token: string): string =>
    String(
      r
        .run(['cat-file', '-p', oid])
        .split('\n')
        .findIndex((l) => l.includes(token)) + 1,
    );
  expect([lineOf(a, inJis), lineOf(b, utf16), lineOf(c, name), lineOf(d, large)]).toEqual(['7', '7', '3', '40007']);
  expect(await leaks(r)).toEqual(
    [
      [a, COMMIT_OBJECT, '7', 'github-pat'],
      [b, COMMIT_OBJECT, '7', 'github-oauth'],
      [c, COMMIT_OBJECT, '3', 'github-app-token'],
      [d, COMMIT_OBJECT, '40007', 'github-refresh-token'],
    ].sort(),
  );
});

test('twins: a token the log prints the same is reported once, at the message; encoded commits without one pass', async () => {
  const token = f.checksummed(`gh${'r'}_`);
  const r = makeRepo();
  r.commit('base', { 'a.txt': 'a\n' });
  // ASCII is ASCII in ISO-2022-JP and Latin-1: the log prints the token as the object holds it.
  const a = literal(r, 'ascii', `${who('Eve')}encoding ISO-2022-JP\n`, `deploy\n\nGH_TOKEN=${token}\n`);
  const b = literal(r, 'utf8', `${who('Eve')}encoding utf8\n`, `GH_TOKEN=${token}\n`);
  expect(r.run(['log', '-1', '--format=%B', a])).toContain(token);
  expect(await leaks(r)).toEqual(
    [
      [a, COMMIT_MESSAGE, '3', 'github-refresh-token'],
      [b, COMMIT_MESSAGE, '1', 'github-refresh-token'],
    ].sort(),
  );
  const clean = makeRepo();
  clean.commit('base', { 'a.txt': 'a\n' });
  literal(clean, 'latin1', `${who('Ren\xe9')}encoding ISO-8859-1\n`, 'caf\xe9: GH_TOKEN=your_token_here\n');
  literal(clean, 'jis', `${who('Eve')}encoding ISO-2022-JP\n`, `${ESC}$B$3$s$K$A$O${ESC}(B\n`);
  expect(await leaks(clean)).toEqual([]);
});

test("a token in a file's or folder's name is found at the commit that gives the name (twins: plain names pass)", async () => {
  const tokens = ['p', 'o', 's', 'u', 'r'].map((k) => f.checksummed(`gh${k}_`));
  const names = (tokens: string[]) => ({
    file: `deploy-${tokens[0]}.txt`,
    folder: `cfg-${tokens[1]}`,
    renamed: `${tokens[2]}.txt`,
    binary: `key ${tokens[3]}.bin`,
    merged: `m-${tokens[4]}.txt`,
  });
  const build = (tokens: string[]) => {
    const n = names(tokens);
    const r = makeRepo();
    r.commit('base', { 'a.txt': 'a\n', 'plain.txt': 'plain\n' });
    const added = r.commit('add', { [n.file]: 'x\n' });
    // Two empty files in one folder: the folder's name once, and no "+++" line for either.
    const folder = r.commit('folder', { [`${n.folder}/a`]: '', [`${n.folder}/b`]: '' });
    r.run(['mv', 'plain.txt', n.renamed]);
    const moved = r.commit('rename');
    writeFileSync(join(r.dir, n.binary), Buffer.from([0, 1, 2, 0]));
    r.run(['add', '-A']);
    const bin = r.commit('binary');
    r.commit('edit', { [n.file]: 'y\n' }); // the name again: not new
    r.run(['checkout', '-q', '-b', 'side', 'main~1']);
    r.commit('side', { 's.txt': 's\n' });
    r.run(['checkout', '-q', 'main']);
    r.run(['merge', '-q', '--no-ff', '--no-commit', 'side']);
    writeFileSync(join(r.dir, n.merged), 'evil merge\n'); // in neither parent: the merge adds it
    r.run(['add', '-A']);
    const merge = r.commit('merge side');
    return { r, n, commits: [added, folder, moved, bin, merge] };
  };
  const { r, n, commits } = build(tokens);
  // git's answer: each commit's tree names the token (ls-tree), and log --name-only lists the new path
  const paths = [n.file, `${n.folder}/a`, n.renamed, n.binary, n.merged];
  commits.forEach((c, i) => {
    expect(r.run(['ls-tree', '-r', '--name-only', '-z', c]).split('\0')).toContain(paths[i]);
    expect(
      r.run(['log', '-1', '-z', '--format=', '--name-only', '--diff-merges=dense-combined', c]).split('\0'),
    ).toContain(paths[i]);
  });
  const kinds = ['github-pat', 'github-oauth', 'github-app-token', 'github-app-token', 'github-refresh-token'];
  expect(await leaks(r)).toEqual(commits.map((c, i) => [c, FILE_NAME, '1', kinds[i]!]).sort());

  const twin = build(['alpha', 'beta', 'gamma', 'delta', 'epsilon']);
  expect(await leaks(twin.r)).toEqual([]);
});

test('a token split by a line continuation (backslash before LF or CRLF) is found as the shell reads it (twin: the same halves on two lines pass)', async () => {
  const token = f.checksummed(`gh${'p'}_`);
  const [a, b, c] = [token.slice(0, 14), token.slice(14, 27), token.slice(27)];
  const r = makeRepo();
  r.commit('base', { 'a.txt': 'a\n' });
  const lf = r.commit('deploy', { 'deploy.sh': `#!/bin/sh\nexport GH_TOKEN=${a}\\\n${b}\\\n${c}\n` });
  const crlf = r.commit('deploy on windows', {
    'deploy.env.sh': `: start\r\nexport GH_TOKEN=${a}\\\r\n${b}${c}\r\n`,
  });
  // The shell's answer: each script sets the whole token (sh drops a backslash-newline; the CRLF one
  // once its CRs are gone, as a checkout with core.autocrlf leaves it).
  const shell = (script: string): string =>
    spawnSync('sh', ['-c', `${script}\nprintf %s "$GH_TOKEN"`], { encoding: 'utf8' }).stdout;
  expect(shell(r.run(['show', `${lf}:deploy.sh`]))).toBe(token);
  expect(shell(r.run(['show', `${crlf}:deploy.env.sh`]).replaceAll('\r', ''))).toBe(token);
  expect(await leaks(r)).toEqual(
    [
      [lf, 'deploy.sh', '2', 'github-pat'],
      [crlf, 'deploy.env.sh', '2', 'github-pat'],
    ].sort(),
  );

  const twin = makeRepo();
  twin.commit('base', { 'a.txt': 'a\n' });
  twin.commit('halves', { 'halves.sh': `export GH_TOKEN=${a}\nexport REST=${b}${c}\n`, 'ok.sh': 'make \\\n  all\n' });
  expect(await leaks(twin)).toEqual([]);
});
