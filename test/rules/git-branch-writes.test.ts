// git's commands that change files of the checkout (written-targets.ts) against one that only makes a
// branch at HEAD: `git checkout -b work` moves HEAD and writes no file (git-checkout(1): with no
// start point the new branch starts at HEAD), so it tells an empty list of written paths; with a
// start point, a path or another subcommand it writes files it does not name (not told).
import { writtenTargets } from '../../src/domain/written-targets.js';

const CASES: Array<[script: string, told: string[] | undefined]> = [
  ['git checkout -b work', []],
  ['git checkout -q -B work', []],
  ['git switch -c work', []],
  ['git switch --create release/1.2', []],
  ['git checkout -b work origin/other', undefined],
  ['git checkout other', undefined],
  ['git checkout -- ci/gate.sh', undefined],
  ['git switch other', undefined],
  ['git -C sub checkout -b work', undefined],
  ['git checkout -b -f', undefined],
  ['git restore ci/gate.sh', undefined],
];

test.each(CASES)('%s writes %p', (script, told) => {
  expect(writtenTargets(script, '')).toEqual(told);
});
