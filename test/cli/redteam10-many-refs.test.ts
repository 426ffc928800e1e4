// Red-team round 10: a packed-refs of a million refs made node hold for-each-ref's whole listing
// (619 MB) and stopped at the time limit. The refs are read as a stream now, at most
// GITGUARD_MAX_REFS of them: past that the run stops with one line naming the variable, and a ref
// name no git writes (over 16,383 bytes) stops it too. Packed-refs written directly (git pack-refs is slow).
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

/** A repository with one commit and `n` branches on it, all in packed-refs. */
function manyRefs(n: number): TestRepo {
  const r = makeRepo();
  const oid = r.commit('c', { f: '1\n' });
  const lines = Array.from({ length: n }, (_, i) => `${oid} refs/heads/b/${String(i).padStart(7, '0')}\n`);
  writeFileSync(join(r.dir, '.git', 'packed-refs'), `# pack-refs with: peeled fully-peeled sorted \n${lines.join('')}`);
  return r;
}

const audit = (r: TestRepo, env: NodeJS.ProcessEnv = {}) =>
  runMain(['audit', '-C', r.dir, '--no-ledger', '-t', 'history', '-q'], { env: { ...r.env, ...env } });

test('more refs than GITGUARD_MAX_REFS: exit 2, one line naming the variable and what to do', async () => {
  const r = manyRefs(3000);
  const res = await audit(r, { GITGUARD_MAX_REFS: '2000' });
  expect([res.code, res.stderr.trim().split('\n')]).toEqual([
    2,
    [
      expect.stringMatching(
        /^gitguard: the repository has more than 2,000 refs \(GITGUARD_MAX_REFS\); .*set GITGUARD_MAX_REFS=N/,
      ),
    ],
  ]);
});

test('twin: as many refs as the limit are read and judged (every branch is on the one commit)', async () => {
  const r = manyRefs(1999); // and main: 2,000
  const res = await audit(r, { GITGUARD_MAX_REFS: '2000' });
  expect([res.code, res.stderr]).toEqual([0, '']);
});

test('a ref whose name is over 16,383 bytes stops the run with one line, not a balloon', async () => {
  const r = manyRefs(2);
  const oid = r.head();
  appendFileSync(join(r.dir, '.git', 'packed-refs'), `${oid} refs/heads/z${'a'.repeat(70 * 1024)}\n`);
  const res = await audit(r);
  expect([res.code, res.stderr.trim().split('\n')]).toEqual([
    2,
    [expect.stringMatching(/^gitguard: a ref of the repository has a name over 16,383 bytes/)],
  ]);
});

test('the refs keep their types: an annotated tag among them is still peeled and judged', async () => {
  const r = manyRefs(10);
  r.run(['tag', '-a', '-m', 'v1', 'v1']);
  const res = await runMain(['audit', '-C', r.dir, '--no-ledger', '-r', 'tags-signed', '-f', 'json'], { env: r.env });
  const result = (JSON.parse(res.stdout) as { results: Array<{ outcome: string; findings?: unknown[] }> }).results[0];
  // An unsigned annotated tag: found as a tag (its type read), so the rule fails on it.
  expect([res.code, result?.outcome, JSON.stringify(result?.findings)]).toEqual([
    1,
    'fail',
    expect.stringContaining('refs/tags/v1'),
  ]);
});
