// redteam154: a change that swaps the image the gate job runs in kept ci-gate-kept. GitLab runs a
// job's before_script and script inside its `image:` (`default:`'s where the job sets none), with its
// `services:` beside it sharing the checkout; GitHub runs a job's steps in its `container:`. The image
// is the pusher's choice of programs: `gitguard`, `npx` and `node` on its PATH, or an `entrypoint:` that
// plants one before the script. Now the gate job's images (and a `$NAME` its variables set, and on
// GitHub the matrix an expression in `container:` reads) must be as the CI files wrote them where the
// range starts (--base); an unchanged image keeps the gate.
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

const CI = '.gitlab-ci.yml';
const WF = '.github/workflows/ci.yml';
const AUDIT = '    - gitguard audit --fail-on high\n';
const gate = (extra: string): string => `gitguard:\n${extra}  script:\n${AUDIT}`;
const build = 'build:\n  image: $BUILDER\n  variables:\n    BUILDER: node:22\n  script:\n    - npm test\n';
/** Where the range starts: the gate in node:20, a build job in $BUILDER (node:22). */
const START_GL = { [CI]: gate('  image: node:20\n') + build };
const wf = (job: string): string =>
  `on: push\njobs:\n  audit:\n    runs-on: ubuntu-latest\n${job}    steps:\n      - uses: actions/checkout@v4\n      - run: npx gitguard audit\n`;
const MATRIX = '    container: ${{ matrix.img }}\n    strategy:\n      matrix:\n        img: [node:20]\n';
/** Where the range starts: the gate in node:20, a test job in its matrix's image. */
const START_GH = {
  [WF]: `${wf('    container: node:20\n')}  test:\n    runs-on: ubuntu-latest\n${MATRIX}    steps:\n      - run: npm test\n`,
};

describe('GitLab: the image the gate job runs in', () => {
  const batch = gateBatch(START_GL);
  const lost: Array<[string, string]> = [
    ["the gate job's image swapped", gate('  image: registry.example.com/evil/node:20\n')],
    ["default:'s image where the job sets none", `default:\n  image: registry.example.com/evil:1\n${gate('')}`],
    [
      'the same image with an entrypoint that plants gitguard',
      gate(
        '  image:\n    name: node:20\n    entrypoint: ["sh", "-c", "ln -s /bin/true /usr/local/bin/gitguard; exec sh"]\n',
      ),
    ],
    ['a service beside the gate', gate('  image: node:20\n  services:\n    - registry.example.com/writer:1\n')],
    [
      'an image by a variable the job sets anew',
      gate('  image: $BUILDER\n  variables:\n    BUILDER: registry.example.com/evil:1\n'),
    ],
  ];
  for (const [name, after] of lost) test(`${name}: lost`, batch.add(START_GL, { [CI]: after + build }, false));
  test(
    'the image unchanged, the script reworded: kept',
    batch.add(START_GL, { [CI]: gate('  image: node:20\n  variables:\n    GIT_DEPTH: 0\n') + build }, true),
  );
  test(
    'an image by a variable set as where the range starts: kept',
    batch.add(START_GL, { [CI]: gate('  image: $BUILDER\n  variables:\n    BUILDER: node:22\n') + build }, true),
  );
  test(
    'the image moved to default:, the same text: kept',
    batch.add(START_GL, { [CI]: `default:\n  image: node:20\n${gate('')}${build}` }, true),
  );
});

describe('GitHub: the container the gate job runs in', () => {
  const batch = gateBatch(START_GH);
  const before = START_GH;
  test(
    "the job's container swapped: lost",
    batch.add(before, { [WF]: wf('    container: registry.example.com/evil:1\n') }, false),
  );
  test(
    'a service added: lost',
    batch.add(before, { [WF]: wf('    container: node:20\n    services:\n      w:\n        image: evil:1\n') }, false),
  );
  test(
    'the container by a matrix that changed: lost',
    batch.add(
      before,
      { [WF]: wf('    container: ${{ matrix.img }}\n    strategy:\n      matrix:\n        img: [evil:1]\n') },
      false,
    ),
  );
  test(
    'the container unchanged: kept',
    batch.add(before, { [WF]: wf('    container: node:20\n    timeout-minutes: 30\n') }, true),
  );
  test('the container by the matrix as it was: kept', batch.add(before, { [WF]: wf(MATRIX) }, true));
});

// README's recipe: the template included from a remote no file here holds. A job here with nothing of
// its own to run merges into the template's job of its name, over it: its image, its before_script
// (a file of the checkout planting `npx`, which the template's job runs), its variables.
const INCLUDE = `include:\n  - remote: https://example.com/gitguard/ci/gitlab-ci.yml\nvariables:\n  GITGUARD_FAIL_ON: high\n`;
const OVER = `${INCLUDE}gitguard:\n  variables:\n    GIT_DEPTH: 0\n`;
describe('GitLab: the remote template job overridden here', () => {
  const batch = gateBatch({ [CI]: OVER });
  const lost: Array<[string, Record<string, string>]> = [
    ['its image', { [CI]: `${INCLUDE}gitguard:\n  image: evil:1\n` }],
    [
      'its before_script',
      {
        [CI]: `${INCLUDE}gitguard:\n  before_script:\n    - ./ci/setup.sh\n`,
        'ci/setup.sh': '#!/bin/sh\ncp /bin/true /usr/local/bin/npx\n',
      },
    ],
    ['its variables', { [CI]: `${INCLUDE}gitguard:\n  variables:\n    GITGUARD_FAIL_ON: critical\n` }],
    ['global variables', { [CI]: `${INCLUDE.replace('high', 'high\n  NODE_OPTIONS: --require ./x.js')}` }],
  ];
  for (const [name, after] of lost) test(`${name}: lost`, batch.add({ [CI]: INCLUDE }, after, false));
  test('the override as where the range starts: kept', batch.add({ [CI]: INCLUDE }, { [CI]: OVER }, true));
  test(
    'another job with a script of its own added: kept',
    batch.add({ [CI]: OVER }, { [CI]: `${OVER}test:\n  image: node:22\n  script:\n    - npm test\n` }, true),
  );
});
