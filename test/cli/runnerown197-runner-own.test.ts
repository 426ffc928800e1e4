// runnerown197: a place outside the checkout that an earlier step (or the gate step's own lines before
// its audit) writes, and the gate step then runs from. `$HOME` and the image's folders are read as the
// runner's own, so a write there by a command the CI file shows must be judged: a user or global
// install from a registry (`pip install --user x` fills ~/.local/bin, on the image's PATH before its
// npx; `npm i -g x` the global prefix setup-node puts first; `cargo install`, pipx, uv,
// gem, dotnet tools, composer, a brew tap) writes programs the package names, and anyone may publish
// a package: it counts as code fetched from the network (no gate, unless the same job ran that very
// line where the range starts). `go install` of a remote path builds one program named after it and
// runs none of its code: lost only where that name is one the gate looks up (`npx`, `git`). A `git config` setting that runs a program (`core.hooksPath`,
// `core.fsmonitor`, `credential.helper`, an include) runs it from the gate step's own git commands,
// which can move HEAD before the audit. The reference is the job run by bash as GitHub's runner runs
// it (test/helpers/real-job.ts): where the gate is lost, the job passes on the unsigned HEAD.
import { cleanupJobs, jobPasses, type JobStep } from '../helpers/real-job.js';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { EVIL_WHEEL, runWorkflow } from '../helpers/python-registry.js';
import { checkoutJob, runStep } from '../helpers/workflow-steps.js';
import { execFileSync } from 'node:child_process';

afterAll(cleanupTemp);
afterAll(cleanupJobs);

const GATE = 'npx gitguard audit';
const WF = '.github/workflows/ci.yml';
const workflow = runWorkflow;
const DIRECT = { [WF]: workflow([{ run: GATE }]) };

// The image before the job: a Python whose pip the job runs (setup-python's folder on PATH) and a
// package index standing for the registry, holding `evil`, whose console script is named `npx`.
const PY = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
const IMAGE: JobStep = {
  run: `"$PY" - <<'EOF'\n${EVIL_WHEEL}EOF\necho "$(dirname "$PY")" >> "$GITHUB_PATH"`,
  env: { PY },
};
/** ~/.local/bin on PATH, as on GitHub's image (a tool folder: this line keeps the gate by itself). */
const LOCAL_BIN = 'echo "$HOME/.local/bin" >> $GITHUB_PATH';
const PIP_USER = 'python3 -m pip install -q --user --no-index --find-links "$RUNNER_TEMP/registry" evil';
/** A checkout hook that moves HEAD to the signed commit before it, when a later git updates a ref. */
const HOOKS = {
  'ci/hooks/reference-transaction':
    '#!/bin/sh\n[ -n "$MOVED" ] && exit 0\n[ "$1" = committed ] || exit 0\nMOVED=1 git checkout -q --detach HEAD~1\n',
};
const TAG_GATE = `git tag ci && ${GATE}`;

const REAL: Array<[string, JobStep[], Record<string, string>, boolean]> = [
  ['pip install --user of a package with an npx', [{ run: LOCAL_BIN }, { run: PIP_USER }, { run: GATE }], {}, false],
  ['the gate step installing it in its own lines', [{ run: LOCAL_BIN }, { run: `${PIP_USER}\n${GATE}` }], {}, false],
  [
    'git config --global core.hooksPath to a checkout folder',
    [{ run: 'git config --global core.hooksPath ci/hooks' }, { run: TAG_GATE }],
    HOOKS,
    false,
  ],
  [
    'git config core.hooksPath in the checkout',
    [{ run: 'git config core.hooksPath ci/hooks' }, { run: TAG_GATE }],
    HOOKS,
    false,
  ],
  ['twin: ~/.local/bin on PATH, nothing installed', [{ run: LOCAL_BIN }, { run: GATE }], {}, true],
  [
    'twin: git config --global user.name and safe.directory',
    [
      { run: 'git config --global user.name "ci bot"\ngit config --global --add safe.directory "$GITHUB_WORKSPACE"' },
      { run: TAG_GATE },
    ],
    HOOKS,
    true,
  ],
];

describe('a write outside the checkout the gate then runs, as the runner runs the job', () => {
  const batch = gateBatch();
  for (const [name, steps, files, kept] of REAL) {
    const check = batch.add(DIRECT, { [WF]: workflow(steps), ...files }, kept);
    test(`${name}: the real job ${kept ? 'fails on the audit, the gate is kept' : 'passes, the gate is lost'}`, async () => {
      expect(jobPasses([IMAGE, ...steps], files)).toBe(!kept);
      await check();
    });
  }
});

// The same class read from the CI file alone: each installer's user or global form, and git settings
// that run a program; their twins keep the gate (a project's own install, pip upgrading itself, a
// distribution's package, setup-node, git's identity and safe.directory, a read of git's settings).
const NPX = runStep(GATE);
const job = (steps: string): Record<string, string> => checkoutJob(steps, NPX);
const BEFORE = job('');
const INSTALLS = [
  'npm i -g evil',
  'npm install --global evil@1',
  'sudo npm install -g evil',
  'pnpm add -g evil',
  'pnpm dlx evil',
  'yarn global add evil',
  'bun add -g evil',
  'pip install --user evil',
  'pip install -e ".[dev]"',
  'pip3 install --user -r tools.txt',
  'sudo -H pip install --user evil',
  'pipx install evil',
  'pipx run evil',
  'uv tool install evil',
  'uvx evil',
  'cargo install evil',
  'cargo binstall evil',
  'go install example.com/tools/npx@latest',
  'go install example.com/tools/cmd/...@latest',
  'go install example.com/x/git/v2@v2.0.0',
  'gem install evil',
  'dotnet tool install --global evil',
  'composer global require evil/evil',
  'brew install someone/tap/evil',
];
const GIT_SETTINGS = [
  'git config --global core.fsmonitor "./x"',
  'git config --global credential.helper "!f() { git checkout -q HEAD~1; }; f"',
  'git config --global include.path ~/x',
  'git config set --global alias.tag "!true"',
  'git config --system core.hooksPath /opt/h',
  'git config -f .git/config core.hooksPath h',
];
const HONEST = [
  'npm ci',
  'npm install',
  'python -m pip install --upgrade pip',
  'sudo apt-get install -y jq',
  'brew install jq',
  'cargo build --locked',
  'go build ./...',
  'go install golang.org/x/tools/cmd/goimports@latest',
  'go install ./cmd/...',
  'corepack enable',
  'git config --global user.email "bot@example.com"',
  'git config --global --get user.name || true',
  'git config --global url."https://github.com/".insteadOf "git@github.com:"',
  'git config --global core.autocrlf false',
];

describe('user and global installs from a registry, and git settings that run a program, before the gate', () => {
  const batch = gateBatch();
  for (const s of INSTALLS) test(`${s}: lost`, batch.add(BEFORE, job(runStep(s)), false));
  // A git program outlives its step: lost where git runs after it before the audit (the gate step's
  // own `git tag`); with no git after it, kept (gitguard's own git reads none of it: gitprog198).
  for (const s of GIT_SETTINGS) {
    test(`${s}, then git in the gate step: lost`, batch.add(BEFORE, checkoutJob(runStep(s), runStep(TAG_GATE)), false));
    test(`twin: ${s}, no git after it: kept`, batch.add(BEFORE, job(runStep(s)), true));
  }
  for (const s of INSTALLS.slice(0, 3))
    test(
      `${s} in the gate step's own lines: lost`,
      batch.add(BEFORE, checkoutJob('', runStep(`${s}\n${GATE}`)), false),
    );
  for (const s of HONEST) test(`twin: ${s}: kept`, batch.add(BEFORE, job(runStep(s)), true));
  test(
    'twin: actions/setup-node then npx gitguard audit: kept',
    batch.add(BEFORE, job('      - uses: actions/setup-node@v4\n        with:\n          node-version: 20\n'), true),
  );
});

// An install the same job already ran where the range starts is vouched for, as a fetch-and-run line
// is (domain/fetched-code.ts): a change adding the gate after it, or keeping it, keeps the gate.
const VOUCHED = [
  'pip install --user pre-commit',
  'npm i -g pnpm@9',
  'cargo install cargo-deny',
  'go install golang.org/x/tools/cmd/goimports@latest',
];
describe('an install the start ran in the same job', () => {
  const steps = VOUCHED.map((s) => runStep(s)).join('');
  const batch = gateBatch(job(steps));
  test('twin: the same lines before the gate: kept', batch.add(BEFORE, job(steps), true));
  test(
    'one more, not at the start: lost',
    batch.add(BEFORE, job(steps + runStep('pip install --user pre-commit-hooks')), false),
  );
});
