// Red-team round 77: every tag is protected by default, so the ledger records each one, and each
// recorded ref was looked up by a scan of all the refs: with 200,000 tags (GITGUARD_MAX_REFS' default)
// every audit after the first took 512 s (4.4 s now; 100,000 tags: ~130 s before, the kill limit
// here). The refs are real packed refs git lists; the moved tag is compared with `git rev-parse`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { runCli } from '../helpers/cli.js';
import { madeOnce } from '../helpers/made-once.js';

afterAll(cleanupTemp);

const TAGS = 100_000;
/** Far over an audit of these refs (~3 s of CPU), far under the scan it replaced (~130 s). */
const LIMIT = 40_000;

function manyTags(): TestRepo {
  const r = makeRepo();
  const oid = r.commit('c', { f: '1\n' });
  const lines = Array.from({ length: TAGS }, (_, i) => `${oid} refs/tags/v${String(i).padStart(6, '0')}\n`);
  writeFileSync(join(r.dir, '.git', 'packed-refs'), `# pack-refs with: peeled fully-peeled sorted \n${lines.join('')}`);
  return r;
}

interface Report {
  exitCode: number;
  results: Array<{ meta: { id: string }; outcome: string; findings: Array<{ ref?: string }> }>;
  ledger: { updated: boolean; refs?: number };
}
const audit = (r: TestRepo): { code: number; report?: Report } => {
  const res = runCli(['audit', '-C', r.dir, '-t', 'history', '-f', 'json'], { env: r.env, timeoutMs: LIMIT });
  return { code: res.code, ...(res.code >= 0 ? { report: JSON.parse(res.stdout) as Report } : {}) };
};
const result = (rep: Report | undefined, id: string) => rep?.results.find((x) => x.meta.id === id);

// The first audit, which records the 100,000 tags, made once for the file: each test takes a copy of
// the repository with its ledger (an audit of these refs is ~3 CPU-s).
const recorded = madeOnce(() => {
  const r = manyTags();
  const first = audit(r);
  expect([first.code, first.report?.ledger]).toEqual([0, { updated: true, file: expect.any(String), refs: TAGS + 1 }]);
  return { r };
});

test('an audit after the ledger recorded 100,000 tags ends within the limit and passes', () => {
  const { r } = recorded();
  const second = audit(r);
  expect([second.code, result(second.report, 'tags-not-moved')?.outcome]).toEqual([0, 'pass']);
});

test('twin: one of the 100,000 recorded tags moved is found, as git names it', () => {
  const { r } = recorded();
  const other = r.commit('d', { f: '2\n' });
  r.run(['tag', '-f', 'v050000', other]); // a loose ref over the packed one, as git tag -f writes it
  expect(r.run(['rev-parse', 'refs/tags/v050000'])).toBe(other);
  const moved = audit(r);
  const rule = result(moved.report, 'tags-not-moved');
  expect([moved.code, rule?.outcome, rule?.findings.map((f) => f.ref)]).toEqual([1, 'fail', ['refs/tags/v050000']]);
});
