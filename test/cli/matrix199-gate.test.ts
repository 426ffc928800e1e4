// matrix199: a gate step whose folder or command words come from the job's matrix written out
// (`working-directory: ${{ matrix.dir }}`, `run: npx gitguard audit ${{ matrix.flags }}`, `runs-on:
// ${{ matrix.os }}`) is read once per job the matrix starts, and gates where it gates in every one.
// Before, each `${{ matrix.x }}` stayed an expression not known: no gate, so removing it was no loss.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(() => cleanupTemp());

const WORKFLOW = '.github/workflows/ci.yml';
type Files = Record<string, string>;

/** A push workflow of one job with `matrix` (its lines under `matrix:`), `runsOn`, then checkout and `step`. */
const matrixJob = (matrix: string, step: string, runsOn = 'ubuntu-latest'): Files => ({
  'web/a.txt': 'a\n',
  'api/a.txt': 'a\n',
  [WORKFLOW]:
    `on: push\njobs:\n  a:\n    runs-on: ${runsOn}\n    strategy:\n      matrix:\n${matrix}\n    steps:\n` +
    `      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n${step}\n`,
});
const NONE = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n`;

const DIRS = '        dir: [web, api]';
const IN_DIR = '      - run: npx gitguard audit\n        working-directory: ${{ matrix.dir }}';
const BY_DIR = matrixJob(DIRS, IN_DIR);
const FLAGS = matrixJob(
  "        flags: ['--format text', '--format json']",
  '      - run: npx gitguard audit ${{ matrix.flags }}',
);
const CMD = matrixJob("        cmd: ['npx gitguard audit']", '      - run: ${{ matrix.cmd }}');
const OS = matrixJob(
  '        os: [ubuntu-latest, ubuntu-22.04]',
  '      - run: npx gitguard audit',
  '${{ matrix.os }}',
);
const INCLUDED = matrixJob(
  "        dir: [web]\n        include:\n          - dir: api\n            tail: ''\n          - dir: web\n            tail: ''",
  '      - run: npx gitguard audit${{ matrix.tail }}\n        working-directory: ${{ matrix.dir }}',
);

type Case = [name: string, before: Files, after: Files];
const edit = (f: Files): Files => ({ ...f, 'README.md': 'edited\n' });
const LOST: Case[] = [
  ['working-directory: ${{ matrix.dir }}, the gate removed', BY_DIR, { ...BY_DIR, [WORKFLOW]: NONE }],
  ['${{ matrix.flags }} in the command, the gate removed', FLAGS, { ...FLAGS, [WORKFLOW]: NONE }],
  ['run: ${{ matrix.cmd }}, the gate removed', CMD, { ...CMD, [WORKFLOW]: NONE }],
  ['runs-on: ${{ matrix.os }}, the gate removed', OS, { ...OS, [WORKFLOW]: NONE }],
  ['include: entries, the gate removed', INCLUDED, { ...INCLUDED, [WORKFLOW]: NONE }],
  [
    'a leg written out runs gitguard || true',
    CMD,
    matrixJob("        cmd: ['npx gitguard audit', 'npx gitguard audit || true']", '      - run: ${{ matrix.cmd }}'),
  ],
  [
    'an include leg leaves the command word not set',
    BY_DIR,
    matrixJob(
      `${DIRS}\n        include:\n          - dir: docs\n            x: 1`,
      IN_DIR.replace('audit', 'audit ${{ matrix.x }}'),
    ),
  ],
  ['the matrix becomes fromJSON', BY_DIR, matrixJob('        dir: ${{ fromJSON(vars.DIRS) }}', IN_DIR)],
];
const KEPT: Case[] = [
  ['working-directory: ${{ matrix.dir }}, a README edit', BY_DIR, edit(BY_DIR)],
  ['${{ matrix.flags }}, a README edit', FLAGS, edit(FLAGS)],
  ['runs-on: ${{ matrix.os }}, a README edit', OS, edit(OS)],
  ['include: entries, a README edit', INCLUDED, edit(INCLUDED)],
  [
    'the leg that drops gitguard is excluded',
    CMD,
    matrixJob(
      "        cmd: ['npx gitguard audit', 'npx gitguard audit || true']\n        exclude:\n          - cmd: 'npx gitguard audit || true'",
      '      - run: ${{ matrix.cmd }}',
    ),
  ],
];

describe('matrix199: a gate step read per job of its written-out matrix', () => {
  const batch = gateBatch();
  for (const [name, before, after] of LOST) it(`loses the gate: ${name}`, batch.add(before, after, false), 600_000);
  for (const [name, before, after] of KEPT) it(`keeps the gate: ${name}`, batch.add(before, after, true), 600_000);
});
