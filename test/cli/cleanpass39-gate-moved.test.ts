// Clean pass 39: a gate moved in one commit out of the workflow into a file of the checkout the step runs
// (`make audit`, `./scripts/audit`, `npm run gate`). Only the twins that lose it are here: a moved gate
// that no longer fails the job, or whose workflow no longer runs for a push to main, must fail the rule.
// The honest move (the `kept` set-ups, which real make/bash/npm fail on the audit) still fails
// ci-gate-kept: watched-changes.ts reads the chain of files only where neither side names gitguard, and
// that chain reading (gateChains/stepsGateAt) does not apply the event, branch, matrix and audit-option
// readings the direct one does, so reading it for a move would let these twins pass. Reported, not fixed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { keysOnlyGateFiles } from '../helpers/team.js';
import { failingToolsCheckout } from '../helpers/failing-tools.js';

afterAll(cleanupTemp);

const WF = '.github/workflows/ci.yml';
const GH = (run: string): string =>
  `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ${JSON.stringify(run)}\n`;
const DIRECT = { [WF]: GH('npx gitguard audit') };
const SCRIPT = '#!/usr/bin/env bash\nset -euo pipefail\nnpx gitguard audit\necho audit passed\n';

type Case = [string, string, Record<string, string>];
const kept: Case[] = [
  ['make audit', 'make audit', { Makefile: '.PHONY: audit\naudit:\n\tnpx gitguard audit\n\techo done\n' }],
  ['./scripts/audit (set -euo pipefail)', './scripts/audit', { 'scripts/audit': SCRIPT }],
  ['bash ci/gate.sh', 'bash ci/gate.sh', { 'ci/gate.sh': 'set -e\nnpx gitguard audit\necho done\n' }],
  [
    'npm run gate (an && chain)',
    'npm run gate',
    { 'package.json': '{"scripts":{"gate":"echo lint && gitguard audit"}}\n' },
  ],
];
const lost: Case[] = [
  [
    'make audit in a workflow run only for pushes to nope',
    'make audit',
    { Makefile: 'audit:\n\tnpx gitguard audit\n' },
  ],
  ['make audit with a - line', 'make audit', { Makefile: 'audit:\n\t-npx gitguard audit\n\techo done\n' }],
  ['./scripts/audit with || true', './scripts/audit', { 'scripts/audit': '#!/bin/sh\nnpx gitguard audit || true\n' }],
  [
    'make lint (the audit target not run)',
    'make lint',
    { Makefile: 'audit:\n\tnpx gitguard audit\nlint:\n\techo lint\n' },
  ],
  ['npm run gate with ; exit 0', 'npm run gate', { 'package.json': '{"scripts":{"gate":"gitguard audit; exit 0"}}\n' }],
];

// The reference: the step's command run in the checkout with an npx and a gitguard whose audit fails
// (npm runs a package script with node_modules/.bin first on PATH: the fake gitguard stands for it).
const root = mkdtempSync(join(tmpdir(), 'gitguard-moved-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const stepFails = (run: string, files: Record<string, string>): boolean | null => {
  const { dir, env } = failingToolsCheckout(root, files);
  const tool = run.split(' ')[0]!;
  if (tool === 'npm' && spawnSync('npm', ['--version']).status !== 0) return null;
  const res = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', run], {
    cwd: dir,
    env,
  });
  return res.status !== 0;
};

// The honest moves themselves fail the job under the real tools (the reading's false failure is reported).
test.each(kept)('moved into %s: the real step fails on the audit', (_n, run, files) => {
  expect(stepFails(run, files)).not.toBe(false);
});

test.each(lost)('moved into %s: the gate is lost', async (_n, run, files) => {
  if (!_n.includes('nope')) expect(stepFails(run, files)).not.toBe(true);
  const wf = GH(run).replace('on: push', _n.includes('nope') ? 'on:\n  push:\n    branches: [nope]' : 'on: push');
  const res = await keysOnlyGateFiles(DIRECT, { [WF]: wf, ...files });
  expect([res.code, res.stdout]).toEqual([1, expect.stringMatching(/FAIL\s+ci-gate-kept/)]);
});
