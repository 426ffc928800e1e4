// links216: actions/checkout's `submodules: true` (or `recursive`) clones the commit's submodules into
// their folders before the gate, as `git submodule update --init` does, but the input was not read:
// a gitlink at `node_modules/.bin` (the other repository's `gitguard` there is what `npx gitguard`
// runs) kept the gate, where the same clone by `git submodule update --init` lost it (submod211). The
// input is now told as the same write, read at the commit; a checkout of another repository, ref or
// folder with submodules clones gitlinks the commit does not list, and loses it.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);

type Files = Record<string, string>;
const W = '.github/workflows/ci.yml';
const ID = 'a'.repeat(40);
const co = (inputs: string): string => `      - uses: actions/checkout@v4\n        with:\n${inputs}`;
const job = (checkout: string, path: string): Files => ({
  [W]: `on: push\njobs:\n  g:\n    runs-on: ubuntu-latest\n    steps:\n${checkout}      - run: npx gitguard audit\n`,
  '.gitmodules': `[submodule "x"]\n\tpath = ${path}\n\turl = https://example.com/x.git\n`,
});
const DIRECT = job('      - uses: actions/checkout@v4\n', 'vendor/lib');

/** [name, the checkout's inputs, the submodule's path, kept]. */
const CASES: Array<[string, string, string, boolean]> = [
  ['submodules: true, a gitlink at vendor/lib', '          submodules: true\n', 'vendor/lib', true],
  ['submodules: recursive, a gitlink at vendor/lib', '          submodules: recursive\n', 'vendor/lib', true],
  ['submodules: false, a gitlink at node_modules/.bin', '          submodules: false\n', 'node_modules/.bin', true],
  ['fetch-depth only, a gitlink at node_modules/.bin', '          fetch-depth: 0\n', 'node_modules/.bin', true],
  ['submodules: true, a gitlink at node_modules/.bin', '          submodules: true\n', 'node_modules/.bin', false],
  ['submodules: recursive, a gitlink at node_modules', '          submodules: recursive\n', 'node_modules', false],
  [
    'submodules: true with repository: (another tree)',
    '          submodules: true\n          repository: other/repo\n',
    'vendor/lib',
    false,
  ],
  [
    'submodules: ${{ inputs.sm }} (may be true)',
    "          submodules: '${{ inputs.sm }}'\n",
    'node_modules/.bin',
    false,
  ],
];

describe('links216: actions/checkout submodules before a direct npx gate', () => {
  const batch = gateBatch();
  for (const [name, inputs, path, kept] of CASES)
    it(
      `${kept ? 'keeps' : 'loses'} the gate: ${name}`,
      batch.add(DIRECT, job(co(inputs), path), kept, undefined, undefined, { [path]: ID }),
      600_000,
    );
});
