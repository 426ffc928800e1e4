// Clean pass 37: honest gates written the way real projects write them, under gate72 (a step is the
// gate only if gitguard's failure fails the job as the forge's shell runs it), redteam73 (the forge's
// YAML parser), ciparse75 and ckpt78. Alice commits a CI file with the gate, then edits it and keeps the
// gate; ci-gate-kept must pass.
import { cleanupTemp } from '../helpers/repo.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);

const ACTION =
  'name: gitguard\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: npx --yes gitguard audit --fail-on "${{ inputs.fail-on }}"\ninputs:\n  fail-on:\n    default: low\n';

const WF = '.github/workflows/ci.yml';
const GL = '.gitlab-ci.yml';
const CHECKOUT = '      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n';
const gh = (on: string, steps: string, job = ''): string =>
  `on: ${on}\njobs:\n  gate:\n    runs-on: ubuntu-latest\n${job}    steps:\n${CHECKOUT}${steps}`;
const run = (cmd: string): string => `      - run: ${cmd}\n`;

const OWN_ACTION = readFileSync(join(ROOT, 'action.yml'), 'utf8');
const OWN_GITLAB = readFileSync(join(ROOT, 'ci', 'gitlab-ci.yml'), 'utf8');
const README_GL_INCLUDE =
  'include:\n  - remote: https://gitguard.example/ci/gitlab-ci.yml\nvariables:\n  GITGUARD_REPO: https://gitguard.example.git\n  GITGUARD_REF: main\n  GITGUARD_FAIL_ON: high\n';
const README_GL_HAND = (flags: string): string =>
  `gitguard:\n  image: node:20\n  variables:\n    GIT_DEPTH: 0\n    GITGUARD_REPO: https://gitguard.example.git\n  script:\n    - git clone --depth 1 "$GITGUARD_REPO" /tmp/gitguard && (cd /tmp/gitguard && npm ci && npm install -g .)\n    - gitguard audit --threat impersonation,history,protections --output-junit gitguard-junit.xml ${flags}\n  artifacts:\n    when: always\n    reports:\n      junit: gitguard-junit.xml\n`;

const cases: Array<[string, Record<string, string>, Record<string, string>]> = [
  [
    "uses: ./ with this repository's own action.yml",
    { [WF]: gh('push', '      - uses: ./\n'), 'action.yml': OWN_ACTION },
    { [WF]: gh('push', '      - uses: ./\n        with:\n          fail-on: high\n') },
  ],
  [
    "this repository's ci/gitlab-ci.yml copied as .gitlab-ci.yml",
    { [GL]: OWN_GITLAB },
    { [GL]: OWN_GITLAB.replace('GITGUARD_FAIL_ON: low', 'GITGUARD_FAIL_ON: high') },
  ],
  [
    "this repository's ci/gitlab-ci.yml as a local include",
    { [GL]: 'include:\n  - local: ci/gitlab-ci.yml\n', 'ci/gitlab-ci.yml': OWN_GITLAB },
    { [GL]: 'include:\n  - local: ci/gitlab-ci.yml\nvariables:\n  GITGUARD_FAIL_ON: high\n' },
  ],
  [
    'README GitLab recipe by hand',
    { [GL]: README_GL_HAND('--fail-on high') },
    { [GL]: README_GL_HAND('--fail-on medium') },
  ],
  [
    'README GitLab recipe by remote include',
    { [GL]: README_GL_INCLUDE },
    { [GL]: README_GL_INCLUDE.replace('high', 'medium') },
  ],
  [
    'README action recipe',
    { [WF]: gh('push', '      - uses: octo/gitguard@v1\n        with:\n          fail-on: high\n') },
    {
      [WF]: gh(
        'push',
        '      - uses: octo/gitguard@v1\n        with:\n          fail-on: medium\n          args: --all\n',
      ),
    },
  ],
  [
    "uses: ./ (this repo's action.yml)",
    { [WF]: gh('push', '      - uses: ./\n'), 'action.yml': ACTION },
    { [WF]: gh('push', '      - uses: ./\n        with:\n          fail-on: high\n') },
  ],
  [
    'npx --yes',
    { [WF]: gh('push', run('npx --yes gitguard audit')) },
    { [WF]: gh('push', run('npx --yes gitguard audit --all')) },
  ],
  [
    'pnpm dlx',
    { [WF]: gh('push', run('pnpm dlx gitguard audit')) },
    { [WF]: gh('push', run('pnpm dlx gitguard audit --all')) },
  ],
  [
    'yarn dlx',
    { [WF]: gh('push', run('yarn dlx gitguard audit')) },
    { [WF]: gh('push', run('yarn dlx gitguard audit --all')) },
  ],
  ['bunx', { [WF]: gh('push', run('bunx gitguard audit')) }, { [WF]: gh('push', run('bunx gitguard audit --all')) }],
  [
    'set -euo pipefail block',
    {
      [WF]: gh(
        'push',
        '      - run: |\n          set -euo pipefail\n          npx gitguard audit | tee report.txt\n          echo done\n',
      ),
    },
    {
      [WF]: gh(
        'push',
        '      - run: |\n          set -euo pipefail\n          npx gitguard audit --all | tee report.txt\n          echo done\n',
      ),
    },
  ],
  [
    'sarif, upload, failing check',
    {
      [WF]: gh(
        'push',
        "      - run: npx gitguard audit --format sarif --output x.sarif\n        id: audit\n        continue-on-error: true\n      - uses: github/codeql-action/upload-sarif@v3\n        if: always()\n        with:\n          sarif_file: x.sarif\n      - run: exit 1\n        if: steps.audit.outcome == 'failure'\n",
      ),
    },
    {
      [WF]: gh(
        'push',
        "      - run: npx gitguard audit --all --format sarif --output x.sarif\n        id: audit\n        continue-on-error: true\n      - uses: github/codeql-action/upload-sarif@v3\n        if: always()\n        with:\n          sarif_file: x.sarif\n      - run: exit 1\n        if: steps.audit.outcome == 'failure'\n",
      ),
    },
  ],
  [
    'timeout 600',
    { [WF]: gh('push', run('timeout 600 npx gitguard audit')) },
    { [WF]: gh('push', run('timeout 600 npx gitguard audit --all')) },
  ],
  [
    'make audit',
    { [WF]: gh('push', run('make audit')), Makefile: 'audit:\n\tgitguard audit\n' },
    { Makefile: 'audit:\n\tgitguard audit --all\n' },
  ],
  [
    'npm run gate',
    { [WF]: gh('push', run('npm run gate')), 'package.json': '{"scripts":{"gate":"gitguard audit"}}\n' },
    { 'package.json': '{"scripts":{"gate":"gitguard audit --all"}}\n' },
  ],
  [
    'run: | with comments and here-doc',
    {
      [WF]: gh(
        'push',
        "      - run: |\n          # the gate\n          cat > policy.txt <<'EOF2'\n          gitguard audit || true\n          EOF2\n          npx gitguard audit # fails the job\n",
      ),
    },
    {
      [WF]: gh(
        'push',
        "      - run: |\n          # the gate, every ref\n          cat > policy.txt <<'EOF2'\n          gitguard audit || true\n          EOF2\n          npx gitguard audit --all # fails the job\n",
      ),
    },
  ],
  [
    'on: [push, pull_request]',
    { [WF]: gh('[push, pull_request]', run('npx gitguard audit')) },
    { [WF]: gh('[push, pull_request]', run('npx gitguard audit --all')) },
  ],
  [
    'on: pull_request_target',
    { [WF]: gh('pull_request_target', run('npx gitguard audit')) },
    { [WF]: gh('pull_request_target', run('npx gitguard audit --all')) },
  ],
  [
    'on: merge_group',
    { [WF]: gh('merge_group', run('npx gitguard audit')) },
    { [WF]: gh('merge_group', run('npx gitguard audit --all')) },
  ],
  [
    'on: push: branches: [main]',
    { [WF]: gh('\n  push:\n    branches: [main]', run('npx gitguard audit')) },
    { [WF]: gh('\n  push:\n    branches: [main]', run('npx gitguard audit --all')) },
  ],
  [
    'matrix',
    {
      [WF]: gh(
        'push',
        run('npx gitguard audit'),
        '    strategy:\n      matrix:\n        os: [ubuntu-latest, windows-latest]\n',
      ),
    },
    {
      [WF]: gh(
        'push',
        run('npx gitguard audit --all'),
        '    strategy:\n      matrix:\n        os: [ubuntu-latest, windows-latest]\n',
      ),
    },
  ],
  [
    'if: github.event_name == push',
    { [WF]: gh('[push, pull_request]', "      - run: npx gitguard audit\n        if: github.event_name == 'push'\n") },
    {
      [WF]: gh(
        '[push, pull_request]',
        "      - run: npx gitguard audit --all\n        if: github.event_name == 'push'\n",
      ),
    },
  ],
  [
    'windows shell: bash',
    {
      [WF]: gh('push', run('npx gitguard audit') + '        shell: bash\n').replace('ubuntu-latest', 'windows-latest'),
    },
    {
      [WF]: gh('push', run('npx gitguard audit --all') + '        shell: bash\n').replace(
        'ubuntu-latest',
        'windows-latest',
      ),
    },
  ],
  [
    'windows default shell (pwsh)',
    { [WF]: gh('push', run('npx gitguard audit')).replace('ubuntu-latest', 'windows-latest') },
    { [WF]: gh('push', run('npx gitguard audit --all')).replace('ubuntu-latest', 'windows-latest') },
  ],
  [
    'flow sequence dedented to column 0',
    {
      [WF]:
        'on:\n  push:\n    branches: [\nmain\n]\n' + gh('push', run('npx gitguard audit')).slice('on: push\n'.length),
    },
    {
      [WF]:
        'on:\n  push:\n    branches: [\nmain\n]\n' +
        gh('push', run('npx gitguard audit --all')).slice('on: push\n'.length),
    },
  ],
  [
    'GitLab script - | block',
    { [GL]: 'audit:\n  script:\n    - |\n      echo start\n      npx gitguard audit\n' },
    { [GL]: 'audit:\n  script:\n    - |\n      echo start\n      npx gitguard audit --all\n' },
  ],
  [
    'GitLab before_script setup',
    {
      [GL]: 'audit:\n  before_script:\n    - npm ci\n    - export PATH="$PWD/node_modules/.bin:$PATH"\n  script:\n    - gitguard audit\n',
    },
    {
      [GL]: 'audit:\n  before_script:\n    - npm ci\n    - export PATH="$PWD/node_modules/.bin:$PATH"\n  script:\n    - gitguard audit --all\n',
    },
  ],
  [
    'GitLab rules merge_request_event',
    {
      [GL]: 'audit:\n  rules:\n    - if: $CI_PIPELINE_SOURCE == "merge_request_event"\n  script:\n    - npx gitguard audit\n',
    },
    {
      [GL]: 'audit:\n  rules:\n    - if: $CI_PIPELINE_SOURCE == "merge_request_event"\n  script:\n    - npx gitguard audit --all\n',
    },
  ],
  [
    'GitLab stages .pre',
    {
      [GL]: 'stages: [build, test]\naudit:\n  stage: .pre\n  script:\n    - npx gitguard audit\nbuild:\n  stage: build\n  script: make\n',
    },
    {
      [GL]: 'stages: [build, test]\naudit:\n  stage: .pre\n  script:\n    - npx gitguard audit --all\nbuild:\n  stage: build\n  script: make\n',
    },
  ],
  [
    'GitLab flow list dedented',
    { [GL]: 'stages: [\nbuild,\ntest\n]\naudit:\n  stage: test\n  script:\n    - npx gitguard audit\n' },
    { [GL]: 'stages: [\nbuild,\ntest\n]\naudit:\n  stage: test\n  script:\n    - npx gitguard audit --all\n' },
  ],
];

// Every change below judged by one audit of its chain (gate-batch.ts), each test reading its own.
const batch = gateBatch();
for (const [name, before, after] of cases)
  test(`${name}: the gate edited and kept passes`, batch.add(before, after, true));

// The same set-up with the gate's CI file emptied of it: the gate was read in the first place.
const REMOVED: Record<string, string> = {
  [WF]: 'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo build\n',
  [GL]: 'build:\n  script:\n    - echo build\n',
};
for (const [name, before] of cases) {
  const ci = Object.keys(before).find((f) => f in REMOVED)!;
  test(`${name}: the gate removed fails`, batch.add(before, { [ci]: REMOVED[ci]! }, false));
}

// A flow collection written by hand with its lines at column 0: GitHub's YamlDotNet 5.3, Go's yaml.v3
// and GitLab's Psych read it (no indentation is checked inside a flow), so the gate is kept.
const FLOW_ON = (flow: string): string =>
  `on:\n  push:\n    branches: ${flow}\n${gh('push', run('npx gitguard audit')).slice('on: push\n'.length)}`;
const GL_NEEDS = (flow: string): string =>
  `build:\n  script: make\naudit:\n  needs: ${flow}\n  script:\n    - npx gitguard audit\n`;
for (const [name, before, after] of [
  ['GitHub Actions: branches: [ at column 0', { [WF]: FLOW_ON('[main]') }, { [WF]: FLOW_ON('[\nmain\n]') }],
  [
    'Forgejo: branches: [ at column 0',
    { '.forgejo/workflows/ci.yml': FLOW_ON('[main]') },
    { '.forgejo/workflows/ci.yml': FLOW_ON('[\nmain,\ndev\n]') },
  ],
  ['GitLab: needs: [ at column 0', { [GL]: GL_NEEDS('[build]') }, { [GL]: GL_NEEDS('[\nbuild\n]') }],
  ['GitLab: needs: { at column 0', { [GL]: GL_NEEDS('[build]') }, { [GL]: GL_NEEDS('[{\njob: build\n}]') }],
] as Array<[string, Record<string, string>, Record<string, string>]>)
  test(`${name}: the gate kept passes`, batch.add(before, after, true));

// The attack next to it: a document marker at column 0 inside the flow ends the document for the forge's
// parser, which refuses the file; the padding must not hide it.
test(
  'a --- inside the dedented flow: the gate is lost',
  batch.add({ [WF]: FLOW_ON('[main]') }, { [WF]: FLOW_ON('[\n---\nmain\n]') }, false),
);
