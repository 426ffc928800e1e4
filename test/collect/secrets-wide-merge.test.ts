// Red-team round 3 on the secrets scan: a merge of more than 8 parents is read against its first
// parent, not as a combined diff (which holds every path once per parent: 2,000 parents over 20,000
// files made git print 640 MB and grow to 2.8 GB; now 97 MB). Its own lines are still found, and a
// parent's token is reported once, at the parent.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMIT_MESSAGE } from '../../src/domain/content.js';
import { scanSecrets } from '../../src/collect/secrets/scan.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { makeRepo, cleanupTemp } from '../helpers/repo.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const f = new TokenFactory(4343);

test('an octopus of 12 parents: its own token and a side branch token, each reported once where it was added', async () => {
  const r = makeRepo();
  r.commit('base', { 'a.txt': 'a\n' });
  const sideToken = f.checksummed(`np${'m'}_`);
  let side = '';
  const branches = Array.from({ length: 11 }, (_, i) => `b${i}`);
  for (const b of branches) {
    r.run(['checkout', '-q', '-b', b, 'main']);
    const c = r.commit(b, { [`${b}.txt`]: b === 'b5' ? `NPM_TOKEN=${sideToken}\n` : `${b}\n` });
    if (b === 'b5') side = c;
  }
  r.run(['checkout', '-q', 'main']);
  r.commit('main moves', { 'm.txt': 'm\n' });
  r.run(['merge', '-q', '--no-commit', ...branches]);
  const token = f.checksummed(`gh${'p'}_`);
  writeFileSync(join(r.dir, 'a.txt'), `a\nT=${token}\n`);
  r.run(['add', 'a.txt']);
  // and one in its message (red team 38), read in the wide merges' own pass, once
  const inMessage = f.checksummed(`gh${'o'}_`);
  r.run(['commit', '-q', '-m', `octopus\n\nT=${inMessage}`]);
  const merge = r.head();
  expect(r.run(['rev-list', '--parents', '-n', '1', merge]).split(' ')).toHaveLength(13);
  const facts = await scanSecrets(await discoverRepository(r.dir), [merge]);
  expect(facts.leaks.map((l) => [l.commit, l.path, l.line]).sort()).toEqual(
    [
      [side, 'b5.txt', 1],
      [merge, 'a.txt', 2],
      [merge, COMMIT_MESSAGE, 3],
    ].sort(),
  );
  expect(facts.commits).toBe(14); // base, 11 branches, main moves, the merge: each once
});
