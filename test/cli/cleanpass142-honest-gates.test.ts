// cleanpass142: honest workflows a maintainer writes when moving the gate later or adding a step before
// it, which ci-gate-kept read as the gate removed (a false failure), each with twins that still lose it:
// - `mkdir build && cd build && npx gitguard audit -C ..`: a folder mkdir (no -p) made is no link, so its
//   `..` is the checkout; `mkdir -p`, a failed mkdir that goes on, or a rm/ln after it keep it unknown;
// - `working-directory: ${{ matrix.dir }}` on an earlier step: read in each folder the matrix lists;
//   a matrix not written out, or a value out of the workspace, stays not known;
// - `env: GOPATH:` with `go install`: Go's settings move no program the gate runs; only
//   `$(go env GOPATH)` on $GITHUB_PATH hangs on them, and is read as a folder not known then;
// - a reusable workflow's `--trust-root ${{ inputs.root }}` given a full id by its caller.
// - `unzip -d ${{ runner.temp }}/tools`, `curl -o ${{ github.workspace }}/x.zip`: the expressions are read
//   as $RUNNER_TEMP and $GITHUB_WORKSPACE, which name the same folders (a `..`, node_modules or the
//   runner's own files there still lose it).
// And regressions that already passed: `unzip -d tools`, README's action example and GitLab recipes.
import { readFileSync } from 'node:fs';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);

const WF = '.github/workflows/ci.yml';
const CALLED = '.github/workflows/gate.yml';
const GATE = 'npx gitguard audit';
const ID = '0123456789abcdef0123456789abcdef01234567';
/** A push workflow: checkout, then `steps` (run lines, each with its extra lines), `job` the job's other keys. */
const wf = (steps: ReadonlyArray<string | readonly [string, string]>, job = '', top = ''): string =>
  `on: push\n${top}jobs:\n  a:\n    runs-on: ubuntu-latest\n${job}    steps:\n      - uses: actions/checkout@v4\n${steps
    .map((s) => (typeof s === 'string' ? [s, ''] : s))
    .map(([s, extra]) => `      - run: ${JSON.stringify(s)}\n${extra}`)
    .join('')}`;
const wd = (dir: string): string => `        working-directory: ${dir}\n`;
const stepEnv = (lines: string): string => `        env:\n${lines}`;
const DIRECT = { [WF]: wf([GATE]) };
const matrix = (values: string): string => `    strategy:\n      matrix:\n        dir: ${values}\n`;
const GO_INSTALL = 'go install golang.org/x/tools/cmd/goimports@v0.24.0';
const GO_BIN = 'echo "$(go env GOPATH)/bin" >> $GITHUB_PATH';
const NPX = { 'tools/bin/npx': '#!/bin/sh\nexit 0\n' };
const PKG = '{"scripts":{"test":"node test.js"}}\n';
/** A caller whose job `gate` runs the reusable workflow with `with`, and the called file auditing from `${{ inputs.root }}`. */
const reusable = (
  withLines: string,
  jobExtra = '',
  arg = '--trust-root ${{ inputs.root }}',
): Record<string, string> => ({
  [WF]: `on: push\njobs:\n  gate:\n${jobExtra}    uses: ./${CALLED}\n    with:\n${withLines}`,
  [CALLED]: `on:\n  workflow_call:\n    inputs:\n      root:\n        type: string\n        required: true\njobs:\n  audit:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n      - run: ${GATE} ${arg}\n`,
});

/** README's reusable-workflow example as written: its two yaml blocks, each at the path its first line names. */
const README_REUSABLE = Object.fromEntries(
  [...readFileSync('README.md', 'utf8').matchAll(/^```yaml\n# (\.github\/workflows\/[\w.-]+)\n([\s\S]*?)^```$/gm)]
    .filter((m) => /workflow_call|uses: \.\/\.github\/workflows\/gitguard\.yml/.test(m[2]!))
    .map((m) => [m[1]!, m[2]!]),
);

type Case = [name: string, files: Record<string, string>];
const GL = '.gitlab-ci.yml';
const GL_DIRECT = { [GL]: 'gitguard:\n  variables:\n    GIT_DEPTH: 0\n  script:\n    - npx gitguard audit\n' };
const TEMPLATE = readFileSync('ci/gitlab-ci.yml', 'utf8');
/** README's GitLab recipes: the template included (here from the repository) and the job by hand. */
const GL_KEPT: Case[] = [
  [
    'the template included',
    {
      [GL]: 'include:\n  - local: ci/gitlab-ci.yml\nvariables:\n    GITGUARD_FAIL_ON: high\n',
      'ci/gitlab-ci.yml': TEMPLATE,
    },
  ],
  [
    "README's job by hand",
    {
      [GL]: [...readFileSync('README.md', 'utf8').matchAll(/^```yaml\n(gitguard:\n[\s\S]*?)^```$/gm)][0]![1]!,
    },
  ],
];

const KEPT: Case[] = [
  ['mkdir build && cd build && gitguard -C ..', { [WF]: wf([`mkdir build && cd build && ${GATE} -C ..`]) }],
  ['mkdir build, cd build on lines (bash -e)', { [WF]: wf([`mkdir build\ncd build\n${GATE} -C ..`]) }],
  [
    'mkdir -m, cmake .., make, ctest, then gitguard -C ..',
    { [WF]: wf([`mkdir -m 755 build && cd build && cmake .. && make -j2 && ctest && ${GATE} -C ..`]) },
  ],
  [
    'cmake piped to tee in the made folder',
    { [WF]: wf([`mkdir build && cd build && cmake .. 2>&1 | tee cmake.log && ${GATE} -C ..`]) },
  ],
  [
    'earlier step in ${{ matrix.dir }}',
    {
      [WF]: wf([['npm ci && npm test', wd('${{ matrix.dir }}')], GATE], matrix('[web, api]')),
      'web/package.json': PKG,
    },
  ],
  [
    'matrix with include',
    {
      [WF]: wf(
        [['curl -sSLO https://example.com/fixtures.tgz', wd('${{ matrix.dir }}')], GATE],
        `${matrix('[web]')}        include:\n          - dir: api\n`,
      ),
    },
  ],
  [
    'matrix folders running their own scripts',
    {
      [WF]: wf([['./setup.sh', wd('${{ matrix.dir }}')], GATE], matrix('[web, api]')),
      'web/setup.sh': '#!/bin/sh\nnpm ci\n',
      // (`pip install -r requirements.txt` here is a registry's install before the gate: installs209)
      'api/setup.sh': '#!/bin/sh\npython3 -m pip install --upgrade pip\n',
    },
  ],
  [
    'cmake -B build, cmake --build, gitguard from the root',
    { [WF]: wf([`cmake -B build && cmake --build build && ${GATE}`]) },
  ],
  ["README's reusable workflow example", README_REUSABLE],
  [
    'job env GOPATH, go install',
    { [WF]: wf([GO_INSTALL, 'go vet ./...', GATE], '    env:\n      GOPATH: /home/runner/go\n') },
  ],
  [
    'job env GOPATH in the workspace, go install, go test',
    { [WF]: wf([GO_INSTALL, 'go test ./...', GATE], '    env:\n      GOPATH: ${{ github.workspace }}/.gopath\n') },
  ],
  [
    'step env GOPATH and GOROOT',
    { [WF]: wf([[GO_INSTALL, stepEnv('          GOPATH: /tmp/go\n          GOROOT: /usr/local/go\n')], GATE]) },
  ],
  [
    'workflow env GOPATH, gate with GOPATH',
    { [WF]: wf([GO_INSTALL, [GATE, stepEnv('          GOPATH: /tmp/go\n')]], '', 'env:\n  GOPATH: /tmp/go\n') },
  ],
  ['reusable workflow given a full id', reusable(`      root: ${ID}\n`)],
  ['reusable workflow given ${{ vars.X }}', reusable('      root: ${{ vars.GITGUARD_ROOT }}\n')],
  [
    'unzip -o x.zip -d tools',
    { [WF]: wf(['curl -sSLo x.zip https://example.com/x.zip', 'unzip -o x.zip -d tools', GATE]) },
  ],
  ['unzip -o -d tools x.zip', { [WF]: wf(['unzip -o -d tools x.zip', GATE]) }],
  ['unzip -d ${{ github.workspace }}/tools', { [WF]: wf(['unzip -o x.zip -d ${{ github.workspace }}/tools', GATE]) }],
  ['unzip -d "${{ runner.temp }}/tools"', { [WF]: wf(['unzip -o x.zip -d "${{ runner.temp }}/tools"', GATE]) }],
  [
    'curl -o ${{ github.workspace }}/x.zip',
    { [WF]: wf(['curl -sSLo ${{ github.workspace }}/x.zip https://example.com/x.zip', GATE]) },
  ],
  [
    "README's action example",
    {
      [WF]: `on: push\npermissions:\n  contents: read\n  security-events: write\n  actions: read\njobs:\n  gitguard:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11d5960a326750d5838078e36cf38b85af677262 # v4.4.0\n        with:\n          fetch-depth: 0\n      - uses: acme/gitguard@${ID}\n        with:\n          fail-on: high\n          args: --all\n`,
    },
  ],
];
const LOST: Case[] = [
  ['mkdir -p build (a link to a folder passes it)', { [WF]: wf([`mkdir -p build && cd build && ${GATE} -C ..`]) }],
  [
    'a link made where mkdir then fails, || true',
    { [WF]: wf(['ln -s /tmp/clean build', `mkdir build || true\ncd build\n${GATE} -C ..`]) },
  ],
  ['mkdir without -e', { [WF]: wf(['ln -s /tmp/clean build', `set +e\nmkdir build\ncd build\n${GATE} -C ..`]) }],
  [
    'rm and ln after mkdir',
    { [WF]: wf([`mkdir build && rm -rf build && ln -s /tmp/clean build && cd build && ${GATE} -C ..`]) },
  ],
  [
    'rm and ln in a pipeline after mkdir',
    { [WF]: wf([`mkdir build && rm -rf build | cat && ln -s /tmp/clean build | cat && cd build && ${GATE} -C ..`]) },
  ],
  [
    'rm and ln in the background after mkdir',
    { [WF]: wf([`mkdir build\n{ rm -rf build; ln -s /tmp/clean build; } &\nwait\ncd build\n${GATE} -C ..`]) },
  ],
  [
    'mkdir in a failing subshell',
    { [WF]: wf(['ln -s /tmp/clean build', `(mkdir build) || true\ncd build\n${GATE} -C ..`]) },
  ],
  [
    'matrix value out of the workspace',
    {
      [WF]: wf(
        [['curl -sSLO https://example.com/npx', wd('${{ matrix.dir }}')], GATE],
        matrix('[web, /usr/local/bin]'),
      ),
    },
  ],
  [
    'matrix not written out',
    {
      [WF]: wf(
        [['curl -sSLO https://example.com/npx', wd('${{ matrix.dir }}')], GATE],
        '    strategy:\n      matrix: ${{ fromJSON(vars.DIRS) }}\n',
      ),
    },
  ],
  [
    "one matrix folder's script writes a program",
    {
      [WF]: wf([['./setup.sh', wd('${{ matrix.dir }}')], GATE], matrix('[web, api]')),
      'web/setup.sh': '#!/bin/sh\nnpm ci\n',
      'api/setup.sh': '#!/bin/sh\ncp ../tools/bin/npx "$HOME/.local/bin/npx"\n',
    },
  ],
  [
    'job env GOPATH, $(go env GOPATH)/bin on $GITHUB_PATH',
    { [WF]: wf([GO_BIN, GATE], '    env:\n      GOPATH: ${{ github.workspace }}/tools\n'), ...NPX },
  ],
  ['workflow env GOPATH', { [WF]: wf([GO_BIN, GATE], '', 'env:\n  GOPATH: ${{ github.workspace }}/tools\n'), ...NPX }],
  ["the step's own env GOENV", { [WF]: wf([[GO_BIN, stepEnv('          GOENV: tools/go.env\n')], GATE]), ...NPX }],
  ["the step's env an expression", { [WF]: wf([[GO_BIN, '        env: ${{ fromJSON(vars.ENV) }}\n'], GATE]), ...NPX }],
  ['GOPATH exported in the step', { [WF]: wf([`export GOPATH=$PWD/tools\n${GO_BIN}`, GATE]), ...NPX }],
  [
    'GOPATH on $GITHUB_ENV',
    { [WF]: wf(['echo "GOPATH=$GITHUB_WORKSPACE/tools" >> $GITHUB_ENV', GO_BIN, GATE]), ...NPX },
  ],
  ['reusable workflow given ${{ github.sha }}', reusable('      root: ${{ github.sha }}\n')],
  ['reusable workflow given a branch', reusable('      root: main\n')],
  ['reusable workflow given an id and more', reusable(`      root: "${ID} --base HEAD"\n`)],
  [
    'reusable workflow reading an input not given',
    reusable(`      root: ${ID}\n`, '', '--trust-root ${{ inputs.other }}'),
  ],
  [
    'calling job with needs:',
    (() => {
      const files = reusable(`      root: ${ID}\n`, '    needs: [build]\n');
      return { ...files, [WF]: `${files[WF]}  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n` };
    })(),
  ],
  [
    'the id from a caller that never runs, github.sha from the one that does',
    {
      ...reusable('      root: ${{ github.sha }}\n'),
      [WF]: `${reusable('      root: ${{ github.sha }}\n')[WF]}  never:\n    if: false\n    uses: ./${CALLED}\n    with:\n      root: ${ID}\n`,
    },
  ],
  ['unzip -d ${{ runner.temp }}/../bin', { [WF]: wf(['unzip -o x.zip -d ${{ runner.temp }}/../bin', GATE]) }],
  [
    "unzip into the runner's own files",
    { [WF]: wf(['unzip -o x.zip -d "${{ runner.temp }}/_runner_file_commands"', GATE]) },
  ],
  [
    'unzip -d ${{ github.workspace }}/node_modules/.bin',
    { [WF]: wf(['unzip -o x.zip -d ${{ github.workspace }}/node_modules/.bin', GATE]) },
  ],
  ['unzip into a PATH folder', { [WF]: wf(['unzip -o x.zip -d /usr/local/bin', GATE]) }],
];

describe('ci-gate-kept: honest gates of cleanpass142', () => {
  const batch = gateBatch();
  for (const [name, after] of KEPT) test(`kept: ${name}`, batch.add(DIRECT, after, true), 600_000);
  for (const [name, after] of LOST) test(`lost: ${name}`, batch.add(DIRECT, after, false), 600_000);
  for (const [name, after] of GL_KEPT) test(`kept (GitLab): ${name}`, batch.add(GL_DIRECT, after, true), 600_000);
  test("README's reusable workflow example is read whole", () =>
    expect(Object.keys(README_REUSABLE).sort()).toEqual([WF, '.github/workflows/gitguard.yml']));
});
