// domain/action-pins.ts: a workflow change that only moves remote actions' pins (Renovate, Dependabot)
// compares equal; anything that could run another file of the repository does not.
import { isPinFile, pinless } from '../../src/domain/action-pins.js';

const wf = (uses: string): string => `jobs:\n  a:\n    steps:\n      - uses: ${uses}\n      - run: ./ci/gate.sh\n`;
const same = (a: string, b: string): boolean => pinless(wf(a)) === pinless(wf(b));

test('a pinned commit, a tag, a quoted value, a reusable workflow and the version comment move freely', () => {
  expect(
    same(
      'actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1',
      'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2',
    ),
  ).toBe(true);
  expect(same('actions/checkout@v3', 'actions/checkout@v4')).toBe(true);
  expect(same('"actions/setup-node@v3"', '"actions/setup-node@v4"')).toBe(true);
  expect(same('org/ci/.github/workflows/x.yml@v1 # tag=v1', 'org/ci/.github/workflows/x.yml@v2 # tag=v2')).toBe(true);
  expect(pinless('    uses: a/b@v1 # v1\r\n')).toBe(pinless('    uses: a/b@v2\r\n'));
});

test('twins: another action, a local action, shell syntax in the comment, a line ending or a step changed', () => {
  expect(same('actions/checkout@v4', 'evil/checkout@v4')).toBe(false);
  expect(same('./.github/actions/a', './.github/actions/b')).toBe(false);
  expect(same('a/b@v1 # x', 'a/b@v1 # $(./evil.sh)')).toBe(false);
  expect(same('a/b@v1', 'a/b@./evil.sh')).toBe(false);
  expect(pinless('uses: a/b@v1\r\n')).not.toBe(pinless('uses: a/b@v1\n'));
  expect(pinless(wf('a/b@v1'))).not.toBe(pinless(wf('a/b@v2').replace('gate.sh', 'gate2.sh')));
});

test('the files compared so: GitHub workflows and action metadata, not scripts beside them', () => {
  expect(isPinFile('.github/workflows/ci.yml')).toBe(true);
  expect(isPinFile('.github/actions/setup/action.yaml')).toBe(true);
  expect(isPinFile('.github/workflows/scripts/gate.yml')).toBe(false);
  expect(isPinFile('.gitlab-ci.yml')).toBe(false);
});
