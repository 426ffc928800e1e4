// Clean pass 38: a gate step whose shell or runner comes from the job's matrix (`shell: ${{ matrix.shell }}`,
// `runs-on: ${{ matrix.os }}`) runs in every job the matrix makes, each in the shell its value names. Each
// value must gate: bash and sh are checked against the real shells (GitHub runs `shell: bash` as `bash
// --noprofile --norc -eo pipefail {0}` and `sh` as `sh -e {0}`), and a Windows runner runs an unnamed
// shell as pwsh, which ends the step with `exit $LASTEXITCODE`: a later native command (`git --version`)
// that succeeds passes the step, so a bash-style script there runs no gate.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

const WF = '.github/workflows/ci.yml';
const GATE = {
  [WF]: 'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx gitguard audit\n',
};
const SCRIPT = 'npx gitguard audit\necho audit passed\n';
const block = (script: string): string => `|\n${script.trimEnd().replace(/^/gm, '          ')}\n`;
const job = (head: string, step: string): Record<string, string> => ({
  [WF]: `on: push\njobs:\n  gate:\n${head}    steps:\n      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n${step}`,
});
const run = (script: string, shell?: string): string =>
  `      - run: ${block(script)}${shell ? `        shell: ${shell}\n` : ''}`;
const matrix = (lines: string): string => `    strategy:\n      matrix:\n${lines}`;

const KEPT: Array<[string, Record<string, string>, string[]]> = [
  [
    'shell: ${{ matrix.shell }} over bash and sh',
    job(`    runs-on: ubuntu-latest\n${matrix('        shell: [bash, sh]\n')}`, run(SCRIPT, '${{ matrix.shell }}')),
    ['bash --noprofile --norc -eo pipefail', 'sh -e'],
  ],
  [
    'include: entries giving runs-on and defaults: run: shell:',
    job(
      `${matrix('        include:\n          - os: ubuntu-latest\n            shell: bash\n          - os: macos-latest\n            shell: sh\n')}    runs-on: \${{ matrix.os }}\n    defaults:\n      run:\n        shell: \${{ matrix.shell }}\n`,
      run(SCRIPT),
    ),
    ['bash --noprofile --norc -eo pipefail', 'sh -e'],
  ],
  [
    'runs-on: ${{ matrix.os }} over Linux and macOS runners (bash -e)',
    job(`    runs-on: \${{ matrix.os }}\n${matrix('        os: [ubuntu-latest, macos-latest]\n')}`, run(SCRIPT)),
    ['bash -e'],
  ],
  [
    "a workflow's defaults: run: shell: bash on a Windows runner",
    {
      [WF]: job('    runs-on: windows-latest\n', run(SCRIPT))[WF]!.replace(
        'jobs:',
        'defaults:\n  run:\n    shell: bash\njobs:',
      ),
    },
    ['bash --noprofile --norc -eo pipefail'],
  ],
];

// The twins: some job of the matrix (or a runner an expression picks) runs the script where it does not gate.
const WINDOWS_SCRIPT = 'npx gitguard audit\ngit --version\n';
const LOST: Array<[string, Record<string, string>]> = [
  [
    'runs-on: ${{ matrix.os }} whose only runner is Windows (pwsh)',
    job(`    runs-on: \${{ matrix.os }}\n${matrix('        os: [windows-latest]\n')}`, run(WINDOWS_SCRIPT)),
  ],
  [
    'runs-on: ${{ matrix.os }} with a Windows runner added by include:',
    job(
      `    runs-on: \${{ matrix.os }}\n${matrix('        os: [ubuntu-latest]\n        include:\n          - os: windows-latest\n')}`,
      run(WINDOWS_SCRIPT),
    ),
  ],
  [
    'runs-on: an expression that may pick a Windows runner',
    job(
      "    runs-on: ${{ contains(github.head_ref, 'win') && 'windows-latest' || 'ubuntu-latest' }}\n",
      run(WINDOWS_SCRIPT),
    ),
  ],
  [
    'shell: ${{ matrix.shell }} with a job in python',
    job(`    runs-on: ubuntu-latest\n${matrix('        shell: [bash, python]\n')}`, run(SCRIPT, '${{ matrix.shell }}')),
  ],
  [
    "shell: ${{ matrix.shell }} with a job in 'bash {0}' (no -e)",
    job(
      `    runs-on: ubuntu-latest\n${matrix("        shell: [bash, 'bash {0}']\n")}`,
      run(SCRIPT, '${{ matrix.shell }}'),
    ),
  ],
  [
    'shell: ${{ matrix.shell }} from fromJSON (values unknown)',
    job(
      `    runs-on: ubuntu-latest\n    strategy:\n      matrix: \${{ fromJSON(vars.SHELLS) }}\n`,
      run(SCRIPT, '${{ matrix.shell }}'),
    ),
  ],
];

// The reference for the POSIX values: the real shell with a gitguard on PATH whose audit fails.
const dir = mkdtempSync(join(tmpdir(), 'gitguard-matrix-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'bin'));
writeFileSync(join(dir, 'bin', 'npx'), '#!/bin/sh\nexit 1\n');
chmodSync(join(dir, 'bin', 'npx'), 0o755);
const failsIn = (shell: string, script: string): boolean => {
  writeFileSync(join(dir, 'step.sh'), script);
  const [cmd, ...args] = shell.split(' ');
  const res = spawnSync(cmd!, [...args, join(dir, 'step.sh')], {
    cwd: dir,
    env: { PATH: `${join(dir, 'bin')}:/usr/bin:/bin` },
  });
  return res.status !== 0;
};

// Every gate case judged by one audit of its chain (gate-batch.ts), each test reading its own.
const batch = gateBatch();

for (const [name, after, shells] of KEPT) {
  const check = batch.add(GATE, after, true);
  test(`${name}: every job of the matrix gates, the gate is kept`, async () => {
    expect(shells.map((s) => failsIn(s, SCRIPT))).toEqual(shells.map(() => true));
    await check();
  });
}

for (const [name, after] of LOST) test(`${name}: the gate is lost`, batch.add(GATE, after, false));

// A guard on a variable the file never sets is still an off switch: GitLab puts every project, group and
// pipeline variable in the job's environment, and on GitHub an earlier step or action may write it to
// $GITHUB_ENV (or a container image, a self-hosted runner's .env). Real bash with it set skips the audit.
const guarded = '[ -n "$SKIP_AUDIT" ] && exit 0\nnpx gitguard audit\n';
const guardedLost = batch.add(GATE, job('    runs-on: ubuntu-latest\n', run(guarded)), false);
test('[ -n "$SKIP_AUDIT" ] && exit 0 with SKIP_AUDIT set nowhere in the file: no gate', async () => {
  expect(failsIn('bash -e', guarded)).toBe(true);
  writeFileSync(join(dir, 'step.sh'), guarded);
  const skipped = spawnSync('bash', ['-e', join(dir, 'step.sh')], {
    env: { PATH: `${join(dir, 'bin')}:/usr/bin:/bin`, SKIP_AUDIT: '1' },
  });
  expect(skipped.status).toBe(0);
  await guardedLost();
});

test("the real shells: 'bash {0}' passes a failed audit followed by echo, bash -e fails it", () => {
  expect([failsIn('bash', SCRIPT), failsIn('bash -e', SCRIPT)]).toEqual([false, true]);
});
