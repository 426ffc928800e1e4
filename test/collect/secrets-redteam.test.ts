// Red-team round 2 on the secrets scan: a credential git's own diff shows must be found, whatever
// shape its commit or file takes (a merge's own resolution, CRLF lines, a late NUL, the audited
// repository's attributes).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanSecrets } from '../../src/collect/secrets/scan.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { makeRepo, cleanupTemp } from '../helpers/repo.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const f = new TokenFactory(4242);

test('an evil merge: a token only in the merge resolution (in neither parent) is reported at the merge', async () => {
  const r = makeRepo();
  r.commit('base', { 'a.txt': 'a\n' });
  r.run(['checkout', '-q', '-b', 'side']);
  r.commit('side', { 'b.txt': 'b\n' });
  r.run(['checkout', '-q', '-']);
  r.commit('main moves', { 'c.txt': 'c\n' });
  r.run(['merge', '-q', '--no-commit', '--no-ff', 'side']);
  const token = f.checksummed(`gh${'p'}_`);
  writeFileSync(join(r.dir, 'a.txt'), `a\nGITHUB_TOKEN=${token}\n`);
  r.run(['add', 'a.txt']);
  r.run(['commit', '-q', '--no-edit']);
  const merge = r.head();
  // git's own combined diff shows the line as added against both parents
  expect(r.run(['show', '--cc', '--format=', merge])).toContain(`++GITHUB_TOKEN=${token}`);
  const facts = await scanSecrets(await discoverRepository(r.dir), [merge]);
  expect(facts.leaks.map((l) => [l.commit, l.path, l.line, l.kind])).toEqual([[merge, 'a.txt', 2, 'github-pat']]);
});

test('a conflicted merge resolved with a token: reported at the merge; side-branch lines are not reported again', async () => {
  const r = makeRepo();
  r.commit('base', { 'cfg.env': 'HOST=a\n' });
  r.run(['checkout', '-q', '-b', 'side']);
  const sideToken = f.checksummed(`np${'m'}_`);
  const side = r.commit('side', { 'cfg.env': `HOST=b\nNPM_TOKEN=${sideToken}\n` });
  r.run(['checkout', '-q', '-']);
  r.commit('main', { 'cfg.env': 'HOST=c\n' });
  expect(() => r.run(['merge', '-q', '--no-ff', 'side'])).toThrow(); // a conflict
  const token = f.checksummed(`gh${'o'}_`);
  writeFileSync(join(r.dir, 'cfg.env'), `HOST=d\nNPM_TOKEN=${sideToken}\nOAUTH=${token}\n`);
  r.run(['add', 'cfg.env']);
  r.run(['commit', '-q', '--no-edit']);
  const merge = r.head();
  const facts = await scanSecrets(await discoverRepository(r.dir), [merge]);
  expect(facts.leaks.map((l) => [l.commit, l.path, l.line, l.kind])).toEqual([
    [side, 'cfg.env', 2, 'npm-access-token'],
    [merge, 'cfg.env', 3, 'github-oauth'],
  ]);
});

test('CRLF lines, a NUL byte past the first 8000 bytes, and the repository attributes marking the file binary', async () => {
  const r = makeRepo();
  const t1 = f.checksummed(`gh${'p'}_`);
  const t2 = f.checksummed(`gh${'s'}_`);
  const t3 = f.checksummed(`np${'m'}_`);
  writeFileSync(join(r.dir, '.gitattributes'), '*.env binary\n*.cfg -diff\n');
  writeFileSync(join(r.dir, 'crlf.env'), `A=1\r\nGITHUB_TOKEN=${t1}\r\n`);
  writeFileSync(
    join(r.dir, 'late.txt'),
    Buffer.concat([Buffer.from(`${'x'.repeat(9000)}\nT=${t2}\n`), Buffer.from([0])]),
  );
  writeFileSync(join(r.dir, 'x.cfg'), `T=${t3}\n`);
  const c = r.commit('all');
  const facts = await scanSecrets(await discoverRepository(r.dir), [c]);
  expect(facts.leaks.map((l) => [l.path, l.kind]).sort()).toEqual(
    [
      ['crlf.env', 'github-pat'],
      ['late.txt', 'github-app-token'],
      ['x.cfg', 'npm-access-token'],
    ].sort(),
  );
});

test('a file renamed and edited in one commit: the added token is reported at that commit', async () => {
  const r = makeRepo();
  r.commit('base', { 'old.txt': `${'line of text\n'.repeat(20)}` });
  r.run(['mv', 'old.txt', 'new.txt']);
  const token = f.checksummed(`gh${'p'}_`);
  writeFileSync(join(r.dir, 'new.txt'), `${'line of text\n'.repeat(20)}T=${token}\n`);
  const c = r.commit('rename and edit');
  const facts = await scanSecrets(await discoverRepository(r.dir), [c]);
  expect(facts.leaks.map((l) => [l.commit, l.path, l.line])).toEqual([[c, 'new.txt', 21]]);
});

test('an octopus merge (three parents) with a token of its own: reported at the merge', async () => {
  const r = makeRepo();
  r.commit('base', { 'a.txt': 'a\n' });
  for (const b of ['x', 'y']) {
    r.run(['checkout', '-q', '-b', b, 'HEAD']);
    r.commit(b, { [`${b}.txt`]: `${b}\n` });
    r.run(['checkout', '-q', '-']);
  }
  r.commit('main moves', { 'm.txt': 'm\n' });
  r.run(['merge', '-q', '--no-commit', 'x', 'y']);
  const token = f.checksummed(`gh${'p'}_`);
  writeFileSync(join(r.dir, 'a.txt'), `a\nT=${token}\n`);
  r.run(['add', 'a.txt']);
  r.run(['commit', '-q', '-m', 'octopus']);
  const merge = r.head();
  expect(r.run(['rev-list', '--parents', '-n', '1', merge]).split(' ')).toHaveLength(4);
  const facts = await scanSecrets(await discoverRepository(r.dir), [merge]);
  expect(facts.leaks.map((l) => [l.commit, l.path, l.line])).toEqual([[merge, 'a.txt', 2]]);
});
