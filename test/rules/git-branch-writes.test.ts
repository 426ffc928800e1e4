// git's commands that change files of the checkout (written-targets.ts) against one that only makes a
// branch at HEAD: `git checkout -b work` moves HEAD and writes no file (git-checkout(1): with no
// start point the new branch starts at HEAD), so it tells an empty list of written paths; with a
// start point, a path or another subcommand it writes files it does not name (not told). `git clean`
// removes untracked files under the folder it runs in and writes none (git-clean(1)); `git rm` removes
// what it names, `git mv` removes its sources and writes its destination.
import { writtenTargets, type Targets } from '../../src/domain/written-targets.js';

const NONE: Targets = { written: [], removed: [] };
const CASES: Array<[script: string, told: Targets | undefined]> = [
  ['git checkout -b work', NONE],
  ['git checkout -q -B work', NONE],
  ['git switch -c work', NONE],
  ['git switch --create release/1.2', NONE],
  ['git clean -fdx', { written: [], removed: [''] }],
  ['git clean -n -d', NONE],
  ['git clean -fdx && git checkout -- .', undefined],
  ['git -C sub clean -fdx', undefined],
  ['git rm -q package.json', { written: [], removed: ['package.json'] }],
  ['git rm --cached package.json', NONE],
  ['git mv -f a package.json', { written: ['package.json'], removed: ['a'] }],
  ['rm -rf node_modules && cp -r x node_modules', { written: ['node_modules'], removed: ['node_modules'] }],
  ['mv a node_modules', { written: ['node_modules'], removed: ['a', 'node_modules'] }],
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
