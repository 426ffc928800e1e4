// Red team 54: what runs around the gate's command rather than in it. Each of these passed while Bob
// (a signer, no maintainer) gutted the gate, with real make and npm proving it where they are installed
// (a `gitguard` on PATH that fails stands for the gate; after Bob's change it no longer runs, or its
// failure no longer counts):
// - a GitHub step's custom shell (`shell: bash ci/shell.sh {0}`, its own or `defaults: run: shell:`):
//   the script is handed the step's commands, and Bob's `exit 0` there drops them;
// - .npmrc beside a package script on the chain: `script-shell=./ci/sh` runs every script through
//   Bob's program (real npm: `npm run gate` exits 0), `node-options=--require ./x.cjs` loads his code
//   into every node, gitguard's own; the program script-shell names is on the chain too;
// - make's include search: `make -I ci gate`, `MAKEFLAGS: -I ci` in the workflow's env, and the
//   makefiles `MAKEFILES` names (real make reads them, and `SHELL := /bin/true` there passes the gate);
// - a Taskfile's `sh:` (a dynamic env or var, run for every task) naming a script by a template
//   (`sh {{.DIR}}/x.sh`): the Taskfile's vars are now written in;
// - mise's `[env]` `_.file` (an env file: PATH, NODE_OPTIONS) and `_.path` (folders put first on PATH).
// - the CI's variables: NODE_OPTIONS=--require (real node loads it before gitguard's own code),
//   BASH_ENV (real bash sources it before the step), npm_config_script_shell (real npm); and
//   .yarnrc.yml's yarnPath, the file yarn runs as itself.
// Clean twins: Alice making the same change; Bob changing such a file of a step or script that does
// not lead to gitguard; a built-in shell; .npmrc's credentials and another scope's registry.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, tempDir } from '../helpers/repo.js';
import { aliceAndBob, bobsEditOutcome, checkoutWorkflow, GATE_FAIL, GATE_PASS, gateTeam } from '../helpers/team.js';

afterAll(cleanupTemp);

const wf = checkoutWorkflow;
const EXIT0 = '#!/bin/sh\nexit 0\n';
const onPush = (top: string, steps: string): string =>
  `on: push\n${top}jobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${steps}`;

/** The exit code of `command` run by sh in `dir`, with a `gitguard` on PATH that fails (the gate). */
function gateExit(dir: string, command: string, env: NodeJS.ProcessEnv = {}): number | null {
  const bin = join(tempDir(), 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'gitguard'), '#!/bin/sh\necho gate failed >&2\nexit 3\n');
  chmodSync(join(bin, 'gitguard'), 0o755);
  const res = spawnSync('sh', ['-c', command], {
    cwd: dir,
    env: { ...process.env, ...env, PATH: `${bin}:${process.env.PATH ?? ''}`, npm_config_update_notifier: 'false' },
    stdio: 'ignore',
    timeout: 60_000,
  });
  return res.status;
}

describe('a GitHub step run through a custom shell of the repository', () => {
  const SHELL = 'bash "$1"\n';
  const byDefault = gateTeam({
    '.github/workflows/ci.yml': onPush(
      'defaults:\n  run:\n    shell: bash ci/shell.sh {0}\n',
      '      - run: npx gitguard audit\n',
    ),
    'ci/shell.sh': SHELL,
  });
  const ownShell = gateTeam({
    '.github/workflows/ci.yml': wf(
      '      - run: npx gitguard audit\n        shell: sh ./ci/shell.sh {0}\n      - run: npm test\n        shell: bash tools/other.sh {0}\n      - run: npx gitguard audit --threat client\n        shell: bash\n',
    ),
    'ci/shell.sh': SHELL,
    'tools/other.sh': SHELL,
    'tools/lint.sh': 'true\n',
  });

  // ownShell's two edits by Bob in one history and one audit, each commit's verdict read apart.
  const otherShell = { 'tools/other.sh': EXIT0, 'tools/lint.sh': 'exit 0\n' };
  let own: Awaited<ReturnType<typeof ownShell.chain>>;
  beforeAll(async () => {
    own = await ownShell.chain([otherShell, { 'ci/shell.sh': EXIT0 }]);
  }, 60_000);

  test("Bob's exit 0 in the shell script: fails (before: passed)", async () => {
    expect(await byDefault.outcomes({ 'ci/shell.sh': EXIT0 })).toEqual(GATE_FAIL);
    expect(own).toEqual({ outcomes: GATE_FAIL, flagged: [{ 'ci/shell.sh': EXIT0 }] });
  });

  test("twins: Alice's edit, the shell of a step without gitguard, a built-in shell's step: pass", async () => {
    expect(await byDefault.outcomes({ 'ci/shell.sh': EXIT0 }, byDefault.alice, 'alice@example.com')).toEqual(GATE_PASS);
    // Not named by protected-paths-changed-by-maintainers; ci-gate-kept passes over both commits.
    expect(own.flagged).not.toContainEqual(otherShell);
    expect(own.outcomes['ci-gate-kept']).toBe('pass');
  });
});

describe('.npmrc beside a package script on the chain (real npm)', () => {
  const PKG = '{"scripts":{"gate":"gitguard audit","lint":"true"}}\n';
  const files = {
    '.github/workflows/ci.yml': wf('      - run: npm run gate\n'),
    'package.json': PKG,
    '.npmrc': 'save-exact=true\n//npm.example/:_authToken=${NPM_TOKEN}\n',
  };

  test('Bob adds script-shell (npm then runs no gate): fails (before: passed)', async () => {
    const team = aliceAndBob(files, 'own');
    const bob = bobsEditOutcome(team);
    expect(gateExit(team.r.dir, 'npm run -s gate')).not.toBe(0);
    const shell = { '.npmrc': `${files['.npmrc']}script-shell=./ci/sh\n`, 'ci/sh': EXIT0 };
    expect(await bob(shell)).toBe('fail');
    chmodSync(join(team.r.dir, 'ci/sh'), 0o755);
    expect(gateExit(team.r.dir, 'npm run -s gate')).toBe(0);
    expect(await bob({ '.npmrc': `${files['.npmrc']}node-options=--require ./ci/x.cjs\n`, 'ci/x.cjs': '' })).toBe(
      'fail',
    );
  });

  test('the program an existing script-shell names: on the chain', async () => {
    const withShell = gateTeam({ ...files, '.npmrc': 'script-shell=./ci/sh\n', 'ci/sh': 'exec sh "$@"\n' });
    expect(await withShell.outcomes({ 'ci/sh': EXIT0 })).toEqual(GATE_FAIL);
    const loads = gateTeam({ ...files, '.npmrc': 'node-options="--require=./ci/x.cjs"\n', 'ci/x.cjs': '' });
    expect(await loads.outcomes({ 'ci/x.cjs': 'process.exit(0)\n' })).toEqual(GATE_FAIL);
  });

  test("twins: Alice's script-shell, Bob's token or another scope's registry, .npmrc beside a script without gitguard: pass", async () => {
    const team = gateTeam(files);
    const shell = { '.npmrc': `${files['.npmrc']}script-shell=./ci/sh\n`, 'ci/sh': EXIT0 };
    expect(await team.outcomes(shell, team.alice, 'alice@example.com')).toEqual(GATE_PASS);
    expect(
      await team.outcomes({
        '.npmrc':
          'save-exact=true\n//npm.example/:_authToken=${OTHER_TOKEN}\n@acme:registry=https://npm.acme.example/\n',
      }),
    ).toEqual(GATE_PASS);
    const lint = gateTeam({ ...files, '.github/workflows/ci.yml': wf('      - run: npm run lint\n') });
    expect(await lint.outcomes(shell)).toEqual(GATE_PASS);
  });
});

describe("make's include search and MAKEFILES (real make)", () => {
  const MAKEFILE = 'include extra.mk\ngate:\n\tgitguard audit\nlint:\n\ttrue\n';
  const GUTTED = 'SHELL := /bin/true\n';
  const cases: Array<[string, Record<string, string>, string, NodeJS.ProcessEnv]> = [
    ['make -I ci gate', { '.github/workflows/ci.yml': wf('      - run: make -I ci gate\n') }, 'make -I ci gate', {}],
    [
      'MAKEFLAGS: -I ci in the workflow env',
      { '.github/workflows/ci.yml': onPush('env:\n  MAKEFLAGS: -I ci\n', '      - run: make gate\n') },
      'make gate',
      { MAKEFLAGS: '-I ci' },
    ],
    [
      'MAKEFILES: ci/extra.mk in the job env',
      {
        '.github/workflows/ci.yml': onPush('env:\n  MAKEFILES: ci/extra.mk\n', '      - run: make gate\n'),
        Makefile: 'gate:\n\tgitguard audit\n',
      },
      'make gate',
      { MAKEFILES: 'ci/extra.mk' },
    ],
  ];

  test.each(cases)(
    "%s: Bob's SHELL := /bin/true in ci/extra.mk fails (before: passed)",
    async (_n, files, run, env) => {
      const team = aliceAndBob({ Makefile: MAKEFILE, 'ci/extra.mk': 'X = 1\n', ...files }, 'own');
      const bob = bobsEditOutcome(team);
      expect(gateExit(team.r.dir, run, env)).not.toBe(0);
      expect(await bob({ 'ci/extra.mk': GUTTED })).toBe('fail');
      expect(gateExit(team.r.dir, run, env)).toBe(0);
    },
  );

  test("twins: Alice's edit, -I for a goal without gitguard, a makefile in a folder not searched: pass", async () => {
    const team = gateTeam({
      Makefile: MAKEFILE,
      'ci/extra.mk': 'X = 1\n',
      'tools/extra.mk': 'Y = 1\n',
      '.github/workflows/ci.yml': wf('      - run: make -I ci gate\n      - run: make -I tools lint\n'),
    });
    expect(await team.outcomes({ 'ci/extra.mk': GUTTED }, team.alice, 'alice@example.com')).toEqual(GATE_PASS);
    expect(await team.outcomes({ 'tools/extra.mk': GUTTED })).toEqual(GATE_PASS);
  });
});

describe('a Taskfile sh: by a template, and mise [env] directives', () => {
  const taskfile = gateTeam({
    '.github/workflows/ci.yml': wf('      - run: task gate\n'),
    'Taskfile.yml':
      'version: "3"\nvars:\n  D: ci\ntasks:\n  gate:\n    env:\n      X:\n        sh: sh {{.D}}/x.sh\n    cmds:\n      - gitguard audit\n',
    'ci/x.sh': 'echo 1\n',
    'ci/y.sh': 'echo 1\n',
  });
  const mise = gateTeam({
    '.github/workflows/ci.yml': wf('      - run: mise run gate\n'),
    'mise.toml':
      '[env]\n_.file = "ci/.env"\n_.path = ["{{config_root}}/ci/bin"]\n[tasks.gate]\nrun = "gitguard audit"\n',
    'ci/.env': 'A=1\n',
    'other/.env': 'A=1\n',
  });

  // Bob's edits of each repository in one history and one audit (the clean one first), each
  // commit's verdict read apart: the findings of protected-paths-changed-by-maintainers name it or not.
  const taskEdit = { 'ci/x.sh': 'ln -sf /bin/true node_modules/.bin/gitguard\n' };
  const miseEnv = { 'ci/.env': 'NODE_OPTIONS=--require ./ci/x.cjs\n' };
  const misePath = { 'ci/bin/gitguard': EXIT0 };
  const [taskOther, miseOther] = [{ 'ci/y.sh': 'exit 0\n' }, { 'other/.env': 'PATH=/tmp\n' }];
  let tasks: Awaited<ReturnType<typeof taskfile.chain>>;
  let mises: Awaited<ReturnType<typeof mise.chain>>;
  beforeAll(async () => {
    tasks = await taskfile.chain([taskOther, taskEdit]);
    mises = await mise.chain([miseOther, miseEnv, misePath]);
  }, 60_000);

  test("Bob's edit of the script a Taskfile's sh: runs by a template: fails (before: passed)", () => {
    expect(tasks).toEqual({ outcomes: GATE_FAIL, flagged: [taskEdit] });
  });

  test("Bob's edit of mise's env file or PATH folder: fails (before: passed)", () => {
    expect(mises.outcomes).toEqual(GATE_FAIL);
    expect(mises.flagged).toEqual(expect.arrayContaining([miseEnv, misePath]));
  });

  test("twins: Alice's edit, Bob's edit of files no directive names: pass", async () => {
    expect(await taskfile.outcomes({ 'ci/x.sh': 'echo 2\n' }, taskfile.alice, 'alice@example.com')).toEqual(GATE_PASS);
    expect(tasks.flagged).not.toContainEqual(taskOther);
    expect(mises.flagged).not.toContainEqual(miseOther);
    expect(tasks.outcomes['ci-gate-kept']).toBe('pass');
    expect(mises.outcomes['ci-gate-kept']).toBe('pass');
  });
});

describe('what the CI environment makes node, bash and npm load first (real node, bash, npm)', () => {
  const env = (name: string, value: string, steps = '      - run: gitguard audit\n'): string =>
    onPush(`env:\n  ${name}: ${value}\n`, steps);
  const cases: Array<[string, Record<string, string>, Record<string, string>, string, NodeJS.ProcessEnv]> = [
    [
      'NODE_OPTIONS=--require ./ci/setup.cjs (gitguard is a node program)',
      { '.github/workflows/ci.yml': env('NODE_OPTIONS', '--require ./ci/setup.cjs'), 'ci/setup.cjs': '\n' },
      { 'ci/setup.cjs': 'process.exit(0)\n' },
      // node stands for gitguard here: the gate is the program node was asked to run.
      `node -e 'process.exit(3)'`,
      { NODE_OPTIONS: '--require ./ci/setup.cjs' },
    ],
    [
      "BASH_ENV=ci/env.sh (sourced by every non-interactive bash, GitHub's default shell)",
      { '.github/workflows/ci.yml': env('BASH_ENV', 'ci/env.sh'), 'ci/env.sh': 'A=1\n' },
      { 'ci/env.sh': 'gitguard() { :; }\n' },
      `bash --noprofile --norc -eo pipefail -c 'gitguard audit'`,
      { BASH_ENV: 'ci/env.sh' },
    ],
    [
      'npm_config_script_shell=./ci/sh',
      {
        '.github/workflows/ci.yml': env('npm_config_script_shell', './ci/sh', '      - run: npm run gate\n'),
        'package.json': '{"scripts":{"gate":"gitguard audit"}}\n',
        'ci/sh': 'exec sh "$@"\n',
      },
      { 'ci/sh': EXIT0 },
      'chmod +x ci/sh && npm run -s gate',
      { npm_config_script_shell: './ci/sh' },
    ],
  ];

  test.each(cases)("%s: Bob's edit of the file fails (before: passed)", async (_n, files, edit, run, vars) => {
    const team = aliceAndBob(files, 'own');
    const bob = bobsEditOutcome(team);
    expect(gateExit(team.r.dir, run, vars)).not.toBe(0);
    expect(await bob(edit)).toBe('fail');
    expect(gateExit(team.r.dir, run, vars)).toBe(0);
  });

  test("yarnPath in .yarnrc.yml beside a package script on the chain: Bob's edit of that yarn fails", async () => {
    const team = gateTeam({
      '.github/workflows/ci.yml': wf('      - run: yarn gate\n'),
      'package.json': '{"scripts":{"gate":"gitguard audit"}}\n',
      '.yarnrc.yml': 'yarnPath: .yarn/releases/yarn-4.1.0.cjs\n',
      '.yarn/releases/yarn-4.1.0.cjs': '// yarn\n',
    });
    expect(await team.outcomes({ '.yarn/releases/yarn-4.1.0.cjs': 'process.exit(0)\n' })).toEqual(GATE_FAIL);
  });

  test("twins: Alice's edit; NODE_OPTIONS without a file; a file the variables name beside a job without gitguard: pass", async () => {
    const team = gateTeam({
      '.github/workflows/ci.yml': env('NODE_OPTIONS', '--require ./ci/setup.cjs'),
      'ci/setup.cjs': '\n',
      'ci/other.cjs': '\n',
    });
    expect(await team.outcomes({ 'ci/setup.cjs': '// traced\n' }, team.alice, 'alice@example.com')).toEqual(GATE_PASS);
    expect(await team.outcomes({ 'ci/other.cjs': 'process.exit(0)\n' })).toEqual(GATE_PASS);
    const sized = gateTeam({
      '.github/workflows/ci.yml': env('NODE_OPTIONS', '--max-old-space-size=4096'),
      'ci/setup.cjs': '\n',
    });
    expect(await sized.outcomes({ 'ci/setup.cjs': 'process.exit(0)\n' })).toEqual(GATE_PASS);
    const lint = gateTeam({
      '.github/workflows/ci.yml': env('BASH_ENV', 'ci/env.sh', '      - run: npm test\n'),
      'ci/env.sh': 'A=1\n',
    });
    expect(await lint.outcomes({ 'ci/env.sh': 'gitguard() { :; }\n' })).toEqual(GATE_PASS);
  });
});
