// cleanpass127: `echo "$(go env GOPATH)/bin" >> $GITHUB_PATH` before the gate step, the line most Go
// projects write after `go install`, was read as a folder not known and the gate as lost. Go's GOPATH
// is $HOME/go unless GOPATH, GOENV or GOROOT is set or `go env -w` writes Go's settings file: then
// the folder may be the checkout's, and a program of the change shadows `npx`. The twins set one of
// those (or climb out of the folder) and stay no gate.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);

const WF = '.github/workflows/ci.yml';
const GATE = 'npx gitguard audit';
/** A push workflow: checkout, then `steps` (run lines), `jobEnv` the job's `env:` (indented). */
const wf = (steps: readonly string[], jobEnv = ''): string =>
  `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n${jobEnv}    steps:\n      - uses: actions/checkout@v4\n${steps
    .map((s) => `      - run: ${JSON.stringify(s)}\n`)
    .join('')}`;
const DIRECT = { [WF]: wf([GATE]) };
const NPX = { 'tools/bin/npx': '#!/bin/sh\nexit 0\n' };

const KEPT: Array<[string, string]> = [
  [
    '$(go env GOPATH)/bin',
    wf(['go install golang.org/x/tools/cmd/goimports@latest', 'echo "$(go env GOPATH)/bin" >> $GITHUB_PATH', GATE]),
  ],
  ['quoted target', wf(['echo "$(go env GOPATH)/bin" >> "$GITHUB_PATH"', GATE])],
  ['backquotes', wf(['echo "`go env GOPATH`/bin" >> $GITHUB_PATH', GATE])],
];
const LOST: Array<[string, string]> = [
  [
    'GOPATH in the job env',
    wf(
      ['echo "$(go env GOPATH)/bin" >> $GITHUB_PATH', GATE],
      '    env:\n      GOPATH: ${{ github.workspace }}/tools\n',
    ),
  ],
  [
    'GOENV in the job env',
    wf(['echo "$(go env GOPATH)/bin" >> $GITHUB_PATH', GATE], '    env:\n      GOENV: ci/go.env\n'),
  ],
  ['go env -w before', wf(['go env -w GOPATH=$PWD/tools', 'echo "$(go env GOPATH)/bin" >> $GITHUB_PATH', GATE])],
  [
    'GOPATH on $GITHUB_ENV',
    wf(['echo "GOPATH=$PWD/tools" >> $GITHUB_ENV', 'echo "$(go env GOPATH)/bin" >> $GITHUB_PATH', GATE]),
  ],
  ['climbs out', wf(['echo "$(go env GOPATH)/../work/repo/tools/bin" >> $GITHUB_PATH', GATE])],
  ['GOBIN', wf(['echo "$(go env GOBIN)" >> $GITHUB_PATH', GATE])],
];

describe("ci-gate-kept: Go's folder on $GITHUB_PATH", () => {
  const batch = gateBatch();
  for (const [name, after] of KEPT) test(`kept: ${name}`, batch.add(DIRECT, { [WF]: after, ...NPX }, true), 600_000);
  for (const [name, after] of LOST) test(`lost: ${name}`, batch.add(DIRECT, { [WF]: after, ...NPX }, false), 600_000);
});
