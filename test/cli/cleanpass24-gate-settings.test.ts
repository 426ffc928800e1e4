// Clean pass 24: the settings files a launcher of gitguard reads (round 34: .npmrc, .yarnrc.yml of the
// step's folder and those above) are on the CI gate chain in the part that picks the registry. .npmrc
// leaves a registry's credentials out (`//host/:_authToken=`), .yarnrc.yml kept them: a bot (a signer,
// no maintainer) renaming the token variable of the gate's scope, or the one for every registry,
// failed protected-paths-changed-by-maintainers although a token picks no package. yarn's
// `npmAuthToken`, `npmAuthIdent` and `npmAlwaysAuth` (top-level or a scope's) are left out now; the
// scope's `npmRegistryServer` and the top-level one still count.
import { cleanupTemp } from '../helpers/repo.js';
import { GATE_FAIL, GATE_PASS, gateTeam, checkoutWorkflow } from '../helpers/team.js';

afterAll(cleanupTemp);

const workflow = checkoutWorkflow;
const YARNRC = [
  'nodeLinker: node-modules',
  'npmAuthToken: ${NPM_TOKEN}',
  'npmScopes:',
  '  acme:',
  '    npmRegistryServer: https://npm.acme.example',
  '    npmAuthToken: ${NPM_TOKEN}',
  '    npmAlwaysAuth: true',
  '',
].join('\n');
const NPMRC = '@acme:registry=https://npm.acme.example/\n//npm.acme.example/:_authToken=${NPM_TOKEN}\n';
const yarn = gateTeam({
  '.github/workflows/ci.yml': workflow(
    '      - run: yarn dlx @acme/gitguard-cli audit\n      - run: npx @acme/gitguard-cli audit\n',
  ),
  '.yarnrc.yml': YARNRC,
  '.npmrc': NPMRC,
  'package.json': '{"name":"x","packageManager":"yarn@4.1.0"}\n',
});

test("a bot renaming the token variables in .yarnrc.yml (the gate's scope's, every registry's) passes (before: fail)", async () => {
  const renamed = YARNRC.replace(/\$\{NPM_TOKEN\}/g, '${ACME_NPM_TOKEN}').replace(
    'npmAlwaysAuth: true',
    'npmAlwaysAuth: false',
  );
  expect(await yarn.outcomes({ '.yarnrc.yml': renamed })).toEqual(GATE_PASS);
  // As in .npmrc, where the token line was already left out.
  expect(await yarn.outcomes({ '.npmrc': NPMRC.replace('NPM_TOKEN', 'ACME_NPM_TOKEN') })).toEqual(GATE_PASS);
});

test("twins: the gate's scope, or every package, sent to another registry in the same file still fails", async () => {
  const moved = YARNRC.replace('https://npm.acme.example', 'https://evil.example').replace(/NPM_TOKEN/g, 'T2');
  expect(await yarn.outcomes({ '.yarnrc.yml': moved })).toEqual(GATE_FAIL);
  expect(await yarn.outcomes({ '.yarnrc.yml': `${YARNRC}npmRegistryServer: https://evil.example\n` })).toEqual(
    GATE_FAIL,
  );
});
