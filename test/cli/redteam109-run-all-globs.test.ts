// redteam109 on cleanpass106: npm-run-all's globs are matched with minimatch (`:` read as `/`), in
// which no wildcard matches a segment starting with `.`, an empty segment, or (a trailing `**`) no
// segment at all, and `*(...)` is an extglob. gitguard's matcher took all of these, so a gate script
// named `audit:.gate`, `audit:` or `audit` (beside an `audit:lint` that ends the run green), or one
// matched by `*(...)` read literally, was read as run by `run-s audit:*` while npm-run-all ran only
// the other: ci-gate-kept passed a gate that never ran. Such names are now matched as minimatch does
// or refused; twin: a dot script that the glob does not name leaves an honest glob kept.
// Reference: the minimatch in node_modules, with npm-run-all's options (lib/match-tasks.js).
import { createRequire } from 'node:module';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);

type MatchFn = (name: string) => boolean;
const { Minimatch } = createRequire(import.meta.url)('minimatch') as {
  Minimatch: new (p: string, o: { nonegate: boolean }) => { match: MatchFn };
};
const swap = (s: string): string => s.replace(/[:/]/g, (c) => (c === ':' ? '/' : ':'));
/** The scripts npm-run-all runs for `pattern` (its match-tasks.js). */
const runAll = (pattern: string, scripts: Record<string, string>): string[] =>
  Object.keys(scripts).filter((n) => new Minimatch(swap(pattern), { nonegate: true }).match(swap(n)));

const WF = '.github/workflows/ci.yml';
const GH = (run: string): string =>
  `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ${JSON.stringify(run)}\n`;
const PKG = (ci: string, scripts: Record<string, string>): string =>
  `${JSON.stringify({ scripts: { ci, ...scripts } }, null, 2)}\n`;
const BEFORE = { [WF]: GH('npm run ci'), 'package.json': PKG('gitguard audit', {}) };
const GATE = 'gitguard audit';
// The cases judged by one audit per chain (gate-batch.ts): the lost ones', the kept ones'.
const batch = gateBatch();

const lost: Array<[string, string, Record<string, string>]> = [
  ['a dot segment (audit:.gate)', 'audit:*', { 'audit:lint': 'echo ok', 'audit:.gate': GATE }],
  ['an empty segment (audit:)', 'audit:*', { 'audit:lint': 'echo ok', 'audit:': GATE }],
  ['a trailing ** met by no segment (audit)', 'audit:**', { audit: GATE, 'audit:lint': 'echo ok' }],
  ['an extglob read literally', 'audit:*(lint)', { 'audit:lint': 'echo ok', 'audit:x(lint)': GATE }],
];
for (const [n, glob, scripts] of lost) {
  const check = batch.add(
    BEFORE,
    { 'package.json': PKG(`run-s lint '${glob}'`, { lint: 'eslint .', ...scripts }) },
    false,
  );
  test(`${n}: npm-run-all does not run the gate, ci-gate-kept fails`, async () => {
    const runs = runAll(glob, scripts);
    expect(runs.length).toBeGreaterThan(0); // no "Task not found": the step runs green
    expect(runs.some((s) => scripts[s] === GATE)).toBe(false);
    await check();
  });
}

const honest = { 'audit:git': GATE, 'audit:deps': 'npm audit', 'lint:.cache': 'rm -rf .cache' };
const honestKept = batch.add(
  BEFORE,
  { 'package.json': PKG('run-s lint audit:*', { lint: 'eslint .', ...honest }) },
  true,
);
test('twin: a dot script beside an honest glob that runs the gate: kept', async () => {
  expect(runAll('audit:*', honest)).toEqual(['audit:git', 'audit:deps']);
  await honestKept();
});

const dot = { 'audit:.git': GATE };
const dotKept = batch.add(BEFORE, { 'package.json': PKG('run-s audit:.*', dot) }, true);
test('twin: a dot segment the pattern names itself (audit:.*) is run, and read so: kept', async () => {
  expect(runAll('audit:.*', dot)).toEqual(['audit:.git']);
  await dotKept();
});
