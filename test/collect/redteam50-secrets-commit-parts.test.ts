// Red team 50: two ways a credential in a commit's author line escaped the scan.
// - The log reader kept reading "the author and committer" past a commit with no diff (an empty
//   commit, a merge that keeps its parents' lines): the next commit's identity lines were dropped.
// - An author line holding a NUL byte (fsck: nulInHeader): git's log cuts the line there and prints
//   no name or e-mail of it, and the commit-object pass took the header for one the log printed.
// Real git makes both; git log / cat-file -p say what each prints, the scan must name the token.
import { spawnSync } from 'node:child_process';
import { COMMIT_IDENTITY, COMMIT_OBJECT } from '../../src/domain/content.js';
import { scanSecrets } from '../../src/collect/secrets/scan.js';
import { discoverRepository } from '../../src/collect/repository.js';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const f = new TokenFactory(5050);

async function leaks(r: TestRepo): Promise<string[][]> {
  const facts = await scanSecrets(await discoverRepository(r.dir), [r.head()]);
  return facts.leaks.map((l) => [l.commit, l.path, String(l.line), l.kind]).sort();
}

/** An empty root, a merge of a side branch that keeps both parents' lines, then `after` as its author. */
function afterNoDiff(after: string): { r: TestRepo; oids: string[] } {
  const r = makeRepo();
  r.run(['commit', '-q', '--allow-empty', '-m', 'empty root']);
  const empty = r.commit('after the empty root', {}, ['--allow-empty', `--author=${after} <a@example.com>`]);
  r.run(['checkout', '-q', '-b', 'side']);
  r.commit('side', { 's.txt': 's\n' });
  r.run(['checkout', '-q', 'main']);
  r.commit('main', { 'm.txt': 'm\n' });
  r.run(['merge', '-q', '--no-ff', '-m', 'merge side', 'side']);
  const merged = r.commit('after the merge', { 'n.txt': 'n\n' }, [`--author=${after} <a@example.com>`]);
  return { r, oids: [empty, merged] };
}

test('an author after an empty commit or a plain merge is read (the twin: a name that is no token)', async () => {
  const token = f.checksummed(`gh${'p'}_`);
  const { r, oids } = afterNoDiff(token);
  // What git prints for them
  for (const oid of oids) expect(r.run(['log', '-1', '--format=%an', oid])).toBe(token);
  expect(await leaks(r)).toEqual(oids.map((o) => [o, COMMIT_IDENTITY, '1', 'github-pat']).sort());
  expect(await leaks(afterNoDiff('Release Bot').r)).toEqual([]);
});

/** A commit object written as given (git hash-object --literally), on main. */
function literal(r: TestRepo, author: string): string {
  const tree = r.run(['rev-parse', 'HEAD^{tree}']);
  const body = Buffer.concat([
    Buffer.from(`tree ${tree}\nparent ${r.head()}\nauthor `),
    Buffer.from(author, 'latin1'),
    Buffer.from(' <e@example.com> 1700000000 +0000\ncommitter Eve <e@example.com> 1700000000 +0000\n\nhello\n'),
  ]);
  const oid = r.run(['hash-object', '-t', 'commit', '-w', '--literally', '--stdin'], { input: body });
  r.run(['update-ref', 'refs/heads/main', oid]);
  return oid;
}

test('an author line with a NUL byte is read past it (twins: the same NUL, no token; the token, no NUL)', async () => {
  const token = f.checksummed(`gh${'o'}_`);
  const r = makeRepo();
  r.commit('base', { 'a.txt': 'a\n' });
  const oid = literal(r, `Eve\0 ${token}`);
  // git refuses it, prints no name for it, and cat-file -p (a push, a clone) carries the token
  const fsck = spawnSync('git', ['fsck'], { cwd: r.dir, env: r.env, encoding: 'utf8' });
  expect(fsck.stdout + fsck.stderr).toContain('nulInHeader');
  expect(r.run(['log', '-1', '--format=%an|%ae', oid])).toBe('|');
  expect(r.run(['cat-file', '-p', oid])).toContain(token);
  expect(await leaks(r)).toEqual([[oid, COMMIT_OBJECT, '3', 'github-oauth']]);

  const twin = makeRepo();
  twin.commit('base', { 'a.txt': 'a\n' });
  literal(twin, 'Eve\0 Release Bot');
  expect(await leaks(twin)).toEqual([]);
  const printed = literal(twin, `Eve ${token}`);
  expect(await leaks(twin)).toEqual([[printed, COMMIT_IDENTITY, '1', 'github-oauth']]);
});
