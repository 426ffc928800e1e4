// cleanpass206: honest CI shaped as popular projects write theirs, against the gate readings of the
// last stop (npm's cache, removals and links, git's settings and programs, matrix legs, our GitLab
// template's variables): each shape is Alice's change of a plain gate job, then an ordinary change of
// it (actions bumped, a test job added, a lint step after the gate, the report's `--format` changed,
// a matrix entry added), all keeping the gate. Two readings cried wolf and are fixed: a Windows leg's
// `git config --global core.autocrlf false` before actions/checkout (pwsh runs it: a setting that runs
// nothing, as a bash step's), and our template with `GITGUARD_ARGS: --base $CI_COMMIT_BEFORE_SHA`
// (GitLab writes its commit id in, as the by-hand `--base "$CI_COMMIT_BEFORE_SHA"` reads). Their
// twins still lose the gate: a pwsh `git config` of a program or into a file of its choosing, and
// `--base $CI_COMMIT_SHA`, the job's own CI_COMMIT_BEFORE_SHA, or a rule selection beside it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);

type Files = Record<string, string>;
const W = '.github/workflows/ci.yml';
const GL = '.gitlab-ci.yml';
const CO =
  '      - uses: actions/checkout@11d5960a326750d5838078e36cf38b85af677262 # v4.4.0\n        with:\n          fetch-depth: 0\n';
const HDR = 'name: ci\non:\n  push:\n    branches: [main]\n  pull_request:\npermissions:\n  contents: read\n';
const r = (s: string, extra = ''): string => `      - run: ${JSON.stringify(s)}\n${extra}`;
const ON = (runner: string): string => `    runs-on: ${runner}\n`;
const job = (steps: string, head = ON('ubuntu-latest'), id = 'gitguard'): string =>
  `  ${id}:\n${head}    steps:\n${steps}`;
const wf = (...jobs: string[]): Files => ({ [W]: `${HDR}jobs:\n${jobs.join('')}` });
const matrix = (lines: string, runsOn = '${{ matrix.os }}'): string =>
  `    strategy:\n      fail-fast: false\n      matrix:\n${lines}    runs-on: ${runsOn}\n`;
const NPX = r('npx gitguard audit');
const BASH = '        shell: bash\n';
const BASE = wf(job(CO + NPX));
const setupNode = (cache: string): string =>
  `      - uses: actions/setup-node@v4\n        with:\n          node-version: 20\n${cache ? `          cache: ${cache}\n` : ''}`;
const OWN = `      - uses: acme/gitguard@${'1'.repeat(40)} # v1.0.0\n        with:\n          args: --all\n`;
const PKG = {
  'package.json':
    '{"name":"app","private":true,"devDependencies":{"gitguard":"^1.0.0"},"scripts":{"test":"node --test"}}\n',
};
const WINDOWS = matrix('        os: [ubuntu-latest, macos-latest, windows-latest]\n');
const AUTOCRLF = r('git config --global core.autocrlf false');

// Honest shapes of the gate job (each its own workflow, the gate job named as projects name it).
const SHAPES: Array<[string, Files]> = [
  // cache208: a cache restored in the gate's own job is no gate (the change can save the entry, tar -P
  // unpacks it anywhere), so the honest form keeps the cache in the build job.
  [
    'setup-node cache: npm in the build job, the gate job npx with a new cache',
    wf(
      job(CO + setupNode('npm') + r('npm ci') + r('npm test'), ON('ubuntu-latest'), 'build'),
      job(CO + setupNode('') + r('npx --cache "$(mktemp -d)" gitguard audit')),
    ),
  ],
  [
    'setup-node cache: npm in the build job, our action in the gate job',
    wf(job(CO + setupNode('npm') + r('npm ci'), ON('ubuntu-latest'), 'build'), job(CO + OWN)),
  ],
  ['npm ci, npx gitguard from devDependencies', { ...PKG, ...wf(job(CO + setupNode('') + r('npm ci') + NPX)) }],
  [
    'git config user and safe.directory in the gate step',
    wf(
      job(
        CO +
          r(
            'git config --global user.name "ci"\ngit config --global --add safe.directory "$GITHUB_WORKSPACE"\nnpx gitguard audit',
          ),
      ),
    ),
  ],
  [
    'url.<x>.insteadOf, init.defaultBranch, core.autocrlf before',
    wf(
      job(
        CO +
          r(
            'git config --global url."https://github.com/".insteadOf "git@github.com:"\ngit config --global init.defaultBranch main\ngit config --global core.autocrlf input',
          ) +
          NPX,
      ),
    ),
  ],
  [
    'git fetch --unshallow --tags before',
    wf(job('      - uses: actions/checkout@v4\n' + r('git fetch --unshallow --tags') + NPX)),
  ],
  ['git fetch origin main:main before', wf(job(CO + r('git fetch origin main:main') + NPX))],
  [
    'git log -1 and git describe before',
    wf(job(CO + r('git log -1 --format=%H') + r('git describe --tags --always') + NPX)),
  ],
  [
    'pip install --user after the gate',
    wf(job(CO + NPX + r('pip install --user pre-commit') + r('pre-commit run --all-files'))),
  ],
  ['matrix os: ubuntu, macos', wf(job(CO + NPX, matrix('        os: [ubuntu-latest, macos-latest]\n')))],
  [
    'matrix include: adds an env value',
    wf(
      job(
        CO + r('npx gitguard audit', '        env:\n          FORCE_COLOR: ${{ matrix.color }}\n'),
        matrix(
          '        os: [ubuntu-latest]\n        include:\n          - os: ubuntu-latest\n            color: "1"\n',
        ),
      ),
    ),
  ],
  // Fixed: pwsh runs this line on the Windows leg (no `shell:` there), read as printing nothing else.
  [
    'windows leg: git config core.autocrlf false before checkout',
    wf(job(AUTOCRLF + CO + r('npx gitguard audit', BASH), WINDOWS)),
  ],
  [
    'windows leg: safe.directory and core.longpaths in pwsh',
    wf(
      job(
        CO +
          r("git config --system core.longpaths true\ngit config --global --add safe.directory '*'") +
          r('npx gitguard audit', BASH),
        WINDOWS,
      ),
    ),
  ],
  [
    'monorepo: the gate in working-directory',
    {
      'packages/app/package.json': '{"name":"app"}\n',
      ...wf(job(CO + r('npx gitguard audit', '        working-directory: packages/app\n'))),
    },
  ],
  ['rm -rf dist, git clean -ffdx before', wf(job(CO + r('rm -rf dist') + r('git clean -ffdx') + NPX))],
  [
    'a file written under build/',
    { 'build/.gitkeep': '', ...wf(job(CO + r('mkdir -p build && git rev-parse HEAD > build/sha.txt') + NPX)) },
  ],
  ['tee gitguard.log after the audit', wf(job(CO + r('npx gitguard audit 2>&1 | tee gitguard.log', BASH)))],
  [
    '--baseline committed',
    {
      '.gitguard/baseline.json': '{"version":1,"findings":[]}\n',
      ...wf(job(CO + r('npx gitguard audit --baseline .gitguard/baseline.json'))),
    },
  ],
  [
    '--output-sarif and upload-sarif',
    wf(
      job(
        CO +
          r('npx gitguard audit --output-sarif gitguard.sarif') +
          '      - uses: github/codeql-action/upload-sarif@v3\n        if: always()\n        with:\n          sarif_file: gitguard.sarif\n',
      ),
    ),
  ],
  [
    'matrix os x node with exclude:, shell: bash',
    wf(
      job(
        CO + r('npx gitguard audit', BASH),
        matrix(
          '        os: [ubuntu-latest, macos-latest, windows-latest]\n        node: [20, 22]\n        exclude:\n          - os: windows-latest\n            node: 20\n',
        ),
      ),
    ),
  ],
  [
    'matrix node: [20, 22] into setup-node',
    wf(
      job(
        CO + '      - uses: actions/setup-node@v4\n        with:\n          node-version: ${{ matrix.node }}\n' + NPX,
        matrix('        node: [20, 22]\n', 'ubuntu-latest'),
      ),
    ),
  ],
  [
    'corepack, setup-node (its pnpm cache in the build job: cache208), pnpm install',
    wf(
      job(
        CO + r('corepack enable') + setupNode('pnpm') + r('pnpm install --frozen-lockfile'),
        ON('ubuntu-latest'),
        'build',
      ),
      job(CO + r('corepack enable') + setupNode('') + r('pnpm install --frozen-lockfile') + NPX),
    ),
  ],
  [
    'set -euo pipefail, the report through tee',
    wf(job(CO + r('set -euo pipefail\nnpx gitguard audit --format text | tee gitguard.txt'))),
  ],
  [
    'a plain $GITHUB_ENV line, dist/ written before',
    wf(job(CO + r('echo "TZ=UTC" >> "$GITHUB_ENV"') + r('mkdir -p dist && echo hi > dist/index.html') + NPX)),
  ],
  ['checkout with lfs and submodules', wf(job(CO + '          lfs: true\n          submodules: recursive\n' + NPX))],
];

/** An ordinary later change of a shape's workflow: actions bumped, a test job, a lint step after the gate, the report's format. */
function maintained(w: string): string {
  const bumped = w.replace(/actions\/(checkout|setup-node)@v4/g, 'actions/$1@v5');
  const test = job('      - uses: actions/checkout@v5\n' + r('npm ci') + r('npm test'), ON('ubuntu-latest'), 'test');
  return `${bumped.replace(/gitguard audit/g, 'gitguard audit --format text')}${r('npx eslint .')}${test}`;
}

const TEMPLATE = readFileSync(join(ROOT, 'ci', 'gitlab-ci.yml'), 'utf8');
const INCLUDED = { [GL]: 'include:\n  - local: ci/gitlab-ci.yml\n', 'ci/gitlab-ci.yml': TEMPLATE };
const gl = (vars: string): Files => ({
  ...INCLUDED,
  [GL]: `include:\n  - local: ci/gitlab-ci.yml\ngitguard:\n  variables:\n${vars}`,
});
const byHand = (vars: string, line = 'npx gitguard audit $GITGUARD_ARGS'): Files => ({
  [GL]: `gitguard:\n  image: node:20\n  variables:\n    GIT_DEPTH: 0\n${vars}  script:\n    - ${line}\n`,
});
const GL_SHAPES: Array<[string, Files, Files]> = [
  ['template: GITGUARD_ARGS "--all --format text"', INCLUDED, gl('    GITGUARD_ARGS: "--all --format text"\n')],
  // Fixed: GitLab writes the push's previous tip into the value, as `--base "$CI_COMMIT_BEFORE_SHA"` by hand.
  [
    'template: GITGUARD_ARGS --base $CI_COMMIT_BEFORE_SHA',
    INCLUDED,
    gl('    GITGUARD_ARGS: --base $CI_COMMIT_BEFORE_SHA\n'),
  ],
  [
    'template: --all --base ${CI_MERGE_REQUEST_DIFF_BASE_SHA}',
    INCLUDED,
    gl('    GITGUARD_ARGS: "--all --base ${CI_MERGE_REQUEST_DIFF_BASE_SHA}"\n'),
  ],
  [
    'template: needs: [] beside a build stage',
    INCLUDED,
    {
      ...INCLUDED,
      [GL]: `${INCLUDED[GL]}stages: [build, test]\nbuild:\n  stage: build\n  script:\n    - make\ngitguard:\n  needs: []\n  tags: [docker]\n  timeout: 10m\n`,
    },
  ],
  [
    'template: global GITGUARD_FAIL_ON: high',
    INCLUDED,
    { ...INCLUDED, [GL]: `${INCLUDED[GL]}variables:\n  GITGUARD_FAIL_ON: high\n` },
  ],
  [
    'by hand: GITGUARD_ARGS --base $CI_COMMIT_BEFORE_SHA',
    byHand('', 'npx gitguard audit'),
    byHand('    GITGUARD_ARGS: --base $CI_COMMIT_BEFORE_SHA\n'),
  ],
];

const WIN_LOST = (line: string): Files => wf(job(r(line) + CO + r('npx gitguard audit', BASH), WINDOWS));
const LOST: Array<[string, Files, Files]> = [
  ['windows leg: git config core.fsmonitor in pwsh', BASE, WIN_LOST('git config --global core.fsmonitor ./x')],
  ['windows leg: git config alias in pwsh', BASE, WIN_LOST("git config --global alias.co '!cp x y'")],
  ['windows leg: git config -f .npmrc in pwsh', BASE, WIN_LOST('git config -f .npmrc registry.x y')],
  ['windows leg: git config of a $env value', BASE, WIN_LOST('git config --global core.autocrlf $env:X')],
  [
    'windows leg: the gate removed',
    wf(job(AUTOCRLF + CO + r('npx gitguard audit', BASH), WINDOWS)),
    wf(job(AUTOCRLF + CO, WINDOWS)),
  ],
  ['template: --base $CI_COMMIT_SHA', INCLUDED, gl('    GITGUARD_ARGS: --base $CI_COMMIT_SHA\n')],
  [
    'template: --base $CI_COMMIT_BEFORE_SHA --rule x',
    INCLUDED,
    gl('    GITGUARD_ARGS: --base $CI_COMMIT_BEFORE_SHA --rule x\n'),
  ],
  [
    'template: the job sets CI_COMMIT_BEFORE_SHA',
    INCLUDED,
    gl('    CI_COMMIT_BEFORE_SHA: HEAD\n    GITGUARD_ARGS: --base $CI_COMMIT_BEFORE_SHA\n'),
  ],
  [
    'template: --base $$CI_COMMIT_BEFORE_SHA (not expanded)',
    INCLUDED,
    gl('    GITGUARD_ARGS: --base $$CI_COMMIT_BEFORE_SHA\n'),
  ],
  ['template: --base $CI_COMMIT_BEFORE_SHA${X}', INCLUDED, gl('    GITGUARD_ARGS: --base $CI_COMMIT_BEFORE_SHA${X}\n')],
  [
    'by hand: the job sets CI_COMMIT_BEFORE_SHA',
    byHand('', 'npx gitguard audit'),
    byHand('    CI_COMMIT_BEFORE_SHA: HEAD\n    GITGUARD_ARGS: --base $CI_COMMIT_BEFORE_SHA\n'),
  ],
];

const batch = gateBatch();
describe('honest gate shapes keep the gate from a plain gate job, and through ordinary changes', () => {
  for (const [name, files] of SHAPES) {
    test(`start: ${name}`, batch.add(BASE, files, true));
    test(
      `maintained: ${name}`,
      batch.add(files, { ...files, [W]: maintained(files[W]!), 'README.md': 'edited\n' }, true),
    );
  }
  const os = SHAPES.find(([n]) => n.startsWith('matrix os'))![1];
  test(
    'a matrix entry added',
    batch.add(os, { [W]: os[W]!.replace('macos-latest]', 'macos-latest, windows-latest]') }, true),
  );
  for (const [name, before, after] of GL_SHAPES) {
    test(`gitlab: ${name}`, batch.add(before, after, true));
    test(
      `gitlab, a job added: ${name}`,
      batch.add(after, { ...after, [GL]: `${after[GL]}lint:\n  script:\n    - npm run lint\n` }, true),
    );
  }
});

describe('twins: the same places written to lose the gate', () => {
  for (const [name, before, after] of LOST) test(name, batch.add(before, after, false));
});
