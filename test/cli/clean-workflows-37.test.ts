// Clean workflows 37: a pnpm/turbo monorepo of a dozen packages whose CI runs `pnpm turbo run
// gitguard` (the gate is packages/tools' script), and a month of work by Bob, a signer who is no
// maintainer: a turbo task for a new package, Renovate bumping many package.json files and
// pnpm-lock.yaml and the catalog, a folder of apps added to pnpm-workspace.yaml, a registry for the
// company's scope in .npmrc. turbo.json, pnpm-workspace.yaml and .npmrc were protected whole, so each
// of Bob's edits failed protected-paths-changed-by-maintainers; now only what turbo, pnpm and npm read
// on the way to the gate counts. Twins: the gate task's entry, a task it depends on, turbo's settings,
// a key given twice in turbo.json, the gate package left out of the workspace, gitguard's catalog
// entry, a glob not read here, the default registry or a registry of gitguard's dependencies' scope
// still fail.
import { cleanupTemp } from '../helpers/repo.js';
import { GATE_FAIL as FAIL, GATE_PASS as PASS, gateTeam } from '../helpers/team.js';

afterAll(cleanupTemp);

const NAMES = ['tools', 'web', 'api', 'ui', 'utils', 'config', 'docs', 'auth', 'db', 'mail', 'jobs', 'cli'];
const pkg = (name: string, scripts: Record<string, string>, react = '^18.2.0'): string =>
  `${JSON.stringify({ name: `@acme/${name}`, version: '1.0.0', scripts, dependencies: { react } }, null, 2)}\n`;
const scriptsOf = (name: string): Record<string, string> =>
  name === 'tools'
    ? { gitguard: 'gitguard audit --fail-on high', build: 'tsc', lint: 'eslint .' }
    : { build: 'tsc', lint: 'eslint .', test: 'vitest run' };
const turbo = (tasks: Record<string, unknown>, extra: Record<string, unknown> = {}): string =>
  `${JSON.stringify({ $schema: 'https://turbo.build/schema.json', ui: 'stream', ...extra, tasks }, null, 2)}\n`;
const TASKS = {
  build: { dependsOn: ['^build'], outputs: ['dist/**'] },
  lint: {},
  test: { dependsOn: ['build'] },
  gitguard: { cache: false, dependsOn: ['prepare-gate'] },
  'prepare-gate': { cache: false },
};
const lock = (react: string): string =>
  `lockfileVersion: '9.0'\n\nimporters:\n${NAMES.map((n) => `  packages/${n}:\n    dependencies:\n      react:\n        specifier: ${react}\n        version: 18.3.1\n`).join('')}`;
const WORKSPACE = "packages:\n  - 'packages/*'\n\ncatalog:\n  react: ^18.2.0\n  gitguard: ^0.1.0\n";
const FILES: Record<string, string> = {
  '.github/workflows/ci.yml':
    'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n' +
    '      - run: pnpm install --frozen-lockfile\n      - run: pnpm turbo run gitguard\n      - run: pnpm turbo run build test\n',
  'package.json': `${JSON.stringify({ name: 'acme', private: true, packageManager: 'pnpm@9.12.0' }, null, 2)}\n`,
  'pnpm-workspace.yaml': WORKSPACE,
  'pnpm-lock.yaml': lock('^18.2.0'),
  'turbo.json': turbo(TASKS),
  '.npmrc': 'auto-install-peers=true\n',
  ...Object.fromEntries(NAMES.map((n) => [`packages/${n}/package.json`, pkg(n, scriptsOf(n))])),
  'README.md': 'acme\n',
};
const { alice, outcomes } = gateTeam(FILES);

test("Bob's month: a turbo task for a new package, Renovate's bumps, a scope's registry in .npmrc, pass", async () => {
  expect(
    await outcomes({
      'turbo.json': turbo({
        ...TASKS,
        build: { dependsOn: ['^build'], outputs: ['dist/**', '.next/**'] },
        '@acme/charts#build': { dependsOn: ['^build'], outputs: ['storybook-static/**'] },
        typecheck: { dependsOn: ['^build'] },
      }),
      'packages/charts/package.json': pkg('charts', { build: 'tsc', typecheck: 'tsc --noEmit' }),
    }),
  ).toEqual(PASS);
  expect(
    await outcomes({
      ...Object.fromEntries(NAMES.map((n) => [`packages/${n}/package.json`, pkg(n, scriptsOf(n), '^18.3.1')])),
      'pnpm-lock.yaml': lock('^18.3.1'),
    }),
  ).toEqual(PASS);
  // A folder of apps added to the workspace, and Renovate's bump of the catalog.
  expect(
    await outcomes({
      'pnpm-workspace.yaml':
        "packages:\n  - 'packages/*'\n  - apps/*\n  - '!**/fixtures/**'\n\ncatalog:\n  react: ^18.3.1\n  gitguard: ^0.1.0\n",
      'apps/site/package.json': pkg('site', { build: 'next build' }),
    }),
  ).toEqual(PASS);
  expect(
    await outcomes({
      '.npmrc':
        'auto-install-peers=true\n# GitHub Packages for our own scope\n@acme:registry=https://npm.pkg.github.com\n' +
        '//npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}\n',
    }),
  ).toEqual(PASS);
});

test.each([
  [
    'the gate task cached (turbo replays a pass)',
    { 'turbo.json': turbo({ ...TASKS, gitguard: { dependsOn: ['prepare-gate'] } }) },
  ],
  [
    'a task the gate depends on',
    { 'turbo.json': turbo({ ...TASKS, 'prepare-gate': { cache: true, outputs: ['node_modules/.bin/**'] } }) },
  ],
  ['a package-specific gate task', { 'turbo.json': turbo({ ...TASKS, '@acme/tools#gitguard': { cache: true } }) }],
  ['a setting outside the tasks', { 'turbo.json': turbo(TASKS, { globalPassThroughEnv: ['GITGUARD_*'] }) }],
  [
    'the gate task given twice (JSON.parse keeps the last, another reader the first)',
    { 'turbo.json': turbo(TASKS).replace('"tasks": {', '"tasks": {\n    "gitguard": { "cache": true },') },
  ],
  [
    "the gate package left out of pnpm's",
    { 'pnpm-workspace.yaml': WORKSPACE.replace("'packages/*'\n", "'packages/*'\n  - '!packages/tools'\n") },
  ],
  ['the workspace narrowed', { 'pnpm-workspace.yaml': WORKSPACE.replace('packages/*', 'packages/w*') }],
  ["gitguard's version in the catalog", { 'pnpm-workspace.yaml': WORKSPACE.replace('^0.1.0', 'npm:gitguard-lite@1') }],
  ['a glob read otherwise', { 'pnpm-workspace.yaml': WORKSPACE.replace('packages/*', 'packages/{tools,web}') }],
  ['a setting', { 'pnpm-workspace.yaml': `${WORKSPACE}overrides:\n  semver: 5.0.0\n` }],
  ['the default registry', { '.npmrc': 'auto-install-peers=true\nregistry=https://npm.example.net/\n' }],
  [
    "a registry for gitguard's dependencies' scope",
    { '.npmrc': 'auto-install-peers=true\n@octokit:registry=https://npm.example.net/\n' },
  ],
  ['the shell scripts run in', { '.npmrc': 'auto-install-peers=true\nscript-shell=./ci/sh\n' }],
])('%s changed by Bob fails', async (_, files) => {
  expect(await outcomes(files)).toEqual(FAIL);
});

test('the clean edits, committed by Alice, pass', async () => {
  expect(await outcomes({ 'turbo.json': turbo({ ...TASKS, gitguard: {} }) }, alice, 'alice@example.com')).toEqual(PASS);
});
