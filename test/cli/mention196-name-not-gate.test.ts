// mention196: in an audit without a policy, a change that replaced the CI's gitguard step with a
// command whose words merely contain "gitguard" kept ci-gate-kept: `npx eslint -o gitguard.xml .`,
// `bash ci/gitguard.sh` with no such file, `make gitguard` with no Makefile, `npx gitguard-lookalike
// audit`, `git clone URL /tmp/gitguard` alone. gitguard-call.ts counted any command naming it that was
// not gitguard called as a program as "a script, a make target, a package script named so" without
// reading it. Such a command gates now only where the checkout is read at the commit and its chain
// reaches gitguard there (make, bash, npm run, followed as they run); a launcher's other package and
// git are none. Twins: the same names with a recipe, script or package script that runs gitguard,
// gitguard run after a clone by its node path, and the removal of such a gate, read through its chain.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);

const WF = '.github/workflows/ci.yml';
const GL = '.gitlab-ci.yml';
type Files = Record<string, string>;
/** The command `run` as the one step after a checkout (GitHub), or the one line of a job's script (GitLab). */
const github = (run: string): Files => ({
  [WF]: `on:\n  push:\n  pull_request:\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ${JSON.stringify(run)}\n`,
});
const gitlab = (run: string): Files => ({ [GL]: `gate:\n  script:\n    - ${JSON.stringify(run)}\n` });
const FORGES = [
  ['GitHub', github, 'GitHub Actions'],
  ['GitLab', gitlab, 'GitLab CI/CD'],
] as const;
const GATE = 'npx gitguard audit';
const MAKEFILE = { Makefile: 'gitguard:\n\tnpx gitguard audit\n' };
const SCRIPT = { 'ci/gitguard.sh': '#!/bin/bash\nset -e\nnpx gitguard audit\n' };
const PACKAGE = { 'package.json': '{"name":"x","scripts":{"gitguard":"gitguard audit"}}\n' };

/** Commands that run no gitguard, each with the files beside it. */
const NAMES_ONLY: Array<[string, string, Files]> = [
  ['an output file named gitguard.xml', 'npx eslint -o gitguard.xml .', {}],
  ['an output file, eslint from PATH', 'eslint -f junit -o gitguard.xml .', {}],
  ['a script named so that is not there', 'bash ci/gitguard.sh', {}],
  ['a script named so, run by its path, not there', './ci/gitguard.sh', {}],
  ['a script named so that runs something else', 'bash ci/gitguard.sh', { 'ci/gitguard.sh': 'echo skipped\n' }],
  ['a make target named so, no Makefile', 'make gitguard', {}],
  ['a make target named so whose recipe runs something else', 'make gitguard', { Makefile: 'gitguard:\n\techo ok\n' }],
  ['a package script named so, no package.json', 'npm run gitguard', {}],
  ['a lookalike package', 'npx gitguard-lookalike audit', {}],
  ['a lookalike package by pnpm dlx', 'pnpm dlx gitguard-x audit', {}],
  ['a lookalike package by npm exec', 'npm exec -- gitguard-x audit', {}],
  ['a clone into /tmp/gitguard alone', 'git clone --depth 1 https://example.com/gitguard.git /tmp/gitguard', {}],
];
/** Commands that run gitguard, each with the files beside it. */
const RUNS_IT: Array<[string, string, Files]> = [
  ['a make target whose recipe runs it', 'make gitguard', MAKEFILE],
  ['a script that runs it', 'bash ci/gitguard.sh', SCRIPT],
  ['a package script that runs it', 'npm run gitguard', PACKAGE],
  [
    'a clone, then its bin run by node',
    'git clone --depth 1 https://example.com/gitguard.git /tmp/gitguard && (cd /tmp/gitguard && npm ci) && node /tmp/gitguard/bin/gitguard.js audit',
    {},
  ],
  ['an output file beside the real call', 'npx eslint -o gitguard.xml . && npx gitguard audit', {}],
];

describe('ci-gate-kept, no policy', () => {
  const batch = gateBatch();
  for (const [forge, ci, system] of FORGES) {
    for (const [name, run, files] of NAMES_ONLY)
      test(
        `${forge}: the gate replaced by ${name} (\`${run}\`) fails`,
        batch.add(ci(GATE), { ...ci(run), ...files }, false, system),
      );
    for (const [name, run, files] of RUNS_IT)
      test(
        `${forge} twin: the gate replaced by ${name} (\`${run}\`) passes`,
        batch.add(ci(GATE), { ...ci(run), ...files }, true, system),
      );
    // A gate through a name is read through its chain at the parent too: its removal is a loss.
    for (const [name, run, files] of RUNS_IT.slice(0, 3))
      test(
        `${forge}: ${name} (\`${run}\`), then the step removed, fails`,
        batch.add({ ...ci(run), ...files }, { ...ci('echo skipped'), ...files }, false),
      );
  }
});
