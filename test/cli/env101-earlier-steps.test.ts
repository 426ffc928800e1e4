// env101: an earlier step, or a setting above the gate step, changes what its gitguard runs or
// where, and the gate was read as kept: a $GITHUB_ENV line for BASH_ENV, PATH or NODE_OPTIONS, a
// folder on $GITHUB_PATH, `env: PATH: ./tools:...`, a checkout moved to a signed older commit
// (`git checkout HEAD~1`, `git reset --hard`), a program written over (cp, ln, curl -o, >), GitLab's
// `variables:` and GIT_STRATEGY. Each history is real git; the reference is the job run by real bash
// with the runner's $GITHUB_ENV/$GITHUB_PATH handling and a gitguard that fails unless git verifies
// HEAD's signature (test/helpers/real-job.ts). Honest twins (FOO=bar, npm ci, setup-node) stay gates.
import { cleanupJobs, jobPasses, type JobStep } from '../helpers/real-job.js';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);
afterAll(cleanupJobs);

const WF = '.github/workflows/ci.yml';
const GATE = 'npx gitguard audit';
const yamlEnv = (env: Record<string, string> | undefined, indent: string): string =>
  env
    ? `${indent}env:\n${Object.entries(env)
        .map(([k, v]) => `${indent}  ${k}: ${JSON.stringify(v)}\n`)
        .join('')}`
    : '';
const stepYaml = (s: JobStep | string): string =>
  typeof s === 'string' ? `      - ${s}\n` : `      - run: ${JSON.stringify(s.run)}\n${yamlEnv(s.env, '        ')}`;
/** A workflow on push: checkout, then `steps`, `jobEnv` and `topEnv` as `env:` of the job and the workflow. */
const workflow = (
  steps: ReadonlyArray<JobStep | string>,
  jobEnv?: Record<string, string>,
  topEnv?: Record<string, string>,
): string =>
  `on: push\n${yamlEnv(topEnv, '')}jobs:\n  a:\n    runs-on: ubuntu-latest\n${yamlEnv(jobEnv, '    ')}    steps:\n      - uses: actions/checkout@v4\n${steps.map(stepYaml).join('')}`;
const DIRECT = { [WF]: workflow([{ run: GATE }]) };

const PASSING_NPX = { 'tools/npx': '#!/bin/sh\nexit 0\n' };
const NO_NPX = { 'ci/env.sh': 'npx() { :; }\n' };
const OK_JS = { 'ci/ok.js': 'process.exit(0);\n' };

/** name, the steps before the gate (the gate's own `env:` last), the files, job and workflow `env:`. */
type Case = [
  name: string,
  steps: JobStep[],
  files: Record<string, string>,
  jobEnv?: Record<string, string>,
  topEnv?: Record<string, string>,
];
const gate = (env?: Record<string, string>): JobStep => (env ? { run: GATE, env } : { run: GATE });

const LOST: Case[] = [
  ['$GITHUB_ENV: BASH_ENV', [{ run: 'echo "BASH_ENV=$PWD/ci/env.sh" >> $GITHUB_ENV' }, gate()], NO_NPX],
  ['$GITHUB_ENV: PATH', [{ run: 'echo "PATH=$PWD/tools:$PATH" >> "$GITHUB_ENV"' }, gate()], PASSING_NPX],
  [
    '$GITHUB_ENV: PATH<<EOF',
    [{ run: '{\n  echo "PATH<<EOF"\n  echo "$PWD/tools:$PATH"\n  echo EOF\n} >> "$GITHUB_ENV"' }, gate()],
    PASSING_NPX,
  ],
  ['$GITHUB_ENV: cat <<EOF', [{ run: 'cat >> $GITHUB_ENV <<EOF\nPATH=$PWD/tools:$PATH\nEOF' }, gate()], PASSING_NPX],
  ['$GITHUB_ENV: NODE_OPTIONS', [{ run: 'echo "NODE_OPTIONS=--require $PWD/ci/ok.js" >> $GITHUB_ENV' }, gate()], OK_JS],
  [
    '$GITHUB_ENV: a value with a newline',
    [{ run: 'echo "FOO=$(printf \'x\\nPATH=%s\' "$PWD/tools:$PATH")" >> $GITHUB_ENV' }, gate()],
    PASSING_NPX,
  ],
  ['$GITHUB_PATH: a checkout folder', [{ run: 'echo "$PWD/tools" >> $GITHUB_PATH' }, gate()], PASSING_NPX],
  // The job's tools folder is $HOME/bin (real-job.ts): a write there is one where a program is looked for.
  ['cp over npx in ~/bin', [{ run: 'cp tools/npx ~/bin/npx' }, gate()], PASSING_NPX],
  ['ln -sf onto npx in $HOME/bin', [{ run: 'ln -sf "$PWD/tools/npx" "$HOME/bin/npx"' }, gate()], PASSING_NPX],
  ['a redirection onto npx', [{ run: 'cat tools/npx > ~/bin/npx' }, gate()], PASSING_NPX],
  ['curl -o onto npx', [{ run: 'curl -sSfo ~/bin/npx "file://$PWD/tools/npx"' }, gate()], PASSING_NPX],
  ['cd ~/bin, then cp a relative name', [{ run: 't=$PWD/tools/npx\ncd ~/bin && cp "$t" npx' }, gate()], PASSING_NPX],
  ['npx on PATH written over', [{ run: 'cp tools/npx "$(command -v npx)"' }, gate()], PASSING_NPX],
  ['a step env: PATH: ./tools:...', [gate({ PATH: `./tools:${process.env.PATH ?? '/usr/bin:/bin'}` })], PASSING_NPX],
  ['a job env: NODE_OPTIONS', [gate()], OK_JS, { NODE_OPTIONS: '--require ./ci/ok.js' }],
  ['a workflow env: NODE_OPTIONS', [gate()], OK_JS, undefined, { NODE_OPTIONS: '--require ./ci/ok.js' }],
  ['an earlier step: git checkout HEAD~1', [{ run: 'git checkout -q HEAD~1' }, gate()], {}],
  ['an earlier step: git reset --hard HEAD~1', [{ run: 'git reset -q --hard HEAD~1' }, gate()], {}],
  ['the same run: git switch --detach HEAD~1', [{ run: `git switch -q --detach HEAD~1\n${GATE}` }], {}],
  ['the same run: a function of git checkout', [{ run: `old() { git checkout -q HEAD~1; }\nold\n${GATE}` }], {}],
  ['the same run: bash -c "git reset --hard HEAD~1"', [{ run: `bash -c "git reset -q --hard HEAD~1"\n${GATE}` }], {}],
  // redteam112: the runner's own files by their place in $RUNNER_TEMP, paths climbing out with `..`, dd.
  [
    '$GITHUB_ENV by its place in $RUNNER_TEMP',
    [{ run: 'echo "NODE_OPTIONS=--require $PWD/ci/ok.js" >> $RUNNER_TEMP/_runner_file_commands/set_env_*' }, gate()],
    OK_JS,
  ],
  [
    '$GITHUB_PATH by its place, after a cd into $RUNNER_TEMP',
    [{ run: 't=$PWD/tools\ncd "$RUNNER_TEMP/_runner_file_commands"\necho "$t" | tee -a add_path_*' }, gate()],
    PASSING_NPX,
  ],
  ['cp onto npx through ../ of the checkout', [{ run: 'cp tools/npx ../home/bin/npx' }, gate()], PASSING_NPX],
  [
    'cp onto npx through $RUNNER_TEMP/..',
    [{ run: 'cp tools/npx "$RUNNER_TEMP/../home/bin/npx"' }, gate()],
    PASSING_NPX,
  ],
  ['dd of= onto npx', [{ run: 'dd if=tools/npx of=$HOME/bin/npx status=none' }, gate()], PASSING_NPX],
  ['a link to ~/bin, then cp through it', [{ run: 'ln -s ~/bin b\ncp tools/npx b/npx' }, gate()], PASSING_NPX],
  [
    'git clone into a PATH folder',
    [{ run: 'rm -rf ~/bin\ngit clone -q "$PWD" ~/bin' }, gate()],
    { npx: '#!/bin/sh\nexit 0\n' },
  ],
  // An empty executable runs as an empty script: exit 0.
  ['truncate npx to nothing', [{ run: 'truncate -s 0 ~/bin/npx' }, gate()], {}],
];

const KEPT: Case[] = [
  ['$GITHUB_ENV: FOO=bar', [{ run: 'echo "FOO=bar" >> $GITHUB_ENV' }, gate()], {}],
  ['$GITHUB_ENV: cat <<EOF of FOO and BAR', [{ run: "cat >> $GITHUB_ENV <<'EOF'\nFOO=1\nBAR=two\nEOF" }, gate()], {}],
  [
    'npm ci before',
    [{ run: 'npm ci --no-audit --no-fund --offline' }, gate()],
    {
      'package.json': '{"name":"x","version":"1.0.0"}\n',
      'package-lock.json':
        '{"name":"x","version":"1.0.0","lockfileVersion":3,"requires":true,"packages":{"":{"name":"x","version":"1.0.0"}}}\n',
    },
  ],
  [
    'git checkout -b work, git log before',
    [{ run: 'git checkout -q -b work\ngit log --oneline -1 >/dev/null' }, gate()],
    {},
  ],
  ['a step env: FOO, GIT_TERMINAL_PROMPT', [gate({ FOO: 'bar', GIT_TERMINAL_PROMPT: '0' })], {}],
  ['a job env: CI, GITGUARD_FAIL_ON', [gate()], {}, { CI: 'true', GITGUARD_FAIL_ON: 'high' }],
  ['the same run: git checkout after the gate', [{ run: `${GATE}\ngit checkout -q HEAD~1` }], {}],
  ['an earlier step: git init of a scratch folder', [{ run: 'git init -q /tmp/env101-scratch-$$' }, gate()], {}],
  [
    'a file of $RUNNER_TEMP, dd of a file of the checkout',
    [{ run: 'echo "{}" > "$RUNNER_TEMP/settings.json"\ndd if=/dev/zero of=blank bs=1 count=1 status=none' }, gate()],
    {},
  ],
  // The change's own code run first (a test run, make): read as a gate, as before env101 (README).
  ['make before', [{ run: 'make' }, gate()], { Makefile: 'all:\n\t@echo built\n' }],
  [
    'node ci/test.js, tee a log',
    [{ run: 'node ci/test.js 2>&1 | tee test.log' }, gate()],
    { 'ci/test.js': 'console.log(1);\n' },
  ],
  // A removal is told apart from a write (npxgate189): removing node_modules plants nothing where npx looks.
  [
    'cp .env.example .env, rm -rf node_modules',
    [{ run: 'cp .env.example .env\nrm -rf node_modules' }, gate()],
    { '.env.example': 'A=1\n' },
  ],
];

// Each describe's cases judged by one audit of their chain (gate-batch.ts), each test reading its own.
describe('GitHub: what runs before the gate step changes what it runs', () => {
  const batch = gateBatch();
  for (const [name, steps, files, jobEnv, topEnv] of LOST) {
    const check = batch.add(DIRECT, { [WF]: workflow(steps, jobEnv, topEnv), ...files }, false);
    test(`${name}: the real job passes, ci-gate-kept fails`, async () => {
      expect(jobPasses(steps, files, { ...jobEnv, ...topEnv })).toBe(true);
      await check();
    });
  }
  for (const [name, steps, files, jobEnv, topEnv] of KEPT) {
    const check = batch.add(DIRECT, { [WF]: workflow(steps, jobEnv, topEnv), ...files }, true);
    test(`${name}: the real job fails on the audit, the gate is kept`, async () => {
      expect(jobPasses(steps, files, { ...jobEnv, ...topEnv })).toBe(false);
      await check();
    });
  }
  // steps111: a file of the checkout run first is read at the commit (test/cli/steps111-earlier-files.test.ts).
  const setup = { ...PASSING_NPX, 'ci/setup.sh': '#!/bin/sh\necho "$PWD/tools" >> "$GITHUB_PATH"\n' };
  const setupFirst = [{ run: './ci/setup.sh' }, gate()];
  const setupFirstLost = batch.add(DIRECT, { [WF]: workflow(setupFirst), ...setup }, false);
  test('a file of the checkout run first writes $GITHUB_PATH: the real job passes, ci-gate-kept fails', async () => {
    expect(jobPasses(setupFirst, setup, {})).toBe(true);
    await setupFirstLost();
  });
  const gateFirst = [gate(), { run: './ci/setup.sh' }];
  const gateFirstKept = batch.add(DIRECT, { [WF]: workflow(gateFirst), ...setup }, true);
  test('the gate before the file of the checkout: kept, and the real job fails', async () => {
    expect(jobPasses(gateFirst, setup, {})).toBe(false);
    await gateFirstKept();
  });
  // env107: the common honest job (npm ci, npm test, the gate) is a gate, so deleting its gate step fails.
  const TESTED = workflow([{ run: 'npm ci' }, { run: 'npm test' }, gate()]);
  test('npm ci, npm test, then the gate: kept', batch.add(DIRECT, { [WF]: TESTED }, true));
  test(
    'npm ci, npm test, the gate step deleted: lost',
    batch.add({ [WF]: TESTED }, { [WF]: workflow([{ run: 'npm ci' }, { run: 'npm test' }]) }, false),
  );
  test(
    'setup-node, then npm ci: kept',
    batch.add(DIRECT, { [WF]: workflow(['uses: actions/setup-node@v4', { run: 'npm ci' }, gate()]) }, true),
  );
  test(
    'a local action first: lost',
    batch.add(DIRECT, { [WF]: workflow(['uses: ./.github/actions/setup', gate()]) }, false),
  );
});

const GL = (script: string, variables = '', top = ''): string =>
  `${top}audit:\n${variables ? `  variables:\n${variables}` : ''}  script:\n${script
    .split('\n')
    .map((l) => `    - ${JSON.stringify(l)}\n`)
    .join('')}`;
const GL_DIRECT = { '.gitlab-ci.yml': GL(GATE) };

describe('GitLab: variables and the checkout before the gate', () => {
  const batch = gateBatch();
  for (const [n, text] of [
    ['variables: PATH into the checkout', GL(GATE, '    PATH: "$CI_PROJECT_DIR/tools:$PATH"\n')],
    ['variables: NODE_OPTIONS', GL(GATE, '    NODE_OPTIONS: "--require ./ci/ok.js"\n')],
    ['global variables: NODE_OPTIONS', GL(GATE, '', 'variables:\n  NODE_OPTIONS: "--require ./ci/ok.js"\n')],
    ['GIT_STRATEGY: none', GL(GATE, '    GIT_STRATEGY: none\n')],
    ['GIT_CHECKOUT: "false"', GL(GATE, '    GIT_CHECKOUT: "false"\n')],
    ['git checkout HEAD~1 first', GL(`git checkout -q HEAD~1\n${GATE}`)],
  ] as Array<[string, string]>)
    test(`${n}: lost`, batch.add(GL_DIRECT, { '.gitlab-ci.yml': text }, false));
  for (const [n, text] of [
    ['GIT_DEPTH: 0, GIT_STRATEGY: clone, FOO', GL(GATE, '    GIT_DEPTH: 0\n    GIT_STRATEGY: clone\n    FOO: bar\n')],
    ['git fetch --tags first', GL(`git fetch --tags\n${GATE}`)],
  ] as Array<[string, string]>)
    test(`${n}: kept`, batch.add(GL_DIRECT, { '.gitlab-ci.yml': text }, true));
});
