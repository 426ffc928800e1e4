// Clean pass 106: npm-run-all's globs. A project that runs its checks as `run-s lint test audit:*` or
// `npm-run-all -p "check:*"` (the pattern npm-run-all's README leads with) ran the gate as surely as
// one naming the script, but the reading took any glob as unfollowed, so moving the gate behind one
// failed ci-gate-kept. The glob is now matched against the scripts of the package.json where the
// runner runs, as npm-run-all matches them (minimatch with `:` for `/`: `*` within a segment, `**`
// across them); a glob that matches no gate script, or one matching a script that lets the audit's
// failure pass, still loses the gate. npm-run-all is not installed here: its documented matching is
// the reference (its test/pattern.js cases: `test-task:*` leaves out `test-task:nested:a`).
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

const WF = '.github/workflows/ci.yml';
const GH = (run: string): string =>
  `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ${JSON.stringify(run)}\n`;
const PKG = (ci: string, gate = 'gitguard audit', extra: Record<string, string> = {}): string =>
  `${JSON.stringify({ scripts: { ci, lint: 'eslint .', test: 'jest', 'audit:git': gate, ...extra } }, null, 2)}\n`;
const BEFORE = { [WF]: GH('npm run ci'), 'package.json': PKG('npm run lint && npm test && npm run audit:git') };

// Every row as long as the test's parameters: jest takes a missing last one for a done callback.
const kept: Array<[string, string, Record<string, string>]> = [
  ['run-s lint test audit:*', 'run-s lint test audit:*', {}],
  ['npm-run-all -s lint test "audit:*"', 'npm-run-all -s lint test audit:*', {}],
  ['run-p "*:git" lint', 'run-p *:git lint', {}],
  ['run-s audit:** (any depth)', 'run-s audit:**', {}],
  ['run-s aud?t:git', 'run-s aud?t:git', {}],
  ['run-s audit:* with two matches', 'run-s audit:*', { 'audit:deps': 'npm audit' }],
];
// Every case judged by one audit of its chain (gate-batch.ts), each test reading its own.
const batch = gateBatch();
for (const [n, ci, extra] of kept)
  test(
    `the gate moved behind ${n}: kept`,
    batch.add(BEFORE, { 'package.json': PKG(ci, 'gitguard audit', extra) }, true),
  );

const lost: Array<[string, string, string, Record<string, string>]> = [
  ['a glob matching no gate script', 'run-s lint:*', 'gitguard audit', { 'lint:js': 'eslint .' }],
  ['a glob whose match lets the audit fail quietly', 'run-s audit:*', 'gitguard audit || true', {}],
  [
    '`*` does not reach a deeper segment',
    'run-s audit:*',
    'echo',
    { 'audit:git': 'echo', 'audit:git:x': 'gitguard audit' },
  ],
  ['a glob in a form not matched here ({...})', 'run-s audit:{git,deps}', 'gitguard audit', {}],
  ['a glob beside --continue-on-error', 'npm-run-all --continue-on-error audit:*', 'gitguard audit', {}],
];
for (const [n, ci, gate, extra] of lost)
  test(`${n}: ci-gate-kept fails`, batch.add(BEFORE, { 'package.json': PKG(ci, gate, extra) }, false));
