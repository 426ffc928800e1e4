// base210: a gate's `--base` the reading cannot resolve to a commit before the change is no gate.
// Before, any value but a spelling of HEAD kept the gate, so a change could make CI judge no commit
// while ci-gate-kept read its step as the gate it replaced: `X=HEAD; npx gitguard audit --base "$X"`,
// `env: X: HEAD`, `--base "$(git rev-parse HEAD~0)"`, `--base HEAD~0^0`, `--base HEAD@{now}` (real git
// 2.39 resolves each to HEAD; `FETCH_HEAD` and `ORIG_HEAD` may be it after a checkout or merge), a
// GitLab `export X=HEAD`. Now only a literal revision before HEAD or the forge's own base the job does
// not set keeps it: `${{ github.event.before }}`, `$CI_COMMIT_BEFORE_SHA`, `origin/$GITHUB_BASE_REF`,
// and a variable the CI file gives one of these (`env: BEFORE: ${{ github.event.before }}`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);

type Files = Record<string, string>;
const W = '.github/workflows/ci.yml';
const GL = '.gitlab-ci.yml';
const CO = '      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n';
const gh = (line: string, env = ''): Files => ({
  [W]: `on:\n  push:\n  pull_request:\njobs:\n  gitguard:\n    runs-on: ubuntu-latest\n${env}    steps:\n${CO}      - run: ${JSON.stringify(line)}\n`,
});
const gl = (lines: string[], vars = ''): Files => ({
  [GL]: `gitguard:\n  image: node:20\n  variables:\n    GIT_DEPTH: 0\n${vars}  script:\n${lines.map((l) => `    - ${JSON.stringify(l)}\n`).join('')}`,
});
const GH_BEFORE = gh('npx gitguard audit');
// gitguard's own action with `args` (split by the action after the runner writes expressions in).
const action = (args: string): Files => ({
  [W]: `on:\n  push:\n  pull_request:\njobs:\n  gitguard:\n    runs-on: ubuntu-latest\n    steps:\n${CO}      - uses: acme/gitguard@${'1'.repeat(40)}\n        with:\n          args: ${args}\n`,
});
const GL_BEFORE = gl(['npx gitguard audit']);

const batch = gateBatch();

// Each value git 2.39 resolves to the checked-out commit: checked against real git below.
const HEAD_SPELLINGS = ['HEAD~0^0', 'HEAD^{}', 'HEAD@{now}', '@{0}', '@@{0}', 'HEAD^{/next}', 'HEAD~00'];

const lost: Array<[string, Files, Files]> = [
  ['X=HEAD; --base "$X"', GH_BEFORE, gh('X=HEAD; npx gitguard audit --base "$X"')],
  ['env: X: HEAD, --base "$X"', GH_BEFORE, gh('npx gitguard audit --base "$X"', '    env:\n      X: HEAD\n')],
  ['--base=$X', GH_BEFORE, gh('X=HEAD\nnpx gitguard audit --base=$X')],
  ['--base "${X:-HEAD}"', GH_BEFORE, gh('npx gitguard audit --base "${X:-HEAD}"')],
  ['--base "$(git rev-parse HEAD~0)"', GH_BEFORE, gh('npx gitguard audit --base "$(git rev-parse HEAD~0)"')],
  ['--base $(cat .base)', GH_BEFORE, gh('npx gitguard audit --base $(cat .base)')],
  ['--base "refs/heads/$BRANCH"', GH_BEFORE, gh('npx gitguard audit --base "refs/heads/$GITHUB_REF_NAME"')],
  ['--base FETCH_HEAD', GH_BEFORE, gh('npx gitguard audit --base FETCH_HEAD')],
  ['--base ORIG_HEAD', GH_BEFORE, gh('npx gitguard audit --base ORIG_HEAD')],
  ['--base origin/HEAD', GH_BEFORE, gh('npx gitguard audit --base origin/HEAD')],
  ['--base HEA[D] (a glob the checkout may match)', GH_BEFORE, gh('npx gitguard audit --base HEA[D]')],
  ['--base HEAD@{1} (a reflog)', GH_BEFORE, gh('npx gitguard audit --base HEAD@{1}')],
  ['--base @{u} (the upstream: the pushed branch)', GH_BEFORE, gh('npx gitguard audit --base @{u}')],
  ...HEAD_SPELLINGS.map((v): [string, Files, Files] => [
    `--base ${v}`,
    GH_BEFORE,
    gh(`npx gitguard audit --base '${v}'`),
  ]),
  ['--base "$GITHUB_SHA"', GH_BEFORE, gh('npx gitguard audit --base "$GITHUB_SHA"')],
  [
    'a job setting GITHUB_BASE_REF',
    GH_BEFORE,
    gh('GITHUB_BASE_REF=main; npx gitguard audit --base "origin/$GITHUB_BASE_REF"'),
  ],
  ['verify "$X.."', GH_BEFORE, gh('X=HEAD; npx gitguard verify "$X.."')],
  ['action: args: --base HEAD@{now}', GH_BEFORE, action('--base HEAD@{now}')],
  ['GitLab: export X=HEAD, --base "$X"', GL_BEFORE, gl(['export X=HEAD', 'npx gitguard audit --base "$X"'])],
  [
    'GitLab: CI_COMMIT_BEFORE_SHA set in the script',
    GL_BEFORE,
    gl(['export CI_COMMIT_BEFORE_SHA=HEAD', 'npx gitguard audit --base "$CI_COMMIT_BEFORE_SHA"']),
  ],
  [
    'GitLab: CI_COMMIT_BEFORE_SHA a job variable read from the checkout',
    GL_BEFORE,
    gl(['npx gitguard audit --base "$CI_COMMIT_BEFORE_SHA"'], '    CI_COMMIT_BEFORE_SHA: $(cat .base)\n'),
  ],
];
for (const [name, before, after] of lost)
  test(`a --base the change chooses: ${name}: ci-gate-kept fails`, batch.add(before, after, false));

const kept: Array<[string, Files, Files]> = [
  // A push to main points origin/main at the pushed commit, but this workflow runs on pull requests
  // too, where the protected main is the target the change is judged against (base214).
  ['--base origin/main (push and pull_request)', GH_BEFORE, gh('npx gitguard audit --base origin/main')],
  ['--base ${{ github.event.before }}', GH_BEFORE, gh('npx gitguard audit --base ${{ github.event.before }}')],
  [
    'env: BEFORE: ${{ github.event.before }}',
    GH_BEFORE,
    gh('npx gitguard audit --base "$BEFORE"', '    env:\n      BEFORE: ${{ github.event.before }}\n'),
  ],
  [
    '--base "${{ github.event.pull_request.base.sha }}"',
    GH_BEFORE,
    gh('npx gitguard audit --base "${{ github.event.pull_request.base.sha }}"'),
  ],
  ['--base "origin/$GITHUB_BASE_REF"', GH_BEFORE, gh('npx gitguard audit --base "origin/$GITHUB_BASE_REF"')],
  [
    'action: args: --base ${{ github.event.pull_request.base.sha }}',
    GH_BEFORE,
    action('--base ${{ github.event.pull_request.base.sha }}'),
  ],
  ['--base HEAD~1', GH_BEFORE, gh('npx gitguard audit --base HEAD~1')],
  [
    'env: BASE: <full id>',
    GH_BEFORE,
    gh('npx gitguard audit --base "$BASE"', `    env:\n      BASE: ${'b2'.repeat(20)}\n`),
  ],
  ['GitLab: --base "$CI_COMMIT_BEFORE_SHA"', GL_BEFORE, gl(['npx gitguard audit --base "$CI_COMMIT_BEFORE_SHA"'])],
  [
    'GitLab: --base ${CI_MERGE_REQUEST_DIFF_BASE_SHA}',
    GL_BEFORE,
    gl(['npx gitguard audit --base ${CI_MERGE_REQUEST_DIFF_BASE_SHA}']),
  ],
  [
    'GitLab: BASE: $CI_COMMIT_BEFORE_SHA',
    GL_BEFORE,
    gl(['npx gitguard audit --base "$BASE"'], '    BASE: $CI_COMMIT_BEFORE_SHA\n'),
  ],
];
for (const [name, before, after] of kept) test(`twin: ${name} keeps the gate`, batch.add(before, after, true));

test('reference: git 2.39 resolves each of the spellings to HEAD', () => {
  const dir = mkdtempSync(join(tmpdir(), 'base210-'));
  const git = (...a: string[]): string =>
    execFileSync('git', ['-C', dir, '-c', 'user.name=a', '-c', 'user.email=a@example.com', ...a], {
      encoding: 'utf8',
    }).trim();
  git('init', '-q');
  git('commit', '-q', '--allow-empty', '-m', 'start');
  git('commit', '-q', '--allow-empty', '-m', 'next');
  const head = git('rev-parse', 'HEAD');
  for (const v of HEAD_SPELLINGS) expect([v, git('rev-parse', '--verify', `${v}^{commit}`)]).toEqual([v, head]);
  expect(git('rev-parse', 'HEAD~1')).not.toBe(head);
});
