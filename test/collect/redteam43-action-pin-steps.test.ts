// collect/action-pin-steps.ts: a workflow change is "pins only" where every line that differs is a
// step's or a job's own `uses: owner/repo@ref` as YAML reads the file, not a line shaped so inside a
// script, an input or a value an alias repeats (red team 43).
import { onlyPinsMoved } from '../../src/collect/action-pin-steps.js';

const moved = (before: string, after: string): Promise<boolean> =>
  onlyPinsMoved(Buffer.from(before), Buffer.from(after));
const HEAD = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n';

test("steps' and jobs' pins, quoted or not, with Renovate's comment, CRLF or flow-free, move freely", async () => {
  const wf = (v: string, c: string): string =>
    `${HEAD}      - uses: actions/checkout@${v} # ${c}\n      - name: x\n        uses: "a/b@${v}"\n      - run: ./ci/gate.sh\n` +
    `  reuse:\n    uses: org/ci/.github/workflows/x.yml@${v}\n`;
  expect(await moved(wf('v1', 'v1.0.0'), wf('v2', 'v2.0.1'))).toBe(true);
  expect(await moved(wf('v1', 'a').replace(/\n/g, '\r\n'), wf('v2', 'b').replace(/\n/g, '\r\n'))).toBe(true);
  // An action.yml's composite steps.
  const action = (v: string): string => `runs:\n  using: composite\n  steps:\n    - uses: a/b@${v}\n`;
  expect(await moved(action('v1'), action('v2'))).toBe(true);
});

test('a line shaped like a pin inside a run: script, folded or literal, is a word of the script', async () => {
  const folded = (g: string): string => `${HEAD}      - run: >\n          make\n          uses: org/build@${g}\n`;
  expect(await moved(folded('v1'), folded('gate'))).toBe(false);
  const literal = (g: string): string => `${HEAD}      - run: |\n          make \\\n          uses: org/build@${g}\n`;
  expect(await moved(literal('v1'), literal('gate'))).toBe(false);
  const quoted = (g: string): string => `${HEAD}      - run: "make\n          uses: org/build@${g}"\n`;
  expect(await moved(quoted('v1'), quoted('gate'))).toBe(false);
});

test('an input named uses, an aliased step, a second document or a file YAML rejects is compared whole', async () => {
  const input = (g: string): string =>
    `${HEAD}      - uses: org/runner@v1\n        with:\n          uses: org/build@${g}\n`;
  expect(await moved(input('v1'), input('gate'))).toBe(false);
  const alias = (g: string): string =>
    `${HEAD}      - &s\n        uses: a/b@${g}\n      - uses: org/runner@v1\n        with: *s\n`;
  expect(await moved(alias('v1'), alias('v2'))).toBe(false);
  const docs = (g: string): string => `${HEAD}      - uses: a/b@${g}\n---\nx: 1\n`;
  expect(await moved(docs('v1'), docs('v2'))).toBe(false);
  const dup = (g: string): string => `${HEAD}      - uses: a/b@${g}\n        uses: c/d@${g}\n`;
  expect(await moved(dup('v1'), dup('v2'))).toBe(false);
  // Bytes that are no UTF-8 decode alike: compared byte for byte.
  const a = Buffer.concat([Buffer.from(`${HEAD}      - uses: a/b@v1\n      - run: echo `), Buffer.from([0xff])]);
  const b = Buffer.concat([Buffer.from(`${HEAD}      - uses: a/b@v2\n      - run: echo `), Buffer.from([0xfe])]);
  expect(await onlyPinsMoved(a, b)).toBe(false);
});
