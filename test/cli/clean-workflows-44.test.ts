// Clean workflows 44: a lerna monorepo in fixed-version mode whose CI runs the gate as `npx lerna run
// gate` (packages/tools' script runs gitguard). Every release, `lerna version` (run by the release
// bot, Bob here: a signer who is no maintainer) rewrites lerna.json's `version`, each package's
// `version` and the changelog, and a maintainer may later tune the version command's message.
// lerna.json was protected whole, so each release commit failed protected-paths-changed-by-maintainers;
// now lerna.json counts but for the release's settings (`version`, `command.version`, `command.publish`).
// Twins: `packages`, `npmClient`, `command.run` and a key given twice still fail; Alice's change passes.
import { cleanupTemp } from '../helpers/repo.js';
import { GATE_FAIL as FAIL, GATE_PASS as PASS, gateTeam } from '../helpers/team.js';

afterAll(cleanupTemp);

const lerna = (version: string, extra = ''): string =>
  `{\n  "$schema": "node_modules/lerna/schemas/lerna-schema.json",\n  "version": "${version}",\n  "npmClient": "npm",\n  "packages": ["packages/*"]${extra}\n}\n`;
const pkg = (name: string, version: string, scripts: Record<string, string>): string =>
  `${JSON.stringify({ name, version, scripts }, null, 2)}\n`;
const FILES: Record<string, string> = {
  '.github/workflows/ci.yml':
    'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n' +
    '      - run: npm ci\n      - run: npx lerna run gate\n',
  'package.json': `${JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*'] }, null, 2)}\n`,
  'lerna.json': lerna('1.4.0'),
  'packages/tools/package.json': pkg('@acme/tools', '1.4.0', { gate: 'gitguard audit --fail-on high' }),
  'packages/web/package.json': pkg('@acme/web', '1.4.0', { build: 'vite build' }),
};
const { alice, outcomes } = gateTeam(FILES);

test("the release bot's `lerna version` commit, and the version command's options, pass", async () => {
  const release = {
    'lerna.json': lerna(
      '1.5.0',
      ',\n  "command": { "version": { "message": "chore(release): %s" }, "publish": { "access": "public" } }',
    ),
    'packages/tools/package.json': pkg('@acme/tools', '1.5.0', { gate: 'gitguard audit --fail-on high' }),
    'packages/web/package.json': pkg('@acme/web', '1.5.0', { build: 'vite build' }),
    'CHANGELOG.md': '# 1.5.0\n\n- web: faster build\n',
  };
  expect(await outcomes(release)).toEqual(PASS);
});

test.each([
  ['the packages lerna runs', lerna('1.4.0').replace('"packages/*"', '"packages/web"')],
  ['the npm client that runs the scripts', lerna('1.4.0').replace('"npm"', '"./ci/fake-npm"')],
  ["lerna run's options", lerna('1.4.0', ',\n  "command": { "run": { "ignore": ["@acme/tools"] } }')],
  ['a key given twice', lerna('1.4.0').replace('"npmClient": "npm",', '"npmClient": "npm",\n  "npmClient": "npm",')],
])('%s changed by Bob fails', async (_, text) => {
  expect(await outcomes({ 'lerna.json': text })).toEqual(FAIL);
});

test("lerna run's options changed by Alice pass", async () => {
  const text = lerna('1.4.0', ',\n  "command": { "run": { "stream": true } }');
  expect(await outcomes({ 'lerna.json': text }, alice, 'alice@example.com')).toEqual(PASS);
});
