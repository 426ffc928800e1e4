// Clean workflows 43: a Go project whose CI runs the gate as a go-task task (`task gate`, which depends
// on `tools` and runs `gitguard audit`; another step runs `task test lint`). Bob, a signer who is no
// maintainer, edits the test and lint tasks and adds a bench task: the everyday edits of a Taskfile.
// Taskfile.yml was protected whole, so this failed protected-paths-changed-by-maintainers; now what
// `task gate` reads counts: every key outside `tasks` and the gate task with what it mentions (deps,
// `task:` calls, a shell `task x`). Twins: the gate's commands, its dependency, a task it calls by
// `task:`, a top-level variable, an alias `gate` on another task and a merge key still fail; Alice's
// change of the gate passes. test/collect/taskfile-parts.test.ts reads the file's other shapes.
import { cleanupTemp } from '../helpers/repo.js';
import { GATE_FAIL as FAIL, GATE_PASS as PASS, gateTeam } from '../helpers/team.js';

afterAll(cleanupTemp);

const TASKFILE = `version: '3'

vars:
  GO_PACKAGES: ./...

tasks:
  tools:
    cmds:
      - go install ./tools/...

  gate:
    desc: the gitguard CI gate
    deps: [tools]
    cmds:
      - task: fetch
      - gitguard audit --fail-on high

  fetch:
    cmds:
      - git fetch --tags origin

  test:
    cmds:
      - go test {{.GO_PACKAGES}}

  lint:
    cmds:
      - golangci-lint run
`;
const FILES: Record<string, string> = {
  '.github/workflows/ci.yml':
    'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n' +
    '      - uses: arduino/setup-task@v2\n      - run: task gate\n      - run: task test lint\n',
  'Taskfile.yml': TASKFILE,
  'go.mod': 'module example.com/app\n\ngo 1.22\n',
};
const { alice, outcomes } = gateTeam(FILES);

test("Bob's edits of other tasks, and a task added, pass", async () => {
  const edited =
    TASKFILE.replace('go test {{.GO_PACKAGES}}', 'go test -race {{.GO_PACKAGES}}').replace(
      'golangci-lint run',
      'golangci-lint run --timeout 5m',
    ) + '\n  bench:\n    cmds:\n      - go test -bench=. {{.GO_PACKAGES}}\n';
  expect(await outcomes({ 'Taskfile.yml': edited })).toEqual(PASS);
});

test.each([
  ["the gate's commands", TASKFILE.replace('gitguard audit --fail-on high', 'true')],
  ['the task the gate depends on', TASKFILE.replace('go install ./tools/...', 'exit 0')],
  ['a task the gate calls', TASKFILE.replace('git fetch --tags origin', 'kill $PPID')],
  ['a variable every task reads', TASKFILE.replace('GO_PACKAGES: ./...', 'GO_PACKAGES: ./...\n  GITGUARD: "true"')],
  ['another task given the alias gate', TASKFILE.replace('  lint:\n', '  lint:\n    aliases: [gate]\n')],
  [
    'a merge key (read otherwise by task)',
    TASKFILE.replace('  lint:\n    cmds:', '  lint: &lint\n    cmds:') + '\n  other:\n    <<: *lint\n',
  ],
])('%s changed by Bob fails', async (_, text) => {
  expect(await outcomes({ 'Taskfile.yml': text })).toEqual(FAIL);
});

test("the gate's commands changed by Alice pass", async () => {
  const text = TASKFILE.replace('high', 'critical');
  expect(await outcomes({ 'Taskfile.yml': text }, alice, 'alice@example.com')).toEqual(PASS);
});
