// gitopts202: git's options before its command, read as git reads them (git(1), git.c's
// handle_options) by one reading (domain/git-options.ts). The copies it replaces skipped any word
// starting with `-` and took a value only after -C, -c, --git-dir, --work-tree, --namespace,
// --exec-path, --config-env; written-targets.ts took the first word not an option for git's command
// (`-c k=v`'s value, `-C`'s folder): `git -C . mv -f ci/ok.sh ci/gate.sh` wrote the gate's file
// unread. An option git does not know (a later git's, which may take a value) read as a flag kept the
// gate; `git -C /usr/local/bin clone URL npx` was read as writing `npx` in the checkout, not in
// -C's folder. `--shallow-file F reset` and `--attr-source X checkout` were lost before by another
// reading (a git command naming checkout or reset): kept here as they are.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupJobs, jobPasses } from '../helpers/real-job.js';
import { checkoutJob, runStep } from '../helpers/workflow-steps.js';

afterAll(cleanupTemp);
afterAll(cleanupJobs);

const FILES: Record<string, string> = { 'ci/gate.sh': 'npx gitguard audit\n', 'ci/ok.sh': 'exit 0\n' };
/** An earlier step `line`, then the gate step calling gitguard itself (no checkout file run). */
const direct = (line: string): Record<string, string> =>
  checkoutJob(runStep(line), runStep('npx gitguard audit'), FILES);
/** An earlier step `line`, then the gate step running the checkout's ci/gate.sh. */
const script = (line: string): Record<string, string> => checkoutJob(runStep(line), runStep('bash ci/gate.sh'), FILES);

/** The gate step's own script: `line`, then the call of gitguard. */
const own = (line: string): Record<string, string> => checkoutJob('', runStep(`${line}\nnpx gitguard audit`), FILES);

const LOST: Array<[string, Record<string, string>]> = [
  ['own: git --shallow-file F reset --hard HEAD~1', own('git --shallow-file /tmp/none reset -q --hard HEAD~1')],
  ['own: git --attr-source HEAD checkout HEAD~1 (git 2.40+)', own('git --attr-source HEAD checkout -q HEAD~1')],
  ['own: an option git does not know before checkout', own('git --frobnicate v1 checkout -q HEAD~1')],
  ['git --shallow-file F reset --hard HEAD~1', direct('git --shallow-file .git/none reset -q --hard HEAD~1')],
  ['git --attr-source HEAD checkout HEAD~1 (git 2.40+)', direct('git --attr-source HEAD checkout HEAD~1')],
  ['an option git does not know before checkout', direct('git --frobnicate v1 checkout HEAD~1')],
  ['an option git does not know before status', direct('git --frobnicate v1 status')],
  ['git -C . mv -f ci/ok.sh ci/gate.sh', script('git -C . mv -f ci/ok.sh ci/gate.sh')],
  ['git -c k=v mv -f ci/ok.sh ci/gate.sh', script('git -c core.quotepath=off mv -f ci/ok.sh ci/gate.sh')],
  ['git -C /usr/local/bin clone URL npx', direct('git -C /usr/local/bin clone https://example.com/x.git npx')],
  ['git -C /usr/local clone URL bin', direct('git -C /usr -C local clone https://example.com/x.git bin')],
];
const KEPT: Array<[string, Record<string, string>]> = [
  ['own: git --shallow-file F log -1', own('git --shallow-file /tmp/none log -1')],
  ['own: git -C . --no-pager log -1', own('git -C . --no-pager log -1')],
  ['git --shallow-file F log -1', direct('git --shallow-file .git/none log -1')],
  ['git --no-pager -c user.name=ci log -1', direct('git --no-pager -c user.name=ci log -1')],
  ['git --git-dir .git --work-tree . status', direct('git --git-dir .git --work-tree . status')],
  ['git -C . log -1 before bash ci/gate.sh', script('git -C . log -1')],
  ['git -C /tmp clone URL', direct('git -C /tmp clone https://example.com/x.git')],
  ['git clone URL vendor/x', direct('git clone https://example.com/x.git vendor/x')],
];

describe("gitopts202: git's options before its command", () => {
  const batch = gateBatch();
  const GATE = checkoutJob('', runStep('npx gitguard audit'), FILES);
  for (const [name, files] of KEPT) it(`keeps the gate: ${name}`, batch.add(GATE, files, true), 600_000);
  for (const [name, files] of LOST) it(`loses the gate: ${name}`, batch.add(GATE, files, false), 600_000);
});

// The reference: the job as the runner runs it (bash, git; HEAD unsigned, so the audit fails).
describe("gitopts202: git's options before a command that moves HEAD or writes the gate file", () => {
  it(
    'git --shallow-file F reset --hard HEAD~1 in the gate step passes it',
    () =>
      expect(jobPasses([{ run: 'git --shallow-file /tmp/none reset -q --hard HEAD~1\nnpx gitguard audit' }])).toBe(
        true,
      ),
    60_000,
  );
  it(
    'git --shallow-file F reset --hard HEAD~1 in an earlier step passes it',
    () =>
      expect(
        jobPasses([{ run: 'git --shallow-file .git/none reset -q --hard HEAD~1' }, { run: 'npx gitguard audit' }]),
      ).toBe(true),
    60_000,
  );
  it(
    'git -C . mv -f ci/ok.sh ci/gate.sh in an earlier step passes it',
    () =>
      expect(jobPasses([{ run: 'git -C . mv -f ci/ok.sh ci/gate.sh' }, { run: 'bash ci/gate.sh' }], FILES)).toBe(true),
    60_000,
  );
  it(
    'git --shallow-file F log -1 in an earlier step leaves it failing',
    () =>
      expect(jobPasses([{ run: 'git --shallow-file .git/none log -1' }, { run: 'bash ci/gate.sh' }], FILES)).toBe(
        false,
      ),
    60_000,
  );
});
