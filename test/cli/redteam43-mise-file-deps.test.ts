// Red team 43: a mise task the gate depends on, written as a file task (mise-tasks/<name>), is run
// before the gate by `mise run gate` (mise merges file tasks with mise.toml's), but only the named
// task's file was watched: Bob rewriting the dependency to stub gitguard out passed. The tasks a
// chain's tasks depend on (`depends`, `depends_post`, `wait_for`) are now followed as `mise run <dep>`.
// Twin: a file task no chain reaches, edited, passes.
import { cleanupTemp } from '../helpers/repo.js';
import { checkoutWorkflow, gateTeam } from '../helpers/team.js';

afterAll(cleanupTemp);

const MISE =
  '[tools]\nnode = "20.11.0"\n\n[tasks.gate]\ndepends = [\n  "setup",\n  "prep --fast",\n]\nrun = "npx gitguard audit"\n';
const { outcomes } = gateTeam({
  '.github/workflows/ci.yml': checkoutWorkflow('      - uses: jdx/mise-action@v2\n      - run: mise run gate\n'),
  'mise.toml': MISE,
  'mise-tasks/setup': '#!/bin/sh\nnpm ci\n',
  '.mise/tasks/prep': '#!/bin/sh\nnpm run build\n',
  'mise-tasks/docs': '#!/bin/sh\nnpm run docs\n',
});
const outcome = async (files: Record<string, string>): Promise<string> =>
  String((await outcomes(files))['protected-paths-changed-by-maintainers']);

test('the file task the gate depends on, rewritten to stub gitguard out, fails', async () => {
  const stub = "#!/bin/sh\nnpm ci\nprintf '#!/bin/sh\\nexit 0\\n' > node_modules/.bin/gitguard\n";
  expect(await outcome({ 'mise-tasks/setup': stub })).toBe('fail');
  // The other dependency, with an argument, in another folder mise reads file tasks from.
  expect(await outcome({ '.mise/tasks/prep': stub })).toBe('fail');
});

test('twin: a file task no chain reaches, edited, passes', async () => {
  expect(await outcome({ 'mise-tasks/docs': '#!/bin/sh\nnpm run docs -- --strict\n' })).toBe('pass');
});
