// Clean pass 25: a CI gate run as a mise task (`mise run gate`) made mise.toml and .tool-versions
// protected whole, so Renovate's bump of a tool's version (`node = "20.11.0"` to `"20.12.0"`), merged
// by any signer, and a contributor's edit of another task failed protected-paths-changed-by-maintainers.
// mise reads every table but `[tasks.*]` for every task, and of those the gate's and the tasks it
// reaches (domain/mise-parts.ts). Twins: the gate's task, a task it depends on or runs, one aliased to
// its name, an `[env]` that sources a script, a tool taken from a path (also in .tool-versions, which
// names no gitguard and was judged only where gitguard went in or out of it), a mise.local.toml added
// that redefines the gate (a mise file not there was not watched), and a table hidden in a string
// still fail.
import { cleanupTemp } from '../helpers/repo.js';
import { checkoutWorkflow, gateTeam } from '../helpers/team.js';

afterAll(cleanupTemp);

const mise = (o: { node?: string; test?: string; gate?: string; env?: string; more?: string } = {}): string =>
  `[tools]\nnode = ${o.node ?? '"20.11.0"'}\npython = ["3.12.1", "3.11"]\n\n${o.env ?? '[env]\nNODE_ENV = "ci"\n'}\n` +
  `[tasks.gate]\ndescription = "the gate"\ndepends = ["setup"]\nrun = ${o.gate ?? '"npx gitguard audit"'}\n\n` +
  `[tasks.setup]\nrun = "npm ci"\n\n[tasks."lint:fix"]\nrun = """\nnpx eslint --fix .\n"""\n\n` +
  `[tasks.test]\nrun = ${o.test ?? '"npm test"'}\n${o.more ?? ''}`;
const { outcomes } = gateTeam({
  '.github/workflows/ci.yml': checkoutWorkflow('      - uses: jdx/mise-action@v2\n      - run: mise run gate\n'),
  'mise.toml': mise(),
  '.tool-versions': 'nodejs 20.11.0\nruby 3.3.0\n',
});
const outcome = async (files: Record<string, string>): Promise<string> =>
  String((await outcomes(files))['protected-paths-changed-by-maintainers']);

test("a tool's version bumped, another task edited or added, a multi-line task: Bob's commit passes", async () => {
  expect(await outcome({ 'mise.toml': mise({ node: '"20.12.0"' }) })).toBe('pass');
  expect(await outcome({ 'mise.toml': mise({ node: "'lts'" }) })).toBe('pass');
  expect(await outcome({ 'mise.toml': mise({ test: '"npm test -- --ci"' }) })).toBe('pass');
  expect(await outcome({ 'mise.toml': mise({ more: '\n[tasks.docs]\nrun = """\nnpm run docs\n"""\n' }) })).toBe('pass');
  expect(await outcome({ '.tool-versions': 'nodejs 20.12.0\nruby 3.3.1\n' })).toBe('pass');
});

test("twins: the gate's task, a task it depends on or runs, an alias of its name still fail", async () => {
  expect(await outcome({ 'mise.toml': mise({ gate: '"echo skipped"' }) })).toBe('fail');
  expect(await outcome({ 'mise.toml': mise().replace('run = "npm ci"', 'run = "npm ci && exit 0"') })).toBe('fail');
  expect(await outcome({ 'mise.toml': mise({ gate: '"mise run test"', test: '"exit 0"' }) })).toBe('fail');
  expect(await outcome({ 'mise.toml': mise({ more: '\n[tasks.other]\nalias = "gate"\nrun = "true"\n' }) })).toBe(
    'fail',
  );
});

test('twins: an [env] sourcing a script, a tool from a path, a header hidden in a string still fail', async () => {
  expect(await outcome({ 'mise.toml': mise({ env: '[env]\n_.source = "./ci/env.sh"\n' }) })).toBe('fail');
  expect(await outcome({ 'mise.toml': mise({ node: '"path:./tools/node"' }) })).toBe('fail');
  expect(await outcome({ '.tool-versions': 'nodejs path:./tools/node\nruby 3.3.0\n' })).toBe('fail');
  // mise.local.toml, not there before, redefines the gate's task: mise's files are watched there or not.
  expect(await outcome({ 'mise.local.toml': '[tasks.gate]\nrun = "true"\n' })).toBe('fail');
  // A `'''` in a task Bob may edit opens no string for mise (it is inside "..."): not read by lines, all counts.
  const hidden = mise({ test: `"echo '''"`, more: "\n[tasks.x]\nrun = \"echo '''\"\n" }).replace(
    '[env]\nNODE_ENV = "ci"\n',
    '',
  );
  expect(await outcome({ 'mise.toml': `${hidden}\n[env]\nNODE_ENV = "ci"\n` })).toBe('fail');
});
