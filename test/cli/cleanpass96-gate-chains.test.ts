// Clean pass 96: a gate kept in the checkout's files, moved or split the way projects arrange them:
// a Makefile that `include`s the file holding the audit target, and a package script run by
// npm-run-all (`run-s`, `run-p`, `npm-run-all`) or `concurrently`. Both readings were blind to them
// (the honest move from `make audit` / `npm run gate` failed ci-gate-kept, and the twin that then
// neutralised the included file or the script passed). make is the reference where it is installed
// (the step run with an npx and a gitguard that fail); npm-run-all and concurrently are not installed
// here, so their twins follow their documentation: any task failing fails the run, unless
// `--continue-on-error`, `--race`, `--success first` or a glob the reading does not expand.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';
import { failingToolsCheckout } from '../helpers/real-step.js';

afterAll(cleanupTemp);

const WF = '.github/workflows/ci.yml';
const GH = (run: string): string =>
  `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ${JSON.stringify(run)}\n`;
const MK = '.PHONY: audit\naudit:\n\tnpx gitguard audit\n\techo done\n';
const INCLUDED = { [WF]: GH('make audit'), Makefile: 'include ci/audit.mk\n\nlint:\n\techo lint\n', 'ci/audit.mk': MK };
const PKG = (ci: string, gate = 'gitguard audit'): string =>
  `${JSON.stringify({ scripts: { ci, lint: 'echo lint', gate } }, null, 2)}\n`;
const NPM_GATE = { [WF]: GH('npm run gate'), 'package.json': PKG('echo nothing') };
const ran = (ci: string): Record<string, string> => ({ [WF]: GH('npm run ci'), 'package.json': PKG(ci) });

// The reference: `make audit` run in a checkout of `files` with an npx and a gitguard whose audit fails.
const root = mkdtempSync(join(tmpdir(), 'gitguard-cp96-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const makeFails = (files: Record<string, string>): boolean | null => {
  if (spawnSync('make', ['--version']).status !== 0) return null;
  const { dir, env } = failingToolsCheckout(root, files);
  // The Makefile checked out after the file it includes (a checkout writes in any order).
  for (const [path, secs] of [
    ['Makefile', 1_000_000_100],
    ['ci/audit.mk', 1_000_000_000],
  ] as const)
    if (files[path] !== undefined) utimesSync(join(dir, path), secs, secs);
  const res = spawnSync('make', ['audit'], {
    cwd: dir,
    env,
    timeout: 20_000,
  });
  return res.status !== 0;
};

// Each describe's gate cases judged by one audit of their chain (gate-batch.ts), each test reading its own.
type Files = Record<string, string>;

describe('a Makefile that includes the audit target', () => {
  const batch = gateBatch();
  const moved = batch.add({ [WF]: GH('make audit'), Makefile: MK }, INCLUDED, true);
  test('moved from the Makefile into an included file: real make fails on the audit, the gate is kept', async () => {
    expect(makeFails(INCLUDED)).not.toBe(false);
    await moved();
  });

  test(
    'another target edited beside the include: kept',
    batch.add(INCLUDED, { Makefile: 'include ci/audit.mk\n\nlint:\n\teslint .\n' }, true),
  );

  const lost: Array<[string, Record<string, string>]> = [
    ['the included audit line made `-`', { 'ci/audit.mk': MK.replace('\tnpx', '\t-npx') }],
    ['the include dropped for a target of its own', { Makefile: 'audit:\n\techo skipped\n' }],
    [
      'a rule that remakes the included file before make reads it',
      { Makefile: `include ci/audit.mk\nci/audit.mk: Makefile\n\tprintf 'audit:\\n\\ttrue\\n' > $@\n` },
    ],
  ];
  for (const [n, after] of lost) {
    const check = batch.add(INCLUDED, after, false);
    test(`${n}: real make passes, ci-gate-kept fails`, async () => {
      expect(makeFails({ ...INCLUDED, ...after })).not.toBe(true);
      await check();
    });
  }
});

describe('package scripts run by npm-run-all or concurrently', () => {
  const batch = gateBatch();
  const expectKept = (before: Files, after: Files): (() => Promise<void>) => batch.add(before, after, true);
  const expectLost = (before: Files, after: Files): (() => Promise<void>) => batch.add(before, after, false);
  const kept: Array<[string, string]> = [
    ['run-s lint gate', 'run-s lint gate'],
    ['run-p lint gate', 'run-p lint gate'],
    ['npm-run-all -p lint gate', 'npm-run-all --print-label -p lint gate'],
    ['concurrently "npm:lint" "npm:gate"', 'concurrently -n lint,gate "npm:lint" "npm:gate"'],
    ['concurrently "npm run lint" "npm run gate"', 'concurrently "npm run lint" "npm run gate"'],
  ];
  for (const [n, ci] of kept) test(`npm run gate moved behind ${n}: kept`, expectKept(NPM_GATE, ran(ci)));

  test(
    'the runner kept and its other script edited: kept',
    expectKept(ran('run-s lint gate'), { 'package.json': PKG('run-s lint gate').replace('echo lint', 'eslint .') }),
  );

  const lost: Array<[string, string, string]> = [
    ['run-s, the gate script `|| true`', 'run-s lint gate', PKG('run-s lint gate', 'gitguard audit || true')],
    ['run-p --race', 'run-p lint gate', PKG('run-p --race lint gate')],
    ['npm-run-all --continue-on-error', 'npm-run-all lint gate', PKG('npm-run-all --continue-on-error lint gate')],
    ['run-s naming the other script only', 'run-s lint gate', PKG('run-s lint')],
    [
      'concurrently, the gate script `; exit 0`',
      'concurrently "npm:lint" "npm:gate"',
      PKG('concurrently "npm:lint" "npm:gate"', 'gitguard audit; exit 0'),
    ],
    [
      'concurrently --success first',
      'concurrently "npm:lint" "npm:gate"',
      PKG('concurrently --success first "npm:lint" "npm:gate"'),
    ],
    [
      'concurrently "npm run gate", the gate script `|| true`',
      'concurrently "npm run lint" "npm run gate"',
      PKG('concurrently "npm run lint" "npm run gate"', 'gitguard audit || true'),
    ],
  ];
  for (const [n, ci, after] of lost) test(`${n}: ci-gate-kept fails`, expectLost(ran(ci), { 'package.json': after }));
});
