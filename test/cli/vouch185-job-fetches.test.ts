// vouch185: a fetch-and-run line keeps a gate only in the job that ran it where the range starts
// (--base): on GitHub the same workflow file and job id, on GitLab the same job name as the start's
// merged configuration ran it. A line the start ran in a lint job, moved into the gate job, loses the
// gate; the gate job renamed, or moved to another file (even renamed to the lint job's id there),
// loses it; the same line in the same job keeps it, written out or taken from a template.
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';
import { APP, AUDIT, CI, RUSTUP, UV, WF, run, type Files } from '../helpers/fetch-lines.js';

afterAll(cleanupTemp);

const OTHER = '.github/workflows/gate.yml';
const CHECKOUT = '      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n';
/** A GitHub job `id`: `lines` each a step. */
const job = (id: string, ...lines: string[]): string =>
  `  ${id}:\n    runs-on: ubuntu-latest\n    steps:\n${CHECKOUT}${lines.map(run).join('')}`;
const workflow = (...jobs: string[]): string => `on: push\njobs:\n${jobs.join('')}`;
/** The start of most GitHub cases: a lint job runs rustup, the gate job does not. */
const LINT_START = { [WF]: workflow(job('lint', RUSTUP, 'cargo clippy'), job('gate', AUDIT)) };
/** A start whose gate job runs rustup before its audit. */
const GATE_START = { [WF]: workflow(job('gate', RUSTUP, AUDIT)) };

/** GitLab: a job named `name` with these before_script and script lines. */
const glJob = (name: string, before: string[], script: string[], extra = ''): string =>
  `${name}:\n${extra}` +
  (before.length ? `  before_script:\n${before.map((l) => `    - ${l}\n`).join('')}` : '') +
  `  script:\n${script.map((l) => `    - ${l}\n`).join('')}`;
const GL_LINT_START = { [CI]: glJob('lint', [UV], ['uv run ruff check']) + glJob('gitguard', [], [AUDIT]) };
const SETUP = `.setup:\n  before_script:\n    - ${UV}\n`;
const GL_TEMPLATE_START = { [CI]: SETUP + glJob('gitguard', [], [AUDIT], '  extends: .setup\n') };

/** Each case Alice's commit of `after` over `start` (the audit's --base): kept or lost. */
function judged(title: string, start: Files, cases: Array<[string, Files, boolean]>): void {
  describe(`vouch185: ${title}`, () => {
    const batch = gateBatch(start);
    for (const [name, after, kept] of cases)
      it(`${kept ? 'kept' : 'lost'}: ${name}`, batch.add(start, after, kept), 600_000);
  });
}

judged('GitHub, rustup run by a lint job at the start', LINT_START, [
  ['an unrelated commit', { ...LINT_START, ...APP }, true],
  ['the line moved into the gate job before its audit', { [WF]: workflow(job('gate', RUSTUP, AUDIT)) }, false],
  [
    'the line copied into the gate job, the lint job kept',
    { [WF]: workflow(job('lint', RUSTUP, 'cargo clippy'), job('gate', RUSTUP, AUDIT)) },
    false,
  ],
  [
    'the gate moved to another file as a job named lint',
    { [WF]: workflow(job('lint', RUSTUP, 'cargo clippy')), [OTHER]: workflow(job('lint', RUSTUP, AUDIT)) },
    false,
  ],
]);

judged('GitHub, rustup run by the gate job at the start', GATE_START, [
  ['an unrelated commit', { ...GATE_START, ...APP }, true],
  [
    'the same line in the same job, a step added after it',
    { [WF]: workflow(job('gate', RUSTUP, 'cargo -V', AUDIT)) },
    true,
  ],
  [
    'the same line in the same job, another job added',
    { [WF]: workflow(job('gate', RUSTUP, AUDIT), job('x', 'echo hi')) },
    true,
  ],
  ['the gate job renamed', { [WF]: workflow(job('audit', RUSTUP, AUDIT)) }, false],
  [
    'the gate job moved to another file',
    { [WF]: workflow(job('x', 'echo hi')), [OTHER]: workflow(job('gate', RUSTUP, AUDIT)) },
    false,
  ],
]);

judged('GitLab, uv run by a lint job at the start', GL_LINT_START, [
  ['an unrelated commit', { ...GL_LINT_START, ...APP }, true],
  [
    'the line moved into the gate job',
    { [CI]: glJob('lint', [], ['uv run ruff check']) + glJob('gitguard', [UV], [AUDIT]) },
    false,
  ],
  [
    'the gate job renamed to lint, the line its own',
    { [CI]: glJob('gitguard', [], ['echo hi']) + glJob('lint', [UV], [AUDIT]) },
    true,
  ],
]);

judged('GitLab, uv from a template the gate job extends at the start', GL_TEMPLATE_START, [
  ['an unrelated commit', { ...GL_TEMPLATE_START, ...APP }, true],
  ['the same line written out in the job', { [CI]: glJob('gitguard', [UV], [AUDIT]) }, true],
  [
    'a lint job extending the template, the gate job not',
    { [CI]: SETUP + glJob('lint', [], ['ruff'], '  extends: .setup\n') + glJob('gitguard', [], [AUDIT]) },
    true,
  ],
  [
    'the gate job renamed, extending the template',
    { [CI]: SETUP + glJob('audit', [], [AUDIT], '  extends: .setup\n') },
    false,
  ],
]);

const REUSE = '.github/workflows/reuse.yml';
const CALLED_START = {
  [WF]: 'on: push\njobs:\n  call:\n    uses: ./.github/workflows/reuse.yml\n',
  [REUSE]: `on: workflow_call\njobs:\n${job('gate', RUSTUP, AUDIT)}`,
};
judged('GitHub, rustup run by a reusable workflow at the start', CALLED_START, [
  ['an unrelated commit', { ...CALLED_START, ...APP }, true],
  [
    "the called job's steps written into the caller",
    { [WF]: workflow(job('gate', RUSTUP, AUDIT)), [REUSE]: `on: workflow_call\njobs:\n${job('gate', 'echo hi')}` },
    false,
  ],
]);

const INCLUDED_START = {
  [CI]: `include:\n  - local: ci/setup.yml\n${glJob('gitguard', [], [AUDIT], '  extends: .setup\n')}`,
  'ci/setup.yml': SETUP,
};
judged('GitLab, uv from a template in a local include at the start', INCLUDED_START, [
  ['an unrelated commit', { ...INCLUDED_START, ...APP }, true],
  ['the same line written out in the job', { [CI]: glJob('gitguard', [UV], [AUDIT]) }, true],
  [
    'the template emptied, the line written in the job',
    {
      [CI]: `include:\n  - local: ci/setup.yml\n${glJob('gitguard', [UV], [AUDIT])}`,
      'ci/setup.yml': '.other:\n  script: [ls]\n',
    },
    true,
  ],
]);
