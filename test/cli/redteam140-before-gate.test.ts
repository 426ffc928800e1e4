// redteam140: what may run before the CI gate, or keep it from running, on GitHub, for a pusher who
// wants a change that neuters `gitguard audit` in CI to pass ci-gate-kept. Each attack passed
// (exit 0) before; the honest twins still do.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupJobs, jobPasses, type JobStep } from '../helpers/real-job.js';

afterAll(cleanupTemp);
afterAll(cleanupJobs);

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

/** A workflow on push whose one job runs `steps` (YAML, six spaces in) and then the gate. */
const one = (steps: string): string =>
  `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${steps}      - run: ${GATE}\n`;
const runStep = (s: JobStep): string => `      - run: ${JSON.stringify(s.run)}\n`;
const ONE = { [WF]: one('') };
const TOOLS = { 'tools/npx': '#!/bin/sh\nexit 0\n' };
/** The folder of a fake npx (the change's `tools/`), as the code writes it to $GITHUB_PATH by a name it builds. */
const DIR = '$GITHUB_WORKSPACE/tools';

/** A step `run` before the gate that the real job shows neuters it: the job passes, ci-gate-kept must fail. */
function realLost(batch: ReturnType<typeof gateBatch>, name: string, run: string): void {
  const steps = [{ run }, { run: GATE }];
  const check = batch.add(ONE, { [WF]: one(runStep({ run })), ...TOOLS }, false);
  test(`${name}: the real job passes, ci-gate-kept fails`, async () => {
    expect(jobPasses(steps, TOOLS)).toBe(true);
    await check();
  });
}

// Code of another language an earlier step runs from the CI file: it writes $GITHUB_PATH or
// $GITHUB_ENV by names it builds, or a program where the gate's npx is looked for, and no word a
// shell reading sees names them. The reference: the job run by real bash with the runner's
// $GITHUB_PATH handling (test/helpers/real-job.ts) passes, the audit never having run.
describe('inline code of another language before the gate', () => {
  const batch = gateBatch();
  const lost: Array<[string, string]> = [
    [
      "python3 -c writing os.environ['GITHUB_' + 'PATH']",
      `python3 -c "import os; open(os.environ['GITHUB_' + 'PATH'], 'a').write(os.environ['GITHUB_WORKSPACE'] + '/tools\\n')"`,
    ],
    [
      'node -e writing process.env["GITHUB_" + "PATH"]',
      `node -e 'require("fs").appendFileSync(process.env["GITHUB_" + "PATH"], process.env.GITHUB_WORKSPACE + "/tools\\n")'`,
    ],
    [
      'perl -e writing $ENV{"GITHUB_" . "PATH"}',
      `perl -e 'open(my $f, ">>", $ENV{"GITHUB_" . "PATH"}); print $f "$ENV{GITHUB_WORKSPACE}/tools\\n"'`,
    ],
    [
      'ruby -e writing ENV["GITHUB_" + "PATH"]',
      `ruby -e 'File.write(ENV["GITHUB_" + "PATH"], ENV["GITHUB_WORKSPACE"] + "/tools\\n", mode: "a")'`,
    ],
    [
      'a here-document fed to python3',
      `python3 <<'EOF'\nimport os\nopen(os.environ['GITHUB_' + 'PATH'], 'a').write(os.environ['GITHUB_WORKSPACE'] + '/tools\\n')\nEOF`,
    ],
    [
      'code piped to python3',
      `echo "import os; open(os.environ['GITHUB_' + 'PATH'], 'a').write('${DIR}\\n')" | python3`,
    ],
    [
      'python3 -c copying a program into ~/bin',
      `/usr/bin/python3 -c "import shutil, os; shutil.copy('tools/npx', os.path.expanduser('~/bin/npx'))"`,
    ],
    [
      "awk writing ENVIRON['GITHUB_PATH']",
      `awk 'BEGIN { print ENVIRON["GITHUB_WORKSPACE"] "/tools" >> ENVIRON["GITHUB_PATH"] }'`,
    ],
  ];
  for (const [name, run] of lost) realLost(batch, name, run);
  test(
    'a step of shell: python writing the name it builds: lost',
    batch.add(
      ONE,
      {
        [WF]: one(
          `      - shell: python\n        run: |\n          import os\n          open(os.environ['GITHUB_' + 'PATH'], 'a').write('/tmp/x')\n`,
        ),
      },
      false,
    ),
  );
  const kept: Array<[string, string]> = [
    ['python3 -c printing its version', `python3 -c "import sys; print(sys.version)"`],
    ['node -p reading package.json', `echo "v=$(node -p "require('./package.json').version")" >> "$GITHUB_OUTPUT"`],
    ['python3 -m pip --version', 'python3 -m pip --version'],
    ["awk -F: '{print $1}'", "awk -F: '{print $1}' /etc/passwd > /dev/null"],
  ];
  for (const [name, run] of kept) {
    const steps = [{ run }, { run: GATE }];
    const files = { 'package.json': '{"version":"1.0.0"}\n' };
    const check = batch.add(ONE, { [WF]: one(runStep({ run })), ...files }, true);
    test(`${name}: the real job fails on the audit, the gate is kept`, async () => {
      expect(jobPasses(steps, files)).toBe(false);
      await check();
    });
  }
});

// GitHub's own actions that write files an earlier run made (a cache entry or an artifact of another
// branch's or a pull request's run, which the pusher controls) where the gate's programs come from.
// The reference for the restore: the cache's files written at `path:`, here by the job's real bash
// into ~/bin, a folder on the job's PATH (as ~/.local/bin is on GitHub's image).
describe("GitHub's own actions restoring files before the gate", () => {
  const batch = gateBatch();
  test('the restore into a PATH folder: the real job passes', () => {
    expect(jobPasses([{ run: 'cp tools/npx ~/bin/npx' }, { run: GATE }], TOOLS)).toBe(true);
  });
  const uses = (action: string, inputs: string): string => `      - uses: ${action}\n        with:\n${inputs}`;
  const lost: Array<[string, string]> = [
    ['actions/cache into ~/bin', uses('actions/cache@v4', '          path: ~/bin\n          key: k\n')],
    ['actions/cache into ~/.local/bin', uses('actions/cache@v4', '          path: ~/.local/bin\n          key: k\n')],
    [
      'actions/cache into /usr/local/bin',
      uses('actions/cache@v4', '          path: /usr/local/bin\n          key: k\n'),
    ],
    ['actions/cache into node_modules', uses('actions/cache@v4', '          path: node_modules\n          key: k\n')],
    [
      'actions/cache/restore of ~/.npm and node_modules/.bin',
      uses(
        'actions/cache/restore@v4',
        '          path: |\n            ~/.npm\n            node_modules/.bin\n          key: k\n',
      ),
    ],
    // A restore of plain folders (`ci`) keeps `npx gitguard audit` since cleanpass160: npm's project settings do not.
    ['actions/cache over .npmrc', uses('actions/cache@v4', '          path: .npmrc\n          key: k\n')],
    ['actions/download-artifact into the workspace', uses('actions/download-artifact@v4', '          name: x\n')],
    [
      'actions/download-artifact into ~/.local/bin',
      uses('actions/download-artifact@v4', '          path: ~/.local/bin\n'),
    ],
    [
      'actions/checkout of another repository into node_modules',
      uses('actions/checkout@v4', '          repository: someone/tools\n          path: node_modules\n'),
    ],
  ];
  // npxcache190: npm's cache restored decides what `npx gitguard` runs (its _npx, packument, tarball).
  lost.push(
    [
      'actions/cache of ~/.npm',
      uses('actions/cache@v4', "          path: ~/.npm\n          key: npm-${{ hashFiles('**/package-lock.json') }}\n"),
    ],
    [
      'actions/setup-node with cache: npm',
      uses('actions/setup-node@v4', '          node-version: 20\n          cache: npm\n'),
    ],
  );
  // cache208: the cache toolkit unpacks with `tar -P` and checks no member against `path:`, and a change
  // can save the entry its own gate job restores: any restore before the audit in the gate's job loses.
  lost.push(
    ['actions/cache of ~/.cache/pip', uses('actions/cache@v4', '          path: ~/.cache/pip\n          key: pip\n')],
    [
      'actions/cache of ~/.m2/repository and ~/go/pkg/mod',
      uses(
        'actions/cache@v4',
        '          path: |\n            ~/.m2/repository\n            ~/go/pkg/mod\n          key: k\n',
      ),
    ],
    [
      'actions/setup-node with cache: yarn',
      uses('actions/setup-node@v4', '          node-version: 20\n          cache: yarn\n'),
    ],
  );
  const kept: Array<[string, string]> = [
    [
      'actions/cache/save of ~/.cache/pip',
      uses('actions/cache/save@v4', '          path: ~/.cache/pip\n          key: pip\n'),
    ],
    [
      'actions/cache of ~/.cache/pip, lookup-only',
      uses('actions/cache@v4', '          path: ~/.cache/pip\n          key: pip\n          lookup-only: true\n'),
    ],
  ];
  for (const [name, step] of lost) test(`${name}: lost`, batch.add(ONE, { [WF]: one(step) }, false));
  for (const [name, step] of kept) test(`${name}: kept`, batch.add(ONE, { [WF]: one(step) }, true));
});

// The same class by other programs: a write the shell reading missed (GitHub's CLI downloading an
// artifact or release asset, scp, sed's `w` command), or an interpreter that xargs or find -exec runs.
describe('more writers and handed interpreters before the gate', () => {
  const batch = gateBatch();
  const COPY = `"import shutil, sys, os; shutil.copy(sys.argv[1], os.path.expanduser('~/bin/npx'))"`;
  const real: Array<[string, string]> = [
    ["sed -n 'w ~/bin/npx'", `sed -n "w $HOME/bin/npx" tools/npx`],
    ['scp into ~/bin', 'scp tools/npx ~/bin/npx'],
    ['find -exec python3 -c', `find tools -name npx -exec python3 -c ${COPY} {} \\;`],
    ['xargs -n 1 python3 -c', `echo tools/npx | xargs -n 1 python3 -c ${COPY}`],
  ];
  for (const [name, run] of real) realLost(batch, name, run);
  for (const [name, run] of [
    ['gh release download -D ~/.local/bin', 'gh release download v1 -R someone/tools -D ~/.local/bin'],
    ['gh run download in ~/.local/bin', 'cd ~/.local/bin && gh run download 1 -n tools'],
    ['gh run download into the checkout', 'gh run download 1 -n dist -D dist'],
    ['py -c (the Windows launcher)', `py -c "import os; os.system('x')"`],
  ] as Array<[string, string]>)
    test(`${name}: lost`, batch.add(ONE, { [WF]: one(runStep({ run })) }, false));
  for (const [name, run] of [
    ["sed -n 's/^version: //p' into the checkout", "sed -n 's/^version: //p' a.txt > out.txt"],
    ['find -name python3', 'find . -name "*.py" -print'],
  ] as Array<[string, string]>)
    test(`${name}: kept`, batch.add(ONE, { [WF]: one(runStep({ run })) }, true));
});
