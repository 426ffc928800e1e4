// Red-team round 77: every tag is protected by default, so the ledger records each one, and each
// recorded ref was looked up by a scan of all the refs: with 200,000 tags (GITGUARD_MAX_REFS' default)
// every audit after the first took 512 s (4.4 s now). With 50,000 tags an audit after the first took
// 20 CPU-s so, 2 CPU-s now: the audits run under a bound of CPU seconds (`ulimit -t`, counted the same
// on an idle machine and on a busy one, unlike a wall-clock limit) far from both. The refs are real
// packed refs git lists; the moved tag is compared with `git rev-parse`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { BIN, runCommand } from '../helpers/cli.js';
import { madeOnce } from '../helpers/made-once.js';

afterAll(cleanupTemp);

const TAGS = 50_000;
/** CPU seconds: 5× an audit of these refs (~2, so a slower CI machine still passes), half the scan it replaced (~20). */
const CPU_LIMIT = 10;

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
/** The built binary under `ulimit -t CPU_LIMIT` (killed by SIGXCPU past it: code -1, no report). */
const audit = (r: TestRepo): { code: number; report?: Report } => {
  const args = ['audit', '-C', r.dir, '-t', 'history', '-f', 'json'];
  const res = runCommand(
    '/bin/sh',
    ['-c', `ulimit -t ${CPU_LIMIT} && exec "$0" "$@"`, process.execPath, BIN, ...args],
    {
      env: r.env,
      // Only against a hang: the bound asserted is the CPU one, whatever the machine's load.
      timeoutMs: 600_000,
    },
  );
  return { code: res.code, ...(res.code >= 0 ? { report: JSON.parse(res.stdout) as Report } : {}) };
};
const result = (rep: Report | undefined, id: string) => rep?.results.find((x) => x.meta.id === id);

// The first audit, which records the 50,000 tags, made once for the file: each test takes a copy of
// the repository with its ledger.
const recorded = madeOnce(() => {
  const r = manyTags();
  const first = audit(r);
  expect([first.code, first.report?.ledger]).toEqual([0, { updated: true, file: expect.any(String), refs: TAGS + 1 }]);
  return { r };
});

test('an audit after the ledger recorded 50,000 tags ends within the CPU limit and passes', () => {
  const { r } = recorded();
  const second = audit(r);
  expect([second.code, result(second.report, 'tags-not-moved')?.outcome]).toEqual([0, 'pass']);
});

test('twin: one of the 50,000 recorded tags moved is found, as git names it', () => {
  const { r } = recorded();
  const other = r.commit('d', { f: '2\n' });
  r.run(['tag', '-f', 'v025000', other]); // a loose ref over the packed one, as git tag -f writes it
  expect(r.run(['rev-parse', 'refs/tags/v025000'])).toBe(other);
  const moved = audit(r);
  const rule = result(moved.report, 'tags-not-moved');
  expect([moved.code, rule?.outcome, rule?.findings.map((f) => f.ref)]).toEqual([1, 'fail', ['refs/tags/v025000']]);
});
