// Clean pass 96: a gate run through gitguard's own action (`uses: <owner>/gitguard@<sha>`) or with
// `continue-on-error: ${{ matrix.x }}`. The honest set-ups passed already; their twins passed too: the
// action with `with:` inputs under which its audit exits 0 on an unsigned commit (`fail-on: critical`,
// `threats: client`, `args: --rule ...`, `path:` another repository), and a matrix entry that sets the
// continue-on-error value true. The reference for the action is action.yml itself: its Audit step's
// script run by bash with the inputs as the runner gives them, a gitguard on PATH recording its words.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { actionGates, auditGates } from '../../src/domain/audit-options.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

const WF = '.github/workflows/ci.yml';
const SHA = '0123456789abcdef0123456789abcdef01234567';
const job = (step: string, head = ''): string =>
  `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n${head}    steps:\n      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n${step}`;
const action = (inputs: Record<string, string>): string =>
  `      - uses: acme/gitguard@${SHA}\n` +
  (Object.keys(inputs).length
    ? `        with:\n${Object.entries(inputs)
        .map(([k, v]) => `          ${k}: ${JSON.stringify(v)}\n`)
        .join('')}`
    : '');
const DIRECT = { [WF]: job('      - run: npx gitguard audit\n') };

// action.yml's Audit step run by bash: the words it gives gitguard for these inputs (defaults as action.yml says).
const root = mkdtempSync(join(tmpdir(), 'gitguard-cp96a-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const actionWords = (inputs: Record<string, string>): string[] => {
  const spec = parse(readFileSync('action.yml', 'utf8')) as {
    inputs: Record<string, { default: string }>;
    runs: { steps: Array<{ id?: string; run: string; env: Record<string, string> }> };
  };
  const step = spec.runs.steps.find((s) => s.id === 'audit')!;
  const dir = mkdtempSync(join(root, 'a-'));
  writeFileSync(join(dir, 'gitguard'), `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/words"\nexit 1\n`);
  chmodSync(join(dir, 'gitguard'), 0o755);
  const env: Record<string, string> = {
    PATH: `${dir}:/usr/bin:/bin`,
    GITHUB_OUTPUT: join(dir, 'out'),
    GITHUB_REPOSITORY: 'acme/x',
  };
  for (const [k, v] of Object.entries(step.env)) {
    const m = /^\$\{\{\s*inputs\.([\w-]+)\s*\}\}$/.exec(v);
    if (m) env[k] = inputs[m[1]!] ?? spec.inputs[m[1]!]!.default;
  }
  env.GITGUARD_FORGE = 'false';
  const res = spawnSync('bash', ['--noprofile', '--norc', '-e', '-c', step.run], { cwd: dir, env });
  expect(res.status).toBe(0);
  return readFileSync(join(dir, 'words'), 'utf8').trimEnd().split('\n');
};

const KEPT: Array<[string, Record<string, string>]> = [
  ['no inputs', {}],
  ['fail-on: high, args: --all', { 'fail-on': 'high', args: '--all' }],
  ['threats: impersonation', { threats: 'impersonation' }],
  ['threats: "" (all four)', { threats: '' }],
  ['path: ${{ github.workspace }}', { path: '${{ github.workspace }}' }],
];
const LOST: Array<[string, Record<string, string>]> = [
  ['fail-on: critical', { 'fail-on': 'critical' }],
  ['threats: client', { threats: 'client' }],
  ['args: --rule security-policy-present', { args: '--rule security-policy-present' }],
  ['args: --base HEAD', { args: '--base HEAD' }],
  ['path: ci/clean', { path: 'ci/clean' }],
];

describe("gitguard's own action", () => {
  test.each([...KEPT.map((c) => [...c, true] as const), ...LOST.map((c) => [...c, false] as const)])(
    'action.yml with %s runs an audit that gates: %s',
    (_n, inputs, gates) => {
      const words = actionWords(inputs);
      expect(words[0]).toBe('audit');
      expect(auditGates(words.slice(1))).toBe(gates);
      expect(actionGates((name) => inputs[name])).toBe(gates);
    },
  );

  // The gate cases judged by one audit of their chain (gate-batch.ts), each test reading its own.
  const batch = gateBatch();
  for (const [n, inputs] of KEPT)
    test(`direct step moved into the action with ${n}: kept`, batch.add(DIRECT, { [WF]: job(action(inputs)) }, true));
  for (const [n, inputs] of LOST)
    test(
      `the action given ${n}: ci-gate-kept fails`,
      batch.add({ [WF]: job(action({})) }, { [WF]: job(action(inputs)) }, false),
    );
});

describe('continue-on-error: ${{ matrix.experimental }}', () => {
  const matrix = (extra: string): string => `    strategy:\n      matrix:\n        node: [18, 20]\n${extra}`;
  const step = (coe: string): string => `      - run: npx gitguard audit\n        continue-on-error: ${coe}\n`;
  const KEPT_M: Array<[string, string, string]> = [
    ['no entry sets it', matrix(''), step('${{ matrix.experimental }}')],
    [
      'an include entry sets it false',
      matrix('        include:\n          - node: 22\n            experimental: false\n'),
      step('${{ matrix.experimental }}'),
    ],
  ];
  const LOST_M: Array<[string, string, string]> = [
    [
      'an include entry sets it true',
      matrix('        include:\n          - node: 22\n            experimental: true\n'),
      step('${{ matrix.experimental }}'),
    ],
    [
      'the matrix lists it true (on the job)',
      `    continue-on-error: \${{ matrix.experimental }}\n${matrix('        experimental: [true]\n')}`,
      step('false'),
    ],
    [
      'a matrix read from an expression',
      '    strategy:\n      matrix: ${{ fromJSON(vars.MATRIX) }}\n',
      step('${{ matrix.experimental }}'),
    ],
  ];
  const batch = gateBatch();
  for (const [n, head, s] of KEPT_M) test(`${n}: kept`, batch.add(DIRECT, { [WF]: job(s, head) }, true));
  for (const [n, head, s] of LOST_M) test(`${n}: ci-gate-kept fails`, batch.add(DIRECT, { [WF]: job(s, head) }, false));
});
