// redteam217: earlier steps of the gate job that run a registry's package, run git's helpers from
// the checkout, or restore a cache, which the readings missed (ci-gate-kept passed; now it fails).
// npm reads `isnta`, `isntal`, `it` and `install-test` as install (npm 11's cmd-list), so `npm it evil`
// puts evil's programs in node_modules/.bin, where npx looks first; `pnpx` is `pnpm dlx`, `bun x` is
// bunx and `bun a` bun's add; `deno run npm:x` and `deno install -g jsr:x` fetch and run a registry's
// module; `uv run --with x` installs x first, `uv pip install x` as pip does; `python -m pipx` is
// pipx; `corepack pnpm dlx x` is pnpm's dlx; `$PIP install --user x` (env PIP: pip) may be any
// installer. `git --exec-path=dir` runs git's helpers (`git-remote-https` for a fetch) from dir, as
// GIT_EXEC_PATH does; `git --git-dir=ci/x.git` or `-C ci/x.git` (a bare repository committed as
// files) and `--git-dir=.` (the checkout's root read as one) run what that config names
// (`remote.origin.uploadpack`: checked against real git below). oven-sh/setup-bun (unless
// `no-cache: true`) and mlugg/setup-zig (unless `use-cache: false`) restore a cache entry, unpacked
// as actions/cache unpacks one (tar -P into the workspace); so does a fork of actions/cache
// (`useblacksmith/cache`); docker/build-push-action's `outputs: type=local,dest=.` writes what the
// build made into the workspace. The actions are vouched for (run where the range starts), so only
// the reading of what they do decides.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { checkoutJob, runStep } from '../helpers/workflow-steps.js';

afterAll(cleanupTemp);

type Files = Record<string, string>;
const NPX = runStep('npx gitguard audit');
const DIRECT = checkoutJob('', NPX);
const before = (line: string, extra = ''): Files => checkoutJob(runStep(line, extra), NPX);
const uses = (action: string, inputs = ''): Files =>
  checkoutJob(
    `      - uses: ${action}\n${inputs ? `        with:\n${inputs.replace(/^/gm, '          ')}\n` : ''}`,
    NPX,
  );

const ACTIONS = ['oven-sh/setup-bun@v2', 'mlugg/setup-zig@v2', 'useblacksmith/cache@v5', 'docker/build-push-action@v6'];
const VOUCHED: Files = {
  '.github/workflows/other.yml': `on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n${ACTIONS.map((a) => `      - uses: ${a}\n`).join('')}`,
};

const LOST: Array<[string, Files]> = [
  ['npm isnta evil', before('npm isnta evil')],
  ['npm isntal evil', before('npm isntal evil')],
  ['npm it evil', before('npm it evil')],
  ['npm install-test evil', before('npm install-test evil')],
  ['pnpx evil', before('pnpx evil')],
  ['bun x evil', before('bun x evil')],
  ['bun a -g evil', before('bun a -g evil')],
  ['deno run -A npm:evil', before('deno run -A npm:evil')],
  ['deno install -g -A jsr:@evil/x', before('deno install -g -A jsr:@evil/x')],
  ['uv run --with evil python -c 1', before('uv run --with evil python -c 1')],
  ['git --exec-path=./tools fetch origin', before('git --exec-path=./tools fetch origin')],
  ['python -m pipx run evil', before('python -m pipx run evil')],
  ['uv pip install evil', before('uv pip install evil')],
  ['corepack pnpm@9 dlx evil', before('corepack pnpm@9 dlx evil')],
  ['corepack yarn dlx evil', before('corepack yarn dlx evil')],
  ['$PIP install --user evil, env PIP: pip', before('$PIP install --user evil', '        env:\n          PIP: pip\n')],
  ['git --git-dir=ci/x.git fetch origin', before('git --git-dir=ci/x.git fetch origin')],
  ['git -C ci/x.git fetch origin', before('git -C ci/x.git fetch origin')],
  ['git --git-dir=. fetch origin', before('git --git-dir=. fetch origin')],
  ['git -C "$GITHUB_WORKSPACE/ci/x.git" fetch', before('git -C "$GITHUB_WORKSPACE/ci/x.git" fetch origin')],
  ['oven-sh/setup-bun', uses('oven-sh/setup-bun@v2')],
  ['mlugg/setup-zig', uses('mlugg/setup-zig@v2')],
  ['useblacksmith/cache', uses('useblacksmith/cache@v5', 'path: ~/.cache/pip\nkey: k')],
  [
    'docker/build-push-action outputs type=local,dest=.',
    uses('docker/build-push-action@v6', 'cache-from: type=gha\noutputs: type=local,dest=.'),
  ],
];
const KEPT: Array<[string, Files]> = [
  ['npm ci', before('npm ci')],
  ['npm install (the lockfile)', before('npm install')],
  ['bun install', before('bun install')],
  ['deno run main.ts', before('deno run main.ts')],
  ['uv run pytest', before('uv run pytest')],
  ['git --no-pager log -1', before('git --no-pager log -1')],
  ['python -m pip install -U pip', before('python -m pip install -U pip')],
  ['$PIP --version, env PIP: pip', before('$PIP --version', '        env:\n          PIP: pip\n')],
  ['corepack enable', before('corepack enable')],
  ['corepack pnpm install', before('corepack pnpm install')],
  ['git -C . fetch origin', before('git -C . fetch origin')],
  ['git -C "$GITHUB_WORKSPACE" fetch origin', before('git -C "$GITHUB_WORKSPACE" fetch origin')],
  ['git --git-dir=.git fetch origin', before('git --git-dir=.git fetch origin')],
  ['oven-sh/setup-bun, no-cache: true', uses('oven-sh/setup-bun@v2', 'no-cache: true')],
  ['mlugg/setup-zig, use-cache: false', uses('mlugg/setup-zig@v2', 'use-cache: false')],
  [
    'useblacksmith/cache, lookup-only: true',
    uses('useblacksmith/cache@v5', 'path: ~/.cache/pip\nkey: k\nlookup-only: true'),
  ],
  ['docker/build-push-action pushing to a registry', uses('docker/build-push-action@v6', 'push: true\ntags: a/b:c')],
];

describe('redteam217: an earlier step the readings missed', () => {
  const lost = gateBatch(VOUCHED);
  for (const [name, after] of LOST) it(`loses the gate: ${name}`, lost.add(DIRECT, after, false), 600_000);
});
describe('redteam217: the honest twins', () => {
  const kept = gateBatch(VOUCHED);
  for (const [name, after] of KEPT) it(`keeps the gate: ${name}`, kept.add(DIRECT, after, true), 600_000);
});

// The reference: git 2.39 runs the `remote.origin.uploadpack` of a bare repository's config, one
// named by `--git-dir` or found by `-C`, for a fetch from a local path.
test('git runs the uploadpack a committed bare repository names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rt217-'));
  const git = (...a: string[]): string =>
    execFileSync('git', ['-c', 'user.name=a', '-c', 'user.email=a@example.com', ...a], {
      cwd: dir,
      encoding: 'utf8',
    });
  git('init', '-q', '--bare', 'ci/x.git');
  git('init', '-q', 'src');
  git('-C', 'src', 'commit', '-q', '--allow-empty', '-m', 'x');
  git('--git-dir=ci/x.git', 'config', 'remote.origin.url', join(dir, 'src'));
  for (const [i, how] of [['--git-dir=ci/x.git'], ['-C', 'ci/x.git']].entries()) {
    const mark = join(dir, `ran${i}`);
    git('--git-dir=ci/x.git', 'config', 'remote.origin.uploadpack', `touch ${mark}; git-upload-pack`);
    git(...how, 'fetch', '-q', 'origin');
    expect(existsSync(mark)).toBe(true);
  }
});
