// gitprog198: a git program set in one CI step and run by a git command in a later one (git-config(1),
// git(1) ENVIRONMENT). `git config --global core.fsmonitor ~/x` (or an `!` alias, core.hooksPath, a
// filter's smudge, `credential.helper '!...'`, a `cat >> ~/.gitconfig`) in an earlier step outlives
// it, and a `git status` in a later step or in the gate step before its audit runs the program, which
// may rewrite the gate's file: the gate held. Program variables did the same from `env:`, $GITHUB_ENV
// or `export` (GIT_EXTERNAL_DIFF on `git diff`, GIT_EDITOR on `git commit`, GIT_SSH_COMMAND on an ssh
// fetch, GIT_CONFIG_COUNT with a program key, GIT_TRACE=/path writing a file). gitguard's own git
// reads none of them (collect/child-env.ts sets GIT_CONFIG_GLOBAL=/dev/null, GIT_CONFIG_NOSYSTEM=1, an
// empty HOME and XDG_CONFIG_HOME, GIT_CONFIG_COUNT=0, and drops every inherited GIT_*), so a program
// set and no git command after it keeps the gate (steps111), as do quiet settings and the runner's ssh
// with a deploy key. GIT_PAGER keeps: git pages only to a terminal, which a CI job has none of.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupJobs, jobPasses } from '../helpers/real-job.js';
import { checkoutJob, runStep } from '../helpers/workflow-steps.js';

afterAll(cleanupTemp);
afterAll(cleanupJobs);

const FILES: Record<string, string> = { 'ci/gate.sh': 'npx gitguard audit\n', 'ci/ok.sh': 'exit 0\n', README: 'r\n' };
const GATE = runStep('bash ci/gate.sh');
const env = (vars: Record<string, string>): string =>
  `        env:\n${Object.entries(vars)
    .map(([k, v]) => `          ${k}: ${JSON.stringify(v)}\n`)
    .join('')}`;
/** Earlier steps `lines`, each a step of its own, then the gate step `gate`. */
const job = (lines: string[], gate = GATE, files = FILES): Record<string, string> =>
  checkoutJob(lines.map((l) => runStep(l)).join(''), gate, files);
const gateAfter = (line: string, extra = ''): string => runStep(`${line}\nbash ci/gate.sh`, extra);
const HOOKS = 'git config --global core.hooksPath /tmp/h';
const FSMON = 'git config --global core.fsmonitor ~/fsm';

const LOST: Array<[string, Record<string, string>]> = [
  ['core.hooksPath earlier, git status in the gate step', job([HOOKS], gateAfter('git status'))],
  ['core.fsmonitor earlier, git fetch in a later step', job([FSMON, 'git fetch --tags'])],
  [
    'alias earlier, git in the gate step before a direct audit',
    job(["git config --global alias.w '!x'"], runStep('git w\nnpx gitguard audit')),
  ],
  [
    'core.fsmonitor earlier, git status in the gate file before its audit',
    job([FSMON], GATE, { ...FILES, 'ci/gate.sh': 'git status\nnpx gitguard audit\n' }),
  ],
  [
    'cat >> ~/.gitconfig earlier, git status in the gate step',
    job(['printf "[core]\\n\\tfsmonitor = ~/fsm\\n" >> ~/.gitconfig'], gateAfter('git status')),
  ],
  [
    'filter smudge earlier, then actions/checkout',
    job(["git config --global filter.x.smudge 'cp ci/ok.sh ci/gate.sh'"], '      - uses: actions/checkout@v4\n' + GATE),
  ],
  [
    "credential.helper '!...' earlier, git fetch in the gate step",
    job(["git config --global credential.helper '!f() { cp ci/ok.sh ci/gate.sh; }; f'"], gateAfter('git fetch')),
  ],
  ['diff.external earlier, a checkout script after it', job(['git config diff.external ~/xd', './ci/ok.sh'])],
  [
    'env: GIT_EXTERNAL_DIFF on the gate step running git diff',
    job([], gateAfter('git diff', env({ GIT_EXTERNAL_DIFF: 'ci/x.sh' }))),
  ],
  ['$GITHUB_ENV GIT_EDITOR earlier', job(['echo "GIT_EDITOR=ci/x.sh" >> "$GITHUB_ENV"'])],
  [
    '$GITHUB_ENV GIT_CONFIG_KEY_0 core.fsmonitor earlier',
    job(['echo "GIT_CONFIG_KEY_0=core.fsmonitor" >> "$GITHUB_ENV"']),
  ],
  [
    'export GIT_EXTERNAL_DIFF, then git diff, in the gate step',
    job([], gateAfter('export GIT_EXTERNAL_DIFF=ci/x.sh\ngit diff')),
  ],
  ['GIT_EXTERNAL_DIFF=... git diff in an earlier step', job(['GIT_EXTERNAL_DIFF=ci/x.sh git diff'])],
  [
    'export GIT_CONFIG_COUNT with core.fsmonitor, then git status, in the gate step',
    job(
      [],
      gateAfter('export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.fsmonitor GIT_CONFIG_VALUE_0=ci/x.sh\ngit status'),
    ),
  ],
  [
    'env: GIT_SSH_COMMAND with a ProxyCommand',
    job([], gateAfter('git fetch', env({ GIT_SSH_COMMAND: 'ssh -o ProxyCommand=ci/x.sh' }))),
  ],
  ['env: GIT_ASKPASS', job([], gateAfter('git fetch', env({ GIT_ASKPASS: 'ci/x.sh' })))],
  ['env: GIT_TRACE to the gate file', job([], gateAfter('git status', env({ GIT_TRACE: 'ci/gate.sh' })))],
];
const KEPT: Array<[string, Record<string, string>]> = [
  // steps111: set, and no git command after it (gitguard's own git reads no global config).
  ['core.hooksPath earlier, a direct audit', job([HOOKS], runStep('npx gitguard audit'))],
  ['core.fsmonitor earlier, a gate file running only gitguard', job([FSMON])],
  [
    'user.email earlier, git fetch in the gate step',
    job(['git config --global user.email ci@example.com'], gateAfter('git fetch')),
  ],
  [
    'safe.directory earlier, git fetch in a later step',
    job(['git config --global --add safe.directory "$PWD"', 'git fetch']),
  ],
  [
    'url.insteadOf earlier, git fetch after it',
    job(['git config --global url."https://x/".insteadOf "git@x:"', 'git fetch']),
  ],
  [
    "deploy key: GIT_SSH_COMMAND='ssh -i key -o StrictHostKeyChecking=no' git fetch",
    job([], gateAfter("GIT_SSH_COMMAND='ssh -i key -o StrictHostKeyChecking=no' git fetch origin")),
  ],
  [
    'env: GIT_SSH_COMMAND with a deploy key',
    job([], gateAfter('git fetch', env({ GIT_SSH_COMMAND: 'ssh -i key -o IdentitiesOnly=yes' }))),
  ],
  ['env: GIT_PAGER (no terminal in CI)', job([], gateAfter('git log -1', env({ GIT_PAGER: 'cat', GIT_TRACE: '1' })))],
  ['export GIT_TERMINAL_PROMPT=0, then git fetch', job([], gateAfter('export GIT_TERMINAL_PROMPT=0\ngit fetch'))],
];

describe('gitprog198: a git program set in one step and run in a later one', () => {
  const batch = gateBatch();
  const DIRECT = checkoutJob('', GATE, FILES);
  for (const [name, files] of KEPT) it(`keeps the gate: ${name}`, batch.add(DIRECT, files, true), 600_000);
  for (const [name, files] of LOST) it(`loses the gate: ${name}`, batch.add(DIRECT, files, false), 600_000);
});

// The reference: the job as the runner runs it (bash, HOME a temp folder; HEAD unsigned, so the audit fails).
const FSM = "printf '#!/bin/sh\\ncp ci/ok.sh ci/gate.sh\\n' > ~/fsm && chmod +x ~/fsm";
describe('gitprog198: the attacks pass a job whose audit fails', () => {
  it(
    'core.fsmonitor set in one step, git status in the gate step',
    () => expect(jobPasses([{ run: `${FSM} && ${FSMON}` }, { run: 'git status\nbash ci/gate.sh' }], FILES)).toBe(true),
    60_000,
  );
  it(
    'core.fsmonitor set in one step, git status in a later step',
    () =>
      expect(jobPasses([{ run: `${FSM} && ${FSMON}` }, { run: 'git status' }, { run: 'bash ci/gate.sh' }], FILES)).toBe(
        true,
      ),
    60_000,
  );
  it(
    'GIT_EXTERNAL_DIFF exported, then git diff, in the gate step',
    () =>
      expect(
        jobPasses(
          [
            {
              run: `${FSM.replace(/fsm/g, 'xd')}\necho >> README\nexport GIT_EXTERNAL_DIFF=~/xd\ngit diff\nbash ci/gate.sh`,
            },
          ],
          FILES,
        ),
      ).toBe(true),
    60_000,
  );
  it(
    'core.fsmonitor set and no git command after it leaves it failing',
    () => expect(jobPasses([{ run: `${FSM} && ${FSMON}` }, { run: 'bash ci/gate.sh' }], FILES)).toBe(false),
    60_000,
  );
});
