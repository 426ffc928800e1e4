// steps111: an earlier step runs a file of the checkout (`./ci/setup.sh`, `bash ci/setup.sh`, `npm
// run setup`, `make setup`) that writes $GITHUB_PATH, a $GITHUB_ENV line for NODE_OPTIONS or a
// program where one is looked for; or a step in a folder where programs are (`working-directory:
// /usr/local/bin`) writes one by a relative name. The gate was read as kept. The reference is the
// job run by real bash with the runner's $GITHUB_ENV/$GITHUB_PATH handling (test/helpers/real-job.ts):
// it passes where the gate is lost. Honest twins (a build, a test run, FOO=bar) stay gates.
import { cleanupJobs, jobPasses, type JobStep } from '../helpers/real-job.js';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);
afterAll(cleanupJobs);

const WF = '.github/workflows/ci.yml';
const GATE = 'npx gitguard audit';
/** A step as YAML: its script, or (a string) a line of its own (`uses: x`). */
type Step = JobStep | string;
const stepYaml = (s: Step): string =>
  typeof s === 'string'
    ? `      - ${s}\n`
    : `      - run: ${JSON.stringify(s.run)}\n${s.dir ? `        working-directory: ${s.dir.replace(/^~\//, '/usr/local/')}\n` : ''}`;
/** A workflow on push: checkout, then `steps`. A step's `~/bin` folder is written as /usr/local/bin there. */
const workflow = (steps: readonly Step[]): string =>
  `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${steps.map(stepYaml).join('')}`;
const DIRECT = { [WF]: workflow([{ run: GATE }]) };
const gate: JobStep = { run: GATE };

const TOOLS = { 'tools/npx': '#!/bin/sh\nexit 0\n' };
const SH = (body: string): string => `#!/bin/sh\nset -e\n${body}\n`;
const ADD_PATH = 'echo "$PWD/tools" >> "$GITHUB_PATH"';
const PKG = (scripts: Record<string, string>): string => `${JSON.stringify({ name: 'x', scripts })}\n`;

/** name, the steps before the gate and the gate, the files. */
type Case = [name: string, steps: JobStep[], files: Record<string, string>];

const LOST: Case[] = [
  ['./ci/setup.sh writes $GITHUB_PATH', [{ run: './ci/setup.sh' }, gate], { ...TOOLS, 'ci/setup.sh': SH(ADD_PATH) }],
  [
    'bash ci/setup.sh writes NODE_OPTIONS to $GITHUB_ENV',
    [{ run: 'bash ci/setup.sh' }, gate],
    {
      'ci/ok.js': 'process.exit(0);\n',
      'ci/setup.sh': 'echo "NODE_OPTIONS=--require $PWD/ci/ok.js" >> "$GITHUB_ENV"\n',
    },
  ],
  [
    'npm run setup copies over npx in ~/bin',
    [{ run: 'npm run setup --silent' }, gate],
    { ...TOOLS, 'package.json': PKG({ setup: 'cp tools/npx ~/bin/npx' }) },
  ],
  [
    "npm run setup's presetup writes $GITHUB_PATH",
    [{ run: 'npm run setup --silent' }, gate],
    { ...TOOLS, 'package.json': PKG({ presetup: ADD_PATH, setup: 'echo ok' }) },
  ],
  [
    'make setup writes $GITHUB_PATH',
    [{ run: 'make -s setup' }, gate],
    { ...TOOLS, Makefile: `setup:\n\techo "$$PWD/tools" >> "$$GITHUB_PATH"\n` },
  ],
  [
    'a script that runs another that writes $GITHUB_PATH',
    [{ run: './ci/setup.sh' }, gate],
    { ...TOOLS, 'ci/setup.sh': SH('sh ci/paths.sh'), 'ci/paths.sh': `${ADD_PATH}\n` },
  ],
  [
    'cd ci && ./setup.sh writes $GITHUB_PATH',
    [{ run: 'cd ci && ./setup.sh' }, gate],
    { ...TOOLS, 'ci/setup.sh': SH('echo "$PWD/../tools" >> "$GITHUB_PATH"') },
  ],
  [
    'a script past the reading (65 KB) writes $GITHUB_PATH',
    [{ run: './ci/setup.sh' }, gate],
    { ...TOOLS, 'ci/setup.sh': SH(`${'# padding\n'.repeat(6700)}${ADD_PATH}`) },
  ],
  // Item 3: a folder where programs are looked for, written by a relative name.
  [
    'working-directory: /usr/local/bin, cp a relative name',
    [{ run: 'cp "$GITHUB_WORKSPACE/tools/npx" npx', dir: '~/bin' }, gate],
    TOOLS,
  ],
];

const KEPT: Case[] = [
  [
    './ci/setup.sh builds',
    [{ run: './ci/setup.sh' }, gate],
    { 'ci/setup.sh': SH('mkdir -p dist\ncp ci/setup.sh dist/\necho built > dist/log'), 'src/a.js': '1;\n' },
  ],
  [
    'bash ci/setup.sh writes FOO=bar to $GITHUB_ENV',
    [{ run: 'bash ci/setup.sh' }, gate],
    { 'ci/setup.sh': 'echo "FOO=bar" >> "$GITHUB_ENV"\n' },
  ],
  [
    'npm test runs node ci/test.js',
    [{ run: 'npm test --silent' }, gate],
    { 'package.json': PKG({ test: 'node ci/test.js' }), 'ci/test.js': 'console.log(1);\n' },
  ],
  ['make builds', [{ run: 'make -s' }, gate], { Makefile: 'all:\n\tmkdir -p out && echo built > out/log\n' }],
  [
    'cd web && ./build.sh',
    [{ run: 'cd web && ./build.sh' }, gate],
    { 'web/build.sh': SH('mkdir -p dist && echo x > dist/x') },
  ],
  [
    'working-directory: web, cp .env.example .env',
    [{ run: 'cp .env.example .env', dir: 'web' }, gate],
    { 'web/.env.example': 'A=1\n' },
  ],
];

// Each describe's cases judged by one audit per chain (gate-batch.ts), each test reading its own; the
// real jobs run in the tests.
describe('GitHub: a file of the checkout an earlier step runs, read at the commit', () => {
  const batch = gateBatch();
  for (const [name, steps, files] of LOST) {
    const check = batch.add(DIRECT, { [WF]: workflow(steps), ...files }, false);
    test(`${name}: the real job passes, ci-gate-kept fails`, async () => {
      expect(jobPasses(steps, files)).toBe(true);
      await check();
    });
  }
  for (const [name, steps, files] of KEPT) {
    const check = batch.add(DIRECT, { [WF]: workflow(steps), ...files }, true);
    test(`${name}: the real job fails on the audit, the gate is kept`, async () => {
      expect(jobPasses(steps, files)).toBe(false);
      await check();
    });
  }
  test(
    'a file the step names by a variable: lost (not read)',
    batch.add(DIRECT, { [WF]: workflow([{ run: './ci/$SETUP.sh' }, gate]) }, false),
  );
  test(
    'a file not in the commit: lost',
    batch.add(DIRECT, { [WF]: workflow([{ run: './ci/setup.sh' }, gate]) }, false),
  );
  // The workflow already runs the script; the change edits the script alone.
  const SETUP = { [WF]: workflow([{ run: './ci/setup.sh' }, gate]), ...TOOLS, 'ci/setup.sh': SH('echo setup') };
  const pathWritten = batch.add(SETUP, { 'ci/setup.sh': SH(ADD_PATH) }, false);
  test('the script alone edited to write $GITHUB_PATH: lost', async () => {
    const files = { ...SETUP, 'ci/setup.sh': SH(ADD_PATH) };
    expect(jobPasses([{ run: './ci/setup.sh' }, gate], files)).toBe(true);
    await pathWritten();
  });
  test(
    'the script alone edited to build: kept',
    batch.add(SETUP, { 'ci/setup.sh': SH('echo setup\nmkdir -p dist') }, true),
  );
  const ACTION = 'uses: someone/gitguard@v1';
  test(
    "gitguard's action after a script that writes $GITHUB_PATH: lost",
    batch.add(
      { [WF]: workflow([ACTION]) },
      { [WF]: workflow([{ run: './ci/setup.sh' }, ACTION]), 'ci/setup.sh': SH(ADD_PATH) },
      false,
    ),
  );
  test(
    "gitguard's action after a script that builds: kept",
    batch.add(
      { [WF]: workflow([ACTION]) },
      { [WF]: workflow([{ run: './ci/setup.sh' }, ACTION]), 'ci/setup.sh': SH('mkdir -p dist') },
      true,
    ),
  );
});

// GitLab sets an earlier job's dotenv report variables for the jobs that take its artifacts, over
// their own (GitLab's "Pass dotenv variables to specific jobs": every job of a later stage by default;
// `dependencies:` and `needs:` choose). What the report holds is written while that job runs.
const SETUP_JOB = (extra = ''): string =>
  `setup:\n  stage: build\n  script:\n    - echo "PATH=$CI_PROJECT_DIR/tools:$PATH" > build.env\n  artifacts:\n    reports:\n      dotenv: build.env\n${extra}`;
const AUDIT_JOB = (extra = ''): string => `audit:\n  stage: test\n${extra}  script:\n    - ${GATE}\n`;
const GL_DIRECT = {
  '.gitlab-ci.yml': `${SETUP_JOB()}${AUDIT_JOB()}`.replace(/dotenv: build.env/, 'paths: [build.env]'),
};

describe('GitLab: an earlier job sets variables for the gate job by a dotenv report', () => {
  const batch = gateBatch();
  for (const [name, text] of [
    ['a later stage (the default)', `${SETUP_JOB()}${AUDIT_JOB()}`],
    ['needs: [setup]', `${SETUP_JOB()}${AUDIT_JOB('  needs: [setup]\n')}`],
    ['dependencies: [setup]', `${SETUP_JOB()}${AUDIT_JOB('  dependencies: [setup]\n')}`],
    [
      'the same stage, needs: [setup]',
      `${SETUP_JOB()}${AUDIT_JOB('  needs: [setup]\n').replace('stage: test', 'stage: build')}`,
    ],
  ])
    test(`${name}: lost`, batch.add(GL_DIRECT, { '.gitlab-ci.yml': text! }, false));
  for (const [name, text] of [
    ['needs: []', `${SETUP_JOB()}${AUDIT_JOB('  needs: []\n')}`],
    ['dependencies: []', `${SETUP_JOB()}${AUDIT_JOB('  dependencies: []\n')}`],
    [
      'needs: setup with artifacts: false',
      `${SETUP_JOB()}${AUDIT_JOB('  needs:\n    - job: setup\n      artifacts: false\n')}`,
    ],
    ['the report in a later stage', `${SETUP_JOB().replace('stage: build', 'stage: deploy')}${AUDIT_JOB()}`],
    ['the report in the same stage', `${SETUP_JOB().replace('stage: build', 'stage: test')}${AUDIT_JOB()}`],
  ])
    test(`${name}: kept`, batch.add(GL_DIRECT, { '.gitlab-ci.yml': text! }, true));
});
