// A CI gate run as `docker compose run --rm gate` (compose.yaml's gate service runs gitguard). docker
// compose reads, beside compose.yaml, an optional override file (compose.override.yaml and its three
// other names) and `.env` (whose COMPOSE_FILE names other files, whose variables fill ${...}): a
// signer who is no maintainer adding compose.override.yaml with `command: "true"` for the gate
// service replaced the gate, and protected-paths-changed-by-maintainers passed (compose.yaml alone
// was watched). Now both are watched beside a compose file on the gate's chain. Likewise a CI's
// `docker compose -f compose.yaml -f ci/compose.ci.yaml run gate`: only the first -f was read, and Bob
// setting the gate's command in the second passed; the files given together are now watched together.
// Twins: the same override added by Alice, and Bob's edits elsewhere (a service file in another
// folder, a file the CI does not give compose), pass.
import { cleanupTemp } from '../helpers/repo.js';
import { GATE_FAIL as FAIL, GATE_PASS as PASS, gateTeam } from '../helpers/team.js';

afterAll(cleanupTemp);

const FILES: Record<string, string> = {
  '.github/workflows/ci.yml':
    'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n' +
    '      - run: docker compose run --rm gate\n',
  'compose.yaml':
    'services:\n  gate:\n    image: node:20\n    working_dir: /src\n    volumes: [".:/src"]\n    command: npx gitguard audit\n',
};
const { alice, outcomes } = gateTeam(FILES);
const OVERRIDE = 'services:\n  gate:\n    command: "true"\n';

test.each([
  ['compose.override.yaml', OVERRIDE],
  ['docker-compose.override.yml', OVERRIDE],
  ['.env', 'COMPOSE_FILE=ci/other.yaml\n'],
])('%s added by Bob fails (before: pass)', async (path, text) => {
  expect(await outcomes({ [path]: text })).toEqual(FAIL);
});

test('the override added by Alice, and an override in a folder compose does not read, by Bob, pass', async () => {
  expect(await outcomes({ 'compose.override.yaml': OVERRIDE }, alice, 'alice@example.com')).toEqual(PASS);
  expect(await outcomes({ 'docs/compose.override.yaml': OVERRIDE, 'README.md': 'app\n' })).toEqual(PASS);
});

describe('docker compose -f compose.yaml -f ci/compose.ci.yaml', () => {
  const two = gateTeam({
    ...FILES,
    '.github/workflows/ci.yml': FILES['.github/workflows/ci.yml']!.replace(
      'docker compose run',
      'docker compose -f compose.yaml -f ci/compose.ci.yaml run',
    ),
    'ci/compose.ci.yaml': 'services:\n  gate:\n    environment: [CI=1]\n',
  });

  test("Bob setting the gate's command in the second file fails (before: pass)", async () => {
    expect(await two.outcomes({ 'ci/compose.ci.yaml': OVERRIDE })).toEqual(FAIL);
  });

  test('twin: Bob editing a compose file the CI does not give compose passes', async () => {
    expect(await two.outcomes({ 'ci/compose.dev.yaml': OVERRIDE })).toEqual(PASS);
  });
});
