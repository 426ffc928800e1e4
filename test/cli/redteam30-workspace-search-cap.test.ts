// Red team 30: a gate package taken out of the workspace's declaration is still looked for at the tip
// (workspace-packages.ts), but only in the first 2048 folders. A signer who is no maintainer narrowed
// `workspaces` to leave the gate package out (npm then never runs its script: the gate is gone)
// and, in the same commit, added 2100 folders of test fixtures at the root, read before packages/: the search
// stopped before it, no package led to gitguard at the tip, so neither the root package.json's
// `workspaces` nor anything else of the workspace was watched, and the rule passed.
import { cleanupTemp } from '../helpers/repo.js';
import { aliceAndBob, bobsEditOutcome } from '../helpers/team.js';

afterAll(cleanupTemp);

const pkg = (name: string, scripts: Record<string, string>): string =>
  `${JSON.stringify({ name, version: '1.0.0', scripts }, null, 2)}\n`;
const root = (workspaces: string[]): string =>
  `${JSON.stringify({ name: 'mono', private: true, workspaces }, null, 2)}\n`;
const FILES: Record<string, string> = {
  '.github/workflows/ci.yml':
    'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm run audit --workspaces\n',
  'package.json': root(['packages/*']),
  'packages/gate/package.json': pkg('@acme/gate', { audit: 'gitguard audit' }),
  'packages/web/package.json': pkg('@acme/web', { audit: 'npm audit' }),
};
const outcome = bobsEditOutcome(aliceAndBob(FILES, 'own'));

/** 2100 fixture folders (one file each) at the root, read before packages/ (they sort first). */
const fixtures = Object.fromEntries(
  Array.from({ length: 2100 }, (_, i) => [`case-${String(i).padStart(4, '0')}/input.txt`, `${i}\n`]),
);

test('the gate package left out of `workspaces` behind 2100 fixture folders fails (before: pass)', async () => {
  expect(await outcome({ 'package.json': root(['packages/web']), ...fixtures })).toBe('fail');
});

test('twins: the fixtures alone, and the narrowing without them (found by the search), as before', async () => {
  expect(await outcome(fixtures)).toBe('pass');
  expect(await outcome({ 'package.json': root(['packages/web']) })).toBe('fail');
});
