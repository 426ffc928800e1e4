// gate91: one reading of a CI file's steps for both ways a step reaches gitguard. A step that runs a
// file of the checkout (`make audit`, `./scripts/audit`, `bash ci/gate.sh`, `npm run gate`) was read
// without the event, branch, `if:`, runner and GitLab `only:`/`rules:` readings a step naming gitguard
// gets: narrowing the workflow kept the gate. And a step moved into such a file in one commit was read
// as dropped (the two readings disagreed). Each history is real git; the reference for each step is
// the real shell, GNU make and npm run in the checkout with a gitguard (and npx) that fails.
import { cleanupSteps, stepFails } from '../helpers/real-step.js';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);

const WF = '.github/workflows/ci.yml';
const GH = (run: string, on = 'push', job = '', runsOn = 'ubuntu-latest'): string =>
  `on:\n  ${on}\njobs:\n  a:\n    runs-on: ${runsOn}\n${job}    steps:\n      - uses: actions/checkout@v4\n      - run: ${JSON.stringify(run)}\n`;
const GL = (line: string, job = ''): string => `audit:\n${job}  script:\n    - ${JSON.stringify(line)}\n`;
const DIRECT = { [WF]: GH('npx gitguard audit') };
const MAKE = '.PHONY: audit\naudit:\n\tnpx gitguard audit\n\techo done\n';
const SCRIPT = '#!/usr/bin/env bash\nset -euo pipefail\nnpx gitguard audit\necho audit passed\n';
const pkg = (gate: string): string => `${JSON.stringify({ name: 'x', scripts: { gate } }, null, 2)}\n`;

/** The step's command and the checkout files it runs. */
type Way = [name: string, run: string, files: Record<string, string>];
const WAYS: Way[] = [
  ['make audit', 'make audit', { Makefile: MAKE }],
  ['./scripts/audit', './scripts/audit', { 'scripts/audit': SCRIPT }],
  ['bash ci/gate.sh', 'bash ci/gate.sh', { 'ci/gate.sh': 'set -e\nnpx gitguard audit\necho done\n' }],
  ['npm run gate', 'npm run gate', { 'package.json': pkg('echo lint && gitguard audit') }],
];

// The reference: the step run by real bash, make and npm (test/helpers/real-step.ts).
afterAll(cleanupSteps);

// Each describe's cases judged by one audit of their chain (gate-batch.ts), each test reading its own.
type Files = Record<string, string>;

describe('a gate moved between the workflow and a file it runs, in one commit', () => {
  const batch = gateBatch();
  const passes = (before: Files, after: Files): (() => Promise<void>) => batch.add(before, after, true);
  const fails = (before: Files, after: Files): (() => Promise<void>) => batch.add(before, after, false);
  test.each(WAYS)('the real %s fails on the audit', (_n, run, files) => {
    expect(stepFails(run, files)).not.toBe(false);
  });
  for (const [n, run, files] of WAYS) test(`moved into ${n}: kept`, passes(DIRECT, { [WF]: GH(run), ...files }));
  for (const [n, run, files] of WAYS)
    test(`moved out of ${n} into the workflow: kept`, passes({ [WF]: GH(run), ...files }, DIRECT));
  for (const [n, run, files] of WAYS)
    test(
      `moved into ${n}, the workflow run for pushes to nope: lost`,
      fails(DIRECT, { [WF]: GH(run, 'push:\n    branches: [nope]'), ...files }),
    );
  for (const [n, run, files] of WAYS)
    test(
      `moved out of ${n} into a step with || true: lost`,
      fails({ [WF]: GH(run), ...files }, { [WF]: GH('npx gitguard audit || true') }),
    );
  test(
    'moved into make audit whose recipe passes --fail-on critical: lost',
    fails(DIRECT, { [WF]: GH('make audit'), Makefile: 'audit:\n\tnpx gitguard audit --fail-on critical\n' }),
  );
  const direct = { '.gitlab-ci.yml': GL('npx gitguard audit') };
  const gitlab = [
    passes(direct, { '.gitlab-ci.yml': GL('make audit'), Makefile: MAKE }),
    fails(direct, { '.gitlab-ci.yml': GL('make audit', '  only: [tags]\n'), Makefile: MAKE }),
  ];
  test('GitLab: moved into make audit: kept; into a job only for tags: lost', async () => {
    for (const check of gitlab) await check();
  });
});

/** A workflow change around a step that reaches gitguard through a file it runs; the file unchanged. */
const narrowed: Array<[string, (run: string) => string]> = [
  ['push: branches: [nope]', (run) => GH(run, 'push:\n    branches: [nope]')],
  ["push: branches-ignore: ['**']", (run) => GH(run, "push:\n    branches-ignore: ['**']")],
  ['pull_request: types: [closed]', (run) => GH(run, 'pull_request:\n    types: [closed]')],
  ['a job if: false', (run) => GH(run, 'push', '    if: false\n')],
  ['push: paths: [README.md]', (run) => GH(run, 'push:\n    paths: [README.md]')],
  ['a Windows runner (pwsh), a command after it', (run) => GH(`${run}\ngit --version`, 'push', '', 'windows-latest')],
];
const widened: Array<[string, (run: string) => string]> = [
  ["push: branches: [main, 'release/**']", (run) => GH(run, "push:\n    branches: [main, 'release/**']")],
  ["push: paths-ignore: ['**.md']", (run) => GH(run, "push:\n    paths-ignore: ['**.md']")],
  ["push: paths: ['**']", (run) => GH(run, "push:\n    paths: ['**']")],
  ['a job if: github.event_name == push', (run) => GH(run, 'push', "    if: github.event_name == 'push'\n")],
  ['a Windows runner (pwsh), the command alone', (run) => GH(run, 'push', '', 'windows-latest')],
];

describe('a step reaching gitguard through a file it runs, its workflow narrowed', () => {
  const batch = gateBatch();
  for (const [way, run, files] of WAYS) {
    for (const [n, wf] of narrowed)
      test(`${way}: ${n}: lost`, batch.add({ [WF]: GH(run), ...files }, { [WF]: wf(run) }, false));
    for (const [n, wf] of widened)
      test(`${way}: ${n}: kept`, batch.add({ [WF]: GH(run), ...files }, { [WF]: wf(run) }, true));
  }
  const before = { '.gitlab-ci.yml': GL('make audit'), Makefile: MAKE };
  const gitlab = [
    batch.add(before, { '.gitlab-ci.yml': GL('make audit', '  only: [tags]\n') }, false),
    batch.add(before, { '.gitlab-ci.yml': GL('make audit', '  rules:\n    - changes: [nope/**]\n') }, false),
    batch.add(before, { '.gitlab-ci.yml': GL('make audit', '  only: [main]\n') }, true),
  ];
  test('GitLab make audit: only: [tags], rules: changes: [nope/**]: lost; only: [main]: kept', async () => {
    for (const check of gitlab) await check();
  });
});

/** Audit options in the file the step runs (the workflow unchanged). */
const options: Array<[string, string, boolean]> = [
  ['--rule security-policy-present', 'npx gitguard audit --rule security-policy-present', false],
  ['--threat history', 'npx gitguard audit --threat history', false],
  ['--fail-on critical', 'npx gitguard audit --fail-on critical', false],
  ['--base HEAD', 'npx gitguard audit --base HEAD', false],
  ['an audit of ci/clean.git', 'npx gitguard audit ci/clean.git', false],
  ['--format json', 'npx gitguard audit --format json', true],
  ['--fail-on high', 'npx gitguard audit --fail-on high', true],
  ['--threat impersonation', 'npx gitguard audit --threat impersonation', true],
];

describe('audit options in the file the step runs', () => {
  const batch = gateBatch();
  for (const [n, line, kept] of options)
    test(
      `Makefile: ${n}`,
      batch.add({ [WF]: GH('make audit'), Makefile: MAKE }, { Makefile: `audit:\n\t${line}\n` }, kept),
    );
  for (const [n, line, kept] of options)
    test(
      `package.json: ${n}`,
      batch.add(
        { [WF]: GH('npm run gate'), 'package.json': pkg('gitguard audit') },
        { 'package.json': pkg(line.replace('npx ', '')) },
        kept,
      ),
    );
  for (const [n, line, kept] of options)
    test(
      `ci/gate.sh: ${n}`,
      batch.add(
        { [WF]: GH('bash ci/gate.sh'), 'ci/gate.sh': 'set -e\nnpx gitguard audit\n' },
        { 'ci/gate.sh': `set -e\n${line}\n` },
        kept,
      ),
    );
});

// A `paths:` filter gates the branch only where a change to most of the tip's files starts the workflow
// (README, CI-gate section): `paths: [README.md]` in a repository of code runs for few changes.
describe('a paths: filter that a change to most files does not start', () => {
  const batch = gateBatch();
  const CODE = { 'README.md': '# x\n', 'src/a.ts': 'a\n', 'src/b.ts': 'b\n', 'src/c.ts': 'c\n', 'docs/x.md': 'x\n' };
  const filtered = (filter: string): Record<string, string> => ({
    [WF]: GH('npx gitguard audit', `push:\n    ${filter}`),
  });
  for (const filter of ['paths: [README.md]', "paths: ['docs/**']", "paths-ignore: ['src/**']"])
    test(`${filter}: lost`, batch.add({ ...DIRECT, ...CODE }, filtered(filter), false));
  for (const filter of [
    "paths-ignore: ['**.md']",
    "paths: ['**']",
    "paths: ['src/**', '.github/**']",
    "paths-ignore: ['docs/**']",
  ])
    test(`${filter}: kept`, batch.add({ ...DIRECT, ...CODE }, filtered(filter), true));
  const before = { '.gitlab-ci.yml': GL('npx gitguard audit'), ...CODE };
  const gitlab = [
    batch.add(before, { '.gitlab-ci.yml': GL('npx gitguard audit', '  rules:\n    - changes: [README.md]\n') }, false),
    batch.add(
      before,
      { '.gitlab-ci.yml': GL('npx gitguard audit', "  rules:\n    - changes: ['src/**', .gitlab-ci.yml]\n") },
      true,
    ),
  ];
  test('GitLab rules: changes: [README.md]: lost; changes: [src/**, .gitlab-ci.yml]: kept', async () => {
    for (const check of gitlab) await check();
  });
});

// GitHub's upload-then-fail pattern: the audit step `continue-on-error: true` (its outcome kept), a later
// step `if: steps.audit.outcome == 'failure'` that fails the job. Read as one gate, whichever reading.
describe('continue-on-error with a later step that fails on its outcome', () => {
  const batch = gateBatch();
  const job = (check: string, checkFirst = false): Record<string, string> => {
    const audit =
      '      - run: npx gitguard audit --format sarif --output x.sarif\n        id: audit\n        continue-on-error: true\n';
    const later = `      - run: ${check}\n        if: steps.audit.outcome == 'failure'\n`;
    const steps = checkFirst ? later + audit : audit + later;
    return { [WF]: `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n${steps}` };
  };
  test('exit 1 after it: kept (moved there from a plain step)', batch.add(DIRECT, job('exit 1'), true));
  test('echo after it: lost', batch.add(DIRECT, job('echo failed'), false));
  test('exit 1 before it (no outcome yet): lost', batch.add(DIRECT, job('exit 1', true), false));
  test('exit 1 after it, then the check removed: lost', batch.add(job('exit 1'), job('echo failed'), false));
});
