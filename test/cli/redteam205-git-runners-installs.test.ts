// redteam205: two readings of the steps before a GitHub gate kept it where the real job passes a
// failing audit.
// 1. A git program set in an earlier step (`git config --global core.fsmonitor ~/fsm`, core.hooksPath)
//    runs wherever git runs, not only where a command's name is git: a wrapper that runs it once
//    (`timeout 60 git status`), one that hands it its words (`xargs git status`, `find -exec git`),
//    and programs that run git themselves (`pip install git+URL`, `npm install github:x/y`, `gh repo
//    clone`: a clone runs the global hooks). Before, only a command named git counted.
// 2. Tool installs the parser missed: npm's `--global=true` and `--location global`, a package added
//    to the project by name (`npm install x`: its install scripts run, its programs land in
//    node_modules/.bin where npx looks first), `volta install`, `mise use -g
//    npm:x`, an asdf plugin. The change's own (`npm ci`, `mise install` of its files) and a
//    line the start ran already keep the gate (pip's `-r`/`-e .` lose it since installs209).
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupJobs, jobPasses } from '../helpers/real-job.js';
import { checkoutJob, runStep } from '../helpers/workflow-steps.js';

afterAll(cleanupTemp);
afterAll(cleanupJobs);

const FILES: Record<string, string> = { 'ci/gate.sh': 'npx gitguard audit\n', 'ci/ok.sh': 'exit 0\n', README: 'r\n' };
const GATE = runStep('bash ci/gate.sh');
/** Earlier steps `lines`, each a step of its own, then the gate step `gate`. */
const job = (lines: string[], gate = GATE, files = FILES): Record<string, string> =>
  checkoutJob(lines.map((l) => runStep(l)).join(''), gate, files);
const gateAfter = (line: string): string => runStep(`${line}\nbash ci/gate.sh`);
const HOOKS = 'git config --global core.hooksPath /tmp/h';
const FSMON = 'git config --global core.fsmonitor ~/fsm';

const LOST_RUNNERS: Array<[string, Record<string, string>]> = [
  ['xargs git status in the gate step', job([FSMON], gateAfter('echo | xargs git status'))],
  ['find -exec git status in the gate step', job([FSMON], gateAfter('find . -maxdepth 0 -exec git status \\;'))],
  ['timeout 60 git status in a later step', job([FSMON, 'timeout 60 git status'])],
  ['pip install git+URL after core.hooksPath', job([HOOKS, 'pip install git+https://github.com/x/y'])],
  ['npm install github:x/y after core.hooksPath', job([HOOKS, 'npm install github:x/y'])],
  ['gh repo clone after core.hooksPath', job([HOOKS, 'gh repo clone x/y /tmp/y'])],
];
const KEPT_RUNNERS: Array<[string, Record<string, string>]> = [
  ['xargs ls after core.fsmonitor', job([FSMON], gateAfter('echo | xargs ls'))],
  ['a direct audit through timeout after core.hooksPath', job([HOOKS], runStep('timeout 600 npx gitguard audit'))],
  ['user.email, then npm ci', job(['git config --global user.email ci@example.com', 'npm ci'])],
];
const LOST_INSTALLS: Array<[string, Record<string, string>]> = [
  ['npm i --global=true', job(['npm i --global=true evil'])],
  ['npm --location global i', job(['npm --location global i evil'])],
  ['npm install x (local, by name)', job(['npm install evil'])],
  ['yarn add x', job(['yarn add evil'])],
  ['volta install', job(['volta install evil'])],
  ['mise use -g npm:x', job(['mise use -g npm:evil'])],
  ['asdf plugin add', job(['asdf plugin add x https://example.com/p.git'])],
  // installs209: pip's install of the change's own requirements or folder is fetched code too.
  ['pip install -r requirements.txt', job(['pip install -r requirements.txt'])],
  ['pip install -e .', job(['pip install -e .'])],
];
const KEPT_INSTALLS: Array<[string, Record<string, string>]> = [
  ['npm ci', job(['npm ci'])],
  ['pip install -U pip setuptools wheel', job(['python -m pip install -U pip setuptools wheel'])],
];

describe('redteam205: git run by other commands after a git program is set', () => {
  const batch = gateBatch();
  const DIRECT = checkoutJob('', GATE, FILES);
  for (const [name, files] of KEPT_RUNNERS) it(`keeps the gate: ${name}`, batch.add(DIRECT, files, true), 600_000);
  for (const [name, files] of LOST_RUNNERS) it(`loses the gate: ${name}`, batch.add(DIRECT, files, false), 600_000);
});

describe('redteam205: tool installs by other spellings', () => {
  const batch = gateBatch();
  const DIRECT = checkoutJob('', GATE, FILES);
  for (const [name, files] of KEPT_INSTALLS) it(`keeps the gate: ${name}`, batch.add(DIRECT, files, true), 600_000);
  for (const [name, files] of LOST_INSTALLS) it(`loses the gate: ${name}`, batch.add(DIRECT, files, false), 600_000);
});

describe('redteam205: a tool install the start ran already', () => {
  // The same line where the range starts (the audit's --base): the start's own gate ran after it too.
  const started = job(['npm install black']);
  const batch = gateBatch(started);
  it(
    'keeps the gate: npm install x the start ran already',
    batch.add(started, { ...started, README: 'changed\n' }, true),
    600_000,
  );
});

// The reference: the job as the runner runs it (bash, HOME a temp folder; HEAD unsigned, so the audit fails).
const FSM = "printf '#!/bin/sh\\ncp ci/ok.sh ci/gate.sh\\n' > ~/fsm && chmod +x ~/fsm";
describe('redteam205: the attacks pass a job whose audit fails', () => {
  it(
    'core.fsmonitor set in one step, xargs git status in the gate step',
    () =>
      expect(
        jobPasses([{ run: `${FSM} && ${FSMON}` }, { run: 'echo | xargs git status\nbash ci/gate.sh' }], FILES),
      ).toBe(true),
    60_000,
  );
  it(
    'core.fsmonitor set in one step, timeout 60 git status in a later step',
    () =>
      expect(
        jobPasses([{ run: `${FSM} && ${FSMON}` }, { run: 'timeout 60 git status' }, { run: 'bash ci/gate.sh' }], FILES),
      ).toBe(true),
    60_000,
  );
  it(
    'core.fsmonitor set and only xargs ls after it leaves it failing',
    () =>
      expect(jobPasses([{ run: `${FSM} && ${FSMON}` }, { run: 'echo | xargs ls\nbash ci/gate.sh' }], FILES)).toBe(
        false,
      ),
    60_000,
  );
});
