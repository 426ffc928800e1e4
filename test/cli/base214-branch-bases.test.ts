// base214: a `--base` naming a branch judges nothing on a push to that branch. actions/checkout
// fetches the pushed commit as `refs/remotes/origin/<branch>` (ref-helper.ts getRefSpec: `+<sha>:
// refs/remotes/origin/main`) and makes the local branch there; GitLab's runner fetches the pushed
// branch the same way. So `gitguard audit --base origin/main` (or `main`, `origin/$CI_DEFAULT_BRANCH`)
// starts at HEAD on a push to main and an unsigned push passes; before, ci-gate-kept read it as a
// gate on any trigger. On a pull request or merge group the same text names the target, which the run
// does not move: it judges the change there. And a forge base variable the job sets before the file
// that reads it (`export CI_COMMIT_BEFORE_SHA=HEAD; bash ci/gate.sh`, a `$GITHUB_ENV` line) was read
// in the file as the forge's own; it is the job's now.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { commitAsPerson } from '../helpers/ssh.js';
import { aliceAndBob } from '../helpers/team.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

type Files = Record<string, string>;
const W = '.github/workflows/ci.yml';
const GL = '.gitlab-ci.yml';
const CO = '      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n';
/** A workflow `on:` (YAML text after `on:`) with one run step, or several. */
const gh = (on: string, ...lines: string[]): Files => ({
  [W]: `on:${on}\njobs:\n  gitguard:\n    runs-on: ubuntu-latest\n    steps:\n${CO}${lines.map((l) => `      - run: ${JSON.stringify(l)}\n`).join('')}`,
});
const gl = (lines: string[], more = ''): Files => ({
  [GL]: `gitguard:\n  image: node:20\n  variables:\n    GIT_DEPTH: 0\n${more}  script:\n${lines.map((l) => `    - ${JSON.stringify(l)}\n`).join('')}`,
});
const PUSH_MAIN = '\n  push:\n    branches: [main]';
const PUSH = ' push';
const PR = '\n  pull_request:';
const BOTH = '\n  push:\n  pull_request:';
const AUDIT = 'npx gitguard audit';
const GATE = 'ci/gate.sh';
const READS_BEFORE = '#!/bin/sh\nset -e\nnpx gitguard audit --base "$CI_COMMIT_BEFORE_SHA"\n';
/** ci/gate.sh sourcing ci/env.sh, then reading the forge's base. */
const SOURCES_ENV = '#!/bin/sh\nset -e\n. ci/env.sh\nnpx gitguard audit --base "$CI_COMMIT_BEFORE_SHA"\n';
const SETS_BEFORE = 'export CI_COMMIT_BEFORE_SHA=HEAD\n';
const SETS_OTHER = 'export NODE_ENV=ci\n';
const READS_BASE_REF = '#!/bin/sh\nset -e\nnpx gitguard audit --base "origin/$GITHUB_BASE_REF"\n';

const batch = gateBatch();

const lost: Array<[string, Files, Files]> = [
  // Only a protected branch stays where the run found it: any other the change's author may push at
  // the change itself before the run fetches it (`git push origin HEAD:evil`), and a tag the same way.
  ['on: pull_request, --base origin/evil (not protected)', gh(PR, AUDIT), gh(PR, `${AUDIT} --base origin/evil`)],
  ['on: [push, pull_request], --base v9 (a tag or branch)', gh(BOTH, AUDIT), gh(BOTH, `${AUDIT} --base v9`)],
  ['on: pull_request, --base 9b1c9 (an abbreviated id)', gh(PR, AUDIT), gh(PR, `${AUDIT} --base 9b1c9`)],
  ['on: pull_request, --base refs/tags/v1', gh(PR, AUDIT), gh(PR, `${AUDIT} --base refs/tags/v1`)],
  [
    'on: push: branches: [main], --base origin/main',
    gh(PUSH_MAIN, AUDIT),
    gh(PUSH_MAIN, `${AUDIT} --base origin/main`),
  ],
  ['on: push, --base main', gh(PUSH, AUDIT), gh(PUSH, `${AUDIT} --base main`)],
  ['on: push, --base refs/remotes/origin/main', gh(PUSH, AUDIT), gh(PUSH, `${AUDIT} --base refs/remotes/origin/main`)],
  ['on: push, --base Origin/Main (a case-folding runner)', gh(PUSH, AUDIT), gh(PUSH, `${AUDIT} --base Origin/Main`)],
  ['on: push, --base origin/main^{}', gh(PUSH, AUDIT), gh(PUSH, `${AUDIT} --base 'origin/main^{}'`)],
  [
    'on: [push, workflow_dispatch], --base origin/main',
    gh(' [push, workflow_dispatch]', AUDIT),
    gh(' [push, workflow_dispatch]', `${AUDIT} --base origin/main`),
  ],
  [
    'on: push: branches-ignore: [dev], --base origin/main',
    gh('\n  push:\n    branches-ignore: [dev]', AUDIT),
    gh('\n  push:\n    branches-ignore: [dev]', `${AUDIT} --base origin/main`),
  ],
  ['on: push, verify origin/main..HEAD', gh(PUSH, AUDIT), gh(PUSH, 'npx gitguard verify origin/main..HEAD')],
  [
    'on: push, a called file with --base origin/main',
    gh(PUSH, AUDIT),
    { ...gh(PUSH, `bash ${GATE}`), [GATE]: '#!/bin/sh\nset -e\nnpx gitguard audit --base origin/main\n' },
  ],
  ['GitLab: --base origin/main', gl([AUDIT]), gl([`${AUDIT} --base origin/main`])],
  ['GitLab: --base "origin/$CI_DEFAULT_BRANCH"', gl([AUDIT]), gl([`${AUDIT} --base "origin/$CI_DEFAULT_BRANCH"`])],
  // A forge base variable the job sets, read only in the file it runs.
  [
    'GitLab: export CI_COMMIT_BEFORE_SHA=HEAD; bash ci/gate.sh',
    { ...gl([`bash ${GATE}`]), [GATE]: READS_BEFORE },
    { ...gl(['export CI_COMMIT_BEFORE_SHA=HEAD', `bash ${GATE}`]), [GATE]: READS_BEFORE },
  ],
  [
    'GitLab: CI_COMMIT_BEFORE_SHA=HEAD bash ci/gate.sh',
    { ...gl([`bash ${GATE}`]), [GATE]: READS_BEFORE },
    { ...gl([`CI_COMMIT_BEFORE_SHA=HEAD bash ${GATE}`]), [GATE]: READS_BEFORE },
  ],
  [
    'GitLab: ci/a.sh exports it and runs ci/gate.sh',
    { ...gl([`bash ${GATE}`]), [GATE]: READS_BEFORE },
    {
      ...gl(['bash ci/a.sh']),
      [GATE]: READS_BEFORE,
      'ci/a.sh': '#!/bin/sh\nset -e\nexport CI_COMMIT_BEFORE_SHA=HEAD\nbash ci/gate.sh\n',
    },
  ],
  [
    'GitLab: . ci/env.sh setting CI_COMMIT_BEFORE_SHA, then bash ci/gate.sh',
    { ...gl([`bash ${GATE}`]), [GATE]: READS_BEFORE },
    { ...gl(['. ci/env.sh', `bash ${GATE}`]), [GATE]: READS_BEFORE, 'ci/env.sh': SETS_BEFORE },
  ],
  [
    'GitHub: an earlier step writes GITHUB_BASE_REF to $GITHUB_ENV',
    { ...gh(PR, `bash ${GATE}`), [GATE]: READS_BASE_REF },
    { ...gh(PR, 'echo "GITHUB_BASE_REF=HEAD" >> "$GITHUB_ENV"', `bash ${GATE}`), [GATE]: READS_BASE_REF },
  ],
];
for (const [name, before, after] of lost)
  test(`a --base that judges nothing on its runs: ${name}: ci-gate-kept fails`, batch.add(before, after, false));

// Lost before this change too (an expression is a value the run chooses; `eval` of a checkout file
// runs what the reading does not follow): kept lost.
const alsoLost: Array<[string, Files, Files]> = [
  // A move back from a name is no gate (redteam217's reading: only HEAD's moves and full ids), though
  // on a push to main it is HEAD~1.
  ['on: push, --base origin/main~1', gh(PUSH, AUDIT), gh(PUSH, `${AUDIT} --base origin/main~1`)],
  [
    'on: push, --base origin/${{ github.event.repository.default_branch }}',
    gh(PUSH, AUDIT),
    gh(PUSH, `${AUDIT} --base origin/\${{ github.event.repository.default_branch }}`),
  ],
  [
    'GitLab: eval of a checkout file, then bash ci/gate.sh',
    { ...gl([`bash ${GATE}`]), [GATE]: READS_BEFORE },
    {
      ...gl(['eval "$(cat ci/env)"', `bash ${GATE}`]),
      [GATE]: READS_BEFORE,
      'ci/env': 'export CI_COMMIT_BEFORE_SHA=HEAD\n',
    },
  ],
  [
    'GitLab: ci/gate.sh sources ci/env.sh that sets CI_COMMIT_BEFORE_SHA',
    gl([AUDIT]),
    { ...gl([`bash ${GATE}`]), [GATE]: SOURCES_ENV, 'ci/env.sh': SETS_BEFORE },
  ],
  [
    'GitLab: ci/gate.sh sources ci/env.sh that evals',
    gl([AUDIT]),
    { ...gl([`bash ${GATE}`]), [GATE]: SOURCES_ENV, 'ci/env.sh': 'eval "$(cat ci/more)"\n' },
  ],
];
for (const [name, before, after] of alsoLost)
  test(`still no gate: ${name}: ci-gate-kept fails`, batch.add(before, after, false));

const kept: Array<[string, Files, Files]> = [
  ['on: pull_request, --base origin/main', gh(PR, AUDIT), gh(PR, `${AUDIT} --base origin/main`)],
  ['on: [push, pull_request], --base origin/main', gh(BOTH, AUDIT), gh(BOTH, `${AUDIT} --base origin/main`)],
  ['on: merge_group, --base origin/main', gh(' merge_group', AUDIT), gh(' merge_group', `${AUDIT} --base origin/main`)],
  [
    'on: push, --base ${{ github.event.before }}',
    gh(PUSH, AUDIT),
    gh(PUSH, `${AUDIT} --base \${{ github.event.before }}`),
  ],
  ['on: pull_request, verify origin/main..HEAD', gh(PR, AUDIT), gh(PR, 'npx gitguard verify origin/main..HEAD')],
  [
    'GitLab: bash ci/gate.sh reading $CI_COMMIT_BEFORE_SHA the job does not set',
    gl([AUDIT]),
    { ...gl([`bash ${GATE}`]), [GATE]: READS_BEFORE },
  ],
  [
    'GitLab: the step reads it too and exports another',
    gl([AUDIT]),
    { ...gl(['echo "$CI_COMMIT_BEFORE_SHA"', 'export OTHER=1', `bash ${GATE}`]), [GATE]: READS_BEFORE },
  ],
  [
    'GitLab: . ci/env.sh setting another variable, then bash ci/gate.sh',
    gl([AUDIT]),
    { ...gl(['. ci/env.sh', `bash ${GATE}`]), [GATE]: READS_BEFORE, 'ci/env.sh': SETS_OTHER },
  ],
  [
    'GitLab: ci/gate.sh sources ci/env.sh that sets another variable (read at the commit)',
    gl([AUDIT]),
    { ...gl([`bash ${GATE}`]), [GATE]: SOURCES_ENV, 'ci/env.sh': SETS_OTHER },
  ],
  [
    'GitHub: an earlier step writes another variable to $GITHUB_ENV',
    gh(PR, AUDIT),
    { ...gh(PR, 'echo "OTHER=1" >> "$GITHUB_ENV"', `bash ${GATE}`), [GATE]: READS_BASE_REF },
  ],
];
for (const [name, before, after] of kept) test(`twin: ${name} keeps the gate`, batch.add(before, after, true));

/** Alice's root, then Bob's change making himself a maintainer (no maintainer signed it): what a gate fails. */
function pushedRepo() {
  const policy =
    'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\nmaintainers: [Alice, Bob]\n';
  const { r, bob } = aliceAndBob({});
  const root = r.head();
  const pushed = commitAsPerson(r, bob, 'bob@example.com', 'Bob maintains', { '.gitguard/policy.yml': policy });
  return { r, root, pushed };
}

/** `gitguard audit --base base` as a CI gate runs it (every rule): its exit code and how it judged Bob's change. */
async function audit(dir: string, env: NodeJS.ProcessEnv, base: string): Promise<[number, string]> {
  const args = ['audit', '-C', dir, '--format', 'json', '--no-ledger', '--no-cache', '--base', base];
  const res = await runMain(args, { env });
  return [res.code, resultOf(parseJson(res), 'policy-changes-authorized').outcome];
}

test('reference: after a checkout of a push to main as actions/checkout fetches it, --base origin/main judges nothing', async () => {
  const { r, root, pushed } = pushedRepo();
  // The forge's repository, and a runner's clone as actions/checkout makes it: init, fetch the
  // pushed commit into refs/remotes/origin/main, the local branch there.
  const server = mkdtempSync(join(tmpdir(), 'base214-server-'));
  const run = (dir: string, ...a: string[]): string =>
    execFileSync('git', ['-C', dir, ...a], { encoding: 'utf8', env: r.env }).trim();
  run(server, 'init', '-q', '--bare');
  run(r.dir, 'push', '-q', server, `${pushed}:refs/heads/main`);
  run(r.dir, 'remote', 'add', 'origin', server);
  run(r.dir, 'fetch', '-q', 'origin', `+${pushed}:refs/remotes/origin/main`);
  run(r.dir, 'checkout', '-q', '--force', '-B', 'main', 'refs/remotes/origin/main');
  expect(run(r.dir, 'rev-parse', 'refs/remotes/origin/main')).toBe(pushed);
  expect(run(r.dir, 'rev-parse', 'HEAD')).toBe(pushed);
  // Bob's unauthorized change is not judged with the branch as the base (the range is empty), nor with `main`.
  expect((await audit(r.dir, r.env, 'origin/main'))[1]).toBe('not-applicable');
  expect((await audit(r.dir, r.env, 'main'))[1]).toBe('not-applicable');
  // Twin: the commit before the push (github.event.before) judges it, and the audit fails.
  expect(await audit(r.dir, r.env, root)).toEqual([1, 'fail']);
});
