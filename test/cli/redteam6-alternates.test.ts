// Red-team round 6: objects/info/alternates read as git reads it. git unquotes a line that starts
// with a double quote, follows links, and reads each alternate's own alternates file (five deep):
// each of these borrowed objects from outside the repository while alternates-inside-repository,
// reading the top file line by line as text, found every entry inside it.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';

afterAll(cleanupTemp);

const RULE = 'alternates-inside-repository';

/** A repository whose only commit lives in another repository's object store, borrowed by `lines`. */
function borrowing(lines: (r: TestRepo, outside: string) => string[]): TestRepo {
  const out = makeRepo();
  out.commit('outside', { 'x.txt': 'x\n' });
  const r = makeRepo();
  const objects = join(r.dir, '.git', 'objects');
  writeFileSync(join(objects, 'info', 'alternates'), `${lines(r, join(out.dir, '.git', 'objects')).join('\n')}\n`);
  r.run(['update-ref', 'refs/heads/main', out.head()]);
  // git really reads the commit through the alternates.
  expect(r.run(['cat-file', '-t', out.head()]).trim()).toBe('commit');
  return r;
}

async function outcome(r: TestRepo): Promise<string> {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', RULE], { env: r.env });
  expect(res.code).not.toBe(2);
  return resultOf(parseJson(res), RULE).outcome;
}

test('a C-quoted line naming an outside store fails', async () => {
  expect(await outcome(borrowing((_r, outside) => ['# shared', `"${outside}"`]))).toBe('fail');
});

test('a relative line through a link inside .git/objects to an outside store fails', async () => {
  const r = borrowing((r, outside) => {
    symlinkSync(outside, join(r.dir, '.git', 'objects', 'borrowed'));
    return ['borrowed'];
  });
  expect(await outcome(r)).toBe('fail');
});

test('an inside store whose own alternates name an outside one fails', async () => {
  const r = borrowing((r, outside) => {
    const mid = join(r.dir, '.git', 'mid-objects');
    mkdirSync(join(mid, 'info'), { recursive: true });
    writeFileSync(join(mid, 'info', 'alternates'), `${outside}\n`);
    return ['../mid-objects'];
  });
  expect(await outcome(r)).toBe('fail');
});

test('twin: an inside store without alternates of its own passes', async () => {
  const r = makeRepo();
  r.commit('inside', { 'x.txt': 'x\n' });
  const mid = join(r.dir, '.git', 'mid-objects');
  mkdirSync(join(mid, 'info'), { recursive: true });
  writeFileSync(join(r.dir, '.git', 'objects', 'info', 'alternates'), '"../mid-objects"\n');
  expect(await outcome(r)).toBe('pass');
});
