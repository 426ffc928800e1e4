// wrap103: a gate handed to another program. Alice's workflow runs `npx gitguard audit`; her next
// commit runs it through a wrapper. One that runs it once in the foreground and passes its status on
// (timeout, nice, nohup, stdbuf, env -u, sudo -u, time -p, flock, exec -a) keeps the gate, as real bash
// fails there when gitguard fails; one that may not (find -exec, xargs -r, env -S, script -c, command -v,
// sudo -b, docker run, ssh) loses it: real bash passes with gitguard failing, or the command runs an
// image's, another host's or no gitguard. Before wrap103 every one of them counted as the gate.
import { spawnSync } from 'node:child_process';
import { cleanupTemp } from '../helpers/repo.js';
import { cleanupSteps, failingToolsCheckout } from '../helpers/real-step.js';
import { GATE_WORKFLOW, gateWorkflow } from '../helpers/team.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = mkdtempSync(join(tmpdir(), 'gitguard-wrap103-'));
afterAll(() => {
  cleanupTemp();
  cleanupSteps();
  rmSync(root, { recursive: true, force: true });
});

const step = (run: string): string => gateWorkflow().replace('run: npx gitguard audit', `run: ${run}`);

/** Real `bash -eo pipefail` (GitHub's shell) with a failing gitguard and npx on PATH: whether the step fails. */
function bashFails(run: string): boolean {
  const { dir, env } = failingToolsCheckout(root, {});
  return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', run], { cwd: dir, env }).status !== 0;
}

const LOST = [
  'find . -maxdepth 0 -exec npx gitguard audit \\;',
  'echo | xargs -r npx gitguard audit',
  'env -Strue npx gitguard audit',
  'script -qc "npx gitguard audit" /dev/null',
  'command -v gitguard',
];
const KEPT = [
  'timeout -s KILL 600 npx gitguard audit',
  'nice -n 5 npx gitguard audit',
  'nohup npx gitguard audit',
  'stdbuf -o L npx gitguard audit',
  'env -u HOME npx gitguard audit',
  'time -p npx gitguard audit',
  'exec -a gate npx gitguard audit',
];

test('the reference: real bash passes each lost step and fails each kept one, gitguard failing', () => {
  expect(LOST.filter((run) => bashFails(run))).toEqual([]);
  expect(KEPT.filter((run) => !bashFails(run))).toEqual([]);
});

// Each case judged by one audit of its chain (gate-batch.ts), each test reading its own: gateWorkflow()
// changed to the step, git's diff naming the workflow, a lost gate's finding naming GitHub Actions.
const batch = gateBatch();
const judged = (run: string, kept: boolean): (() => Promise<void>) =>
  batch.add({ [GATE_WORKFLOW]: gateWorkflow() }, { [GATE_WORKFLOW]: step(run) }, kept, 'GitHub Actions');
const removed = [
  ...LOST,
  // By their manuals: in the background, an image's gitguard, another host's.
  'sudo -b npx gitguard audit',
  'docker run --rm -v "$PWD:/r" -w /r img gitguard audit',
  'ssh ci@host gitguard audit',
];
for (const run of removed) test(`removed: ${run}`, judged(run, false), 60_000);
for (const run of [...KEPT, 'sudo -u ci npx gitguard audit']) test(`kept: ${run}`, judged(run, true), 60_000);
