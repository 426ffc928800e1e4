// cleanpass151: honest workflows that restore a cache or download an artifact before gitguard's own
// action, which ci-gate-kept read as the gate removed (a false failure): actions/cache of
// `node_modules`, `target/`, `.venv`, Cargo's registry with `target/`, Gradle's caches and wrapper;
// actions/download-artifact of a build output into `dist/`. The action runs the audit from its own
// folder (npm ci there, its global bin) on the workspace's repository: files put under plain folders
// of the workspace are none it runs. Twins that still lose it: the same restore before `npx gitguard`
// (which runs node_modules/.bin/gitguard), or before the action auditing the restored folder; a restore of the workspace itself (`./`, download-artifact with no
// `path:`), of `.git`, of a `..` path, of `~/.cargo` (its bin is on PATH), or named by a pattern.
// Regressions that already passed: version checks in python -c and node -e, a Windows test job
// beside the gate's ubuntu job. redteam174: actions/cache of a workspace path (or Gradle's wrapper)
// loses the gate again: tar unpacks its archive's members where they name (`-P`), so only
// download-artifact keeps the reading above. cache208: the change can save the entry its own gate job
// restores, so any cache (Cargo's registry, Gradle's caches, setup-node's and setup-python's
// `cache:`) in the gate's job loses it too.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);

const WF = '.github/workflows/ci.yml';
const ID = '0123456789abcdef0123456789abcdef01234567';
const NPX = '      - run: npx gitguard audit\n';
const ACTION = `      - uses: acme/gitguard@${ID}\n        with:\n          fail-on: high\n`;
/** A push workflow's job: checkout with the history, then `steps`, then the gate `gate`. */
const job = (steps: string, gate = ACTION, head = '    runs-on: ubuntu-latest\n'): string =>
  `on: push\njobs:\n  a:\n${head}    steps:\n      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n${steps}${gate}`;
/** actions/cache of `path` (a block of lines where it holds a newline). */
const cache = (path: string, uses = 'actions/cache@v4'): string =>
  `      - uses: ${uses}\n        with:\n          path: ${path.includes('\n') ? `|\n${path.replace(/^/gm, '            ')}` : path}\n          key: deps-\${{ hashFiles('**/*.lock') }}\n`;
const artifact = (path?: string): string =>
  `      - uses: actions/download-artifact@v4\n        with:\n          name: dist\n${path ? `          path: ${path}\n` : ''}`;
const CARGO = '~/.cargo/registry/index/\n~/.cargo/registry/cache/\n~/.cargo/git/db/\ntarget/';

type Case = [name: string, files: Record<string, string>];
const KEPT: Case[] = [
  // redteam174: actions/cache of a workspace path loses it (its archive's members land where they
  // name); download-artifact unpacks under its path. cache208: a cache in $HOME loses it too (LOST).
  ['download-artifact into node_modules', { [WF]: job(artifact('node_modules')) }],
  ['download-artifact of dist/', { [WF]: job(artifact('dist/')) }],
  ['the action with path: .', { [WF]: job(artifact('node_modules'), `${ACTION}          path: .\n`) }],
  // Already kept: version checks, a Windows job that is not the gate's.
  [
    'python -c and node -e printing versions',
    {
      [WF]: job(
        '      - run: python -c "import sys; print(sys.version)"\n      - run: node -e "console.log(process.versions.node)"\n      - run: python3 --version\n',
        NPX,
      ),
    },
  ],
  [
    'a Windows test job beside the gate job',
    {
      [WF]: `on: push\njobs:\n  test:\n    strategy:\n      matrix:\n        os: [ubuntu-latest, windows-latest]\n    runs-on: \${{ matrix.os }}\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci\n      - run: npm test\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n${NPX}`,
    },
  ],
];
const LOST: Case[] = [
  // redteam174: tar -P puts an entry's members where they name, whatever `path:` says.
  // cache208: and the change can save the entry its own gate job restores, so a cache in $HOME
  // (Cargo's registry, Gradle's caches) or a setup action's cache loses it as well.
  ["Cargo's registry", { [WF]: job(cache(CARGO.replace('\ntarget/', ''))) }],
  ["Gradle's caches", { [WF]: job(cache('~/.gradle/caches')) }],
  [
    'setup-node and setup-python with cache:',
    {
      [WF]: job(
        '      - uses: actions/setup-node@v4\n        with:\n          node-version: 20\n          cache: npm\n      - uses: actions/setup-python@v5\n        with:\n          python-version: "3.12"\n          cache: pip\n      - run: npm ci\n',
        '      - run: npx --cache "$(mktemp -d)" gitguard audit\n',
      ),
    },
  ],
  ['actions/cache of node_modules', { [WF]: job(cache('node_modules')) }],
  ['actions/cache/restore of node_modules', { [WF]: job(cache('node_modules', 'actions/cache/restore@v4')) }],
  ['actions/cache of target/', { [WF]: job(cache('target/')) }],
  ['target/ before npx gitguard', { [WF]: job(cache('target/'), NPX) }],
  ['actions/cache of .venv', { [WF]: job(cache('.venv')) }],
  ["Cargo's registry and target/", { [WF]: job(cache(CARGO)) }],
  ["Gradle's caches and wrapper", { [WF]: job(cache('~/.gradle/caches\n~/.gradle/wrapper')) }],
  ['node_modules before npx gitguard', { [WF]: job(cache('node_modules'), NPX) }],
  ['a folder before the action auditing it', { [WF]: job(cache('sub'), `${ACTION}          path: sub\n`) }],
  ['the workspace (./)', { [WF]: job(cache('./')) }],
  ['download-artifact with no path', { [WF]: job(artifact()) }],
  ['.git', { [WF]: job(cache('.git/hooks')) }],
  ['a .. path', { [WF]: job(cache('target/../../.local/bin')) }],
  ['a .. path past the wrapper', { [WF]: job(cache('~/.gradle/wrapper/../../.local/bin')) }],
  ['~/.cargo (its bin is on PATH)', { [WF]: job(cache('~/.cargo')) }],
  ['a pattern', { [WF]: job(cache('**/node_modules')) }],
  ['an expansion', { [WF]: job(cache('${{ runner.temp }}/x')) }],
];

const DIRECT = { [WF]: job('') };
describe('cleanpass151: restores under plain folders of the workspace before gitguard', () => {
  const batch = gateBatch();
  for (const [name, files] of KEPT) it(`keeps the gate: ${name}`, batch.add(DIRECT, files, true), 600_000);
  for (const [name, files] of LOST) it(`loses the gate: ${name}`, batch.add(DIRECT, files, false), 600_000);
});
