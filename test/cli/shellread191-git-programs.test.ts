// shellread191: git runs a program its configuration names (git-config(1)): an alias starting with
// `!`, core.pager, diff.external, core.hooksPath. `git -c alias.w='!cp /tmp/x ci/gate.sh' w && bash
// ci/gate.sh`, or `git config alias.w '...'` in an earlier step, writes the gate's file before the gate
// runs it, and neither the write nor the move was read: the gate held. Such a git command now changes
// the checkout (checkout-moves.ts), as does any git command after `git config` sets such a program
// (alone it changes nothing: steps111); a quiet setting (env-names.ts quietGitKey: user.email,
// safe.directory) and a read (`git config --get`) change nothing.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupJobs, jobPasses } from '../helpers/real-job.js';
import { checkoutJob, runStep } from '../helpers/workflow-steps.js';

afterAll(cleanupTemp);
afterAll(cleanupJobs);

const FILES: Record<string, string> = { 'ci/gate.sh': 'npx gitguard audit\n', 'ci/ok.sh': 'exit 0\n' };
const GATE = runStep('bash ci/gate.sh');
const own = (line: string): Record<string, string> => checkoutJob('', runStep(`${line}\nbash ci/gate.sh`), FILES);
const earlier = (line: string): Record<string, string> => checkoutJob(runStep(line), GATE, FILES);
const ALIAS = "git config alias.w '!cp ci/ok.sh ci/gate.sh'";
const LOST: Array<[string, Record<string, string>]> = [
  ["own: git -c alias.w='!cp ...' w", own("git -c alias.w='!cp ci/ok.sh ci/gate.sh' w")],
  ['own: git --config-env=core.pager=P -p log', own('git --config-env=core.pager=P -p log')],
  ['own: git config alias.w, then git w', own(`${ALIAS}\ngit w`)],
  ["earlier: git -c alias.w='!cp ...' w", earlier("git -c alias.w='!cp ci/ok.sh ci/gate.sh' w")],
  ['earlier: git -c diff.external=... diff', earlier("git -c diff.external='sh ci/x.sh' diff HEAD~1")],
  ['earlier: git config alias.w && git w', earlier(`${ALIAS} && git w`)],
  ['earlier: git config set alias.w, then git w', earlier("git config set alias.w '!x'\ngit w")],
  [
    'earlier: git config --global core.hooksPath ci/hooks, then git commit',
    earlier('git config --global core.hooksPath ci/hooks\ngit commit --allow-empty -m x'),
  ],
  ['own: git config core.fsmonitor, then git status', own('git config core.fsmonitor ci/x.sh\ngit status')],
  ['earlier: git config --edit', earlier('git config --edit')],
];
const KEPT: Array<[string, Record<string, string>]> = [
  ['own: git -c safe.directory=* status', own("git -c safe.directory='*' status")],
  ['own: git -c user.name=ci -c user.email=ci@x log -1', own('git -c user.name=ci -c user.email=ci@x log -1')],
  ['earlier: git config --global user.email', earlier('git config --global user.email ci@example.com')],
  ['earlier: git config --global --add safe.directory', earlier('git config --global --add safe.directory "$PWD"')],
  ['earlier: git config --get remote.origin.url', earlier('git config --get remote.origin.url')],
  ['earlier: git config --list', earlier('git config --list')],
  // steps111: a program set and no git command after it (gitguard's own git reads no such setting).
  ['earlier: git config --global alias.lg, no git after it', earlier('git config --global alias.lg "!./x.sh"')],
  ['own: git config core.fsmonitor, no git after it', own('git config --global core.fsmonitor ./x.sh')],
  ['earlier: git config --unset alias.w', earlier('git config --unset alias.w || true')],
  ['earlier: git config url.x.insteadOf y', earlier('git config --global url."https://x/".insteadOf "git@x:"')],
];

describe('shellread191: git running a program its configuration names', () => {
  const batch = gateBatch();
  const DIRECT = checkoutJob('', GATE, FILES);
  for (const [name, files] of KEPT) it(`keeps the gate: ${name}`, batch.add(DIRECT, files, true), 600_000);
  for (const [name, files] of LOST) it(`loses the gate: ${name}`, batch.add(DIRECT, files, false), 600_000);
});

// The reference: the job as the runner runs it (bash; HEAD unsigned, so the audit fails).
describe('shellread191: a git alias writing the gate file passes a job whose audit fails', () => {
  it(
    "git -c alias.w='!cp ci/ok.sh ci/gate.sh' w in the gate step passes it",
    () => expect(jobPasses([{ run: "git -c alias.w='!cp ci/ok.sh ci/gate.sh' w\nbash ci/gate.sh" }], FILES)).toBe(true),
    60_000,
  );
  it(
    'git config alias.w ... && git w in an earlier step passes it',
    () => expect(jobPasses([{ run: `${ALIAS} && git w` }, { run: 'bash ci/gate.sh' }], FILES)).toBe(true),
    60_000,
  );
  it(
    'git config --global user.email in an earlier step leaves it failing',
    () =>
      expect(
        jobPasses([{ run: 'git config --global user.email ci@example.com' }, { run: 'bash ci/gate.sh' }], FILES),
      ).toBe(false),
    60_000,
  );
});
