// cleanpass176: honest jobs ci-gate-kept read as the gate removed (false failures), each beside the
// attack that still loses it.
// 1. A removal outside the workspace by `$HOME` (`rm -rf "$HOME/.npm"`) was read as a path not told
//    (any expansion); it is read as `~/.npm` is: no file of the checkout. `$HOME/../x` and
//    `$HOME/$X` may climb to the workspace: not told, lost.
// 2. `wget -O f`, `unzip -d d`, `tar -xf t -C d` were read as writing into the folder they run in too
//    (any name): the option tells where they write. GNU tar, bsdtar and unzip keep one unpacking under
//    its folder (no `..` member, a member's link made after the members); a second unpacking or a
//    write under that folder may go through a link the first made (GNU tar 1.34 writes `x/gate.sh`
//    through `x -> ../ci` an earlier run left): lost, as is a folder holding a committed link.
// 3. A plain restore (download-artifact into `target/`; actions/cache of it is no plain restore since
//    redteam174) and any write in one job lost a direct
//    `npx gitguard audit`: a write whose told paths are apart from every restored path (not at, above
//    or under it, nor npm's or a version manager's files) is judged alone.
// 4. A gate step's `shell:` as the runner runs it: `bash -e {0}`, `bash --noprofile --norc -eo
//    pipefail {0}` and `sh` run the step's text; `python {0}` does not; `bash ci/x.sh {0}` runs
//    ci/x.sh with the text as its argument (no gate: fail closed).
// 5. Honest workflows in the shapes real projects use, each with README's gate recipe, keep the gate
//    after a second commit that edits README and adds a test job.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { artifactStep, checkoutJob, runStep } from '../helpers/workflow-steps.js';

afterAll(cleanupTemp);

const FILES = { 'ci/gate.sh': 'set -e\nnpx gitguard audit\n', 'ci/x.sh': 'bash ci/gate.sh\n', 'report.txt': 'r\n' };
const run = runStep;
const GATE = run('bash ci/gate.sh');
const NPX = run('npx gitguard audit');
const job = (steps: string, gate = GATE): Record<string, string> => checkoutJob(steps, gate, FILES);
const shell = (s: string, text = 'bash ci/gate.sh'): Record<string, string> =>
  job('', run(text, `        shell: ${s}\n`));
const HONEST = job('');

type Case = [name: string, files: Record<string, string>];
const KEPT: Case[] = [
  // 1
  ['rm -rf "$HOME/.npm"', job(run('rm -rf "$HOME/.npm"'))],
  ['rm -rf ${HOME}/.cache/x', job(run('rm -rf ${HOME}/.cache/x'))],
  ['rm -rf "$RUNNER_TEMP/x" /tmp/x ~/.cache/x', job(run('rm -rf "$RUNNER_TEMP/x" /tmp/x ~/.cache/x'))],
  // 2
  ['wget -O out.bin URL', job(run('wget -q -O out.bin https://example.com/x'))],
  ['wget -P downloads URL', job(run('wget -P downloads https://example.com/x'))],
  ['unzip -d build/ x.zip', job(run('unzip -q -d build/ x.zip'))],
  ['tar -xf x.tgz -C build/', job(run('tar -xzf x.tgz -C build/'))],
  ['tar xzf x.tgz --directory=build', job(run('tar xzf x.tgz --directory=build'))],
  ['curl -O --output-dir build URL', job(run('curl -sSLO --output-dir build https://example.com/x.tgz'))],
  [
    'download, unpack into build, unpack another into out',
    job(run('wget -O a.tgz https://e.x/a && tar -xzf a.tgz -C build') + run('unzip -q b.zip -d out')),
  ],
  // 3
  [
    'download-artifact into target/, a write, npx gitguard',
    job(artifactStep('target/') + run('echo x > version.txt'), NPX),
  ],
  [
    'a write, download-artifact into target/, npx gitguard',
    job(run('echo x > version.txt') + artifactStep('target/'), NPX),
  ],
  [
    'download-artifact into target/, tar into out, npx gitguard',
    job(artifactStep('target/') + run('tar -xf target/t.tgz -C out'), NPX),
  ],
  [
    'download-artifact of target/ and .venv, two writes, npx gitguard',
    job(artifactStep('target/') + artifactStep('.venv') + run('echo 1 > a.txt') + run('cp a.txt target2.txt'), NPX),
  ],
  // 4
  ['shell: bash -e {0}', shell('bash -e {0}')],
  ['shell: bash --noprofile --norc -eo pipefail {0}', shell('bash --noprofile --norc -eo pipefail {0}')],
  ['shell: sh', shell('sh')],
  ['shell: bash, npx gitguard', shell('bash', 'npx gitguard audit')],
];
const LOST: Case[] = [
  // 1
  ['rm -rf "$HOME/../work/r/r/ci"', job(run('rm -rf "$HOME/../work/r/r/ci"'))],
  ['rm -rf "$HOME/$X"', job(run('rm -rf "$HOME/$X"'))],
  ['rm -rf ci/gate.sh', job(run('rm -rf ci/gate.sh'))],
  // 2
  ['wget -O ci/gate.sh URL', job(run('wget -O ci/gate.sh https://example.com/x'))],
  ['wget URL (its own name)', job(run('wget https://example.com/x'))],
  ['unzip -d ci/ x.zip', job(run('unzip -d ci/ x.zip'))],
  ['unzip x.zip (no -d)', job(run('unzip -o x.zip'))],
  ['tar -xf x.tgz -C ci', job(run('tar -xf x.tgz -C ci'))],
  ['tar -xzf x.tgz (no -C)', job(run('tar -xzf x.tgz'))],
  ['tar -czf ci/gate.sh -C build . (creates)', job(run('tar -czf ci/gate.sh -C build .'))],
  ['two unpackings into build, one step', job(run('tar -xf a.tgz -C build && tar -xf b.tgz -C build/'))],
  ['two unpackings into build, two steps', job(run('tar -xf a.tgz -C build') + run('unzip -q b.zip -d build'))],
  ['an unpacking into build, a copy under it', job(run('tar -xf a.tgz -C build') + run('cp /tmp/x build/l/gate.sh'))],
  [
    'an unpacking into build, one into build/sub',
    job(run('tar -xf a.tgz -C build') + run('tar -xf b.tgz -C build/sub')),
  ],
  // 3
  ['download-artifact into target/, a write under it', job(artifactStep('target/') + run('echo x > target/l/y'), NPX)],
  [
    'download-artifact into target/, cp to .tool-versions',
    job(artifactStep('target/') + run('cp target/v .tool-versions'), NPX),
  ],
  ['download-artifact into target/, tar -C .', job(artifactStep('target/') + run('tar -xf target/t.tgz -C .'), NPX)],
  [
    'cp -r of a link to target, then download-artifact into target/',
    job(run('cp -r /tmp/l target') + artifactStep('target/'), NPX),
  ],
  ['download-artifact into target/, cp -r target/. .', job(artifactStep('target/') + run('cp -r target/. .'), NPX)],
  [
    'download-artifact into target/, cp to TARGET/x (a macOS runner: one folder)',
    job(artifactStep('target/') + run('cp /tmp/l TARGET'), NPX),
  ],
  // 4
  ['shell: python {0}', shell('python {0}')],
  ['shell: bash ci/x.sh {0}', shell('bash ci/x.sh {0}', 'true')],
  ['shell: bash -c true {0}', shell("bash -c 'exit 0' {0}")],
];

describe('cleanpass176: writes and shells that keep or lose a gate', () => {
  const batch = gateBatch();
  for (const [name, files] of KEPT) it(`keeps: ${name}`, batch.add(HONEST, files, true), 600_000);
  for (const [name, files] of LOST) it(`loses: ${name}`, batch.add(HONEST, files, false), 600_000);
  // A folder written holding a link at the commit (`out/l -> ../ci`): the unpacking writes through it.
  it(
    'loses: an unpacking into out, where out/l is a committed link to ci',
    batch.add(HONEST, job(run('tar -xf a.tgz -C out')), false, undefined, { 'out/l': '../ci' }),
    600_000,
  );
  it(
    'keeps: an unpacking into out, where out/l is a committed link, not on the chain',
    batch.add(HONEST, { ...job(run('tar -xf a.tgz -C build')), 'out/keep.txt': 'k\n' }, true, undefined, {
      'out/l': '../ci',
    }),
    600_000,
  );
});

// 5. Honest workflows, each with README's recipe: `npx gitguard audit` in a job of its own (or after
// the build), gitguard's own action, GitLab's job by hand. The second commit edits README and adds a
// test job: the gate must stay.
const WF = '.github/workflows/ci.yml';
const ID = '0123456789abcdef0123456789abcdef01234567';
const CHECKOUT = '      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n';
const GATE_JOB = `  gitguard:\n    runs-on: ubuntu-latest\n    steps:\n${CHECKOUT}      - run: npx gitguard audit\n`;
const ACTION_JOB = `  gitguard:\n    runs-on: ubuntu-latest\n    steps:\n${CHECKOUT}      - uses: acme/gitguard@${ID}\n        with:\n          fail-on: high\n`;
const EXTRA_JOB =
  '  extra:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm test\n';
const gh = (top: string, jobs: string, more: Record<string, string> = {}): Record<string, string> => ({
  'README.md': '# app\n',
  ...more,
  [WF]: `${top}jobs:\n${jobs}`,
});
const NODE = (cache: string): string =>
  `      - uses: actions/setup-node@v4\n        with:\n          node-version: 20\n          cache: ${cache}\n`;
const build = (steps: string, head = '    runs-on: ubuntu-latest\n'): string =>
  `  build:\n${head}    steps:\n      - uses: actions/checkout@v4\n${steps}`;
const PKG = { 'package.json': '{"scripts":{"test":"node t.js","audit:git":"gitguard audit"}}\n' };
const GL = '.gitlab-ci.yml';
const GL_GATE = [
  ...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/^```yaml\n(gitguard:\n[\s\S]*?)^```$/gm),
][0]![1]!;
const gl = (rest: string): Record<string, string> => ({ 'README.md': '# app\n', [GL]: `${rest}${GL_GATE}` });

const SHAPES: Case[] = [
  [
    'setup-node cache: npm, npm ci, npm test, npx gitguard',
    gh(
      'on: [push, pull_request]\n',
      build(`${NODE('npm')}      - run: npm ci\n      - run: npm test\n      - run: npx gitguard audit\n`),
    ),
  ],
  [
    'pnpm/action-setup, setup-node cache: pnpm',
    gh(
      'on: push\n',
      build(
        `      - uses: pnpm/action-setup@v4\n        with:\n          version: 9\n${NODE('pnpm')}      - run: pnpm install --frozen-lockfile\n      - run: pnpm test\n`,
      ) + GATE_JOB,
    ),
  ],
  [
    'setup-python cache: pip, pytest, the action',
    gh(
      'on: push\n',
      build(
        '      - uses: actions/setup-python@v5\n        with:\n          python-version: "3.12"\n          cache: pip\n      - run: pip install -r requirements.txt\n      - run: pytest -q\n',
      ) + ACTION_JOB,
    ),
  ],
  [
    'matrix over OS, gate job',
    gh(
      'on: push\n',
      build(
        '      - run: npm test\n',
        '    runs-on: ${{ matrix.os }}\n    strategy:\n      matrix:\n        os: [ubuntu-latest, macos-latest, windows-latest]\n',
      ) + GATE_JOB,
    ),
  ],
  [
    'concurrency and permissions',
    gh(
      'on: push\nconcurrency:\n  group: ci-${{ github.ref }}\n  cancel-in-progress: true\npermissions:\n  contents: read\n',
      GATE_JOB,
    ),
  ],
  [
    'README action recipe with permissions',
    gh('on: push\npermissions:\n  contents: read\n  security-events: write\n  actions: read\n', ACTION_JOB),
  ],
  ['defaults.run.shell bash', gh('on: push\ndefaults:\n  run:\n    shell: bash\n', GATE_JOB)],
  [
    'defaults.run.working-directory for the build',
    gh(
      'on: push\n',
      build(
        '      - run: npm ci && npm test\n',
        '    runs-on: ubuntu-latest\n    defaults:\n      run:\n        working-directory: web\n',
      ) + GATE_JOB,
      { 'web/package.json': '{}\n' },
    ),
  ],
  [
    'a Makefile gate',
    gh('on: push\n', `  gitguard:\n    runs-on: ubuntu-latest\n    steps:\n${CHECKOUT}      - run: make audit\n`, {
      Makefile: 'audit:\n\tnpx gitguard audit\n',
    }),
  ],
  [
    'a package.json script gate',
    gh(
      'on: push\n',
      `  gitguard:\n    runs-on: ubuntu-latest\n    steps:\n${CHECKOUT}      - run: npm run audit:git\n`,
      PKG,
    ),
  ],
  [
    // actions/cache of a workspace folder leaves no gate in its job (redteam174): the recipe caches it in the build job.
    'actions/cache of ~/.cargo and target/ in the build job, cargo test, the action in its own',
    gh(
      'on: push\n',
      `  build:\n    runs-on: ubuntu-latest\n    steps:\n${CHECKOUT}      - uses: actions/cache@v4\n        with:\n          path: |\n            ~/.cargo/registry\n            target/\n          key: cargo-\${{ hashFiles('Cargo.lock') }}\n      - run: cargo test\n  gitguard:\n    runs-on: ubuntu-latest\n    steps:\n${CHECKOUT}      - uses: acme/gitguard@${ID}\n`,
    ),
  ],
  [
    'upload-artifact in the build job, gate job',
    gh(
      'on: push\n',
      build(
        '      - run: npm run build\n      - uses: actions/upload-artifact@v4\n        with:\n          name: dist\n          path: dist/\n',
      ) + GATE_JOB,
    ),
  ],
  [
    'a tool downloaded and unpacked to $RUNNER_TEMP, then the gate',
    gh(
      'on: push\n',
      `  gitguard:\n    runs-on: ubuntu-latest\n    steps:\n${CHECKOUT}      - run: wget -q -O tool.tgz https://example.com/tool.tgz && tar -xzf tool.tgz -C "$RUNNER_TEMP"\n      - run: npx gitguard audit\n`,
    ),
  ],
  [
    'a reusable workflow with secrets: inherit',
    {
      'README.md': '# app\n',
      [WF]: 'on: push\njobs:\n  gate:\n    uses: ./.github/workflows/gitguard.yml\n    secrets: inherit\n',
      '.github/workflows/gitguard.yml': `on:\n  workflow_call:\njobs:\n${GATE_JOB}`,
    },
  ],
  [
    'timeout-minutes, env, continue-on-error false',
    gh(
      'on: push\nenv:\n  NODE_VERSION: 20\n',
      `  gitguard:\n    runs-on: ubuntu-latest\n    timeout-minutes: 10\n    steps:\n${CHECKOUT}      - run: npx gitguard audit --fail-on high\n        continue-on-error: false\n`,
    ),
  ],
  [
    'GitLab: stages, rules, needs, cache, artifacts, before_script',
    gl(
      'stages: [build, test]\nbuild:\n  stage: build\n  image: node:20\n  before_script:\n    - apt-get update && apt-get install -y make\n  cache:\n    key: npm\n    paths: [.npm/]\n  script:\n    - npm ci --cache .npm\n    - npm run build\n  artifacts:\n    paths: [dist/]\ntest:\n  stage: test\n  needs: [build]\n  rules:\n    - if: $CI_PIPELINE_SOURCE == "merge_request_event"\n    - if: $CI_COMMIT_BRANCH\n  script:\n    - npm test\n',
    ),
  ],
  [
    'GitLab: default cache and image',
    gl('default:\n  image: node:20\n  cache:\n    paths: [node_modules/]\nlint:\n  script:\n    - npm run lint\n'),
  ],
];
const withChange = (files: Record<string, string>): Record<string, string> => {
  const after: Record<string, string> = { 'README.md': '# app\n\nNow with a test job.\n' };
  if (files[WF]) after[WF] = `${files[WF]}${EXTRA_JOB}`;
  if (files[GL]) after[GL] = `${files[GL]}extra-test:\n  script:\n    - make test\n`;
  return after;
};

// A chain of its own for each shape: the commit going from one shape to the next is no honest change.
describe('cleanpass176: honest workflows keep their gate after an unrelated change', () => {
  for (const [name, files] of SHAPES)
    it(`README edit and a test job: ${name}`, gateBatch().add(files, withChange(files), true), 600_000);
});
