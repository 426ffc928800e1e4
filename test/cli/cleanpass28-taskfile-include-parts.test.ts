// A CI step runs `task ci:audit`, a task of the Taskfile the root one includes. The root Taskfile was
// watched whole (the task named is not one of its own), so Bob (a signer, no maintainer) editing an
// unrelated task of the root, or adding one, failed protected-paths-changed-by-maintainers (a false
// failure). The root is now read in the part task reads for it: its settings (`includes:`, `vars:`)
// and the tasks the included file calls back (`task: :prepare`). Twins: Bob editing the vars the gate
// reads, the include, or the task called back still fails; so does Bob emptying the included gate.
import { cleanupTemp } from '../helpers/repo.js';
import { GATE_FAIL, GATE_PASS, gateTeam } from '../helpers/team.js';

afterAll(cleanupTemp);

const ROOT = (build: string, more = ''): string =>
  `version: '3'\nvars:\n  GATE_ARGS: --fail-on low\nincludes:\n  ci: ./ci/Taskfile.yml\ntasks:\n  prepare:\n    cmds:\n      - npm ci\n  build:\n    cmds:\n      - ${build}\n${more}`;
const CI =
  "version: '3'\ntasks:\n  audit:\n    cmds:\n      - task: :prepare\n      - npx gitguard audit {{.GATE_ARGS}}\n";
const team = gateTeam({
  '.github/workflows/ci.yml':
    'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: task ci:audit\n',
  'Taskfile.yml': ROOT('go build ./...'),
  'ci/Taskfile.yml': CI,
});

test('Bob edits or adds a root task the gate does not read: pass (before: the root was watched whole)', async () => {
  expect(await team.outcomes({ 'Taskfile.yml': ROOT('go build -v ./...') })).toEqual(GATE_PASS);
  expect(
    await team.outcomes({ 'Taskfile.yml': ROOT('go build ./...', '  docs:\n    cmds:\n      - mkdocs build\n') }),
  ).toEqual(GATE_PASS);
});

test("the twins: Bob edits the root's vars, its include, the task called back, or the included gate: fail", async () => {
  const root = ROOT('go build ./...');
  expect(await team.outcomes({ 'Taskfile.yml': root.replace('--fail-on low', '--fail-on critical') })).toEqual(
    GATE_FAIL,
  );
  expect(
    await team.outcomes({
      'Taskfile.yml': root.replace('ci: ./ci/Taskfile.yml', 'ci: ./ci/Other.yml'),
      'ci/Other.yml': "version: '3'\ntasks:\n  audit:\n    cmds:\n      - 'true'\n",
    }),
  ).toEqual(GATE_FAIL);
  expect(await team.outcomes({ 'Taskfile.yml': root.replace('npm ci', 'npm ci && rm -rf node_modules/.bin') })).toEqual(
    GATE_FAIL,
  );
  expect(await team.outcomes({ 'ci/Taskfile.yml': CI.replace('npx gitguard audit', 'echo') })).toEqual(GATE_FAIL);
});

test('Alice, a maintainer, edits the root vars: pass', async () => {
  expect(
    await team.outcomes(
      { 'Taskfile.yml': ROOT('go build ./...').replace('--fail-on low', '--fail-on high') },
      team.alice,
      'alice@example.com',
    ),
  ).toEqual(GATE_PASS);
});
