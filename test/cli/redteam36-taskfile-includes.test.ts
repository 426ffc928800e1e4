// Red team 36: a CI step running `task gate` whose gate lives in a Taskfile the root one includes.
// The include's path was read as a command: `./ci/x.yml` ran the file and `./ci` watched the folder
// whole, but a root file named without a slash (`ci: GateTasks.yml`) named nothing, so Bob (a signer,
// no maintainer) emptying its task passed protected-paths-changed-by-maintainers; and a folder
// included that leads nowhere (`docs: ./docs`) was on the chain all the same, so his edit of the
// docs' Taskfile failed (a false failure). Includes are now read as task reads them: a file, or the
// Taskfile of a folder, followed like a script. Twins: Alice emptying the task passes; the folder
// form of the gate (`taskfile: ./more`) still fails.
import { cleanupTemp } from '../helpers/repo.js';
import { GATE_FAIL, GATE_PASS, gateTeam } from '../helpers/team.js';

afterAll(cleanupTemp);

const taskfile = (tasks: string): string => `version: '3'\ntasks:\n${tasks}`;
const team = gateTeam({
  '.github/workflows/ci.yml':
    'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: task gate\n',
  'Taskfile.yml':
    "version: '3'\nincludes:\n  ci: GateTasks.yml\n  more:\n    taskfile: ./more\n  docs: ./docs\ntasks:\n  gate:\n    cmds:\n      - task: ci:audit\n      - task: more:check\n",
  'GateTasks.yml': taskfile('  audit:\n    cmds:\n      - npx gitguard audit\n'),
  'more/Taskfile.yml': taskfile('  check:\n    cmds:\n      - npx gitguard audit --strict\n'),
  'docs/Taskfile.yml': taskfile('  build:\n    cmds:\n      - mkdocs build\n'),
});
const OFF = taskfile('  audit:\n    cmds:\n      - "true"\n');

test('Bob empties the gate task of an included Taskfile (a root file, a folder): fails (before: the root file passed)', async () => {
  expect(await team.outcomes({ 'GateTasks.yml': OFF })).toEqual(GATE_FAIL);
  expect(await team.outcomes({ 'more/Taskfile.yml': taskfile('  check:\n    cmds:\n      - "true"\n') })).toEqual(
    GATE_FAIL,
  );
});

test('Alice empties it; Bob edits a folder included that leads nowhere: pass (before: the folder failed)', async () => {
  expect(await team.outcomes({ 'GateTasks.yml': OFF }, team.alice, 'alice@example.com')).toEqual(GATE_PASS);
  expect(
    await team.outcomes({ 'docs/Taskfile.yml': taskfile('  build:\n    cmds:\n      - mkdocs build -s\n') }),
  ).toEqual(GATE_PASS);
});
