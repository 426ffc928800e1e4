// vouch215: git pages to a terminal only, so a GIT_PAGER or PAGER a step sets was read as running
// nothing (env-names.ts). But a wrapper that gives its command a terminal (script(1), tmux, screen,
// unbuffer, expect) makes the git it runs start the pager, through the shell: `GIT_PAGER: cp
// /bin/true ~/bin/npx; cat` and a `script -qec "git log -1" /dev/null` before the audit plant the
// npx the audit runs. A real job shows it (test/helpers/real-job.ts: bash steps, a checkout whose
// HEAD is unsigned, an npx that fails unless git verifies it). Now a pager variable loses the gate
// unless its value pages with cat or nothing (`GIT_PAGER: cat`, `PAGER: ''`, the common honest CI
// settings), whichever wrapper runs git.
import { cleanupJobs, jobPasses, type JobStep } from '../helpers/real-job.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';

afterAll(() => {
  cleanupJobs();
  cleanupTemp();
});

const WF = '.github/workflows/ci.yml';
const PLANT = 'cp /bin/true ~/bin/npx; cat';
const PAGE = 'script -qec "git log -1" /dev/null';
const AUDIT = 'npx gitguard audit';

/** A workflow: each step `[script, env]` before the audit, the workflow's own `env:` over them. */
function workflow(steps: Array<[string, Record<string, string>?]>, top: Record<string, string> = {}): string {
  const env = (vars: Record<string, string>, at: string): string =>
    Object.keys(vars).length
      ? `${at}env:\n${Object.entries(vars)
          .map(([k, v]) => `${at}  ${k}: ${JSON.stringify(v)}\n`)
          .join('')}`
      : '';
  const lines = [...steps, [AUDIT] as [string]]
    .map(([run, vars]) => `      - run: ${JSON.stringify(run)}\n${env(vars ?? {}, '        ')}`)
    .join('');
  return (
    `on: push\n${env(top, '')}jobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n` +
    `      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n${lines}`
  );
}
const LOST: Array<[string, Array<[string, Record<string, string>?]>, Record<string, string>?]> = [
  ["GIT_PAGER on a step paging under script's terminal", [[PAGE, { GIT_PAGER: PLANT }]]],
  ['PAGER on a step paging under tmux', [['tmux new -d "git log -1"', { PAGER: PLANT }]]],
  ['GIT_PAGER in the workflow env:, git paged under unbuffer', [['unbuffer git log -1']], { GIT_PAGER: PLANT }],
  ['GIT_EXTERNAL_DIFF on a step running git diff', [['git diff HEAD~1', { GIT_EXTERNAL_DIFF: PLANT }]]],
  ['GIT_PAGER written to $GITHUB_ENV, then a paging step', [[`echo "GIT_PAGER=${PLANT}" >> "$GITHUB_ENV"`], [PAGE]]],
];
const KEPT: Array<[string, Array<[string, Record<string, string>?]>, Record<string, string>?]> = [
  ['GIT_PAGER: cat, git paged under script', [[PAGE, { GIT_PAGER: 'cat' }]]],
  ["PAGER: '' in the workflow env:", [['git log -1']], { PAGER: '' }],
  ['no pager set, git under script', [[PAGE]]],
  [
    "the runner's ssh for git on an earlier step",
    [['git fetch --tags origin', { GIT_SSH_COMMAND: 'ssh -o StrictHostKeyChecking=no' }]],
  ],
];

describe('vouch215: a pager variable and a wrapper giving git a terminal', () => {
  const batch = gateBatch();
  const start = { [WF]: workflow([]) };
  for (const [name, steps, top] of LOST)
    test(`lost: ${name}`, batch.add(start, { [WF]: workflow(steps, top) }, false, 'GitHub Actions'), 600_000);
  for (const [name, steps, top] of KEPT)
    test(`kept: ${name}`, batch.add(start, { [WF]: workflow(steps, top) }, true), 600_000);
});

// The reference: bash runs the steps; git under script(1) starts the pager, which plants the npx.
describe('vouch215: the pager attack as a real job runs it', () => {
  const steps = (env: Record<string, string>): JobStep[] => [{ run: PAGE, env }, { run: AUDIT }];
  test('GIT_PAGER set to a command, git under script: the unsigned HEAD passes the gate', () => {
    expect(jobPasses(steps({ GIT_PAGER: PLANT }))).toBe(true);
  });
  test('GIT_PAGER: cat, git under script: the gate holds', () => {
    expect(jobPasses(steps({ GIT_PAGER: 'cat' }))).toBe(false);
  });
});
