// Red team 36: the files docker compose reads besides the one a CI step names were not followed:
// COMPOSE_FILE in a step's `env:` (compose reads the files it names instead of compose.yaml), a
// compose file's `include:` of a file named without a slash, a service's `extends: { file: }`, and
// the Dockerfile of a service compose builds (its CMD the gate). Bob (a signer, no maintainer)
// switching the gate off in any of them passed protected-paths-changed-by-maintainers. They are now
// followed like the scripts a command runs (domain/compose-files.ts). Twins: Alice's same edit, and
// Bob editing the Dockerfile of a service that leads nowhere, pass.
import { cleanupTemp } from '../helpers/repo.js';
import { GATE_FAIL, GATE_PASS, gateTeam } from '../helpers/team.js';

afterAll(cleanupTemp);

const service = (name: string, body: string): string => `services:\n  ${name}:\n${body}`;
const GATE = '    image: node:20\n    command: npx gitguard audit\n';
const OFF = '    image: node:20\n    command: "true"\n';
const team = gateTeam({
  '.github/workflows/ci.yml':
    'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n' +
    '      - run: docker compose run --rm gate\n        env:\n          COMPOSE_FILE: compose.yaml:ci/compose.ci.yaml\n' +
    '      - run: docker compose -f inc.yaml run gate2\n' +
    '      - run: docker compose -f ext.yaml run gate3\n' +
    '      - run: docker compose -f build.yaml run gate4\n',
  'compose.yaml': service('gate', GATE),
  'ci/compose.ci.yaml': service('gate', '    environment: [CI=1]\n'),
  'inc.yaml': 'include:\n  - gate2.yaml\n',
  'gate2.yaml': service('gate2', GATE),
  'ext.yaml': service('gate3', '    extends:\n      file: base.yaml\n      service: audit\n'),
  'base.yaml': service('audit', GATE),
  'build.yaml':
    'services:\n  gate4:\n    build: ./gate\n  web:\n    build:\n      context: ./web\n      dockerfile: web.Dockerfile\n',
  'gate/Dockerfile': 'FROM node:20\nCMD ["npx", "gitguard", "audit"]\n',
  'web/web.Dockerfile': 'FROM node:20\nCMD ["node", "server.js"]\n',
});

// Each switched off in its own commit, all judged in one audit: every one of Bob's commits is named.
test('Bob switches the gate off in a file COMPOSE_FILE names, an included file, the file a service extends, the Dockerfile compose builds: each fails (before: passed)', async () => {
  const off: Array<Record<string, string>> = [
    { 'ci/compose.ci.yaml': service('gate', OFF) },
    { 'gate2.yaml': service('gate2', OFF) },
    { 'base.yaml': service('audit', OFF) },
    { 'gate/Dockerfile': 'FROM node:20\nCMD ["true"]\n' },
  ];
  const { outcomes, flagged } = await team.chain(off);
  expect([outcomes, flagged]).toEqual([GATE_FAIL, off]);
});

test("twins: Alice's edit of the Dockerfile; Bob's edit of a Dockerfile leading nowhere: pass", async () => {
  expect(
    await team.outcomes({ 'gate/Dockerfile': 'FROM node:20\nCMD ["true"]\n' }, team.alice, 'alice@example.com'),
  ).toEqual(GATE_PASS);
  expect(await team.outcomes({ 'web/web.Dockerfile': 'FROM node:20\nCMD ["node", "app.js"]\n' })).toEqual(GATE_PASS);
});
