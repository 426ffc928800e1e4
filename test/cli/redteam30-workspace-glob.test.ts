// Red team 30: a workspace's package globs were matched against folder names as regular expressions
// made of them (`*` read as `.*`), which backtrack: `workspaces: ["*a*a*a*a*a*a*a*a*a*a*b"]` beside a
// folder of 200 a's (each one more `*a` multiplies the time; four took 14 s) kept gitguard busy for
// hours. Globs are now matched in linear time; the gate package behind them is read as before.
import { cleanupTemp } from '../helpers/repo.js';
import { aliceAndBob, bobsEditOutcome } from '../helpers/team.js';

afterAll(cleanupTemp);

const gate = (cmd: string): string => `${JSON.stringify({ name: 'gate', scripts: { audit: cmd } }, null, 2)}\n`;
const FILES: Record<string, string> = {
  '.github/workflows/ci.yml':
    'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm run audit --workspaces\n',
  'package.json': `${JSON.stringify({ name: 'mono', private: true, workspaces: [`${'*a'.repeat(10)}*b`, '{pkg,lib}-[!x]*/*'] }, null, 2)}\n`,
  [`${'a'.repeat(200)}/notes.txt`]: 'x\n',
  'pkg-tools/gate/package.json': gate('gitguard audit'),
};
const outcome = bobsEditOutcome(aliceAndBob(FILES, 'own'));

test("a backtracking glob beside a folder of 200 a's: the audit ends, and the gate package is protected (before: hung)", async () => {
  expect(await outcome({ 'pkg-tools/gate/package.json': gate('true') })).toBe('fail');
});

test('twin: a change beside the gate package passes', async () => {
  expect(await outcome({ 'pkg-tools/gate/README.md': 'gate\n' })).toBe('pass');
});
