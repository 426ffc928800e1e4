// A key written twice in one map of a GitHub workflow: GitHub refuses the whole file ("'env' is
// already defined") and runs none of its jobs, so a gate in it is gone. gitguard read the file as if
// valid (the removed cases passed before the fix); the twins keep one of each key.
import { keysOnlyGate } from '../helpers/team.js';

const FILE = '.github/workflows/gate.yml';
const workflow = (jobExtra: string, stepExtra = ''): string =>
  'on: [push, pull_request]\njobs:\n  audit:\n    runs-on: ubuntu-latest\n' +
  jobExtra +
  '    steps:\n      - uses: actions/checkout@v4\n      - run: npx gitguard audit\n' +
  stepExtra;
const before = workflow('');

describe('ci-gate-kept: a workflow GitHub refuses for a key written twice runs no gate', () => {
  test.each([
    ['env twice in the job', workflow('    env: {A: "1"}\n    env: {B: "2"}\n')],
    ['runs-on twice', workflow('    runs-on: ubuntu-22.04\n')],
    ['run twice in the gate step', workflow('', '        run: make\n')],
  ])(
    'removed: %s',
    async (_name, after) => {
      const res = await keysOnlyGate(FILE, before, after);
      expect(res.code).toBe(1);
      expect(res.stdout).toMatch(/FAIL\s+ci-gate-kept/);
      expect(res.stdout).toContain('no longer run by GitHub Actions');
    },
    60_000,
  );

  test.each([
    ['env once', workflow('    env: {A: "1", B: "2"}\n')],
    ['a YAML anchor used twice', workflow('    env: &e {A: "1"}\n    container: {env: *e, image: node:20}\n')],
  ])(
    'kept: %s',
    async (_name, after) => {
      const res = await keysOnlyGate(FILE, before, after);
      expect([res.code, res.stdout]).toEqual([0, expect.stringMatching(/pass\s+ci-gate-kept/)]);
    },
    60_000,
  );
});
