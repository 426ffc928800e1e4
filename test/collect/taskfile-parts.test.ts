// A Taskfile as the CI gate's chain reads it (domain/taskfile-parts.ts), on YAML read as collect/ reads
// it: what `task gate` reaches, and the shapes read whole (the file then counts in full).
import { taskfileCommands, taskfilePart, taskfileRootCalls, taskNames } from '../../src/domain/taskfile-parts.js';
import { yamlJson } from '../../src/collect/workspace-packages.js';

const BASE = `version: '3'
vars:
  NEXT: fetch
tasks:
  gate:
    cmds:
      - task: '{{.NEXT}}'
      - gitguard audit
  fetch: git fetch
  lint: golangci-lint run
`;
const part = async (yaml: string, named = ['gate']): Promise<string | undefined> =>
  taskfilePart((await yamlJson(yaml))!, named);

test('the tasks a `task` command names', () => {
  expect(taskNames(['gate'])).toEqual(['gate']);
  expect(taskNames([])).toEqual(['default']);
  expect(taskNames(['-t', 'ci/Taskfile.yml', '--dir', 'ci', 'gate', 'lint', 'V=1', '--', 'x'])).toEqual([
    'gate',
    'lint',
  ]);
});

test('a task called through a template, or by a shell `task x` with a template, is read whole', async () => {
  expect(await part(BASE)).toBeUndefined();
  const shell = BASE.replace("- task: '{{.NEXT}}'", "- '{{.TASK_EXE}} {{.NEXT}}'");
  expect(await part(shell)).toBeUndefined();
  expect(
    await part(BASE.replace("- task: '{{.NEXT}}'", '- |\n        echo start\n        task {{.NEXT}}')),
  ).toBeUndefined();
  expect(
    await part(BASE.replace("cmds:\n      - task: '{{.NEXT}}'", "deps: ['{{.NEXT}}']\n    cmds:")),
  ).toBeUndefined();
});

test('a task the gate names in a shell command is kept; another task is no change', async () => {
  const named = BASE.replace("- task: '{{.NEXT}}'", '- task fetch');
  const kept = await part(named);
  expect(kept).toContain('git fetch');
  expect(kept).not.toContain('golangci-lint');
  expect(await part(named.replace('golangci-lint run', 'golangci-lint run --fix'))).toBe(kept);
  expect(await part(named.replace('git fetch', 'true'))).not.toBe(kept);
  const commands = taskfileCommands((await yamlJson(named))!, ['gate']);
  expect(commands).toEqual(expect.arrayContaining(['gitguard audit', 'git fetch', 'task fetch']));
  expect(commands).not.toContain('golangci-lint run');
});

test('a wildcard task, a task named that is not there, too many tasks or tasks of another shape: whole', async () => {
  const simple = BASE.replace("- task: '{{.NEXT}}'", '- echo');
  expect(await part(simple)).toBeDefined();
  expect(await part(`${simple}  'deploy:*': echo {{.MATCH}}\n`)).toBeUndefined();
  expect(await part(simple, ['ci:gate'])).toBeUndefined();
  const many = Array.from({ length: 1100 }, (_, k) => `  t${k}: echo\n`).join('');
  expect(await part(simple + many)).toBeUndefined();
  expect(await part("version: '3'\ntasks: [gate]\n")).toBeUndefined();
});

test('a task of an included Taskfile (`ns:x`, an alias, a flattened include): the settings and the tasks called back', async () => {
  const root = `version: '3'
vars:
  ARGS: --strict
includes:
  ci:
    taskfile: ./ci
    aliases: [c]
tasks:
  prepare: npm ci
  build: go build ./...
`;
  const kept = await part(root, ['ci:audit']);
  expect(kept).toContain('--strict');
  expect(kept).not.toContain('go build');
  expect(await part(root.replace('go build ./...', 'go build -v ./...'), ['ci:audit'])).toBe(kept);
  expect(await part(root.replace('--strict', '--lax'), ['ci:audit'])).not.toBe(kept);
  expect(await part(root, ['c:audit'])).toBe(kept);
  // the task an included file calls back (collect/ names it too) is kept
  expect(await part(root, ['ci:audit', 'prepare'])).toContain('npm ci');
  // not an include's namespace, no task of this file: all of it
  expect(await part(root, ['docs:build'])).toBeUndefined();
  const flat = root.replace('aliases: [c]', 'flatten: true');
  expect(await part(flat, ['audit'])).not.toContain('go build');
});

test('the tasks an included Taskfile calls back: its words after a colon; by a template, not told', async () => {
  const ci = `version: '3'
tasks:
  audit:
    deps: [':lint']
    cmds:
      - task: :prepare
      - '{{.TASK_EXE}} :fmt'
      - curl http://localhost:8080
      - task: other
`;
  expect(taskfileRootCalls((await yamlJson(ci))!)?.sort()).toEqual(['fmt', 'lint', 'prepare']);
  expect(taskfileRootCalls((await yamlJson(ci.replace('task: :prepare', "task: ':{{.X}}'")))!)).toBeUndefined();
});
