// A CI file gitguard cannot read as YAML (over 256 KB, or aliases expanding past its node budget) was
// judged by any mention of gitguard, so a comment naming it kept a gate whose job was removed (each
// "removed" case passed before). Such a file now runs no gate; twins: the same shapes with the gate
// kept in a small, readable file, and a padded file that never had a gate.
import { gateBatch } from '../helpers/gate-batch.js';

const FILE = '.github/workflows/gate.yml';
const GATE = 'on: [push]\njobs:\n  audit:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx gitguard audit\n';
const BUILD = 'on: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n';
const padded = (body: string): string => `${body}${'# padding padding padding padding padding\n'.repeat(7000)}`;
// 400 aliases of a 300-item list: 120,000 nodes to visit, past the 100,000 budget.
const bomb = (body: string): string =>
  `${body}env:\n  X: &x [${Array(300).fill('1').join(', ')}]\n  Y: [${Array(400).fill('*x').join(', ')}]\n`;

describe('ci-gate-kept: a CI file too large to read runs no gate', () => {
  // The cases judged by one audit per chain (gate-batch.ts). The kept chain starts with the file that
  // never held the gate: after a commit holding the gate, its first commit would itself remove it.
  const batch = gateBatch();
  const audit = (before: string, after: string, kept: boolean): (() => Promise<void>) =>
    batch.add({ [FILE]: before }, { [FILE]: after }, kept);
  const neverGated = audit(padded(BUILD), padded(`${BUILD}# npx gitguard audit\n`), true);
  const anchor = audit(GATE, `${GATE}env:\n  X: &x [1, 2]\n  Y: [*x, *x]\n`, true);

  for (const [name, after] of [
    ['padded past 256 KB', padded(`# npx gitguard audit (removed)\n${BUILD}`)],
    ['aliases past the node budget', bomb(`# npx gitguard audit (removed)\n${BUILD}`)],
  ] as const) {
    const check = audit(GATE, after, false);
    test(`removed: ${name}`, async () => {
      expect(after.length > 256 * 1024 || after.includes('*x')).toBe(true);
      await check();
    }, 60_000);
  }

  test('kept: the gate in a readable file with a YAML anchor', anchor, 60_000);

  test('kept: a padded file that never held the gate is no removal', neverGated, 60_000);
});
