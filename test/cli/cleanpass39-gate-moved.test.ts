// Clean pass 39: a gate moved in one commit out of the workflow into a file of the checkout the step runs
// (`make audit`, `./scripts/audit`, `npm run gate`). Only the twins that lose it are here: a moved gate
// that no longer fails the job, or whose workflow no longer runs for a push to main, must fail the rule.
// The honest move (the `kept` set-ups, which real make/bash/npm fail on the audit) was a false failure
// of ci-gate-kept until gate91 made the direct and the chain reading one step reading: the move
// itself is tested in test/cli/gate91-one-step-reading.test.ts.
import { cleanupSteps, stepFails } from '../helpers/real-step.js';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

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

// The reference: the step run by real bash, make and npm (test/helpers/real-step.ts).
afterAll(cleanupSteps);

// The honest moves themselves fail the job under the real tools (the reading's false failure is reported).
test.each(kept)('moved into %s: the real step fails on the audit', (_n, run, files) => {
  expect(stepFails(run, files)).not.toBe(false);
});

// The lost moves judged by one audit of their chain (gate-batch.ts).
const batch = gateBatch();
for (const [n, run, files] of lost) {
  const wf = GH(run).replace('on: push', n.includes('nope') ? 'on:\n  push:\n    branches: [nope]' : 'on: push');
  const check = batch.add(DIRECT, { [WF]: wf, ...files }, false);
  test(`moved into ${n}: the gate is lost`, async () => {
    if (!n.includes('nope')) expect(stepFails(run, files)).not.toBe(true);
    await check();
  });
}
