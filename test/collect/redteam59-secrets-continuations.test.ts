// Red team 59: a credential split by a line continuation (a backslash before LF or CRLF) was read
// joined only where the log's added lines kept both halves, and only when the half before the break
// held a keyword itself. Split in its keyword (`gh\` then `p_...`), it passed in a text file too; in the
// text of a binary file, a commit object's unprinted message, an annotated tag's message and a file's
// name it was never joined. Now every path keeps its lines the one way (kept-lines.ts). The shell's
// answer (sh joins the lines) and git's (show, cat-file -p) say what each holds. Twins: the same halves
// on two lines without the backslash pass.
import { spawnSync } from 'node:child_process';
import { COMMIT_OBJECT, FILE_NAME, TAG_OBJECT } from '../../src/domain/content.js';
import { scanSecrets } from '../../src/collect/secrets/scan.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const f = new TokenFactory(5959);

/** The scan's findings over every branch and the tags given, in one log and with a log per commit. */
async function leaks(r: TestRepo, tags: string[] = []): Promise<string[][]> {
  const repo = await discoverRepository(r.dir);
  const tips = r.run(['for-each-ref', '--format=%(objectname)', 'refs/heads']).split('\n');
  const found = async (chunkCommits?: number): Promise<string[][]> =>
    (await scanSecrets(repo, tips, { tags, ...(chunkCommits ? { chunkCommits } : {}) })).leaks
      .map((l) => [l.commit, l.path, String(l.line), l.kind])
      .sort();
  const whole = await found();
  expect(await found(1)).toEqual(whole);
  return whole;
}

/** What sh makes of `script` (CRs dropped, as a checkout with core.autocrlf leaves them): $GH_TOKEN. */
const shell = (script: string): string =>
  spawnSync('sh', ['-c', `${script.replaceAll('\r', '')}\nprintf %s "$GH_TOKEN"`], { encoding: 'utf8' }).stdout;

const split = (token: string, eol = '\n'): string => `export GH_TOKEN=${token.slice(0, 2)}\\${eol}${token.slice(2)}`;
const twin = (token: string): string => `export GH_TOKEN=${token.slice(0, 2)}\nexport REST=${token.slice(2)}`;

test('a keyword split by the continuation, in a text file (LF and CRLF): found (before: passed)', async () => {
  const token = f.checksummed(`gh${'p'}_`);
  const r = makeRepo();
  r.commit('base', { 'a.txt': 'a\n' });
  const lf = r.commit('deploy', { 'deploy.sh': `#!/bin/sh\n${split(token)}\n` });
  const crlf = r.commit('deploy on windows', { 'deploy.win.sh': `: start\r\n${split(token, '\r\n')}\r\n` });
  expect(shell(r.run(['show', `${lf}:deploy.sh`]))).toBe(token);
  expect(shell(r.run(['show', `${crlf}:deploy.win.sh`]))).toBe(token);
  expect(await leaks(r)).toEqual(
    [
      [lf, 'deploy.sh', '2', 'github-pat'],
      [crlf, 'deploy.win.sh', '2', 'github-pat'],
    ].sort(),
  );
  const t = makeRepo();
  t.commit('halves', { 'halves.sh': `${twin(token)}\n`, 'ok.sh': 'make \\\n  all\n' });
  expect(await leaks(t)).toEqual([]);
});

test('in a binary file, split anywhere (LF and CRLF): found where git show prints it (before: passed)', async () => {
  const token = f.checksummed(`gh${'o'}_`);
  const r = makeRepo();
  r.commit('base', { 'a.txt': 'a\n' });
  const lf = r.commit('blob', { 'tool.bin': `\0\x01\n${split(token)}\n` });
  const crlf = r.commit('blob on windows', {
    'tool.win.bin': `\0\r\n${token.slice(0, 20)}\\\r\n${token.slice(20)}\r\n`,
  });
  // git calls both binary; its show prints the bytes, the lines sh joins.
  expect(r.run(['log', '-1', '--format=', '--numstat', lf])).toMatch(/^-\t-\t/);
  expect(shell(r.run(['show', `${lf}:tool.bin`]).replace(/^.*\n/, ''))).toBe(token);
  expect(await leaks(r)).toEqual(
    [
      [lf, 'tool.bin', '2', 'github-oauth'],
      [crlf, 'tool.win.bin', '2', 'github-oauth'],
    ].sort(),
  );
  const t = makeRepo();
  t.commit('halves', { 'halves.bin': `\0\n${twin(token)}\n` });
  expect(await leaks(t)).toEqual([]);
});

test("in a commit object's message past a NUL, and an annotated tag's message: found (before: passed)", async () => {
  const token = f.checksummed(`gh${'p'}_`);
  const r = makeRepo();
  r.commit('base', { 'a.txt': 'a\n' });
  const tree = r.run(['rev-parse', 'main^{tree}']);
  const body = `tree ${tree}\nparent ${r.head()}\nauthor Eve <e@example.com> 1700000000 +0000\ncommitter Eve <e@example.com> 1700000000 +0000\n\nhello\0\n${split(token)}\n`;
  const commit = r.run(['hash-object', '-t', 'commit', '-w', '--literally', '--stdin'], { input: body });
  r.run(['update-ref', 'refs/heads/side', commit]);
  // git log stops at the NUL; cat-file -p (a push, a clone) carries both halves.
  expect(r.run(['log', '-1', '--format=%B', commit])).toBe('hello');
  expect(shell(r.run(['cat-file', '-p', commit]).split('\0')[1]!)).toBe(token);
  r.run(['tag', '-a', 'v1', '-m', `release\n\n${split(token)}`, 'main']);
  const tag = r.run(['rev-parse', 'v1']);
  expect(shell(r.run(['cat-file', '-p', tag]).split('\n\n')[2]!)).toBe(token);
  expect(await leaks(r, [tag])).toEqual(
    [
      [commit, COMMIT_OBJECT, '7', 'github-pat'], // cat-file -p's 7th line
      [tag, TAG_OBJECT, '8', 'github-pat'],
    ].sort(),
  );
  const t = makeRepo();
  t.commit('base', { 'a.txt': 'a\n' });
  t.run(['tag', '-a', 'v1', '-m', `release\n\n${twin(token)}`, 'main']);
  expect(await leaks(t, [t.run(['rev-parse', 'v1'])])).toEqual([]);
});

test("a file's name with a backslash and a line feed in it: found as the name joined (before: passed)", async () => {
  const token = f.checksummed(`gh${'p'}_`);
  const r = makeRepo();
  r.commit('base', { 'a.txt': 'a\n' });
  const name = `${token.slice(0, 2)}\\\n${token.slice(2)}`;
  const added = r.commit('odd name', { [name]: 'x\n' });
  // git prints the name C-quoted: the backslash and the line feed as escapes.
  expect(r.run(['ls-tree', '--name-only', added])).toContain(`${token.slice(0, 2)}\\\\\\n${token.slice(2)}`);
  expect(await leaks(r)).toEqual([[added, FILE_NAME, '1', 'github-pat']]);
  const t = makeRepo();
  t.commit('base', { 'a.txt': 'a\n' });
  t.commit('odd name', { [`${token.slice(0, 2)}\n${token.slice(2)}`]: 'x\n' });
  expect(await leaks(t)).toEqual([]);
});
