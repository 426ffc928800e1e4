// Red team 34: a workflow launching a scoped gate package (`npx @acme/gitguard-cli audit`) installs
// it from the registry .npmrc names for the scope (`@acme:registry=...`), and `npx gitguard` from
// `registry=`: no settings file a launcher reads was on the chain, so Bob (a signer, no maintainer)
// pointing the scope (or the registry) at a server of his passed. The settings files of the folder
// the launcher runs in and those above it (.npmrc, .yarnrc.yml) are now on the chain, in the part
// that picks the registry of the scopes launched. Clean twins: Alice changing the scope's registry,
// Bob changing another scope's registry or a token, a launcher of another tool.
import { cleanupTemp } from '../helpers/repo.js';
import { GATE_FAIL, GATE_PASS, gateTeam, checkoutWorkflow } from '../helpers/team.js';

afterAll(cleanupTemp);

const workflow = checkoutWorkflow;
const NPMRC = '@acme:registry=https://npm.acme.example/\n@other:registry=https://npm.other.example/\n';
const scoped = gateTeam({
  '.github/workflows/ci.yml': workflow(
    '      - run: npx @acme/gitguard-cli audit\n      - run: npx prettier --check .\n        working-directory: web\n',
  ),
  '.npmrc': NPMRC,
  'web/.npmrc': NPMRC,
});
const plain = gateTeam({
  '.github/workflows/ci.yml': workflow('      - run: pnpm dlx gitguard audit\n        working-directory: web\n'),
  'web/package.json': '{"name":"web"}\n',
});

test("Bob points the gate's scope at another registry in .npmrc: fails (before: passed)", async () => {
  expect(await scoped.outcomes({ '.npmrc': NPMRC.replace('npm.acme.example', 'evil.example') })).toEqual(GATE_FAIL);
  expect(
    await scoped.outcomes({ '.yarnrc.yml': 'npmScopes:\n  acme:\n    npmRegistryServer: https://evil.example\n' }),
  ).toEqual(GATE_FAIL);
});

test('Bob adds a registry= line beside a launcher of gitguard run in a folder: fails (before: passed)', async () => {
  expect(await plain.outcomes({ 'web/.npmrc': 'registry=https://evil.example/\n' })).toEqual(GATE_FAIL);
  expect(await plain.outcomes({ '.npmrc': 'registry=https://evil.example/\n' })).toEqual(GATE_FAIL);
});

test("twins: Alice changes the scope's registry; Bob another scope's, a token, a launcher of another tool's folder: pass", async () => {
  const moved = { '.npmrc': NPMRC.replace('npm.acme.example', 'npm2.acme.example') };
  expect(await scoped.outcomes(moved, scoped.alice, 'alice@example.com')).toEqual(GATE_PASS);
  expect(
    await scoped.outcomes({
      '.npmrc': `${NPMRC.replace('npm.other.example', 'npm2.other.example')}//npm.acme.example/:_authToken=\${NPM_TOKEN}\n`,
    }),
  ).toEqual(GATE_PASS);
  expect(await scoped.outcomes({ 'web/.npmrc': 'registry=https://npm.mirror.example/\n' })).toEqual(GATE_PASS);
});
