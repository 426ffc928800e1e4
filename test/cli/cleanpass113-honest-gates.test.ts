// cleanpass113: gates that really run, read as lost. Each `kept` row is an honest CI change of a keys-
// only project (Alice signs both commits: ci-gate-kept alone judges), which failed with exit 1 before;
// each `lost` row its attack twin, which still fails.
//
// - `--trust-root "$ROOT"` with ROOT a full commit id the workflow's, job's or step's `env:` (GitLab's
//   `variables:`) sets and the script never sets: the runner hands the literal to gitguard. Twins: a
//   value the change chooses (HEAD), one the script sets again, one an earlier step writes to
//   $GITHUB_ENV (the runner applies those over the job's env; older runners over the step's too).
// - `cd tools && ./gate.sh` whose gate.sh runs `gitguard audit -C ..`: the file is read from the
//   folder every run is in. Twins: `-C ../..` (no checkout), a `cd` that may fail (`|| true`).
// - `echo "x ->"` in an earlier step: a `>` in quotes redirects nothing (bash prints it). Twin: one in
//   a `$( )` inside quotes, which bash runs and so writes the file.
// - concurrently's `npm:audit:*` matches as its expand-wildcard does (the first `*` any text, `:`
//   included); `npx concurrently` is concurrently. Twin: a glob matching no gate script.
// - `flock FILE -c CMD` and `script -e -c CMD`: real runs (test/collect/command-wrappers.test.ts) pass
//   the command's status on. Twins: `script` without -e exits 0; `|| true` inside the string.
// - `echo "$HOME/.local/bin" >> $GITHUB_PATH` after pip upgrades itself: a tool folder outside the checkout
//   (`pipx install` and `pip install x` are now a registry's install before the gate: runnerown197, installs209).
//   Twins: a folder of the workspace, one under $HOME/work (GitHub's workspace), one not read.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);

// Every row judged by one audit per chain (gate-batch.ts): the kept rows', the lost ones', per CI system.
const batch = gateBatch();

const WF = '.github/workflows/ci.yml';
const ID = 'c0ffee'.repeat(6) + 'c0ff';
const job = (steps: string, jobEnv = '', top = ''): string =>
  `on: push\n${top}jobs:\n  gate:\n    runs-on: ubuntu-latest\n${jobEnv}    steps:\n      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n${steps}`;
const run = (script: string, env = ''): string =>
  `      - run: ${JSON.stringify(script)}\n${env ? `        env:\n          ${env}\n` : ''}`;
const BEFORE = { [WF]: job(run('npx gitguard audit')) };
const AUDIT_ROOT = 'npx gitguard audit --trust-root "$ROOT"';
const GATE_SH = (opts: string): string => `#!/bin/sh\nset -e\nnpx gitguard audit ${opts}\n`;
const PKG = JSON.stringify({ scripts: { 'audit:git': 'gitguard audit', 'lint:js': 'eslint .' } });
const PIPX = run('python -m pip install --upgrade pip');

const cases: Array<[name: string, after: Record<string, string>, kept: boolean]> = [
  ['root from the step env', { [WF]: job(run(AUDIT_ROOT, `ROOT: ${ID}`)) }, true],
  ['root from the job env', { [WF]: job(run(AUDIT_ROOT), `    env:\n      ROOT: ${ID}\n`) }, true],
  [
    'root from the workflow env, ${ROOT}',
    { [WF]: job(run('npx gitguard audit --trust-root ${ROOT}'), '', `env:\n  ROOT: ${ID}\n`) },
    true,
  ],
  [
    'root beside an earlier $GITHUB_ENV line of another name',
    { [WF]: job(run('echo "CARGO_TERM_COLOR=always" >> "$GITHUB_ENV"') + run(AUDIT_ROOT, `ROOT: ${ID}`)) },
    true,
  ],
  ['root HEAD from the env', { [WF]: job(run(AUDIT_ROOT, 'ROOT: HEAD')) }, false],
  ['root set again by the script', { [WF]: job(run(`ROOT=HEAD; ${AUDIT_ROOT}`, `ROOT: ${ID}`)) }, false],
  [
    'root read from a file by the script',
    { [WF]: job(run(`read -r ROOT < .root; ${AUDIT_ROOT}`, `ROOT: ${ID}`)) },
    false,
  ],
  [
    'root from a sourced file',
    { [WF]: job(run(`. ./ci/env.sh; ${AUDIT_ROOT}`, `ROOT: ${ID}`)), 'ci/env.sh': 'ROOT=HEAD\n' },
    false,
  ],
  [
    'root written to $GITHUB_ENV by an earlier step',
    { [WF]: job(run('echo "ROOT=HEAD" >> $GITHUB_ENV') + run(AUDIT_ROOT, `ROOT: ${ID}`)) },
    false,
  ],
  [
    'cd tools && ./gate.sh auditing ..',
    { [WF]: job(run('cd tools && ./gate.sh')), 'tools/gate.sh': GATE_SH('-C ..') },
    true,
  ],
  [
    'cd tools && sh gate.sh auditing ..',
    { [WF]: job(run('cd tools\nsh gate.sh')), 'tools/gate.sh': GATE_SH('-C ..') },
    true,
  ],
  [
    'cd tools && ./gate.sh auditing ../..',
    { [WF]: job(run('cd tools && ./gate.sh')), 'tools/gate.sh': GATE_SH('-C ../..') },
    false,
  ],
  [
    'cd tools || true; ./gate.sh',
    { [WF]: job(run('cd tools || true; ./gate.sh')), 'tools/gate.sh': GATE_SH('-C ..') },
    false,
  ],
  ['an earlier echo "x ->"', { [WF]: job(run('echo "built ->" # then ->') + run('npx gitguard audit')) }, true],
  [
    'an earlier redirection inside "$( )"',
    { [WF]: job(run('echo "$(echo x > node_modules/.bin/gitguard)"') + run('npx gitguard audit')) },
    false,
  ],
  [
    'concurrently "npm:lint:*" "npm:audit:*"',
    { [WF]: job(run('concurrently "npm:lint:*" "npm:audit:*"')), 'package.json': PKG },
    true,
  ],
  [
    'concurrently "npm:*:git"',
    { [WF]: job(run('concurrently --kill-others-on-fail "npm:*:git"')), 'package.json': PKG },
    true,
  ],
  [
    'npx concurrently "npm:lint:*" (no gate script)',
    { [WF]: job(run('npx concurrently "npm:lint:*"')), 'package.json': PKG },
    false,
  ],
  [
    'concurrently "npm:audit:(!git)*"',
    { [WF]: job(run('concurrently "npm:audit:*(!git)"')), 'package.json': PKG },
    false,
  ],
  ['flock FILE -c', { [WF]: job(run('flock /tmp/gate.lock -c "npx gitguard audit"')) }, true],
  ['script -q -e -c', { [WF]: job(run('script -q -e -c "npx gitguard audit" /dev/null')) }, true],
  ['script -q -c (no -e)', { [WF]: job(run('script -q -c "npx gitguard audit" /dev/null')) }, false],
  ['flock -c "... || true"', { [WF]: job(run('flock /tmp/gate.lock -c "npx gitguard audit || true"')) }, false],
  [
    'an earlier flock -c moving the checkout',
    { [WF]: job(run('flock /tmp/l -c "git checkout HEAD~1"') + run('npx gitguard audit')) },
    false,
  ],
  [
    '$HOME/.local/bin on $GITHUB_PATH',
    { [WF]: job(PIPX + run('echo "$HOME/.local/bin" >> $GITHUB_PATH') + run('npx gitguard audit')) },
    true,
  ],
  [
    '${HOME}/go/bin on "$GITHUB_PATH"',
    {
      [WF]: job(
        run('go install golang.org/x/tools/cmd/goimports@latest') +
          run('echo "${HOME}/go/bin" >> "$GITHUB_PATH"') +
          run('npx gitguard audit'),
      ),
    },
    true,
  ],
  [
    'a workspace folder on $GITHUB_PATH',
    { [WF]: job(PIPX + run('echo "$GITHUB_WORKSPACE/bin" >> $GITHUB_PATH') + run('npx gitguard audit')) },
    false,
  ],
  [
    '$HOME/work/... on $GITHUB_PATH',
    { [WF]: job(PIPX + run('echo "$HOME/work/r/r/bin" >> $GITHUB_PATH') + run('npx gitguard audit')) },
    false,
  ],
  [
    '$(pwd)/bin on $GITHUB_PATH',
    { [WF]: job(PIPX + run('echo "$(pwd)/bin" >> $GITHUB_PATH') + run('npx gitguard audit')) },
    false,
  ],
];
for (const [name, after, kept] of cases) test(name, batch.add(BEFORE, after, kept), 60_000);

// GitLab's `variables:` (job or global) as the workflow's env; pipeline variables outrank them (README).
const GITLAB = '.gitlab-ci.yml';
const lab = (script: string, vars: string): string =>
  `${vars}gate:\n  image: node:22\n  before_script:\n    - apt-get update && apt-get install -y git\n  script:\n    - ${JSON.stringify(script)}\n`;
const gitlab: Array<[name: string, after: string, kept: boolean]> = [
  ['GitLab root from variables:', lab(AUDIT_ROOT, `variables:\n  ROOT: "${ID}"\n`), true],
  [
    'GitLab root set again in before_script',
    lab(AUDIT_ROOT, `variables:\n  ROOT: "${ID}"\n`).replace('- apt-get', '- export ROOT=HEAD\n    - apt-get'),
    false,
  ],
];
for (const [name, after, kept] of gitlab)
  test(
    `${name}: kept ${kept}`,
    batch.add({ [GITLAB]: lab('npx gitguard audit', '') }, { [GITLAB]: after }, kept),
    60_000,
  );
