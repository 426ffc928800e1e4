// A compose file as the CI gate's chain reads it (domain/compose-parts.ts), on YAML read as collect/
// reads it: the services a command runs, the part they reach, and the shapes read whole.
import { composePart, composeServices, isComposeFile } from '../../src/domain/compose-parts.js';
import { yamlJson } from '../../src/collect/workspace-packages.js';

const BASE = `services:
  gate:
    image: node:20
    depends_on: { api: { condition: service_healthy } }
    command: gitguard audit
  api:
    image: app
    network_mode: "service:net"
    volumes_from: ["data:ro", "container:other"]
  net: { image: busybox }
  data: { image: busybox }
  db: { image: "postgres:16.1" }
`;
const part = async (yaml: string, named = ['gate']): Promise<string | undefined> =>
  composePart((await yamlJson(yaml))!, named);

test('the services a docker compose command runs; every one where that cannot be told', () => {
  expect(composeServices(['run', '--rm', '-e', 'CI=1', 'gate', 'gitguard', 'audit'])).toEqual(['gate']);
  expect(composeServices(['-f', 'ci.yaml', '--profile', 'ci', 'run', '--rm', 'gate'])).toEqual(['gate']);
  expect(composeServices(['exec', '-T', 'app', 'sh'])).toEqual(['app']);
  expect(composeServices(['up', '--exit-code-from', 'gate', 'gate', 'db'])).toEqual(['gate', 'db']);
  expect(composeServices(['up', '--abort-on-container-exit'])).toBeUndefined();
  expect(composeServices(['build'])).toBeUndefined();
  // An option not known here may take a value that reads as a service.
  expect(composeServices(['run', '--new-option', 'db', 'gate'])).toBeUndefined();
});

test('the part: the named service and what it needs (depends_on map, network_mode, volumes_from), not the others', async () => {
  const bumped = await part(BASE.replace('postgres:16.1', 'postgres:16.2'));
  expect(bumped).toBe(await part(BASE));
  for (const [from, to] of [
    ['image: app', 'image: evil'],
    ['net: { image: busybox }', 'net: { image: evil }'],
    ['data: { image: busybox }', 'data: { image: evil }'],
  ])
    expect(await part(BASE.replace(from!, to!))).not.toBe(await part(BASE));
});

test('read whole: a merge key, a service not in the file, services of another shape', async () => {
  expect(await part(`x: &b {image: a}\n${BASE.replace('  net: {', '  net: {<<: *b, ')}`)).toBeUndefined();
  expect(await part(BASE, ['other'])).toBeUndefined();
  expect(await part('services: [gate]\n')).toBeUndefined();
});

test('compose file names', () => {
  for (const p of ['compose.yaml', 'ci/docker-compose.yml', 'docker-compose.ci.yaml', 'compose.test.yml'])
    expect(isComposeFile(p)).toBe(true);
  for (const p of ['compose.override.json', 'recompose.yaml', 'docker/app.yml']) expect(isComposeFile(p)).toBe(false);
});
