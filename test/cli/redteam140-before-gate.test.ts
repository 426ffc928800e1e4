// redteam140: what may run before the CI gate, or keep it from running, on GitHub, for a pusher who
// wants a change that neuters `gitguard audit` in CI to pass ci-gate-kept. Each attack passed
// (exit 0) before; the honest twins still do.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);

const WF = '.github/workflows/ci.yml';
const GATE = 'npx gitguard audit';
/** A workflow on push and pull_request: job b, then job a whose steps (YAML, six spaces in) end with the gate. */
const wf = (steps: string, job = ''): string =>
  `on: [push, pull_request]\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: exit 0\n  a:\n${job}    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${steps}`;
const gateIf = (cond: string): string => `      - if: ${cond}\n        run: ${GATE}\n`;
const DIRECT = { [WF]: wf(`      - run: ${GATE}\n`) };
/** Where the range starts (--base): the accepted workflows, one honest condition on a gate step. */
const HONEST_IF = "github.actor != 'dependabot[bot]'";
const START = { [WF]: wf(gateIf(HONEST_IF)) };

// An `if:` on the gate step or its job that the change adds and nothing proves true: GitHub skips a
// step or job whose condition is false, and a skipped job reports Success (GitHub's docs on
// jobs.<id>.if), so the change picks a condition no run meets. Such a condition is no gate unless
// the workflows where the range starts already carried it (an accepted state).
describe('an if: on the gate not vouched for where the range starts', () => {
  const batch = gateBatch(START);
  const lost: Array<[string, string]> = [
    ["step if: always() && github.actor == 'nobody'", wf(gateIf("always() && github.actor == 'nobody'"))],
    [
      "step if: contains(github.event.head_commit.message, 'x')",
      wf(gateIf("contains(github.event.head_commit.message, 'x')")),
    ],
    [
      "step if: env.SKIP != 'yes', the job's env: SKIP: 'yes'",
      wf(gateIf("env.SKIP != 'yes'"), "    env:\n      SKIP: 'yes'\n"),
    ],
    ["job if: github.actor == 'nobody'", wf(`      - run: ${GATE}\n`, "    if: github.actor == 'nobody'\n")],
    [
      "job if: ${{ github.repository == 'someone/else' }}",
      wf(`      - run: ${GATE}\n`, "    if: ${{ github.repository == 'someone/else' }}\n"),
    ],
    ['the step if: at the start, with more asked', wf(gateIf(`${HONEST_IF} && github.actor == 'nobody'`))],
  ];
  for (const [name, after] of lost) test(`${name}: lost`, batch.add(DIRECT, { [WF]: after }, false));
  const kept: Array<[string, string]> = [
    ['the step if: at the start, unchanged', wf(gateIf(HONEST_IF))],
    [
      'the step if: at the start, as a folded block',
      wf(`      - if: >-\n          ${HONEST_IF}\n        run: ${GATE}\n`),
    ],
    ["step if: github.event_name == 'push'", wf(gateIf("github.event_name == 'push'"))],
    [
      "job if: ${{ github.ref == 'refs/heads/main' }}",
      wf(`      - run: ${GATE}\n`, "    if: ${{ github.ref == 'refs/heads/main' }}\n"),
    ],
    ['step if: always()', wf(gateIf('always()'))],
    ['step if: success()', wf(gateIf('success()'))],
    ['step if: ${{ !cancelled() }}', wf(gateIf('${{ !cancelled() }}'))],
  ];
  for (const [name, after] of kept) test(`${name}: kept`, batch.add(DIRECT, { [WF]: after }, true));
});
