// redteam205: a GitHub workflow GitHub refuses or starts for no change, read as a gate. The reading
// resolved YAML merge keys (`a: {<<: *gate}`), which GitHub does not read ("Unexpected value '<<'":
// it reads anchors and aliases since 2025, never merge keys), so it refuses the whole file and runs
// none of its jobs; and it read a workflow whose events stand under no key spelled `on` (none at all,
// `true:` for YAML 1.1's `on`, `On: workflow_dispatch`) as started by every change. Both now gate
// nothing. Aliases without merge keys, a quoted `"on"`, and a Forgejo workflow's merge key (Go's
// yaml.v3 merges them) keep the gate.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);

const WF = '.github/workflows/ci.yml';
const STEPS =
  '    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n      - run: npx gitguard audit\n';
const gate = (on: string, jobs = `  a:\n${STEPS}`): string => `${on}jobs:\n${jobs}`;
const BEFORE = { [WF]: gate('on: push\n') };

const LOST: Array<[string, Record<string, string>]> = [
  ['no on: at all', { [WF]: gate('') }],
  ['true: for on:', { [WF]: gate('true: push\n') }],
  ['On: workflow_dispatch', { [WF]: gate('On: workflow_dispatch\n') }],
  ['a job merging the gate job by <<', { [WF]: gate('on: push\n', `  a: &a\n${STEPS}  b:\n    <<: *a\n`) }],
  [
    'a step merged by <<',
    {
      [WF]: gate('on: push\n', `  a:\n${STEPS}        env: &e\n          X: "1"\n      - <<: *e\n        run: echo\n`),
    },
  ],
];
const KEPT: Array<[string, Record<string, string>]> = [
  ['"on": push', { [WF]: gate('"on": push\n') }],
  [
    'an alias without a merge key',
    {
      [WF]: gate(
        'on: push\n',
        `  a:\n    env: &e\n      X: "1"\n${STEPS}  b:\n    env: *e\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n`,
      ),
    },
  ],
];

describe('redteam205: workflows GitHub refuses or starts for no change', () => {
  const batch = gateBatch();
  for (const [name, files] of KEPT) it(`keeps the gate: ${name}`, batch.add(BEFORE, files, true), 600_000);
  for (const [name, files] of LOST) it(`loses the gate: ${name}`, batch.add(BEFORE, files, false), 600_000);
});

describe('redteam205: Forgejo reads merge keys', () => {
  const FJ = '.forgejo/workflows/ci.yml';
  const batch = gateBatch();
  it(
    'keeps the gate: a Forgejo job merging its env by <<',
    batch.add(
      { [FJ]: gate('on: push\n') },
      { [FJ]: gate('on: push\nenv: &e\n  X: "1"\n', `  a:\n    env:\n      <<: *e\n${STEPS}`) },
      true,
    ),
    600_000,
  );
});
