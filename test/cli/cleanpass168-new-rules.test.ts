// cleanpass168: honest workflows under this session's new fail-closed rules (redteam158, redteam159),
// each where the trust root already had the construct (an honest commit of other files must pass)
// and where a commit signed by an allowed signer adds it (keys-only: no --base, no accepted state to
// judge images or includes against). The twins that still lose: the gate removed from each start, code
// fetched before the audit added, and pwsh that does more than print.
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

type Files = Record<string, string>;
const WF = '.github/workflows/ci.yml';
const CI = '.gitlab-ci.yml';
const APP = { 'src/app.js': 'console.log(1);\n' };
const CHECKOUT = '      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n';
const SETUP_NODE = '      - uses: actions/setup-node@v4\n        with:\n          node-version: 20\n';
const run = (s: string): string => `      - run: ${JSON.stringify(s)}\n`;
const wf = (runsOn: string, steps: string, head = ''): Files => ({
  [WF]: `on: push\njobs:\n  gate:\n    runs-on: ${runsOn}\n${head}    steps:\n${CHECKOUT}${steps}`,
});
const PLAIN = wf('ubuntu-latest', run('npx gitguard audit'));

const GITHUB: Array<[string, Files]> = [
  [
    'a Windows+Linux test matrix, the gate on ubuntu',
    {
      [WF]:
        'on: [push, pull_request]\njobs:\n  test:\n    strategy:\n      matrix:\n        os: [ubuntu-latest, windows-latest]\n    runs-on: ${{ matrix.os }}\n    steps:\n      - uses: actions/checkout@v4\n' +
        `${SETUP_NODE}      - run: npm ci\n      - run: npm test\n  gitguard:\n    runs-on: ubuntu-latest\n    steps:\n${CHECKOUT}${SETUP_NODE}${run('npx gitguard audit')}`,
    },
  ],
  [
    'the gate in a Windows+Linux matrix job',
    wf(
      '${{ matrix.os }}',
      `${SETUP_NODE}${run('npx gitguard audit')}`,
      '    strategy:\n      matrix:\n        os: [ubuntu-latest, windows-latest]\n',
    ),
  ],
  [
    'the gate on windows-latest in pwsh after setup-node',
    wf('windows-latest', `${SETUP_NODE}${run('npx gitguard audit')}`),
  ],
  [
    'pwsh Write-Host, $PSVersionTable, node --version before the gate',
    wf(
      'windows-latest',
      `${SETUP_NODE}${run('Write-Host "Auditing history"')}${run('$PSVersionTable')}${run('node --version')}${run('npx gitguard audit')}`,
    ),
  ],
  ['container: node:20', wf('ubuntu-latest', run('npx gitguard audit'), '    container: node:20\n')],
  [
    'services: postgres:16',
    wf('ubuntu-latest', run('npx gitguard audit'), '    services:\n      db:\n        image: postgres:16\n'),
  ],
  [
    'rustup by curl | sh in an earlier step',
    wf(
      'ubuntu-latest',
      `${run('curl --proto =https --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y')}${run('npx gitguard audit')}`,
    ),
  ],
  [
    'uv by curl | sh in an earlier step',
    wf('ubuntu-latest', `${run('curl -LsSf https://astral.sh/uv/install.sh | sh')}${run('npx gitguard audit')}`),
  ],
];
const VARS_IMAGE = wf('ubuntu-latest', run('npx gitguard audit'), '    container: ${{ vars.IMAGE }}\n');

const BASE = '.base:\n  image: node:20\n  before_script:\n    - npm ci\n';
const GATE = (opts = ''): string => `gitguard:\n  stage: test\n  script:\n    - npx gitguard audit${opts}\n`;
const GITLAB: Array<[string, Files]> = [
  [
    'include: template: Security/SAST.gitlab-ci.yml',
    { [CI]: `include:\n  - template: Security/SAST.gitlab-ci.yml\n${GATE()}` },
  ],
  [
    'include: project: ref: v1.2.3',
    { [CI]: `include:\n  - project: acme/ci-templates\n    ref: v1.2.3\n    file: /templates/node.yml\n${GATE()}` },
  ],
  [
    "README's remote recipe",
    {
      [CI]: 'include:\n  - remote: https://example.com/gitguard/ci/gitlab-ci.yml\nvariables:\n  GITGUARD_REPO: https://example.com/gitguard.git\n  GITGUARD_REF: main\n  GITGUARD_FAIL_ON: high\n',
    },
  ],
  [
    'before_script npm ci, then npx gitguard audit',
    { [CI]: `gitguard:\n  image: node:20\n  before_script:\n    - npm ci\n  script:\n    - npx gitguard audit\n` },
  ],
  ['extends: .base', { [CI]: `${BASE}gitguard:\n  extends: .base\n  script:\n    - npx gitguard audit\n` }],
  [
    'curl | sh in a before_script',
    {
      [CI]: `gitguard:\n  image: node:20\n  before_script:\n    - curl -LsSf https://astral.sh/uv/install.sh | sh\n  script:\n    - npx gitguard audit\n`,
    },
  ],
];

const NO_GITHUB_GATE = {
  [WF]: 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n',
};
const NO_GITLAB_GATE = { [CI]: 'test:\n  script:\n    - echo hi\n' };
/** The cases running code fetched from the network before the audit. */
const FETCHES = /curl/;
const noGate = (files: Files): Files => (CI in files ? NO_GITLAB_GATE : NO_GITHUB_GATE);

describe('cleanpass168: present from the start, an honest commit of other files', () => {
  for (const [name, files] of [...GITHUB, ...GITLAB]) {
    const batch = gateBatch(files);
    it(`kept: ${name}`, batch.add(files, { ...files, ...APP }, true), 600_000);
    // The twin: the start is read as a gate (the gate removed from it is lost), code fetched before
    // the audit too: the start ran that very line, which vouches for it (vouch171).
    it(`lost: ${name}, the gate removed`, batch.add(files, noGate(files), false), 600_000);
  }
});

describe('cleanpass168: the GitLab gate job edited where the start had it', () => {
  for (const [name, files] of GITLAB) {
    const batch = gateBatch(files);
    const edited = { [CI]: files[CI]!.replace('npx gitguard audit', 'npx gitguard audit --fail-on high') };
    it(`kept: ${name}, the audit line edited`, batch.add(files, edited, true), 600_000);
  }
});

// Added by a signed commit: code fetched from the network before the audit is the change's (its
// address is), so it loses the gate (README).
describe('cleanpass168: added by a signed commit', () => {
  const batch = gateBatch();
  const gl = { [CI]: GATE() };
  for (const [name, files] of [...GITHUB, ...GITLAB]) {
    const kept = !FETCHES.test(JSON.stringify(files));
    it(`${kept ? 'kept' : 'lost'}: ${name}`, batch.add(CI in files ? gl : PLAIN, files, kept), 600_000);
  }
});

// pwsh before the gate: a double-quoted string that expands nothing is a literal, and reading
// $PSVersionTable prints it; a string that runs a command, or a typographic quote pwsh ends a string
// with, still loses the gate.
const PWSH: Array<[string, string, boolean]> = [
  ['Write-Host "Auditing history"', 'Write-Host "Auditing history"', true],
  ['$PSVersionTable', '$PSVersionTable', true],
  ['Write-Output $PSVersionTable.PSVersion', 'Write-Output $PSVersionTable.PSVersion', true],
  ['Write-Host "it\'s fine"', 'Write-Host "it\'s fine"', true],
  ['a subexpression in double quotes', 'Write-Host "$(Copy-Item ci/npx C:/npm/npx.cmd)"', false],
  ['a variable in double quotes', 'Write-Host "$env:GITHUB_PATH"', false],
  ['a backquote in double quotes', 'Write-Host "a`"; Copy-Item ci/npx C:/npm/npx.cmd; "b"', false],
  [
    "a single quote's string with $( inside double quotes",
    'Write-Host "\'$(Copy-Item ci/npx C:/npm/npx.cmd)\'"',
    false,
  ],
  [
    'a typographic double quote ending the string',
    'Write-Host "a\u201d; Copy-Item ci/npx C:/npm/npx.cmd; \u201cb"',
    false,
  ],
  [
    'a typographic single quote ending the string',
    "Write-Host 'a\u2019; Copy-Item ci/npx C:/npm/npx.cmd; \u2018b'",
    false,
  ],
  ['$PSVersionTable then a write', '$PSVersionTable; Copy-Item ci/npx C:/npm/npx.cmd', false],
  ['a method of $PSVersionTable', '$PSVersionTable.PSVersion.ToString()', false],
  ['an unclosed string', 'Write-Host "a', false],
];
describe('cleanpass168: pwsh before the gate', () => {
  const batch = gateBatch();
  for (const [name, script, kept] of PWSH) {
    const files = {
      'ci/npx': '#!/bin/sh\nexit 0\n',
      ...wf('windows-latest', `${SETUP_NODE}${run(script)}${run('npx gitguard audit')}`),
    };
    it(`${kept ? 'kept' : 'lost'}: ${name}`, batch.add(PLAIN, files, kept), 600_000);
  }
});

// Starts that hold no gate (README): a repository variable naming the image is set in the forge's
// settings, in no commit, so the image cannot be judged. ci-gate-kept has no gate to lose there, so a
// later removal of the audit is no finding. A start running code fetched from the network before the
// audit is no such start any more: its own lines vouch for themselves (vouch171), so removing the
// audit from it fails (the first describe).
describe('cleanpass168: starts that hold no gate', () => {
  const batch = gateBatch(VARS_IMAGE);
  it('container: ${{ vars.IMAGE }}: other files', batch.add(VARS_IMAGE, { ...VARS_IMAGE, ...APP }, true), 600_000);
  it(
    'container: ${{ vars.IMAGE }}: the audit removed, no gate to lose',
    batch.add(VARS_IMAGE, noGate(VARS_IMAGE), true),
    600_000,
  );
});
