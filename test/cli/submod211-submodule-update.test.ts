// submod211: `git submodule update --init --recursive` before `npx gitguard audit`, as gate jobs of
// projects with submodules run it, wrote paths not told and lost the gate (actions/checkout's
// `submodules: recursive` kept it). git writes only the folders of the commit's gitlinks (nested
// submodules under them), read at the commit: a submodule in an ordinary folder keeps the gate; one
// at node_modules or node_modules/.bin, a case-folded twin of a link on its way, `foreach` (runs
// commands), a `submodule.<name>.update=!cmd` set in the job, GIT_ALLOW_PROTOCOL with ext, an option
// before `submodule`, or a write into a submodule's folder after it lose it.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);

type Files = Record<string, string>;
const W = '.github/workflows/ci.yml';
const GL = '.gitlab-ci.yml';
const CO = '      - uses: actions/checkout@v4\n';
const HDR = 'name: ci\non:\n  push:\n    branches: [main]\n  pull_request:\npermissions:\n  contents: read\n';
const r = (s: string): string => `      - run: ${JSON.stringify(s)}\n`;
const wf = (steps: string): Files => ({
  [W]: `${HDR}jobs:\n  gitguard:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`,
});
const NPX = r('npx gitguard audit');
const BASE = wf(CO + NPX);
const ID = 'a'.repeat(40);
const modules = (paths: readonly string[]): Files => ({
  '.gitmodules': paths.map((p) => `[submodule "${p}"]\n\tpath = ${p}\n\turl = https://example.com/${p}.git\n`).join(''),
});
const linked = (paths: readonly string[]): Files => Object.fromEntries(paths.map((p) => [p, ID]));
const ORDINARY = ['vendor/lib', 'third_party/x'];

/** [name, the gate job's steps after actions/checkout, submodule paths, kept]. */
const CASES: Array<[string, string, readonly string[], boolean]> = [
  ['update --init --recursive', r('git submodule update --init --recursive') + NPX, ORDINARY, true],
  [
    'update --init --recursive --depth 1 --jobs 4',
    r('git submodule update --init --recursive --depth 1 --jobs 4') + NPX,
    ORDINARY,
    true,
  ],
  [
    'sync then update --init',
    r('git submodule sync --recursive\ngit submodule update --init --recursive') + NPX,
    ORDINARY,
    true,
  ],
  [
    'init then update -q -- vendor/lib',
    r('git submodule init && git submodule update -q -- vendor/lib') + NPX,
    ORDINARY,
    true,
  ],
  [
    'in the gate step before its audit',
    r('git submodule update --init --recursive\nnpx gitguard audit'),
    ORDINARY,
    true,
  ],
  ['a gitlink at node_modules', r('git submodule update --init') + NPX, ['node_modules'], false],
  ['a gitlink at node_modules/.bin', r('git submodule update --init') + NPX, ['node_modules/.bin'], false],
  [
    'the gate run in the submodule folder',
    r('git submodule update --init') + r('cd vendor/lib && npx gitguard audit'),
    ORDINARY,
    false,
  ],
  ['foreach runs commands', r('git submodule update --init && git submodule foreach git pull') + NPX, ORDINARY, false],
  [
    'submodule.<name>.update=!cmd set in the job',
    r("git config --global submodule.vendor/lib.update '!sh -c true'") + r('git submodule update --init') + NPX,
    ORDINARY,
    false,
  ],
  ['GIT_ALLOW_PROTOCOL with ext', r('GIT_ALLOW_PROTOCOL=ext:https git submodule update --init') + NPX, ORDINARY, false],
  ['an option before submodule', r('git -C vendor submodule update --init') + NPX, ORDINARY, false],
  [
    'a write into a submodule folder after it',
    r('git submodule update --init\ncp .npmrc vendor/lib/x') + NPX,
    ORDINARY,
    false,
  ],
];

const GITLAB = (before: string): Files => ({
  [GL]: `gitguard:\n  image: node:20\n${before}  script:\n    - npx gitguard audit\n`,
});

const batch = gateBatch();
describe('git submodule update before a direct gate writes only the commit submodules folders', () => {
  for (const [name, steps, paths, kept] of CASES)
    test(name, batch.add(BASE, { ...wf(CO + steps), ...modules(paths) }, kept, undefined, undefined, linked(paths)));
  test(
    'gitlab: before_script git submodule update --init --recursive',
    batch.add(
      GITLAB(''),
      { ...GITLAB('  before_script:\n    - git submodule update --init --recursive\n'), ...modules(ORDINARY) },
      true,
      undefined,
      undefined,
      linked(ORDINARY),
    ),
  );
  test(
    'a link a beside the folder A holding a gitlink (CVE-2024-32002 shape)',
    batch.add(
      BASE,
      { ...wf(CO + r('git submodule update --init') + NPX), ...modules(['A/modules/x']) },
      false,
      undefined,
      { a: '.git' },
      linked(['A/modules/x']),
    ),
  );
});
