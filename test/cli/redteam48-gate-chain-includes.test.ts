// Red team 48: files a task runner reads with the gate's file, as one configuration, were not on the
// CI gate's chain, so Bob (a signer, no maintainer) editing one to skip gitguard passed
// protected-paths-changed-by-maintainers:
// - make: `include ci.mk` (a later `GG = true` or `check:` recipe there takes the gate over; GNU make
//   itself shows it below with `make -n`), and `$(GG) audit` was not read as gitguard's line;
// - mise: `[task_config] includes` (the folders and toml files mise reads tasks from), and a file
//   task's `#MISE depends=[...]` header (mise runs those tasks first);
// - task: `dotenv:` (the `.env` giving `$GG`) and an include whose path is templated (`./{{.DIR}}/...`);
// - a local reusable workflow or action running `${{ inputs.cmd }}` that a caller's `with:` gives.
// Twins: a file no chain reads, a target or task the gate does not reach, edited, pass.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { checkoutWorkflow, gateTeam } from '../helpers/team.js';

afterAll(cleanupTemp);

const edit =
  (team: ReturnType<typeof gateTeam>) =>
  async (files: Record<string, string>, signer?: Parameters<typeof team.outcomes>[1], email?: string) =>
    String((await team.outcomes(files, signer, email))['protected-paths-changed-by-maintainers']);

describe('make: the files a Makefile includes', () => {
  const MAKEFILE =
    'GG = npx gitguard\ncheck: lint\n\t$(GG) audit\nlint:\n\teslint .\ndocs:\n\techo docs\ninclude ci.mk\n';
  const FILES = {
    '.github/workflows/ci.yml': checkoutWorkflow('      - run: make check\n'),
    Makefile: MAKEFILE,
    'ci.mk': 'LINTFLAGS = -q\n',
    'tools.mk': 'X = 1\n',
  };
  const team = gateTeam(FILES);
  const outcome = edit(team);
  /** What GNU make would run for `make check` with `files` (-n: printed, not run). */
  const makeRuns = (files: Record<string, string>): string => {
    const dir = mkdtempSync(join(tmpdir(), 'rt48-make-'));
    try {
      for (const [f, text] of Object.entries({ ...FILES, ...files }))
        if (!f.startsWith('.github')) writeFileSync(join(dir, f), text);
      return spawnSync('make', ['-n', 'check'], { cwd: dir, encoding: 'utf8' }).stdout;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  test.each([
    ['a variable the gate uses', { 'ci.mk': 'LINTFLAGS = -q\nGG = true\n' }],
    ["the gate's goal given another recipe", { 'ci.mk': 'LINTFLAGS = -q\ncheck:\n\t@true\n' }],
  ])('Bob sets %s in the included file: make skips gitguard, and it fails', async (_name, files) => {
    expect(makeRuns({})).toContain('npx gitguard audit');
    expect(makeRuns(files)).not.toContain('gitguard');
    expect(await outcome(files)).toBe('fail');
  });

  test('twins: a make file none includes, and a target the gate does not reach, edited: pass', async () => {
    expect(await outcome({ 'tools.mk': 'X = 2\n' })).toBe('pass');
    expect(await outcome({ Makefile: MAKEFILE.replace('echo docs', 'echo more docs') })).toBe('pass');
  });
});

describe("mise: [task_config] includes and a file task's #MISE depends", () => {
  const team = gateTeam({
    '.github/workflows/ci.yml': checkoutWorkflow('      - uses: jdx/mise-action@v2\n      - run: mise run gate\n'),
    'mise.toml': '[tools]\nnode = "20.11.0"\n\n[task_config]\nincludes = [\n  "ci-tasks",\n  "more.toml",\n]\n',
    'ci-tasks/gate': '#!/bin/sh\n#MISE depends=["setup"]\nnpx gitguard audit\n',
    'ci-tasks/setup': '#!/bin/sh\nnpm ci\n',
    'ci-tasks/docs': '#!/bin/sh\nnpm run docs\n',
    'more.toml': '[lint]\nrun = "eslint ."\n',
  });
  const outcome = edit(team);
  const stub = "#!/bin/sh\nnpm ci\nprintf '#!/bin/sh\\nexit 0\\n' > node_modules/.bin/gitguard\n";

  test('the gate in an included folder, its dependency, a gate task added to an included toml: fail', async () => {
    expect(await outcome({ 'ci-tasks/gate': '#!/bin/sh\n#MISE depends=["setup"]\nexit 0\n' })).toBe('fail');
    expect(await outcome({ 'ci-tasks/setup': stub })).toBe('fail');
    expect(await outcome({ 'more.toml': '[lint]\nrun = "eslint ."\n\n[gate]\nrun = "true"\n' })).toBe('fail');
  });

  test('twins: a file task no chain runs, edited; Alice editing the gate: pass', async () => {
    expect(await outcome({ 'ci-tasks/docs': '#!/bin/sh\nnpm run docs -- --strict\n' })).toBe('pass');
    expect(await outcome({ 'ci-tasks/gate': '#!/bin/sh\nexit 0\n' }, team.alice, 'alice@example.com')).toBe('pass');
  });
});

describe("task: dotenv and a templated include's path", () => {
  const TASKFILE =
    "version: '3'\ndotenv: ['.env']\nvars:\n  DIR: ci\nincludes:\n  ci: ./{{.DIR}}/Taskfile.yml\ntasks:\n  gate:\n    cmds:\n      - $GG audit\n  docs: echo docs\n";
  const team = gateTeam({
    '.github/workflows/ci.yml': checkoutWorkflow('      - run: task gate\n      - run: task ci:check\n'),
    'Taskfile.yml': TASKFILE,
    '.env': 'GG=npx gitguard\n',
    'ci/Taskfile.yml': "version: '3'\ntasks:\n  check: npx gitguard audit --base origin/main\n",
    'docs/.env': 'THEME=dark\n',
  });
  const outcome = edit(team);

  test("Bob sets the gate's variable in .env, or guts the templated include's task: fail", async () => {
    expect(await outcome({ '.env': 'GG=true\n' })).toBe('fail');
    expect(await outcome({ 'ci/Taskfile.yml': "version: '3'\ntasks:\n  check: echo skipped\n" })).toBe('fail');
  });

  // (`task ci:check` names a task this Taskfile does not define: all of it counts, as before.)
  test('twins: an env file no Taskfile reads; Alice changing .env: pass', async () => {
    expect(await outcome({ 'docs/.env': 'THEME=light\n' })).toBe('pass');
    expect(await outcome({ '.env': 'GG=true\n' }, team.alice, 'alice@example.com')).toBe('pass');
  });
});

// A reusable workflow of the repository (`uses: ./.github/workflows/gate.yml`) or a local action runs
// what its caller's `with:` gives it (`run: ${{ inputs.cmd }}`): that value was not written in, so the
// Makefile and script it names were off the chain.
describe("workflows: a local reusable workflow's or action's inputs", () => {
  const team = gateTeam({
    '.github/workflows/ci.yml':
      'on: push\njobs:\n  gate:\n    uses: ./.github/workflows/gate.yml\n    with:\n      cmd: make gate\n  local:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./.github/actions/gate\n        with:\n          script-path: ./ci/gate.sh\n',
    '.github/workflows/gate.yml':
      'on:\n  workflow_call:\n    inputs:\n      cmd:\n        type: string\njobs:\n  g:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ${{ inputs.cmd }}\n',
    '.github/actions/gate/action.yml':
      'name: gate\ninputs:\n  script-path:\n    required: true\nruns:\n  using: composite\n  steps:\n    - run: ${{ inputs.script-path }}\n      shell: bash\n',
    Makefile: 'gate:\n\tnpx gitguard audit\ndocs:\n\techo docs\n',
    'ci/gate.sh': '#!/bin/sh\nnpx gitguard audit --base origin/main\n',
  });
  const outcome = edit(team);

  test('Bob guts the Makefile target or the script an input names: fail', async () => {
    expect(await outcome({ Makefile: 'gate:\n\ttrue\ndocs:\n\techo docs\n' })).toBe('fail');
    expect(await outcome({ 'ci/gate.sh': '#!/bin/sh\nexit 0\n' })).toBe('fail');
  });

  test('twin: a target no input names, edited: pass', async () => {
    expect(await outcome({ Makefile: 'gate:\n\tnpx gitguard audit\ndocs:\n\techo more docs\n' })).toBe('pass');
  });
});
