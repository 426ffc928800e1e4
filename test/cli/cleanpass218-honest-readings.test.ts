// cleanpass218: honest CI against last stop's readings (caches before the gate, literal or forge
// `--base` values, removals after a changed image, git's options and programs, installs, submodules,
// YAML merge keys and anchors): the README's own CI blocks, our GitLab template, and shapes popular
// projects write, each Alice's change of a plain gate job, then an ordinary change of it (actions
// bumped, a lint job added, a lint step after the gate, `--format` changed, the image bumped, a README
// edit). Three cried wolf and are fixed: `--base ${{ github.event.pull_request.base.sha ||
// github.event.before }}` (split at `||` by the shell reading, and no forge base), GitLab's
// `"${CI_MERGE_REQUEST_DIFF_BASE_SHA:-$CI_COMMIT_BEFORE_SHA}"`, and a Windows leg's pwsh `npm ci` before
// the gate, also in the gate's own step (now left to the bash reading of the same words). Their twins
// still lose the gate. Still no gate, on purpose: a script's own `BASE="${{ ... }}"` (a variable the
// step sets: `env:` keeps it), `git lfs install --local` before the audit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);

type Files = Record<string, string>;
const W = '.github/workflows/ci.yml';
const GL = '.gitlab-ci.yml';
const PIN = '11d5960a326750d5838078e36cf38b85af677262';
const CO = `      - uses: actions/checkout@${PIN} # v4.4.0\n        with:\n          fetch-depth: 0\n`;
const HDR = 'name: ci\non:\n  push:\n    branches: [main]\n  pull_request:\npermissions:\n  contents: read\n';
const r = (s: string, extra = ''): string => `      - run: ${JSON.stringify(s)}\n${extra}`;
const ON = (runner: string): string => `    runs-on: ${runner}\n`;
const job = (steps: string, head = ON('ubuntu-latest'), id = 'gitguard'): string =>
  `  ${id}:\n${head}    steps:\n${steps}`;
const wfOn = (hdr: string, ...jobs: string[]): Files => ({ [W]: `${hdr}jobs:\n${jobs.join('')}` });
const wf = (...jobs: string[]): Files => wfOn(HDR, ...jobs);
const matrix = (lines: string, runsOn = '${{ matrix.os }}'): string =>
  `    strategy:\n      fail-fast: false\n      matrix:\n${lines}    runs-on: ${runsOn}\n`;
const NPX = r('npx gitguard audit');
const BASH = '        shell: bash\n';
const BASE = wf(job(CO + NPX));
const OWN_ID = `acme/gitguard@${'1'.repeat(40)}`;
const setupNode = (cache: string, v = 'v4'): string =>
  `      - uses: actions/setup-node@${v}\n        with:\n          node-version: 20\n${cache ? `          ${cache}\n` : ''}`;
const PKG = {
  'package.json':
    '{"name":"app","private":true,"devDependencies":{"gitguard":"^1.0.0"},"scripts":{"test":"node --test"}}\n',
};
const WINDOWS = matrix('        os: [ubuntu-latest, windows-latest]\n');
const ID = 'a'.repeat(40);
const SUBS = {
  '.gitmodules': '[submodule "vendor/lib"]\n\tpath = vendor/lib\n\turl = https://example.com/lib.git\n',
};

/** The README's yaml blocks of its CI section, in order, with the placeholders filled. */
function readmeBlocks(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const ci = readme.slice(readme.indexOf('\n## CI\n'), readme.indexOf('\n## History ledger\n'));
  return [...ci.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) =>
    m[1]!
      .replace(/<owner>\/gitguard@<tag or commit>/g, OWN_ID)
      .replace(/https:\/\/<where you host gitguard>/g, 'https://example.com/gitguard'),
  );
}
const BLOCKS = readmeBlocks();

// Honest gate jobs (GitHub), each Alice's change of the plain gate job, then maintained.
const SHAPES: Array<[string, Files]> = [
  [
    'README: the action job',
    { [W]: `name: ci\non: [push, pull_request]\n${BLOCKS.find((b) => b.startsWith('permissions:'))!}` },
  ],
  [
    'README: push with --base github.event.before, forced pushes refused',
    { [W]: BLOCKS.find((b) => b.includes('github.event.forced'))! },
  ],
  [
    'npx --base pull_request.base.sha',
    wfOn(
      'on:\n  pull_request:\n    branches: [main]\n',
      job(CO + r('npx gitguard audit --base ${{ github.event.pull_request.base.sha }}')),
    ),
  ],
  [
    'push and workflow_dispatch, --base github.event.before',
    wfOn('on:\n  push:\n  workflow_dispatch:\n', job(CO + r('npx gitguard audit --base "${{ github.event.before }}"'))),
  ],
  [
    'env BASE of pull_request.base.sha || before, git fetch origin "$BASE", --base "$BASE"',
    wf(
      job(
        CO +
          r(
            'git fetch --no-tags origin "$BASE"\nnpx gitguard audit --base "$BASE"',
            '        env:\n          BASE: ${{ github.event.pull_request.base.sha || github.event.before }}\n',
          ),
      ),
    ),
  ],
  [
    'git fetch origin before, --base origin/$GITHUB_BASE_REF',
    wfOn(
      'on: pull_request\n',
      job(CO + r('git fetch origin "$GITHUB_BASE_REF"') + r('npx gitguard audit --base "origin/$GITHUB_BASE_REF"')),
    ),
  ],
  ['--base HEAD~1', wf(job(CO + r('npx gitguard audit --base HEAD~1')))],
  [
    'git -c protocol.version=2 fetch before',
    wf(job(CO + r('git -c protocol.version=2 fetch --no-tags --prune origin') + NPX)),
  ],
  [
    "git -c safe.directory='*' before",
    wf(job(CO + r("git -c safe.directory='*' log -1 --oneline") + r('git -c safe.directory="*" rev-parse HEAD') + NPX)),
  ],
  [
    'git --no-pager, -C ., -c core.quotepath=off before',
    wf(
      job(
        CO +
          r('git --no-pager log -3\ngit -C . status --short\ngit -c core.quotepath=off diff --name-only HEAD~1') +
          NPX,
      ),
    ),
  ],
  [
    'git submodule update --init with a vendored submodule',
    { ...SUBS, ...wf(job(CO + r('git submodule update --init --recursive') + NPX)) },
  ],
  [
    'pip install -r requirements.txt in a test job',
    {
      'requirements.txt': 'pytest\n',
      ...wf(
        job(
          CO +
            '      - uses: actions/setup-python@v5\n        with:\n          python-version: "3.12"\n          cache: pip\n' +
            r('pip install -r requirements.txt') +
            r('pytest'),
          ON('ubuntu-latest'),
          'test',
        ),
        job(CO + NPX),
      ),
    },
  ],
  [
    'actions/cache in the build job',
    wf(
      job(
        CO +
          "      - uses: actions/cache@v4\n        with:\n          path: ~/.npm\n          key: npm-${{ hashFiles('package-lock.json') }}\n" +
          r('npm ci'),
        ON('ubuntu-latest'),
        'build',
      ),
      job(CO + NPX),
    ),
  ],
  ['setup-node without cache, npm ci, npx', { ...PKG, ...wf(job(CO + setupNode('') + r('npm ci') + NPX)) }],
  [
    'setup-node v5, packageManager npm, package-manager-cache: false',
    {
      'package.json':
        '{"name":"app","private":true,"packageManager":"npm@10.9.0","devDependencies":{"gitguard":"^1.0.0"}}\n',
      ...wf(job(CO + setupNode('package-manager-cache: false', 'v5') + r('npm ci') + NPX)),
    },
  ],
  [
    'mise-action in the build job',
    wf(
      job(CO + '      - uses: jdx/mise-action@v2\n' + r('mise run build'), ON('ubuntu-latest'), 'build'),
      job(CO + NPX),
    ),
  ],
  [
    'shellcheck through git ls-files | xargs before',
    wf(
      job(
        CO +
          r("git ls-files -z '*.sh' | xargs -0 -r shellcheck") +
          r("find . -name '*.md' -print0 | xargs -0 wc -l") +
          NPX,
      ),
    ),
  ],
  [
    'pip install --user, npm i -g, yarn dlx after the gate',
    wf(job(CO + NPX + r('pip install pre-commit') + r('npm i -g markdownlint-cli') + r('yarn dlx prettier --check .'))),
  ],
  ['"on" quoted', { [W]: BASE[W]!.replace('\non:', "\n'on':") }],
  ['container image node:20 in the gate job', wf(job(CO + NPX, `${ON('ubuntu-latest')}    container: node:20\n`))],
  // Fixed: pwsh runs `npm ci` on the Windows leg, read as the POSIX reading of the same words reads it.
  [
    'windows leg: pwsh npm ci before the gate',
    { ...PKG, ...wf(job(CO + r('npm ci') + r('npx gitguard audit', BASH), WINDOWS)) },
  ],
  [
    'windows runner: pwsh npm ci, the gate in bash',
    { ...PKG, ...wf(job(CO + r('npm ci') + r('npx gitguard audit', BASH), ON('windows-latest'))) },
  ],
  [
    'windows leg: npm ci and the gate in one pwsh step',
    { ...PKG, ...wf(job(CO + r('npm ci\nnpx gitguard audit'), WINDOWS)) },
  ],
  [
    'windows runner: pnpm install and the gate in one pwsh step',
    { ...PKG, ...wf(job(CO + r('pnpm install --frozen-lockfile\npnpm exec gitguard audit'), ON('windows-latest'))) },
  ],
  [
    'windows leg: pwsh pnpm and yarn installs, Write-Host',
    {
      ...PKG,
      ...wf(
        job(
          CO +
            r('Write-Host "installing"\npnpm install --frozen-lockfile\nyarn install --immutable') +
            r('npx gitguard audit', BASH),
          WINDOWS,
        ),
      ),
    },
  ],
  [
    '--base of pull_request.base.sha || before, unquoted (fixed)',
    wf(job(CO + r('npx gitguard audit --base ${{ github.event.pull_request.base.sha || github.event.before }}'))),
  ],
  [
    'env BASE_SHA from the event, --base "$BASE_SHA"',
    wf(
      job(
        CO +
          r(
            'npx gitguard audit --base "$BASE_SHA"',
            '        env:\n          BASE_SHA: ${{ github.event.pull_request.base.sha }}\n',
          ),
      ),
    ),
  ],
  [
    'job env BEFORE, git fetch then --base "$BEFORE"',
    wf(
      job(
        CO + r('git fetch --no-tags origin "$BEFORE"') + r('npx gitguard audit --base "$BEFORE"'),
        `${ON('ubuntu-latest')}    env:\n      BEFORE: \${{ github.event.before }}\n`,
      ),
    ),
  ],
  [
    'git fetch origin main, --base origin/main',
    wf(job(CO + r('git fetch origin main') + r('npx gitguard audit --base origin/main'))),
  ],
  [
    '--base of merge_group.base_sha || pull_request.base.sha (fixed)',
    wfOn(
      'on:\n  pull_request:\n  merge_group:\n',
      job(
        CO +
          r('npx gitguard audit --base ${{ github.event.merge_group.base_sha || github.event.pull_request.base.sha }}'),
      ),
    ),
  ],
  [
    'checkout ref pull_request.head.sha',
    wf(
      job(
        `      - uses: actions/checkout@${PIN}\n        with:\n          fetch-depth: 0\n          ref: \${{ github.event.pull_request.head.sha }}\n` +
          NPX,
      ),
    ),
  ],
  [
    'pnpm/action-setup, pnpm install, pnpm exec',
    wf(
      job(
        CO +
          '      - uses: pnpm/action-setup@v4\n        with:\n          version: 9\n' +
          setupNode('') +
          r('pnpm install --frozen-lockfile') +
          r('pnpm exec gitguard audit'),
      ),
    ),
  ],
  ['npm ci --ignore-scripts before', { ...PKG, ...wf(job(CO + r('npm ci --ignore-scripts --no-audit') + NPX)) }],
  [
    'workflow env, git fetch of the default branch refspec',
    wfOn(
      `${HDR}env:\n  NODE_VERSION: 20\n`,
      job(CO + r('git fetch origin +refs/heads/main:refs/remotes/origin/main') + NPX),
    ),
  ],
  ['windows leg, the gate in pwsh', wf(job(CO + NPX, WINDOWS))],
  [
    'windows leg, Write-Host in pwsh then bash gate',
    wf(job(CO + r('Write-Host "hello"') + r('npx gitguard audit', BASH), WINDOWS)),
  ],
  [
    'container job, safe.directory for the workspace',
    wf(
      job(
        CO + r('git config --global --add safe.directory "$GITHUB_WORKSPACE"') + NPX,
        `${ON('ubuntu-latest')}    container: node:20\n`,
      ),
    ),
  ],
  [
    'git fetch of the || base unquoted in an earlier step',
    wf(
      job(
        CO +
          r('git fetch --no-tags origin ${{ github.event.pull_request.base.sha || github.event.before }}') +
          r('npx gitguard audit --base ${{ github.event.pull_request.base.sha || github.event.before }}'),
      ),
    ),
  ],
  [
    'YAML anchors for the checkout step',
    {
      [W]: `${HDR}jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - &checkout\n        uses: actions/checkout@${PIN}\n        with:\n          fetch-depth: 0\n${r('npm test')}  gitguard:\n    runs-on: ubuntu-latest\n    steps:\n      - *checkout\n${NPX}`,
    },
  ],
  [
    'git -c http.extraheader fetch',
    wf(
      job(
        CO + r('git -c http.extraheader="AUTHORIZATION: bearer ${{ secrets.GITHUB_TOKEN }}" fetch origin main') + NPX,
      ),
    ),
  ],
  [
    'git fetch --filter=blob:none --unshallow',
    wf(job(CO + r('git fetch --filter=blob:none --unshallow origin') + NPX)),
  ],
];

/** An ordinary later change: actions bumped, a test job, a lint step after the gate, the report's format. */
function maintained(w: string): string {
  const bumped = w.replace(
    /actions\/(checkout|setup-node|setup-python|cache)@v(\d)\b/g,
    (_, a, n) => `actions/${a}@v${Number(n) + 1}`,
  );
  const test = job('      - uses: actions/checkout@v5\n' + r('npm ci') + r('npm test'), ON('ubuntu-latest'), 'lint');
  return `${bumped.replace(/gitguard audit/g, 'gitguard audit --format text').replace('node:20', 'node:22')}${r('npx eslint .')}${test}`;
}

// GitLab: the README's blocks and our template, as they stand and maintained.
const TEMPLATE = readFileSync(join(ROOT, 'ci', 'gitlab-ci.yml'), 'utf8');
const INCLUDED = { [GL]: 'include:\n  - local: ci/gitlab-ci.yml\n', 'ci/gitlab-ci.yml': TEMPLATE };
const PLAIN_GL = {
  [GL]: 'gitguard:\n  image: node:20\n  variables:\n    GIT_DEPTH: 0\n  script:\n    - npx gitguard audit\n',
};
const glBlocks = BLOCKS.filter((b) => /^(?:include:|gitguard:)/.test(b));
const GL_SHAPES: Array<[string, Files]> = [
  ...glBlocks.map((b, i): [string, Files] => [
    `README gitlab block ${i + 1}`,
    b.startsWith('include:') ? { ...INCLUDED, [GL]: b.replace(/remote: \S+/, 'local: ci/gitlab-ci.yml') } : { [GL]: b },
  ]),
  [
    'MR pipeline, --base $CI_MERGE_REQUEST_DIFF_BASE_SHA',
    {
      [GL]: 'gitguard:\n  image: node:20\n  rules:\n    - if: $CI_PIPELINE_SOURCE == "merge_request_event"\n  variables:\n    GIT_DEPTH: 0\n  script:\n    - npx gitguard audit --base "$CI_MERGE_REQUEST_DIFF_BASE_SHA"\n',
    },
  ],
  [
    'cache: in the build job, policy: push in the gate job',
    {
      [GL]: 'stages: [build, test]\nbuild:\n  stage: build\n  image: node:20\n  cache:\n    key: npm\n    paths: [.npm/]\n  script:\n    - npm ci --cache .npm\ngitguard:\n  stage: test\n  image: node:20\n  variables:\n    GIT_DEPTH: 0\n  cache:\n    key: gitguard\n    paths: [.gg/]\n    policy: push\n  script:\n    - npx gitguard audit\n',
    },
  ],
  [
    'global cache:, the gate job cache: []',
    {
      [GL]: 'cache:\n  key: $CI_COMMIT_REF_SLUG\n  paths: [node_modules/]\nbuild:\n  image: node:20\n  script:\n    - npm ci\ngitguard:\n  image: node:20\n  cache: []\n  variables:\n    GIT_DEPTH: 0\n  script:\n    - npx gitguard audit\n',
    },
  ],
  [
    'merge key <<: *defaults',
    {
      [GL]: '.defaults: &defaults\n  image: node:20\n  tags: [docker]\n  variables:\n    GIT_DEPTH: 0\ngitguard:\n  <<: *defaults\n  script:\n    - npx gitguard audit\n',
    },
  ],
  [
    'pip install -r requirements.txt in another job',
    {
      'requirements.txt': 'pytest\n',
      [GL]: `${PLAIN_GL[GL]}test:\n  image: python:3.12\n  script:\n    - pip install -r requirements.txt\n    - pytest\n`,
    },
  ],
  [
    'git submodule update --init in before_script',
    {
      ...SUBS,
      [GL]: 'gitguard:\n  image: node:20\n  variables:\n    GIT_DEPTH: 0\n  before_script:\n    - git submodule sync\n    - git submodule update --init --recursive\n  script:\n    - npx gitguard audit\n',
    },
  ],
  [
    'GIT_SUBMODULE_STRATEGY recursive',
    {
      ...SUBS,
      [GL]: 'variables:\n  GIT_SUBMODULE_STRATEGY: recursive\ngitguard:\n  image: node:20\n  variables:\n    GIT_DEPTH: 0\n  script:\n    - npx gitguard audit\n',
    },
  ],
  [
    'default: with image and before_script, workflow: rules',
    {
      [GL]: 'workflow:\n  rules:\n    - if: $CI_PIPELINE_SOURCE == "merge_request_event"\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\ndefault:\n  image: node:20\n  before_script:\n    - npm ci\ngitguard:\n  variables:\n    GIT_DEPTH: 0\n  script:\n    - npx gitguard audit\n',
      ...PKG,
    },
  ],
  [
    '--base "${CI_MERGE_REQUEST_DIFF_BASE_SHA:-$CI_COMMIT_BEFORE_SHA}" (fixed)',
    {
      [GL]: 'gitguard:\n  image: node:20\n  variables:\n    GIT_DEPTH: 0\n  script:\n    - npx gitguard audit --base "${CI_MERGE_REQUEST_DIFF_BASE_SHA:-$CI_COMMIT_BEFORE_SHA}"\n',
    },
  ],
  [
    'extends a hidden job, !reference in before_script',
    {
      [GL]: '.node:\n  image: node:20\n  variables:\n    GIT_DEPTH: 0\n.setup:\n  script:\n    - git config --global --add safe.directory "$CI_PROJECT_DIR"\ngitguard:\n  extends: .node\n  before_script:\n    - !reference [.setup, script]\n  script:\n    - npx gitguard audit\n',
    },
  ],
  [
    'MR target branch fetched, --base origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME',
    {
      [GL]: 'gitguard:\n  image: node:20\n  variables:\n    GIT_DEPTH: 0\n  script:\n    - git fetch origin "$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"\n    - npx gitguard audit --base "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"\n',
    },
  ],
  [
    'GIT_STRATEGY fetch, GIT_CLEAN_FLAGS, before_script git fetch --unshallow',
    {
      [GL]: 'gitguard:\n  image: node:20\n  variables:\n    GIT_STRATEGY: fetch\n    GIT_CLEAN_FLAGS: -ffdx\n  before_script:\n    - git fetch --unshallow || true\n  script:\n    - npx gitguard audit\n',
    },
  ],
  [
    'a build job with cache and artifacts, the gate needs: []',
    {
      [GL]: 'stages: [build, test]\nbuild:\n  stage: build\n  image: node:20\n  cache:\n    key:\n      files: [package-lock.json]\n    paths: [.npm/]\n  script:\n    - npm ci --cache .npm --prefer-offline\n  artifacts:\n    paths: [dist/]\ngitguard:\n  stage: test\n  needs: []\n  image: node:20\n  variables:\n    GIT_DEPTH: 0\n  script:\n    - npx gitguard audit\n',
    },
  ],
];
const glMaintained = (files: Files): Files => ({
  ...files,
  [GL]: `${files[GL]!.replace(/node:20/g, 'node:22')}lint:\n  image: node:22\n  script:\n    - npm run lint\n`,
  'README.md': 'edited\n',
});

// Twins of the fixes: the same places written to lose the gate.
const EXPR = (e: string): Files => wf(job(CO + r(`npx gitguard audit --base \${{ ${e} }}`)));
const WIN = (line: string): Files => ({
  ...PKG,
  ...wf(job(CO + r(line) + r('npx gitguard audit', BASH), WINDOWS)),
});
/** The gate's own step on the Windows leg (pwsh), these lines before or around the check. */
const ONE = (lines: string, extra = ''): Files => ({ ...PKG, ...wf(job(CO + r(lines, extra), WINDOWS)) });
const glBase = (base: string, vars = '', before = ''): Files => ({
  [GL]: `gitguard:\n  image: node:20\n  variables:\n    GIT_DEPTH: 0\n${vars}  script:\n${before}    - npx gitguard audit --base "${base}"\n`,
});
const FALLBACK = '${CI_MERGE_REQUEST_DIFF_BASE_SHA:-$CI_COMMIT_BEFORE_SHA}';
const LOST: Array<[string, Files, Files]> = [
  // On a push to the default branch GitLab's runner fetches it at the pushed commit: the range is
  // empty (base214); a GitLab job's pipelines are not read for it, so no gate.
  [
    'GitLab: fetch the default branch, --base origin/$CI_DEFAULT_BRANCH',
    PLAIN_GL,
    {
      [GL]: 'gitguard:\n  image: node:20\n  variables:\n    GIT_DEPTH: 0\n  script:\n    - git fetch origin "$CI_DEFAULT_BRANCH"\n    - npx gitguard audit --base "origin/$CI_DEFAULT_BRANCH"\n',
    },
  ],
  ['|| with the head sha', BASE, EXPR('github.event.pull_request.head.sha || github.event.before')],
  ['|| with github.sha', BASE, EXPR('github.event.before || github.sha')],
  ["|| with 'HEAD'", BASE, EXPR("github.event.before || 'HEAD'")],
  ['|| with an input', BASE, EXPR('github.event.before || inputs.base')],
  ['&& of two bases', BASE, EXPR('github.event.before && github.sha')],
  [
    'env BASE of the head sha || before',
    BASE,
    wf(
      job(
        CO +
          r(
            'npx gitguard audit --base "$BASE"',
            '        env:\n          BASE: ${{ github.event.pull_request.head.sha || github.event.before }}\n',
          ),
      ),
    ),
  ],
  ['gitlab: ${DIFF_BASE:-HEAD}', PLAIN_GL, glBase('${CI_MERGE_REQUEST_DIFF_BASE_SHA:-HEAD}')],
  ['gitlab: ${DIFF_BASE:-$CI_COMMIT_SHA}', PLAIN_GL, glBase('${CI_MERGE_REQUEST_DIFF_BASE_SHA:-$CI_COMMIT_SHA}')],
  ['gitlab: ${DIFF_BASE:+HEAD}', PLAIN_GL, glBase('${CI_MERGE_REQUEST_DIFF_BASE_SHA:+HEAD}')],
  ['gitlab: ${DIFF_BASE:=HEAD}', PLAIN_GL, glBase('${CI_MERGE_REQUEST_DIFF_BASE_SHA:=HEAD}')],
  ['gitlab: the job sets the first', PLAIN_GL, glBase(FALLBACK, '    CI_MERGE_REQUEST_DIFF_BASE_SHA: HEAD\n')],
  ['gitlab: the job sets the default', PLAIN_GL, glBase(FALLBACK, '    CI_COMMIT_BEFORE_SHA: HEAD\n')],
  [
    'gitlab: the script exports the first',
    PLAIN_GL,
    glBase(FALLBACK, '', '    - export CI_MERGE_REQUEST_DIFF_BASE_SHA=HEAD\n'),
  ],
  [
    'gitlab: the script sets the default',
    PLAIN_GL,
    glBase(FALLBACK, '', '    - CI_COMMIT_BEFORE_SHA=$CI_COMMIT_SHA\n'),
  ],
  ['windows leg: npm ci; Copy-Item', BASE, WIN('npm ci; Copy-Item x.js node_modules/.bin/gitguard')],
  ['windows leg: npm ci $env:ARGS', BASE, WIN('npm ci $env:ARGS')],
  ['windows leg: npm ci -Dx.y (pwsh splits it)', BASE, WIN('npm ci -Dx.y')],
  ['windows leg: npm.cmd ci', BASE, WIN('npm.cmd ci')],
  ['windows leg: npm ci | Out-File', BASE, WIN('npm ci | Out-File x')],
  ['windows leg: npm ci # a comment', BASE, WIN('npm ci # clean')],
  ['windows leg: npm i -g a package', BASE, WIN('npm i -g gitguard')],
  [
    'windows leg: npm run of a script writing node_modules/.bin',
    BASE,
    {
      ...WIN('npm run setup'),
      'package.json': '{"name":"app","scripts":{"setup":"cp ci/x.js node_modules/.bin/gitguard"}}\n',
    },
  ],
  [
    'windows leg, one pwsh step: npm run of a script writing node_modules/.bin, the gate',
    BASE,
    {
      ...PKG,
      ...wf(job(CO + r('npm run setup\nnpx gitguard audit'), WINDOWS)),
      'package.json': '{"name":"app","scripts":{"setup":"cp ci/x.js node_modules/.bin/gitguard"}}\n',
    },
  ],
  ['windows leg, one pwsh step: the gate, then exit 0', BASE, ONE('npm ci\nnpx gitguard audit\nexit 0')],
  ['windows leg, one pwsh step: npm ci, the gate; exit 0', BASE, ONE('npm ci\nnpx gitguard audit; exit 0')],
  [
    'windows leg, one pwsh step: npm ci, the gate --fail-on none',
    BASE,
    ONE('npm ci\nnpx gitguard audit --fail-on none'),
  ],
  ['windows leg, one pwsh step: Copy-Item, the gate', BASE, ONE('Copy-Item x.js y.js\nnpx gitguard audit')],
  [
    'windows leg, one cmd step: npm ci, the gate (npm.cmd ends the script)',
    BASE,
    ONE('npm ci\nnpx gitguard audit', '        shell: cmd\n'),
  ],
  [
    'windows runner: npm ci then Invoke-WebRequest',
    BASE,
    {
      ...PKG,
      ...wf(
        job(
          CO + r('npm ci\nInvoke-WebRequest -Uri https://example.com/x -OutFile x.js') + r('npx gitguard audit', BASH),
          ON('windows-latest'),
        ),
      ),
    },
  ],
];

const batch = gateBatch();
describe('honest shapes keep the gate from a plain gate job, and through ordinary changes', () => {
  test('the README holds the blocks read here', () => {
    expect(glBlocks.length).toBeGreaterThanOrEqual(3);
  });
  for (const [name, files] of SHAPES) {
    const links = name.includes('submodule') ? { 'vendor/lib': ID } : undefined;
    test(`start: ${name}`, batch.add(BASE, files, true, undefined, undefined, links));
    test(
      `maintained: ${name}`,
      batch.add(
        files,
        { ...files, [W]: maintained(files[W]!), 'README.md': 'edited\n' },
        true,
        undefined,
        undefined,
        links,
      ),
    );
  }
  for (const [name, files] of GL_SHAPES) {
    const links = name.includes('submodule') ? { 'vendor/lib': ID } : undefined;
    test(`gitlab start: ${name}`, batch.add(PLAIN_GL, files, true, undefined, undefined, links));
    test(`gitlab maintained: ${name}`, batch.add(files, glMaintained(files), true, undefined, undefined, links));
  }
});

describe('twins: the same places written to lose the gate', () => {
  for (const [name, before, after] of LOST) test(name, batch.add(before, after, false));
});
