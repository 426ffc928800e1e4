// shellread191: a command that reads a file of the gate's chain was read as running it. The chain's
// reading takes a command of another kind naming a chain file for a run of it (`node ci/gate.js`);
// `grep -q x ci/gate.sh`, `sha256sum ci/gate.sh`, `shellcheck ci/gate.sh`, git's commands (`git diff
// ci/gate.sh`, `git add ci/gate.sh`) and a shell told to run nothing (`bash -n ci/gate.sh`, `set -n`)
// were each a gate, though bash runs nothing of the file. A reader (gitguard-call.ts INERT) and git
// (checkout-runs.ts) now run nothing they name; noexec (shell-state.ts noExec) follows nothing after it.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupJobs, jobPasses } from '../helpers/real-job.js';
import { checkoutJob, runStep } from '../helpers/workflow-steps.js';

afterAll(cleanupTemp);
afterAll(cleanupJobs);

const FILES: Record<string, string> = { 'ci/gate.sh': 'npx gitguard audit\n' };
const gate = (line: string): Record<string, string> => checkoutJob('', runStep(line), FILES);
const READERS = [
  'grep -q gitguard ci/gate.sh',
  'sha256sum ci/gate.sh',
  'wc -l ci/gate.sh',
  'diff ci/gate.sh ci/gate.sh',
  'shellcheck ci/gate.sh',
  'head -n 1 ci/gate.sh',
];
const LOST = [
  ...READERS,
  'git diff ci/gate.sh',
  'git log -- ci/gate.sh',
  'git add ci/gate.sh',
  'git show HEAD:ci/gate.sh',
  'bash -n ci/gate.sh',
  'sh -n ci/gate.sh',
  'bash -o noexec ci/gate.sh',
  'set -n; bash ci/gate.sh',
  'set -o noexec\nbash ci/gate.sh',
  'bash -nc "bash ci/gate.sh"',
];
const KEPT = [
  'bash ci/gate.sh',
  'grep -q gitguard ci/gate.sh && bash ci/gate.sh',
  'sha256sum ci/gate.sh; bash ci/gate.sh',
  'shellcheck ci/gate.sh\nbash ci/gate.sh',
  'git status && git diff ci/gate.sh && bash ci/gate.sh',
  'bash -e ci/gate.sh',
  'bash --noprofile --norc -eo pipefail ci/gate.sh',
  'set -euo pipefail; bash ci/gate.sh',
];

describe('shellread191: a reader of the chain file runs none of it', () => {
  const batch = gateBatch();
  const DIRECT = gate('bash ci/gate.sh');
  for (const line of KEPT) it(`keeps the gate: ${line}`, batch.add(DIRECT, gate(line), true), 600_000);
  for (const line of LOST) it(`loses the gate: ${line}`, batch.add(DIRECT, gate(line), false), 600_000);
});

// The reference: the gate step as the runner runs it (bash -eo pipefail; HEAD unsigned, so the audit fails).
describe('shellread191: the readers pass a job whose audit fails', () => {
  const passes = (run: string): boolean => jobPasses([{ run }], FILES);
  it('bash ci/gate.sh fails it', () => expect(passes('bash ci/gate.sh')).toBe(false), 60_000);
  it(
    'grep -q gitguard ci/gate.sh && bash ci/gate.sh fails it',
    () => expect(passes('grep -q gitguard ci/gate.sh && bash ci/gate.sh')).toBe(false),
    60_000,
  );
  it.each([
    ['grep -q gitguard ci/gate.sh'],
    ['sha256sum ci/gate.sh'],
    ['wc -l ci/gate.sh'],
    ['git diff ci/gate.sh'],
    ['bash -n ci/gate.sh'],
    ['set -n; bash ci/gate.sh'],
    ['bash -nc "bash ci/gate.sh"'],
  ])('%s passes it', (run) => expect(passes(run)).toBe(true), 60_000);
});
