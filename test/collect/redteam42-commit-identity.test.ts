// Red team 42: a credential in a commit's author or committer. `git log` prints both (name and
// e-mail, as written), and a push publishes them with the commit, but the scan read only the diff and
// the message. They are read as a file of their own, `(commit author)`: line 1 the author, 2 the committer.
import { COMMIT_IDENTITY } from '../../src/domain/content.js';
import { scanSecrets } from '../../src/collect/secrets/scan.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { makeRepo, cleanupTemp } from '../helpers/repo.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const f = new TokenFactory(4244);

test('a token in the author name or the committer e-mail is reported at its line; message lines keep theirs', async () => {
  const r = makeRepo();
  // The clean twin: a bot whose name and address say "token" and "secret", no credential.
  const clean = r.commit('release bot', { 'a.txt': 'a\n' }, [
    '--author=token-rotation-bot <secret-scanning@ci.example.com>',
  ]);
  const inName = f.checksummed(`gh${'p'}_`);
  const inMail = f.checksummed(`gh${'o'}_`);
  const inMessage = f.checksummed(`np${'m'}_`);
  const named = r.commit('one', { 'b.txt': 'b\n' }, [`--author=${inName} <dev@example.com>`]);
  r.run(['commit', '-q', '--allow-empty', '-m', `two\n\nNPM_TOKEN=${inMessage}`], {
    env: { GIT_COMMITTER_EMAIL: `${inMail}@users.example.com` },
  });
  const mailed = r.head();
  // What git prints
  expect(r.run(['log', '-1', '--format=%an', named])).toBe(inName);
  expect(r.run(['log', '-1', '--format=%ce', mailed])).toBe(`${inMail}@users.example.com`);
  const repo = await discoverRepository(r.dir);
  const want = [
    [named, COMMIT_IDENTITY, 1, 'github-pat'],
    [mailed, COMMIT_IDENTITY, 2, 'github-oauth'],
    [mailed, '(commit message)', 3, 'npm-access-token'],
  ].sort();
  for (const opts of [{}, { chunkCommits: 1 }, { chunkCommits: 2, serialLogs: true }]) {
    const facts = await scanSecrets(repo, [mailed], opts);
    expect(facts.leaks.map((l) => [l.commit, l.path, l.line, l.kind]).sort()).toEqual(want);
  }
  expect((await scanSecrets(repo, [clean])).leaks).toEqual([]);
});
