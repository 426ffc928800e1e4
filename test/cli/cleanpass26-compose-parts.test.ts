// A CI gate run as `docker compose run --rm gate`: compose.yaml was protected whole, so a bot
// bumping another service's image (`postgres:16.1` -> `16.2`) failed
// protected-paths-changed-by-maintainers. Compose runs the gate's service, the services it
// depends_on / links / extends (and theirs), with the file's top-level keys outside `services`
// (networks, volumes, x- anchors, include): only that part is watched now (domain/compose-parts.ts).
// Twins: the gate's command, image, entrypoint, volumes, env_file changed; a dependency's command;
// a top-level key; and `docker compose up` (every service runs): each fails.
import { cleanupTemp } from '../helpers/repo.js';
import { GATE_FAIL as FAIL, GATE_PASS as PASS, gateTeam } from '../helpers/team.js';

afterAll(cleanupTemp);

const COMPOSE = [
  'x-env: &env',
  '  TZ: UTC',
  'services:',
  '  gate:',
  '    image: node:20',
  '    working_dir: /src',
  '    volumes: [".:/src"]',
  '    environment: *env',
  '    depends_on: [cache]',
  '    command: npx gitguard audit',
  '  cache:',
  '    image: redis:7.2',
  '    command: redis-server',
  '    links: ["helper:h"]',
  '  helper:',
  '    image: busybox:1.36',
  '  db:',
  '    image: postgres:16.1',
  '  web:',
  '    build: ./web',
  '    depends_on: [db]',
  'networks:',
  '  default: {}',
  '',
].join('\n');

const ci = (step: string): Record<string, string> => ({
  '.github/workflows/ci.yml':
    'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n' +
    `      - run: ${step}\n`,
  'compose.yaml': COMPOSE,
});
const edit = (from: string, to: string): Record<string, string> => ({ 'compose.yaml': COMPOSE.replace(from, to) });

describe('docker compose run --rm gate', () => {
  const { outcomes } = gateTeam(ci('docker compose run --rm gate'));

  test.each([
    ['another service bumped', 'postgres:16.1', 'postgres:16.2'],
    ['a service added', 'networks:', '  worker:\n    image: alpine:3.19\n    command: sleep 1\nnetworks:'],
    ['a service of no dependency edited', 'build: ./web', 'build: ./web2'],
  ])('%s by Bob passes (before: fail)', async (_, from, to) => {
    expect(await outcomes(edit(from, to))).toEqual(PASS);
  });

  test.each([
    ["the gate's command", 'command: npx gitguard audit', 'command: "true"'],
    ["the gate's image", 'image: node:20', 'image: evil/node:20'],
    ["the gate's entrypoint", 'working_dir: /src', 'working_dir: /src\n    entrypoint: ["true"]'],
    ["the gate's volumes", 'volumes: [".:/src"]', 'volumes: [".:/src", "./bin:/usr/local/bin"]'],
    ["the gate's env_file", 'working_dir: /src', 'working_dir: /src\n    env_file: ci.env'],
    ["a dependency's command", 'command: redis-server', 'command: sh -c "rm -rf /src/.git"'],
    ["a dependency's link's image", 'busybox:1.36', 'busybox:evil'],
    ['an anchor the gate reads', 'TZ: UTC', 'TZ: UTC\n  NODE_OPTIONS: --require=/src/x.js'],
    ['a top-level key', 'default: {}', 'default: {driver: host}'],
    ['the gate made to depend on the bumped service', 'depends_on: [cache]', 'depends_on: [cache, db]'],
  ])('%s changed by Bob fails', async (_, from, to) => {
    expect(await outcomes(edit(from, to))).toEqual(FAIL);
  });
});

test('docker compose up (every service runs): another service bumped by Bob fails', async () => {
  const { outcomes } = gateTeam(ci('docker compose up --exit-code-from gate'));
  expect(await outcomes(edit('postgres:16.1', 'postgres:16.2'))).toEqual(FAIL);
});

test('docker compose up gate: another service bumped by Bob passes', async () => {
  const { outcomes } = gateTeam(ci('docker compose up --abort-on-container-exit gate'));
  expect(await outcomes(edit('postgres:16.1', 'postgres:16.2'))).toEqual(PASS);
});
