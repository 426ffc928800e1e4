// Clean workflows 41: a yarn berry workspace whose CI runs the gate as a package's script (`yarn
// workspace @acme/tools run gitguard`). Bob, a signer who is no maintainer, points the company's scope
// at GitHub Packages in .yarnrc.yml (`npmScopes.acme`, with its token in `npmRegistries`). The file was
// protected whole, so this failed protected-paths-changed-by-maintainers; now every setting counts but
// the registries' credentials and the scopes other than gitguard's dependencies'. Twins: `yarnPath`
// (yarn itself swapped), the default registry, a registry for `@octokit`, and a merge key still fail.
import { cleanupTemp } from '../helpers/repo.js';
import { GATE_FAIL as FAIL, GATE_PASS as PASS, gateTeam } from '../helpers/team.js';

afterAll(cleanupTemp);

const YARNRC = 'nodeLinker: node-modules\n\nyarnPath: .yarn/releases/yarn-4.1.1.cjs\n';
const pkg = (name: string, scripts: Record<string, string>): string =>
  `${JSON.stringify({ name: `@acme/${name}`, version: '1.0.0', scripts }, null, 2)}\n`;
const FILES: Record<string, string> = {
  '.github/workflows/ci.yml':
    'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n' +
    '      - run: yarn install --immutable\n      - run: yarn workspace @acme/tools run gitguard\n',
  'package.json': `${JSON.stringify({ name: 'acme', private: true, packageManager: 'yarn@4.1.1', workspaces: ['packages/*'] }, null, 2)}\n`,
  '.yarnrc.yml': YARNRC,
  '.yarn/releases/yarn-4.1.1.cjs': '// yarn\n',
  'packages/tools/package.json': pkg('tools', { gitguard: 'gitguard audit --fail-on high' }),
  'packages/web/package.json': pkg('web', { build: 'vite build' }),
};
const { alice, outcomes } = gateTeam(FILES);

test("Bob's registry for the company's scope, with its token, passes", async () => {
  const scoped =
    `${YARNRC}\nnpmScopes:\n  acme:\n    npmRegistryServer: "https://npm.pkg.github.com"\n    npmAlwaysAuth: true\n` +
    'npmRegistries:\n  "https://npm.pkg.github.com":\n    npmAuthToken: "${NODE_AUTH_TOKEN}"\n';
  expect(await outcomes({ '.yarnrc.yml': scoped })).toEqual(PASS);
});

test.each([
  ['yarnPath', YARNRC.replace('yarn-4.1.1.cjs', 'yarn-4.1.1-patched.cjs')],
  ['the default registry', `${YARNRC}npmRegistryServer: "https://npm.example.net"\n`],
  [
    "a registry for gitguard's dependencies' scope",
    `${YARNRC}npmScopes:\n  octokit:\n    npmRegistryServer: "https://npm.example.net"\n`,
  ],
  ['a merge key', `base: &b\n  yarnPath: x.cjs\n<<: *b\n${YARNRC.replace(/yarnPath.*\n/, '')}`],
])('%s changed by Bob fails', async (_, text) => {
  expect(await outcomes({ '.yarnrc.yml': text })).toEqual(FAIL);
});

test('yarnPath changed by Alice passes', async () => {
  expect(await outcomes({ '.yarnrc.yml': YARNRC.replace('4.1.1', '4.2.0') }, alice, 'alice@example.com')).toEqual(PASS);
});
