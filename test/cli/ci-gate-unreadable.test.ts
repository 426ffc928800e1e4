// A CI file gitguard cannot read as YAML (over 256 KB, or aliases expanding past its node budget) was
// judged by any mention of gitguard, so a comment naming it kept a gate whose job was removed (each
// "removed" case passed before). Such a file now runs no gate; twins: the same shapes with the gate
// kept in a small, readable file, and a padded file that never had a gate.
import { keysOnlyGate } from '../helpers/team.js';

const FILE = '.github/workflows/gate.yml';
const GATE = 'on: [push]\njobs:\n  audit:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx gitguard audit\n';
const BUILD = 'on: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n';
const padded = (body: string): string => `${body}${'# padding padding padding padding padding\n'.repeat(7000)}`;
// 400 aliases of a 300-item list: 120,000 nodes to visit, past the 100,000 budget.
const bomb = (body: string): string =>
  `${body}env:\n  X: &x [${Array(300).fill('1').join(', ')}]\n  Y: [${Array(400).fill('*x').join(', ')}]\n`;

async function audit(before: string, after: string): Promise<{ code: number; stdout: string }> {
  return keysOnlyGate(FILE, before, after);
}

describe('ci-gate-kept: a CI file too large to read runs no gate', () => {
  test.each([
    ['padded past 256 KB', padded(`# npx gitguard audit (removed)\n${BUILD}`)],
    ['aliases past the node budget', bomb(`# npx gitguard audit (removed)\n${BUILD}`)],
  ])(
    'removed: %s',
    async (_name, after) => {
      expect(after.length > 256 * 1024 || after.includes('*x')).toBe(true);
      const res = await audit(GATE, after);
      expect(res.code).toBe(1);
      expect(res.stdout).toMatch(/FAIL\s+ci-gate-kept/);
    },
    60_000,
  );

  test('kept: the gate in a readable file with a YAML anchor', async () => {
    const res = await audit(GATE, `${GATE}env:\n  X: &x [1, 2]\n  Y: [*x, *x]\n`);
    expect([res.code, res.stdout]).toEqual([0, expect.stringMatching(/pass\s+ci-gate-kept/)]);
  }, 60_000);

  test('kept: a padded file that never held the gate is no removal', async () => {
    const res = await audit(padded(BUILD), padded(`${BUILD}# npx gitguard audit\n`));
    expect([res.code, res.stdout]).toEqual([0, expect.stringMatching(/pass\s+ci-gate-kept/)]);
  }, 60_000);
});
