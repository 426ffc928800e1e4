// Clean workflows 40: an nx workspace whose CI runs the gate as a project's target (`npx nx run
// tools:gitguard`, a run-commands target in packages/tools/project.json). Bob, a signer who is no
// maintainer, adds a target default for an e2e target, changes the build's outputs, and the
// generators' and release's settings in nx.json. nx.json was protected whole, so this failed
// protected-paths-changed-by-maintainers; now its settings and the target defaults the gate's
// target reaches (by name, through `dependsOn`, or keyed by an executor or a pattern) count. Twins:
// the gate target's defaults, a target it depends on, a default keyed by an executor, the task
// runner's options, and a key given twice still fail.
import { cleanupTemp } from '../helpers/repo.js';
import { GATE_FAIL as FAIL, GATE_PASS as PASS, gateTeam } from '../helpers/team.js';

afterAll(cleanupTemp);

const DEFAULTS = {
  build: { dependsOn: ['^build'], cache: true, outputs: ['{projectRoot}/dist'] },
  test: { inputs: ['default', '^production'], cache: true },
  gitguard: { cache: false, dependsOn: [{ target: 'setup', projects: 'self' }] },
  setup: { cache: false },
};
const nx = (targetDefaults: Record<string, unknown>, extra: Record<string, unknown> = {}): string =>
  `${JSON.stringify(
    {
      $schema: './node_modules/nx/schemas/nx-schema.json',
      namedInputs: { default: ['{projectRoot}/**/*'], production: ['default'] },
      targetDefaults,
      generators: { '@nx/js:library': { bundler: 'tsc' } },
      release: { version: { conventionalCommits: true } },
      ...extra,
    },
    null,
    2,
  )}\n`;
const project = (name: string, targets: Record<string, unknown>): string =>
  `${JSON.stringify({ name, $schema: '../../node_modules/nx/schemas/project-schema.json', targets }, null, 2)}\n`;
const FILES: Record<string, string> = {
  '.github/workflows/ci.yml':
    'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n' +
    '      - run: npm ci\n      - run: npx nx run tools:gitguard\n',
  'package.json': `${JSON.stringify({ name: 'acme', private: true, workspaces: ['packages/*'] }, null, 2)}\n`,
  'nx.json': nx(DEFAULTS),
  'packages/tools/project.json': project('tools', {
    gitguard: { command: 'gitguard audit --fail-on high' },
    setup: { command: 'node scripts/setup.js' },
  }),
  'packages/web/project.json': project('web', { build: { command: 'vite build' } }),
  'packages/api/project.json': project('api', { build: { command: 'tsc -b' } }),
};
const { alice, outcomes } = gateTeam(FILES);

test("Bob's target defaults for other targets, generators and release settings pass", async () => {
  const edited = nx(
    {
      ...DEFAULTS,
      build: { ...DEFAULTS.build, outputs: ['{projectRoot}/dist', '{projectRoot}/.next'] },
      e2e: { cache: true },
    },
    { generators: { '@nx/js:library': { bundler: 'swc' } }, release: { version: { conventionalCommits: false } } },
  );
  expect(await outcomes({ 'nx.json': edited })).toEqual(PASS);
});

test.each([
  ["the gate target's defaults", nx({ ...DEFAULTS, gitguard: { cache: true, inputs: [] } })],
  [
    'a target the gate depends on',
    nx({ ...DEFAULTS, setup: { cache: true, outputs: ['{workspaceRoot}/node_modules/.bin'] } }),
  ],
  ['a default keyed by an executor', nx({ ...DEFAULTS, 'nx:run-commands': { cache: true } })],
  ["the task runner's options", nx(DEFAULTS, { tasksRunnerOptions: { default: { runner: './tools/runner.js' } } })],
  [
    'the gate target given twice',
    nx(DEFAULTS).replace('"targetDefaults": {', '"targetDefaults": {\n    "gitguard": { "cache": true },'),
  ],
])('%s changed by Bob fails', async (_, text) => {
  expect(await outcomes({ 'nx.json': text })).toEqual(FAIL);
});

test("the gate target's defaults changed by Alice pass", async () => {
  expect(await outcomes({ 'nx.json': nx({ ...DEFAULTS, gitguard: {} }) }, alice, 'alice@example.com')).toEqual(PASS);
});
