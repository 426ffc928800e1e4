// redteam141: a change that neuters GitLab's gate (or GitHub's) and still passed ci-gate-kept.
// 1. The gate job's own lines before `gitguard audit` (its before_script, `default:`'s, a template's
//    by `extends:` or `!reference`, a local include's; or its script's first lines; on GitHub the
//    gate step's own `run:` lines) run a file of the checkout (`./ci/setup.sh`, `make setup`, `npm run
//    setup`) that writes a program where the job looks for one. GitLab runs before_script and script
//    as one shell script, so the file runs before the audit in that shell (what a step of its own
//    before the gate does on GitHub, already read at the commit: steps111). Now the job's own lines
//    up to the audit are read at the commit the same way; a script that builds keeps the gate.
// 2. A job's other keys naming gitguard (the template's `gitguard-junit.xml` report, a `GITGUARD_REPO`
//    variable, an `image:` or `tags:`), a global `variables:` value, or a local include's file name
//    counted as a mention of gitguard: deleting the audit line and keeping the report kept the gate.
//    GitLab runs a job's script, before_script, hooks, trigger and run: only those (and an include or
//    template no file here holds) name gitguard where it runs.
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

const GATE = 'gitguard audit';
const CI = '.gitlab-ci.yml';
const WF = '.github/workflows/ci.yml';
const list = (lines: readonly string[]): string => lines.map((l) => `    - ${JSON.stringify(l)}\n`).join('');
const job = (before: readonly string[], script: readonly string[] = [GATE], extra = ''): string =>
  `audit:\n${extra}${before.length ? `  before_script:\n${list(before)}` : ''}  script:\n${list(script)}`;
const DIRECT = { [CI]: job([]) };
const SH = (body: string): string => `#!/bin/sh\nset -e\n${body}\n`;
/** Writes a `gitguard` that passes where the image keeps its programs. */
const PLANT = "printf '#!/bin/sh\\nexit 0\\n' > /usr/local/bin/gitguard && chmod +x /usr/local/bin/gitguard";
const BUILDS = 'mkdir -p dist && echo x > dist/x';
const setup = (body: string): Record<string, string> => ({ 'ci/setup.sh': SH(body) });
const pkg = (script: string): Record<string, string> => ({
  'package.json': JSON.stringify({ scripts: { setup: script } }),
});
const make = (recipe: string): Record<string, string> => ({ Makefile: `setup:\n\t${recipe}\n` });
const wf = (run: string): string =>
  `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ${JSON.stringify(run)}\n`;

/** name, the CI files, the files the setup runs that plant a program, the files that build instead. */
type Case = [name: string, ci: Record<string, string>, plants: Record<string, string>, builds: Record<string, string>];
const CASES: Case[] = [
  ["the job's before_script runs ./ci/setup.sh", { [CI]: job(['./ci/setup.sh']) }, setup(PLANT), setup(BUILDS)],
  ['the first script line runs ./ci/setup.sh', { [CI]: job([], ['./ci/setup.sh', GATE]) }, setup(PLANT), setup(BUILDS)],
  ['bash ci/setup.sh before it', { [CI]: job(['bash ci/setup.sh']) }, setup(PLANT), setup(BUILDS)],
  [
    "default:'s before_script",
    { [CI]: `default:\n  before_script:\n${list(['./ci/setup.sh'])}${job([])}` },
    setup(PLANT),
    setup(BUILDS),
  ],
  [
    "a template's before_script by extends:",
    { [CI]: `.setup:\n  before_script:\n${list(['./ci/setup.sh'])}${job([], [GATE], '  extends: .setup\n')}` },
    setup(PLANT),
    setup(BUILDS),
  ],
  [
    'a !reference to a template script',
    {
      [CI]: `.setup:\n  script:\n${list(['./ci/setup.sh'])}audit:\n  script:\n    - !reference [.setup, script]\n${list([GATE])}`,
    },
    setup(PLANT),
    setup(BUILDS),
  ],
  [
    "a local include's default: before_script",
    {
      [CI]: `include:\n  - local: ci/setup.yml\n${job([])}`,
      'ci/setup.yml': `default:\n  before_script:\n${list(['./ci/setup.sh'])}`,
    },
    setup(PLANT),
    setup(BUILDS),
  ],
  ['make setup', { [CI]: job(['make -s setup']) }, make(PLANT), make(BUILDS)],
  ['npm run setup', { [CI]: job(['npm run setup']) }, pkg(PLANT), pkg(BUILDS)],
];

const TEMPLATE = `gitguard:\n  image: node:20\n  variables:\n    GIT_DEPTH: 0\n    GITGUARD_REPO: https://example.com/gitguard.git\n  script:\n    - git clone --depth 1 "$GITGUARD_REPO" /tmp/gitguard && (cd /tmp/gitguard && npm ci && npm install -g .)\n    - gitguard audit --output-junit gitguard-junit.xml --fail-on high\n  artifacts:\n    when: always\n    reports:\n      junit: gitguard-junit.xml\n`;

describe('GitLab: the gate job runs a file of the checkout before its audit', () => {
  const batch = gateBatch();
  for (const [name, ci, plants, builds] of CASES) {
    test(`${name}, which writes gitguard: lost`, batch.add(DIRECT, { ...ci, ...plants }, false));
    test(`${name}, which builds: kept`, batch.add(DIRECT, { ...ci, ...builds }, true));
  }
  test(
    "the README's template with ./ci/setup.sh before the audit: lost",
    batch.add(
      DIRECT,
      { [CI]: TEMPLATE.replace('    - gitguard audit', '    - ./ci/setup.sh\n    - gitguard audit'), ...setup(PLANT) },
      false,
    ),
  );
  test("the README's template: kept", batch.add(DIRECT, { [CI]: TEMPLATE }, true));
  test(
    'a gate through make, then a line after it: kept',
    batch.add(
      DIRECT,
      { [CI]: job([], ['make -s audit', './ci/setup.sh']), Makefile: `audit:\n\t${GATE}\n`, ...setup(BUILDS) },
      true,
    ),
  );
});

describe('GitLab: gitguard named where nothing runs it', () => {
  const batch = gateBatch();
  const T = { [CI]: TEMPLATE };
  const deleted = TEMPLATE.replace(/ {4}- gitguard audit.*\n/, '    - "true"\n');
  for (const [name, after] of [
    ['the audit line deleted, its junit report and GITGUARD_REPO kept', deleted],
    ['the audit line deleted, an image named for gitguard', deleted.replace('node:20', 'example.com/gitguard:1')],
    ['a job with tags: [gitguard] and no audit', job([], ['true'], '  tags: [gitguard]\n')],
    [
      'global variables naming gitguard, no audit',
      `variables:\n  GITGUARD_REPO: https://example.com/gitguard.git\n${job([], ['true'])}`,
    ],
  ] as const)
    test(`${name}: lost`, batch.add(T, { [CI]: after }, false));
  test(
    'a local include named for gitguard whose job runs no audit: lost',
    batch.add(
      { [CI]: `include:\n  - local: ci/gitguard.yml\n`, 'ci/gitguard.yml': job([]) },
      { 'ci/gitguard.yml': job([], ['true']) },
      false,
    ),
  );
  test(
    'a local include named for gitguard whose job audits: kept',
    batch.add(
      { [CI]: `include:\n  - local: ci/gitguard.yml\n`, 'ci/gitguard.yml': job([]) },
      { 'ci/gitguard.yml': job(['echo hi']) },
      true,
    ),
  );
  test(
    'a remote include of a template named for gitguard (README): kept',
    batch.add(
      T,
      {
        [CI]: `include:\n  - remote: https://example.com/gitguard/ci/gitlab-ci.yml\nvariables:\n  GITGUARD_FAIL_ON: high\n`,
      },
      true,
    ),
  );
});

describe("GitHub: the gate step's own lines run a file of the checkout first", () => {
  const batch = gateBatch();
  const G = { [WF]: wf(`npx ${GATE}`) };
  test(
    './ci/setup.sh, then the audit, in one run: lost',
    batch.add(G, { [WF]: wf(`./ci/setup.sh\nnpx ${GATE}`), ...setup(PLANT) }, false),
  );
  test(
    './ci/setup.sh that builds, then the audit: kept',
    batch.add(G, { [WF]: wf(`./ci/setup.sh\nnpx ${GATE}`), ...setup(BUILDS) }, true),
  );
  test(
    'the audit, then ./ci/setup.sh: kept',
    batch.add(G, { [WF]: wf(`npx ${GATE}\n./ci/setup.sh`), ...setup(PLANT) }, true),
  );
});

// GitLab Runner's fetch and checkout, and git before the audit, run with the job's variables (GitLab
// documents GIT_TRACE and GIT_CURL_VERBOSE there for debugging the clone); gitguard's own git drops
// every GIT_*, the runner's does not. `core.fsmonitor` runs its value as a command at the checkout.
describe('GitLab: git settings in variables: for the gate job', () => {
  const batch = gateBatch();
  const vars = (lines: string): string => job([], [GATE], `  variables:\n${lines}`);
  for (const [name, v] of [
    [
      'GIT_CONFIG_KEY_0: core.fsmonitor',
      '    GIT_CONFIG_COUNT: "1"\n    GIT_CONFIG_KEY_0: core.fsmonitor\n    GIT_CONFIG_VALUE_0: ./ci/x.sh\n',
    ],
    [
      'GIT_CONFIG_KEY_0: core.hooksPath',
      '    GIT_CONFIG_COUNT: "1"\n    GIT_CONFIG_KEY_0: core.hooksPath\n    GIT_CONFIG_VALUE_0: ci/hooks\n',
    ],
    ['GIT_CONFIG_PARAMETERS', `    GIT_CONFIG_PARAMETERS: "'core.fsmonitor'='./ci/x.sh'"\n`],
    ['GIT_TEMPLATE_DIR', '    GIT_TEMPLATE_DIR: ci/template\n'],
  ] as const)
    test(`${name}: lost`, batch.add(DIRECT, { [CI]: vars(v) }, false));
  for (const [name, v] of [
    [
      'GIT_CONFIG_KEY_0: safe.directory',
      '    GIT_CONFIG_COUNT: "1"\n    GIT_CONFIG_KEY_0: safe.directory\n    GIT_CONFIG_VALUE_0: "*"\n',
    ],
    [
      'GIT_DEPTH, GIT_TRACE, GIT_SUBMODULE_STRATEGY',
      '    GIT_DEPTH: "0"\n    GIT_TRACE: "1"\n    GIT_SUBMODULE_STRATEGY: recursive\n',
    ],
  ] as const)
    test(`${name}: kept`, batch.add(DIRECT, { [CI]: vars(v) }, true));
});
