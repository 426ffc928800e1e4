// Gate round 72: a CI step that runs gitguard but whose failure cannot fail the job kept the gate
// (`npx gitguard audit || true`, `| tee` without pipefail, `; true` under a shell without -e, `!`,
// `&`, `if ...; fi`, `--version`, a workflow only `workflow_dispatch` starts). Each history: Alice
// adds the gate, then neutralises it in a later commit; ci-gate-kept must fail, on GitHub Actions,
// Forgejo and GitLab. The twins keep a gate that still fails the job as the forge runs it.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);

// Every case below judged by one audit per chain (gate-batch.ts): the lost ones, the kept ones, per CI system.
const batch = gateBatch();

const GH = (steps: string, on = 'push', job = ''): string =>
  `on: ${on}\njobs:\n  a:\n    runs-on: ubuntu-latest\n${job}    steps:\n      - run: make\n${steps}`;
const step = (run: string, extra = ''): string => `      - run: ${JSON.stringify(run)}\n${extra}`;
const KEPT = GH(step('npx gitguard audit'));
const WF = '.github/workflows/ci.yml';
const FJ = '.forgejo/workflows/ci.yml';
const GL = (script: string[], extra = ''): string =>
  `${extra}build:\n  script: make\naudit:\n  script:\n${script.map((l) => `    - ${JSON.stringify(l)}\n`).join('')}`;
const GL_KEPT = GL(['npx gitguard audit']);

const lost: Array<[string, string, string, string]> = [
  ['|| true', WF, KEPT, GH(step('npx gitguard audit || true'))],
  ['|| :', WF, KEPT, GH(step('npx gitguard audit || :'))],
  ['|| exit 0', WF, KEPT, GH(step('npx gitguard audit || exit 0'))],
  ['|| echo failed', WF, KEPT, GH(step('npx gitguard audit || echo failed'))],
  ['| tee under the unnamed shell (bash -e, no pipefail)', WF, KEPT, GH(step('npx gitguard audit | tee out.txt'))],
  ['; true under shell: bash {0}', WF, KEPT, GH(step('npx gitguard audit; true', '        shell: bash {0}\n'))],
  ['a run: block after set +e', WF, KEPT, GH(step('set +e\nnpx gitguard audit\necho done\n'))],
  ['if gitguard; then ...; fi', WF, KEPT, GH(step('if npx gitguard audit; then echo ok; fi'))],
  ['! gitguard', WF, KEPT, GH(step('! npx gitguard audit'))],
  ['backgrounded &', WF, KEPT, GH(step('npx gitguard audit &'))],
  ['(...) || true', WF, KEPT, GH(step('(npx gitguard audit) || true'))],
  ['trap exit 0 on EXIT', WF, KEPT, GH(step("trap 'exit 0' EXIT\nnpx gitguard audit\n"))],
  ['gitguard --version', WF, KEPT, GH(step('npx gitguard --version'))],
  ['gitguard rules', WF, KEPT, GH(step('npx gitguard rules'))],
  ['bash -c "... || true"', WF, KEPT, GH(step('bash -c "npx gitguard audit || true"'))],
  [
    'defaults: run: shell: sh {0} with ; exit 0',
    WF,
    KEPT,
    GH(step('npx gitguard audit; exit 0'), 'push', '    defaults:\n      run:\n        shell: sh {0}\n'),
  ],
  ['on: workflow_dispatch only', WF, KEPT, GH(step('npx gitguard audit'), 'workflow_dispatch')],
  ['on: schedule only', WF, KEPT, GH(step('npx gitguard audit'), "\n  schedule:\n    - cron: '0 3 * * *'")],
  ['Forgejo: || true', FJ, KEPT, GH(step('npx gitguard audit || true'))],
  ['GitLab: || true', '.gitlab-ci.yml', GL_KEPT, GL(['npx gitguard audit || true'])],
  [
    'GitLab: set +e in before_script, a line after',
    '.gitlab-ci.yml',
    GL_KEPT,
    GL(['npx gitguard audit', 'echo done'], 'default:\n  before_script:\n    - set +e\n'),
  ],
  ['GitLab: if gitguard; then ...; fi', '.gitlab-ci.yml', GL_KEPT, GL(['if npx gitguard audit; then echo ok; fi'])],
];

describe.each(lost)('neutralised: %s', (_name, file, before, after) => {
  test('ci-gate-kept fails', batch.add({ [file]: before }, { [file]: after }, false));
});

const kept: Array<[string, string, string, string]> = [
  ['&& deploy', WF, KEPT, GH(step('npx gitguard audit && echo deploy'))],
  ['|| exit 1', WF, KEPT, GH(step('npx gitguard audit || exit 1'))],
  ['|| { echo failed; exit 1; }', WF, KEPT, GH(step('npx gitguard audit || { echo failed; exit 1; }'))],
  [
    '| tee under shell: bash (-eo pipefail)',
    WF,
    KEPT,
    GH(step('npx gitguard audit | tee out.txt', '        shell: bash\n')),
  ],
  [
    'set -e first under shell: bash {0}',
    WF,
    KEPT,
    GH(step('set -e\nnpx gitguard audit; true\n', '        shell: bash {0}\n')),
  ],
  ['a run: block, lines after it (bash -e)', WF, KEPT, GH(step('npx gitguard audit\necho done\n'))],
  ['if ! gitguard; then exit 1; fi', WF, KEPT, GH(step('if ! npx gitguard audit; then exit 1; fi'))],
  [
    'a skip for scheduled runs first',
    WF,
    KEPT,
    GH(step('if [ "$GITHUB_EVENT_NAME" = schedule ]; then exit 0; fi\nnpx gitguard audit\n')),
  ],
  ['on: [push, workflow_dispatch]', WF, KEPT, GH(step('npx gitguard audit'), '[push, workflow_dispatch]')],
  ['a function that runs it', WF, KEPT, GH(step('gate() { npx gitguard audit --format json; }\ngate\n'))],
  ['Forgejo: && deploy', FJ, KEPT, GH(step('npx gitguard audit && echo deploy'))],
  ['GitLab: | tee (set -eo pipefail)', '.gitlab-ci.yml', GL_KEPT, GL(['npx gitguard audit | tee out.txt'])],
  ['GitLab: a line after it', '.gitlab-ci.yml', GL_KEPT, GL(['npx gitguard audit', 'echo done'])],
];

for (const [name, file, before, after] of kept)
  test(`twin: ${name} keeps the gate`, batch.add({ [file]: before }, { [file]: after }, true));

// A reusable workflow (`on: workflow_call`) runs only where a workflow that starts calls it.
const REUSABLE = `on: workflow_call\njobs:\n  audit:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx gitguard audit\n`;
const CALLER = (on: string, jobs = '  gate:\n    uses: ./.github/workflows/gate.yml\n'): string =>
  `on: ${on}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n${jobs}`;
const GATE = '.github/workflows/gate.yml';

for (const [name, after, code] of [
  ['the caller left to workflow_dispatch', CALLER('workflow_dispatch'), 1],
  ['the calling job removed, the reusable workflow kept', CALLER('push', ''), 1],
  ['twin: the caller still starts on push', CALLER('[push, workflow_dispatch]'), 0],
] as const)
  test(`reusable gate: ${name}`, batch.add({ [WF]: CALLER('push'), [GATE]: REUSABLE }, { [WF]: after }, code === 0));
