// port92: a workflow naming gitguard only where nothing runs it read as a kept gate: any value that
// mentioned gitguard counted (StepReading.mention), so a step `name: gitguard audit` over `run: echo
// skipped`, a workflow's or job's `name:`, a step's `id:` or `if:` text, an `env:` value no command
// uses, `run-name:` or `concurrency:` kept it. Only values that run something count: an action's
// `uses:` and `with:` (design: README, CI gate). The twins run gitguard: a third-party action given
// the command (`with:`), gitguard's own action, an action or reusable workflow named for it, a step
// named gitguard that runs it.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);

const WF = '.github/workflows/ci.yml';
const ON = 'on:\n  push:\n  pull_request:\n';
/** A workflow of one job: `steps` its steps (YAML list items, indented 6), `job` extra job keys, `top` extra workflow keys. */
const GH = (steps: string, job = '', top = ''): string =>
  `${top}${ON}jobs:\n  a:\n    runs-on: ubuntu-latest\n${job}    steps:\n${steps}`;
const KEPT = GH('      - run: npx gitguard audit\n');
const SKIPPED = '      - run: echo skipped\n';
// Every case judged by one audit per chain (gate-batch.ts): the lost ones', the kept ones'.
const batch = gateBatch();

for (const [name, after] of [
  ["a step's name", GH('      - name: gitguard audit\n        run: echo skipped\n')],
  ["the workflow's name", GH(SKIPPED, '', 'name: gitguard\n')],
  ["the workflow's run-name", GH(SKIPPED, '', 'run-name: gitguard audit\n')],
  ["the workflow's concurrency", GH(SKIPPED, '', 'concurrency: gitguard\n')],
  ["the job's name", GH(SKIPPED, '    name: gitguard\n')],
  ["the job's env", GH(SKIPPED, '    env:\n      GATE: npx gitguard audit\n')],
  ["a step's id", GH('      - id: gitguard\n        run: echo skipped\n')],
  ["a step's if: text", GH("      - if: github.actor != 'gitguard-bot'\n        run: echo skipped\n")],
  ["a step's unused env", GH('      - env:\n          GATE: npx gitguard audit\n        run: echo skipped\n')],
  ["an action step's name", GH('      - name: gitguard audit\n        uses: actions/checkout@v4\n')],
])
  test(
    `${name} naming gitguard over a step that does not run it: ci-gate-kept fails`,
    batch.add({ [WF]: KEPT }, { [WF]: after! }, false),
  );

for (const [name, after] of [
  [
    'a third-party action given the command',
    GH('      - uses: acme/run-command@v1\n        with:\n          command: npx gitguard audit\n'),
  ],
  ["gitguard's own action", GH('      - uses: acme/gitguard@v1\n')],
  ['an action named for gitguard', GH('      - uses: acme/gitguard-action@v2\n')],
  ['a step named gitguard that runs it', GH('      - name: gitguard\n        run: npx gitguard audit\n')],
  ['a reusable workflow named for gitguard', `${ON}jobs:\n  a:\n    uses: acme/ci/.github/workflows/gitguard.yml@v1\n`],
  [
    'a reusable workflow given the command',
    `${ON}jobs:\n  a:\n    uses: acme/ci/.github/workflows/run.yml@v1\n    with:\n      command: npx gitguard audit\n`,
  ],
])
  test(`twin: ${name} keeps the gate`, batch.add({ [WF]: KEPT }, { [WF]: after! }, true));
