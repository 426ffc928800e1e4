// redteam192: on GitHub only a fetch-and-run line the start's job RAN vouches for it (a step's `run:`,
// the step and job not switched off by a literal `if: false`): the same line written in the job's
// `env:`, a step's `name:` or `with:`, or an `if:` ran nothing, so moved into a `run:` before the audit
// it loses the gate. The line run by the job at the start, in a block of lines, keeps it.
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

type Files = Record<string, string>;
const WF = '.github/workflows/ci.yml';
const RUSTUP = "curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y";
const AUDIT = 'npx gitguard audit';
const CHECKOUT = '      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n';
const run = (s: string): string => `      - run: ${JSON.stringify(s)}\n`;
/** The gate job `gate`: `head` its keys above the steps, `steps` its steps after the checkout. */
const gate = (head: string, steps: string): Files => ({
  [WF]: `on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n${head}    steps:\n${CHECKOUT}${steps}`,
});
/** The change: the gate job runs the line, then the audit. */
const MOVED = gate('', run(RUSTUP) + run(AUDIT));

function judged(title: string, cases: Array<[string, Files, boolean]>): void {
  describe(`redteam192: ${title}`, () => {
    for (const [name, start, kept] of cases) {
      // Each start its own batch: its --base is the start.
      const batch = gateBatch(start);
      it(`${kept ? 'kept' : 'lost'}: ${name}`, batch.add(start, MOVED, kept), 600_000);
    }
  });
}

judged('a line the start held but did not run vouches for nothing', [
  ["the job's env: value", gate(`    env:\n      SETUP: ${JSON.stringify(RUSTUP)}\n`, run(AUDIT)), false],
  [
    "a step's name:",
    gate('', `      - name: ${JSON.stringify(RUSTUP)}\n        run: ${JSON.stringify(AUDIT)}\n`),
    false,
  ],
  [
    "a step's with: input",
    gate(
      '',
      `      - uses: actions/setup-node@v4\n        with:\n          x: ${JSON.stringify(RUSTUP)}\n${run(AUDIT)}`,
    ),
    false,
  ],
  ["a step's if:", gate('', `      - if: ${JSON.stringify(RUSTUP)}\n        run: echo hi\n${run(AUDIT)}`), false],
  [
    'a step switched off by if: false, after the audit',
    gate('', `${run(AUDIT)}      - if: \${{ false }}\n        run: ${JSON.stringify(RUSTUP)}\n`),
    false,
  ],
]);

judged('a line the start ran keeps the gate', [
  ['a run: of one line', gate('', run(RUSTUP) + run(AUDIT)), true],
  ['a run: after the audit', gate('', run(AUDIT) + run(RUSTUP)), true],
  ['one line of a block', gate('', `      - run: |\n          ${RUSTUP}\n          cargo -V\n${run(AUDIT)}`), true],
]);
