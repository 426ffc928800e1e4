// Red team 79 on gate72's reading of CI scripts: a gitguard step whose failure real bash/sh never lets
// fail the job kept the gate. A condition the reading cannot decide (`if [ 1 = 1 ]; then exit 0; fi`,
// `[ -n "$SKIP" ]` with the step's `env: SKIP: 1`), a sourced repository file, a PATH with a folder of
// the checkout, `shopt -u -o errexit`, `set +$x`, a command named by a variable, a trap set in a
// function, an alias, a python or `${{ }}` shell. Each history: Alice adds the gate, a later commit
// neutralises it; ci-gate-kept must fail. test/collect/shell-gate runs the same scripts in bash and sh.
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

const GH = (steps: string): string =>
  `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n${steps}`;
const step = (run: string, extra = ''): string => `      - run: ${JSON.stringify(run)}\n${extra}`;
const KEPT = GH(step('npx gitguard audit'));
const WF = '.github/workflows/ci.yml';

const lost: Array<[string, string]> = [
  [
    'a skip the step env sets',
    GH(step('[ -n "$SKIP" ] && exit 0\nnpx gitguard audit\n', '        env:\n          SKIP: 1\n')),
  ],
  ['if [ 1 = 1 ]; then exit 0; fi', GH(step('if [ 1 = 1 ]; then exit 0; fi\nnpx gitguard audit\n'))],
  [
    'if [ 1 = 1 ]; then set +e; fi, a line after',
    GH(step('if [ 1 = 1 ]; then set +e; fi\nnpx gitguard audit\necho done\n')),
  ],
  ['a sourced file of the checkout', GH(step('. ./ci/env.sh\nnpx gitguard audit\n'))],
  ['PATH=./bin:$PATH', GH(step('export PATH="./bin:$PATH"\nnpx gitguard audit\n'))],
  ['shopt -u -o errexit', GH(step('shopt -u -o errexit\nnpx gitguard audit\necho done\n'))],
  ['set +$F', GH(step('F=e\nset +$F\nnpx gitguard audit\necho done\n'))],
  ['$s +e', GH(step('s=set\n$s +e\nnpx gitguard audit\necho done\n'))],
  ['a function that sets trap exit 0', GH(step("f() { trap 'exit 0' EXIT; }\nf\nnpx gitguard audit\n"))],
  ['alias npx=true', GH(step('shopt -s expand_aliases\nalias npx=true\nnpx gitguard audit\n'))],
  ['a subshell with its own trap', GH(step("(trap 'exit 0' EXIT; npx gitguard audit)"))],
  ['shell: python', GH(step('print("gitguard audit")', '        shell: python\n'))],
  ['shell: ${{ }}', GH(step('x = "gitguard audit"', "        shell: ${{ 'python' }}\n"))],
  ['shell: pwsh, exit 0 after', GH(step('npx gitguard audit; exit 0', '        shell: pwsh\n'))],
];

// Every case judged by one audit of its chain (gate-batch.ts), each test reading its own.
const batch = gateBatch();
for (const [name, after] of lost)
  test(`neutralised: ${name}: ci-gate-kept fails`, batch.add({ [WF]: KEPT }, { [WF]: after }, false));

const kept: Array<[string, string]> = [
  [
    'a skip for scheduled runs',
    GH(step('if [ "$GITHUB_EVENT_NAME" = schedule ]; then exit 0; fi\nnpx gitguard audit\n')),
  ],
  ['if [ 1 = 1 ]; then echo hi; fi', GH(step('if [ 1 = 1 ]; then echo hi; fi\nnpx gitguard audit\n'))],
  ['PATH=$HOME/.local/bin:$PATH', GH(step('export PATH="$HOME/.local/bin:$PATH"\nnpx gitguard audit\n'))],
  ['a function that sets a cleanup trap', GH(step("f() { trap 'rm -f out' EXIT; }\nf\nnpx gitguard audit\n"))],
  ['for x in a b; do ... done', GH(step('for x in a b; do echo $x; done\nnpx gitguard audit\n'))],
  ['shell: pwsh, the check alone', GH(step('npx gitguard audit', '        shell: pwsh\n'))],
];

for (const [name, after] of kept)
  test(`twin: ${name} keeps the gate`, batch.add({ [WF]: KEPT }, { [WF]: after }, true));
