// redteam126: an earlier step writes a program where the gate's npx is looked for by a command that
// names no target: `tar x`, `unzip` or `curl --remote-name` after a `cd` into a tool folder it puts
// on $GITHUB_PATH (`$HOME/.x/bin`, kept as a tool folder), or an unpacking that keeps the archive's
// absolute names (`tar -P`) into the job's own tools folder. The gate was read as kept.
// The reference is the job run by real bash with the runner's $GITHUB_ENV/$GITHUB_PATH handling
// (test/helpers/real-job.ts): it passes where the gate is lost. Honest twins (an unpacking in the
// checkout, then `$HOME/.local/bin` on $GITHUB_PATH) stay gates.
import { cleanupJobs, jobPasses, type JobStep } from '../helpers/real-job.js';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);
afterAll(cleanupJobs);

const WF = '.github/workflows/ci.yml';
const GATE = 'npx gitguard audit';
const workflow = (steps: readonly JobStep[]): string =>
  `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${steps
    .map((s) => `      - run: ${JSON.stringify(s.run)}\n`)
    .join('')}`;
const DIRECT = { [WF]: workflow([{ run: GATE }]) };
const TOOLS = { 'tools/npx': '#!/bin/sh\nexit 0\n' };
/** Into a hidden folder of $HOME, put on $GITHUB_PATH (a tool folder: kept by itself). */
const INTO_X = 'mkdir -p ~/.x/bin\ncd ~/.x/bin';
const ADD_X = 'echo "$HOME/.x/bin" >> $GITHUB_PATH';

const LOST: Array<[string, string]> = [
  [
    'tar x without -C after cd ~/.x/bin',
    `tar cf t.tar -C tools npx\n${INTO_X}\ntar xf "$GITHUB_WORKSPACE/t.tar"\n${ADD_X}`,
  ],
  [
    'unzip without -d after cd ~/.x/bin',
    `zip -qj t.zip tools/npx\n${INTO_X}\nunzip -q "$GITHUB_WORKSPACE/t.zip"\n${ADD_X}`,
  ],
  [
    'curl --remote-name after cd ~/.x/bin',
    `${INTO_X}\ncurl -s --remote-name "file://$GITHUB_WORKSPACE/tools/npx"\nchmod +x npx\n${ADD_X}`,
  ],
  [
    'tar -xPf of absolute names into ~/bin',
    'tar --transform "s|^tools|$HOME/bin|" -cPf t.tar tools/npx\ntar -xPf t.tar',
  ],
];

const KEPT: Array<[string, string]> = [
  [
    'tar x and unzip in the checkout, then $HOME/.local/bin on $GITHUB_PATH',
    'tar cf t.tar -C tools npx\nmkdir -p out\ntar xf t.tar -C out\nzip -qj t.zip tools/npx\ncd out && unzip -q ../t.zip\necho "$HOME/.local/bin" >> $GITHUB_PATH',
  ],
  ['curl -o into the checkout', 'curl -s -o out.txt "file://$GITHUB_WORKSPACE/tools/npx"'],
];

describe('an unpacking or download with no target, before the gate', () => {
  const batch = gateBatch();
  for (const [name, run] of LOST) {
    const steps = [{ run }, { run: GATE }];
    const check = batch.add(DIRECT, { [WF]: workflow(steps), ...TOOLS }, false);
    test(`${name}: the real job passes, ci-gate-kept fails`, async () => {
      expect(jobPasses(steps, TOOLS, {})).toBe(true);
      await check();
    });
  }
  for (const [name, run] of KEPT) {
    const steps = [{ run }, { run: GATE }];
    const check = batch.add(DIRECT, { [WF]: workflow(steps), ...TOOLS }, true);
    test(`${name}: the real job fails on the audit, the gate is kept`, async () => {
      expect(jobPasses(steps, TOOLS, {})).toBe(false);
      await check();
    });
  }
});

// A gate job's `if:` that calls always() or !cancelled() yet is false for every change, or also asks
// for a failure: GitHub skips the job and a skipped job reports success (GitHub's docs on
// jobs.<id>.if). Function names are read ignoring case, as GitHub's expressions read them.
const ONE = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ${GATE}\n`;
const jobIf = (cond: string, needs = true): string =>
  `on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: exit 0\n  a:\n${needs ? '    needs: b\n' : ''}    if: ${cond}\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ${GATE}\n`;

describe("a gate job's if: with always() that still never runs it", () => {
  const batch = gateBatch();
  for (const [name, text] of [
    ['needs: b, if: ${{ always() && false }}', jobIf('${{ always() && false }}')],
    ["needs: b, if: always() && github.ref == 'refs/heads/nope'", jobIf("always() && github.ref == 'refs/heads/nope'")],
    ['needs: b, if: always() && failure()', jobIf('always() && failure()')],
    ['needs: b, if: !cancelled() && success()', jobIf('${{ !cancelled() && success() }}')],
    ['if: FAILURE()', jobIf('FAILURE()', false)],
    ['if: Cancelled()', jobIf('Cancelled()', false)],
    ['if: ${{ !cancelled() && failure() }}', jobIf('${{ !cancelled() && failure() }}', false)],
    ['if: ${{ !always() }}', jobIf('${{ !always() }}', false)],
  ] as Array<[string, string]>)
    test(`${name}: lost`, batch.add({ [WF]: ONE }, { [WF]: text }, false));
  for (const [name, text] of [
    ['needs: b, if: always()', jobIf('always()')],
    ['needs: b, if: ${{ !cancelled() }}', jobIf('${{ !cancelled() }}')],
    ["needs: b, if: always() && github.event_name == 'push'", jobIf("always() && github.event_name == 'push'")],
    ['if: success()', jobIf('success()', false)],
    ['if: Always()', jobIf('Always()', false)],
  ] as Array<[string, string]>)
    test(`${name}: kept`, batch.add({ [WF]: ONE }, { [WF]: text }, true));
});
