// cleanpass193: the gate in a build job, after the steps real projects run there before it (set-up
// actions, corepack, pip, go install with GOPATH/bin on PATH, apt-get, git config and fetch, step
// outputs and summaries, cargo, docker compose, playwright, poetry, bundler, cmake,
// plain $GITHUB_ENV lines, dotnet, uv, npm build and pack, an artifact upload), keeps it (a tool
// installed from a registry, `pipx install`, where the start's job ran the same line); each honest
// step's twin, which hands the gate's job a program or moves the checkout, still loses it. cache208:
// a cache restored in the gate's job is such a twin (setup-python without `cache:`, setup-go with
// `cache: false` here; the package caches belong in a job without the gate).
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { checkoutJob, runStep } from '../helpers/workflow-steps.js';

afterAll(cleanupTemp);

const NPX = runStep('npx gitguard audit');
const uses = (action: string, w = ''): string => `      - uses: ${action}\n${w ? `        with:\n${w}` : ''}`;
/**
 * The project's package.json and lock: `npm ci` reads them, and npx runs a declared package's program
 * (npxdep222: an undeclared name is the registry's package).
 */
const PKG = {
  'package.json': '{"name":"app","devDependencies":{"@playwright/test":"^1.48.0"}}\n',
  'package-lock.json':
    '{"lockfileVersion":3,"packages":{"node_modules/@playwright/test":{"version":"1.48.0","bin":{"playwright":"cli.js"}}}}\n',
};
const job = (steps: string): Record<string, string> => checkoutJob(steps, NPX, PKG);
const run = runStep;
const batch = gateBatch();
const BEFORE = job('');

const KEPT: Array<[string, string]> = [
  [
    'corepack enable, pnpm install, build, test',
    uses('actions/setup-node@v4', '          node-version: 20\n') +
      run('corepack enable') +
      run('pnpm install --frozen-lockfile') +
      run('pnpm build') +
      run('pnpm test'),
  ],
  [
    'go install a tool, GOPATH/bin on PATH, make lint',
    uses('actions/setup-go@v5', '          go-version: stable\n          cache: false\n') +
      run('go install golang.org/x/tools/cmd/goimports@latest') +
      run('echo "$(go env GOPATH)/bin" >> $GITHUB_PATH') +
      run('make lint'),
  ],
  ['apt-get install', run('sudo apt-get update && sudo apt-get install -y libssl-dev pkg-config')],
  [
    'git config user for bots',
    run('git config --global user.name "github-actions[bot]"') +
      run('git config --global user.email "41898282+github-actions[bot]@users.noreply.github.com"'),
  ],
  ['git fetch tags', run('git fetch --tags --force')],
  [
    '$GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY',
    run('echo "dir=$(npm config get cache)" >> $GITHUB_OUTPUT') + run('echo "### Build done" >> $GITHUB_STEP_SUMMARY'),
  ],
  [
    'cargo build, clippy',
    run('rustup component add clippy') + run('cargo build --locked') + run('cargo clippy -- -D warnings'),
  ],
  ['docker compose up', run('docker compose up -d --wait')],
  ['playwright install', run('npm ci') + run('npx playwright install --with-deps chromium') + run('npm test')],
  ['bundle install, rake', run('bundle install --jobs 4') + run('bundle exec rake')],
  [
    'mkdir -p build, cmake, ctest',
    run('cmake -B build -DCMAKE_BUILD_TYPE=Release') + run('cmake --build build -j') + run('ctest --test-dir build'),
  ],
  [
    'echo a plain value to $GITHUB_ENV',
    run('echo "CI_BUILD=1" >> $GITHUB_ENV') + run('echo "RUST_BACKTRACE=1" >> "$GITHUB_ENV"'),
  ],
  [
    'dotnet restore, build, test',
    uses('actions/setup-dotnet@v4', '          dotnet-version: 8.0.x\n') +
      run('dotnet restore') +
      run('dotnet build --no-restore') +
      run('dotnet test --no-build'),
  ],
  [
    'uv sync, uv run pytest',
    run('curl -LsSf https://astral.sh/uv/install.sh -o /tmp/uv.sh') + run('uv sync --locked') + run('uv run pytest'),
  ],
  ['npm run build writes dist/, npm pack', run('npm ci') + run('npm run build') + run('npm pack --dry-run')],
  [
    'coverage upload',
    run('npm ci') +
      run('npm test -- --coverage') +
      uses('actions/upload-artifact@v4', '          name: coverage\n          path: coverage/\n'),
  ],
];

// A tool installed from a registry where programs are looked for (runnerown197: `pipx install` into
// ~/.local/bin, its programs named by the package; installs209: setup-python's pip, whose bin is on
// PATH, installing the change's own requirements or folder) is code from the network, as a fetch-and-run
// line: it keeps the gate where the same job ran the same line where the range starts, and only there.
const INSTALLED: Array<[string, string]> = [
  [
    "pip install -e .[dev], pytest (setup-python's pip: installs209)",
    uses('actions/setup-python@v5', "          python-version: '3.12'\n") +
      run('python -m pip install --upgrade pip') +
      run('pip install -e ".[dev]"') +
      run('pytest -q'),
  ],
  [
    'pipx install poetry, poetry install',
    run('pipx install poetry') + run('poetry install --no-interaction') + run('poetry run pytest'),
  ],
];

const LOST: Array<[string, string]> = [
  [
    'the downloaded installer run from /tmp',
    run('curl -LsSf https://astral.sh/uv/install.sh -o /tmp/uv.sh') + run('sh /tmp/uv.sh'),
  ],
  ['a workspace folder on $GITHUB_PATH', run('echo "$GITHUB_WORKSPACE/bin" >> $GITHUB_PATH')],
  ["a cache of npx's own folder", uses('actions/cache@v4', '          path: ~/.npm/_npx\n          key: npx\n')],
  [
    // cache208: the change saves the entry the gate's job restores, and tar -P unpacks it anywhere.
    'cache of ~/.cache/pip and ~/.cargo/registry',
    uses(
      'actions/cache@v4',
      "          path: |\n            ~/.cache/pip\n            ~/.cargo/registry\n          key: ${{ runner.os }}-${{ hashFiles('**/requirements*.txt') }}\n",
    ),
  ],
  ['a global install of a checkout folder', run('npm i -g ./tools/cli')],
  ['the checkout moved back', run('git checkout HEAD~1')],
];

// A folder under /tmp is every step's to write (a write there is not judged), so it is not the runner
// image's: BASH_ENV, PATH, HOME or a sourced file there may hold what an earlier step planted. A path
// with `.`, `..` or `//` segments is not read as the runner's either (`/./tmp` is /tmp).
const PLANT = run(`printf 'npx() { :; }\\n' > /tmp/x && mkdir -p /tmp/bin && printf '#!/bin/sh\\n' > /tmp/bin/npx`);
const SCRATCH_LOST: Array<[string, string]> = [
  ['BASH_ENV=/tmp/x in $GITHUB_ENV', PLANT + run('echo "BASH_ENV=/tmp/x" >> $GITHUB_ENV')],
  ['PATH=/tmp/bin:$PATH in $GITHUB_ENV', PLANT + run('echo "PATH=/tmp/bin:$PATH" >> $GITHUB_ENV')],
  ['PATH=/./tmp/bin:$PATH in $GITHUB_ENV', PLANT + run('echo "PATH=/./tmp/bin:$PATH" >> $GITHUB_ENV')],
  ['PATH=/var/tmp/bin:$PATH in $GITHUB_ENV', run('echo "PATH=/var/tmp/bin:$PATH" >> $GITHUB_ENV')],
  ['PATH=$HOME/../../tmp/bin in $GITHUB_ENV', run('echo "PATH=$HOME/../../tmp/bin:$PATH" >> $GITHUB_ENV')],
];
const SCRATCH_KEPT: Array<[string, string]> = [
  ['PATH=/opt/tools:$PATH in $GITHUB_ENV', run('echo "PATH=/opt/tools:$PATH" >> $GITHUB_ENV')],
  ['PATH=$HOME/.local/bin:$PATH in $GITHUB_ENV', run('echo "PATH=$HOME/.local/bin:$PATH" >> $GITHUB_ENV')],
  ['a file written in /tmp, no variable naming it', PLANT],
];

describe('honest build jobs keep a gate after them', () => {
  for (const [name, steps] of KEPT) test(name, batch.add(BEFORE, job(steps), true));
});

describe('a tool install the start ran in the same job keeps the gate', () => {
  for (const [name, steps] of INSTALLED) {
    test(name, gateBatch(job(steps)).add(BEFORE, job(steps), true));
    test(`twin, not at the start: ${name}`, batch.add(BEFORE, job(steps), false));
  }
});

describe('twins: steps that hand the gate another program lose it', () => {
  for (const [name, steps] of LOST) test(name, batch.add(BEFORE, job(steps), false));
});

describe('a variable naming a folder under /tmp is no runner file', () => {
  for (const [name, steps] of SCRATCH_LOST) test(name, batch.add(BEFORE, job(steps), false));
  for (const [name, steps] of SCRATCH_KEPT) test(`twin: ${name}`, batch.add(BEFORE, job(steps), true));
  const sourced = (file: string): Record<string, string> =>
    checkoutJob('', run(`printf 'npx() { :; }\\n' > ${file}\n. ${file}\nnpx gitguard audit`));
  test('the gate step sourcing a file it wrote in /tmp', batch.add(BEFORE, sourced('/tmp/x'), false));
  test(
    'twin: the gate step sourcing nvm',
    batch.add(BEFORE, checkoutJob('', run('. ~/.nvm/nvm.sh\nnpx gitguard audit')), true),
  );
});
