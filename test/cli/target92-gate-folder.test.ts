// target92: a gitguard step that runs in a folder other than the checkout's root audits the
// repository git opens there: `cd ci/clean.git && gitguard audit` (a bare repository committed as
// plain files: git opens the nearest folder holding HEAD, objects/ and refs/), `pushd`, `env -C`,
// `make -C`, a step's `working-directory:`, a job's or workflow's `defaults: run: working-directory:`,
// GitLab's `cd` in before_script, a checkout of another repository or ref. The real CLI exits 0 there
// on a repository whose only failure is an unsigned commit (checked below); ci-gate-kept must fail.
// The twins come back to the root (`cd docs && make; cd ..`, a subshell, `cd "$GITHUB_WORKSPACE"`),
// name it, or check the change out at `path: repo` and audit `repo`: they keep the gate.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, copyRepo, type TestRepo } from '../helpers/repo.js';
import { cleanRepoInCheckout } from '../helpers/team.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { BIN } from '../helpers/cli.js';

afterAll(cleanupTemp);

const WF = '.github/workflows/ci.yml';
const ON = 'on:\n  push:\n  pull_request:\n';
/** A workflow of one job: `job` its extra keys (indented 4), `steps` its steps (each a YAML list item, indented 6). */
const GH = (steps: string, job = '', top = ''): string =>
  `${ON}${top}jobs:\n  a:\n    runs-on: ubuntu-latest\n${job}    steps:\n${steps}`;
const RUN = (step: string, extra = ''): string => `      - run: ${JSON.stringify(step)}\n${extra}`;
const CHECKOUT = (inputs = ''): string =>
  `      - uses: actions/checkout@v4\n${inputs ? `        with:\n${inputs}` : ''}`;
const KEPT = GH(CHECKOUT() + RUN('npx gitguard audit'));

// The cases below judged by one audit of their chain (gate-batch.ts), each test reading its own.
describe('ci-gate-kept', () => {
  const batch = gateBatch();
  for (const [name, after] of [
    ['cd into a committed repository', GH(CHECKOUT() + RUN('cd ci/clean.git && npx gitguard audit'))],
    ['cd, one line each', GH(CHECKOUT() + RUN('cd ci/clean.git\nnpx gitguard audit'))],
    ['pushd', GH(CHECKOUT() + RUN('pushd ci/clean.git\nnpx gitguard audit'))],
    [
      'cd by a path from the workspace',
      GH(CHECKOUT() + RUN('cd "$GITHUB_WORKSPACE/ci/clean.git"; npx gitguard audit')),
    ],
    ['cd then audit .', GH(CHECKOUT() + RUN('cd ci/clean.git && npx gitguard audit .'))],
    ['cd then -C "$PWD"', GH(CHECKOUT() + RUN('cd ci/clean.git && npx gitguard audit -C "$PWD"'))],
    [
      'cd to a variable',
      GH(CHECKOUT() + RUN('cd "$REPO" && npx gitguard audit'), '    env:\n      REPO: ci/clean.git\n'),
    ],
    ['cd to HOME', GH(CHECKOUT() + RUN('cd && npx gitguard audit'))],
    ['cd -', GH(CHECKOUT() + RUN('cd ci/clean.git && cd /tmp && cd - && npx gitguard audit'))],
    ['popd', GH(CHECKOUT() + RUN('pushd ci && pushd clean.git && popd && npx gitguard audit'))],
    ['cd in a function', GH(CHECKOUT() + RUN('go() { cd ci/clean.git; }\ngo\nnpx gitguard audit'))],
    ['cd in a sourced line (eval)', GH(CHECKOUT() + RUN('eval "cd ci/clean.git"\nnpx gitguard audit'))],
    ['env -C', GH(CHECKOUT() + RUN('env -C ci/clean.git npx gitguard audit'))],
    ['env --chdir=', GH(CHECKOUT() + RUN('env --chdir=ci/clean.git npx gitguard audit'))],
    ['make -C, a target named gitguard', GH(CHECKOUT() + RUN('make -sC ci/clean.git gitguard'))],
    ['bash -c with a cd', GH(CHECKOUT() + RUN(`bash -c 'cd ci/clean.git && npx gitguard audit'`))],
    [
      "a step's working-directory",
      GH(CHECKOUT() + RUN('npx gitguard audit', '        working-directory: ci/clean.git\n')),
    ],
    [
      "a step's working-directory by an expression",
      GH(CHECKOUT() + RUN('npx gitguard audit', "        working-directory: ${{ 'ci/clean.git' }}\n")),
    ],
    [
      "the job's defaults",
      GH(
        CHECKOUT() + RUN('npx gitguard audit'),
        '    defaults:\n      run:\n        working-directory: ci/clean.git\n',
      ),
    ],
    [
      "the workflow's defaults",
      GH(CHECKOUT() + RUN('npx gitguard audit'), '', 'defaults:\n  run:\n    working-directory: ci/clean.git\n'),
    ],
    ['a checkout of another ref', GH(CHECKOUT('          ref: v1.0\n') + RUN('npx gitguard audit'))],
    [
      'a checkout of another repository',
      GH(CHECKOUT('          repository: someone/clean\n') + RUN('npx gitguard audit')),
    ],
    [
      'the change at path: repo, the audit at the root',
      GH(
        CHECKOUT('          path: repo\n') +
          CHECKOUT('          repository: someone/clean\n') +
          RUN('npx gitguard audit'),
      ),
    ],
  ] as Array<[string, string]>)
    test(`${name}: ci-gate-kept fails`, batch.add({ [WF]: KEPT }, { [WF]: after }, false));

  for (const [name, after] of [
    ['cd . first', GH(CHECKOUT() + RUN('cd . && npx gitguard audit'))],
    ['cd to the workspace', GH(CHECKOUT() + RUN('cd "$GITHUB_WORKSPACE" && npx gitguard audit'))],
    ['cd docs and back', GH(CHECKOUT() + RUN('cd docs\necho built\ncd ..\nnpx gitguard audit'))],
    ['cd in a subshell', GH(CHECKOUT() + RUN('(cd docs && echo built)\nnpx gitguard audit'))],
    ['cd in $( )', GH(CHECKOUT() + RUN('v=$(cd docs && pwd)\nnpx gitguard audit'))],
    ['cd away, the workspace named', GH(CHECKOUT() + RUN('cd /tmp && npx gitguard audit -C "$GITHUB_WORKSPACE"'))],
    [
      'working-directory: the workspace',
      GH(CHECKOUT() + RUN('npx gitguard audit', '        working-directory: ${{ github.workspace }}\n')),
    ],
    ['the change at path: repo, audit repo', GH(CHECKOUT('          path: repo\n') + RUN('npx gitguard audit repo'))],
    [
      'the change at path: repo, working-directory: repo',
      GH(CHECKOUT('          path: repo\n') + RUN('npx gitguard audit', '        working-directory: repo\n')),
    ],
    [
      'the change at path: repo, -C repo',
      GH(
        CHECKOUT('          path: repo\n') +
          CHECKOUT('          repository: someone/tools\n          path: tools\n') +
          RUN('npx gitguard audit -C repo'),
      ),
    ],
    ['a checkout of the pushed commit', GH(CHECKOUT('          ref: ${{ github.sha }}\n') + RUN('npx gitguard audit'))],
    ['GIT_DIR on the command (gitguard drops it)', GH(CHECKOUT() + RUN('GIT_DIR=ci/clean.git npx gitguard audit'))],
    [
      'GIT_DIR and GIT_WORK_TREE in the env (gitguard drops them)',
      GH(
        CHECKOUT() +
          RUN('npx gitguard audit', '        env:\n          GIT_DIR: ci/clean.git\n          GIT_WORK_TREE: ci\n'),
      ),
    ],
  ] as Array<[string, string]>)
    test(`twin: ${name} keeps the gate`, batch.add({ [WF]: KEPT }, { [WF]: after }, true));

  const LAB = '.gitlab-ci.yml';
  const GL = (before: string, script: string): string =>
    `gate:\n  before_script:\n    - ${JSON.stringify(before)}\n  script:\n    - ${JSON.stringify(script)}\n`;
  const kept = { [LAB]: GL('echo start', 'npx gitguard audit') };
  const gitlab = [
    batch.add(kept, { [LAB]: GL('cd ci/clean.git', 'npx gitguard audit') }, false, 'GitLab CI/CD'),
    batch.add(kept, { [LAB]: GL('cd docs; echo built; cd ..', 'npx gitguard audit') }, true, 'GitLab CI/CD'),
  ];
  test('GitLab: a cd in before_script fails ci-gate-kept; a cd and back keeps it', async () => {
    for (const check of gitlab) await check();
  });
});

// The reference: the built CLI run as the step runs it (bash -e, from the folder the step starts in,
// `gitguard` on PATH) in a fresh clone whose HEAD is unsigned and which holds a clean bare repository.
// Run inside the tracked bare repository, gitguard passed on its history (exit 0); it now refuses it
// (exit 2, redteam141-nested-bare), which fails the step all the same: the static reading still calls
// such a step no gate.
describe('the real CLI, run as the step runs it', () => {
  /** `script` run by bash -e from `start` (a folder under the clone's home); `into`: where the clone is. */
  // Made once per `into` and copied for each run (copyRepo copies the home, the checkout and keys in it).
  const made = new Map<string, TestRepo>();
  const step = (script: string, start: string, into = 'checkout'): number => {
    let source = made.get(into);
    if (!source) made.set(into, (source = cleanRepoInCheckout(into).r));
    const { home, env } = copyRepo(source);
    const keys = join(home, 'allowed');
    const bin = join(home, 'bin');
    mkdirSync(bin, { recursive: true });
    const opts = `--threat impersonation,history --no-ledger --allowed-signers '${keys}'`;
    writeFileSync(join(bin, 'gitguard'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@" ${opts}\n`, {
      mode: 0o755,
    });
    const ws = join(home, 'ws');
    const run = spawnSync('bash', ['-e', '-c', script], {
      cwd: join(home, start),
      env: {
        ...env,
        PATH: `${bin}:${env.PATH ?? '/usr/bin:/bin'}`,
        GITHUB_WORKSPACE: start === 'ws' ? ws : join(home, into),
      },
      encoding: 'utf8',
    });
    return run.status ?? -1;
  };
  test.each([
    ['gitguard audit', 'checkout', 1],
    ['cd ci/clean.git && gitguard audit', 'checkout', 2],
    ['pushd ci/clean.git && gitguard audit', 'checkout', 2],
    ['env -C ci/clean.git gitguard audit', 'checkout', 2],
    ['cd ci/clean.git && gitguard audit -C "$PWD"', 'checkout', 2],
    ['gitguard audit', 'checkout/ci/clean.git', 2], // working-directory: ci/clean.git
    ['cd ci && gitguard audit', 'checkout', 1], // a plain folder of the checkout: git goes up to it
    ['cd ci\ncd ..\ngitguard audit', 'checkout', 1],
    ['(cd ci/clean.git)\ngitguard audit', 'checkout', 1],
    ['cd /tmp && gitguard audit -C "$GITHUB_WORKSPACE"', 'checkout', 1],
    ['GIT_DIR=ci/clean.git gitguard audit', 'checkout', 1], // gitguard drops GIT_* for its git
    ['GIT_DIR=ci/clean.git GIT_WORK_TREE=ci gitguard audit', 'checkout', 1],
  ])('%j from %s exits %i', (script, start, code) => {
    expect(step(script, start)).toBe(code);
  });
  test('the change at path: repo: `gitguard audit repo` and working-directory: repo audit it', () => {
    expect(step('gitguard audit repo', 'ws', 'ws/repo')).toBe(1);
    expect(step('gitguard audit', 'ws/repo', 'ws/repo')).toBe(1);
  });
});
