// Red-team round 77: V8 hashes a string of more than 16,383 UTF-16 units by its length alone, so ref
// names of one length past that share one bucket of every Map and Set keyed by name. A hand-made
// packed-refs of 1,200 tags of 60,000 bytes (each under the old 64 KiB record bound) made an audit
// take 95 s and 470 MB, and wrote a 69 MB ledger the next run refused as damaged (over 64 MiB): the
// ledger rules failed on every later audit. Such names stop the run now (git writes none: a loose
// ref's name is a path); names up to the bound are read, recorded and read back. git's own answer:
// `git for-each-ref` lists every one of them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

/** One commit and `n` lightweight tags on it named `refs/tags/<pad><i>` of `bytes` bytes, in packed-refs. */
function longTags(n: number, bytes: number): { r: TestRepo; names: string[] } {
  const r = makeRepo();
  const oid = r.commit('c', { f: '1\n' });
  const names = Array.from({ length: n }, (_, i) => {
    const tail = String(i).padStart(4, '0');
    return `refs/tags/${'t'.repeat(bytes - 'refs/tags/'.length - tail.length)}${tail}`;
  });
  writeFileSync(
    join(r.dir, '.git', 'packed-refs'),
    `# pack-refs with: peeled fully-peeled sorted \n${names.map((n) => `${oid} ${n}\n`).join('')}`,
  );
  // git reads them all.
  expect(r.run(['for-each-ref', '--format=%(refname)', 'refs/tags/']).split('\n')).toEqual(names);
  return { r, names };
}

const audit = (r: TestRepo) => runMain(['audit', '-C', r.dir, '-t', 'history', '-f', 'json'], { env: r.env });

interface Report {
  exitCode: number;
  results: Array<{ meta: { id: string }; outcome: string }>;
  ledger: { updated: boolean; refs?: number };
}
const outcome = (rep: Report, id: string) => rep.results.find((x) => x.meta.id === id)?.outcome;

test('tags whose names are past what V8 hashes in full stop the run with one line', async () => {
  const { r } = longTags(3, 16_384);
  const res = await audit(r);
  expect([res.code, res.stderr.trim().split('\n')]).toEqual([
    2,
    [expect.stringMatching(/^gitguard: a ref of the repository has a name over 16,383 bytes/)],
  ]);
});

test('twin: tags of names up to the bound are read, recorded, and the ledger is read back', async () => {
  const { r, names } = longTags(3, 16_383 - 42); // the record: the id, two NULs, the name
  const first = await audit(r);
  expect(first.code).toBe(0);
  expect((JSON.parse(first.stdout) as Report).ledger).toMatchObject({ updated: true, refs: 4 });
  const second = JSON.parse((await audit(r)).stdout) as Report;
  expect([second.exitCode, outcome(second, 'tags-not-moved'), outcome(second, 'protected-refs-present')]).toEqual([
    0,
    'pass',
    'pass',
  ]);
  const ledger = JSON.parse(readFileSync(join(r.dir, '.git', 'gitguard', 'ledger.json'), 'utf8')) as {
    refs: Record<string, unknown>;
  };
  expect(Object.keys(ledger.refs).sort()).toEqual(['refs/heads/main', ...names].sort());
});

test('twin: a name of 4,000 bytes, as a branch, is judged like any other', async () => {
  const r = makeRepo();
  const oid = r.commit('c', { f: '1\n' });
  const name = `refs/heads/${'b/'.repeat(1994)}x`;
  expect(name.length).toBe(4_000);
  writeFileSync(join(r.dir, '.git', 'packed-refs'), `# pack-refs with: peeled fully-peeled sorted \n${oid} ${name}\n`);
  expect(r.run(['rev-parse', name])).toBe(oid);
  const res = await runMain(['audit', '-C', r.dir, '-t', 'history', '--all', '-f', 'json'], { env: r.env });
  expect([res.code, (JSON.parse(res.stdout) as Report).exitCode]).toEqual([0, 0]);
});

test('a ledger naming a ref past the bound is not one gitguard wrote: damaged, named so', async () => {
  const r = makeRepo();
  const oid = r.commit('c', { f: '1\n' });
  expect((JSON.parse((await audit(r)).stdout) as Report).ledger).toMatchObject({ updated: true });
  const file = join(r.dir, '.git', 'gitguard', 'ledger.json');
  const ledger = JSON.parse(readFileSync(file, 'utf8')) as { refs: Record<string, unknown> };
  ledger.refs[`refs/tags/${'t'.repeat(16_374)}`] = { oid, recordedAt: '2026-01-01T00:00:00.000Z' };
  writeFileSync(file, JSON.stringify(ledger));
  const res = JSON.parse((await audit(r)).stdout) as Report & { ledger: { reason?: string } };
  expect([res.exitCode, outcome(res, 'tags-not-moved'), res.ledger.reason]).toEqual([
    1,
    'fail',
    expect.stringContaining('a ref name is over 16,383 characters'),
  ]);
});

// The bound is 64 MiB of ledger, so this case reads 68 MB of ref names twice whatever is done (~3 CPU-s
// in all, the rest of the file ~1): its own limit is one no load reaches; it asserts no duration.
test('a ledger too large to read back is not written: both audits pass, each saying why the ledger was not updated', async () => {
  // 4,200 tags of names under the bound: a 68 MB packed-refs, a ledger of 65.8 MiB (read back: 64 MiB).
  const { r } = longTags(4_200, 16_300);
  for (const run of [1, 2]) {
    const res = await audit(r);
    const rep = JSON.parse(res.stdout) as Report & { ledger: { reason?: string; cause?: string } };
    expect([run, rep.exitCode, outcome(rep, 'tags-not-moved'), rep.ledger.cause, rep.ledger.reason]).toEqual([
      run,
      0,
      'not-applicable',
      'unwritable',
      expect.stringMatching(
        /the ledger would be 65\.\d MiB, over the 64 MiB gitguard reads back \(4,201 protected refs\)/,
      ),
    ]);
  }
  expect(existsSync(join(r.dir, '.git', 'gitguard', 'ledger.json'))).toBe(false);
}, 600_000);
