// Red team 28: the CI gate run through a tool that finds the file by a name of its own, which the
// chain to gitguard did not follow, so the file was not protected: a signer who is no maintainer
// replaced `gitguard audit` with `true` there and protected-paths-changed-by-maintainers passed.
// - workspace runners picking a package by its `name` or running them all: `npx turbo run gitguard`
//   (the task is packages/tools/package.json's script), `pnpm --filter @acme/audit run audit` (the
//   package's folder is not its name), `yarn workspace @acme/tools run gitguard`, `nx run checks:gate`
//   (a target in project.json), `pnpm -r run audit`;
// - the package's `name` the filter picks it by (renamed, pnpm runs nothing and exits 0);
// - `docker run -v "$(pwd)":/src img sh /src/ci/docker-gate` (a checkout folder mounted);
// - an extensionless `./ci/gate` handed to a command the reader does not know (`retry ./ci/gate`);
// - task runners: `just gate` (justfile), `task gate` (Taskfile.yml), `mise run gate` (mise.toml);
// - a package script's `./scripts/gate.sh`, which npm runs from the package's folder (it was read
//   from the root: nothing there), and `make -sC ci audit` (-C bundled: the root's Makefile was read);
// - a Makefile recipe `\tgitguard audit` replaced by `\ttrue`: the part compared is JSON, where the
//   line reads `\\tgitguard`, and /\bgitguard\b/ found no gitguard in it before or after the change;
// - `bundle exec rake gate` (Rakefile), `pre-commit run` (a local hook), a target defined in a file the
//   Makefile includes, `$(MAKE) -C sub gate` in a recipe, `docker compose run gate` (compose.yaml),
//   `pnpm -r exec ./scripts/check.sh` (run in each package's folder).
// Clean twin: a dependency bumped and another script edited in the gate's package.json, a package
// leading to no gitguard, and the README, by the same signer, pass.
import { cleanupTemp } from '../helpers/repo.js';
import { aliceAndBob, protectedPerCommit } from '../helpers/team.js';

afterAll(cleanupTemp);

const pkg = (name: string, scripts: Record<string, string>, deps = '^1.0.0'): string =>
  `${JSON.stringify({ name, version: '1.0.0', scripts, devDependencies: { lodash: deps } }, null, 2)}\n`;
const steps = [
  'npx turbo run gitguard',
  'pnpm --filter @acme/audit run audit',
  'yarn workspace @acme/tools run gitguard',
  'npx nx run checks:gate',
  'docker run --rm -v "$(pwd)":/src node:20 sh /src/ci/docker-gate',
  'retry ./ci/gate',
  'just gate',
  'task gate',
  'mise run gate',
  'make -sC ci audit',
  'make -C ci2 gate',
  'bundle exec rake gate',
  'pre-commit run --all-files',
  'make -C inc audit',
  'make outer',
  'docker compose run gate',
  'pnpm -r exec ./scripts/check.sh',
  'cd ./packages/web && npm run build',
];
const FILES: Record<string, string> = {
  '.github/workflows/ci.yml': `on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${steps.map((s) => `      - run: ${s}\n`).join('')}`,
  'package.json': `${JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*'] }, null, 2)}\n`,
  'turbo.json': '{ "tasks": { "gitguard": {} } }\n',
  'packages/tools/package.json': pkg('@acme/tools', { gitguard: 'gitguard audit --fail-on high', lint: 'eslint .' }),
  'packages/audit-pkg/package.json': pkg('@acme/audit', { audit: 'gitguard audit' }),
  'packages/web/package.json': pkg('@acme/web', { build: 'vite build' }),
  'packages/checks/project.json': '{ "targets": { "gate": { "command": "gitguard audit" } } }\n',
  'ci/docker-gate': '#!/bin/sh\ngitguard audit\n',
  'ci/gate': '#!/bin/sh\nnpx gitguard audit\n',
  justfile: 'lint:\n    eslint .\n\ngate:\n    gitguard audit\n',
  'Taskfile.yml': "version: '3'\ntasks:\n  gate:\n    cmds:\n      - gitguard audit\n",
  'mise.toml': '[tasks.gate]\nrun = "gitguard audit"\n',
  'packages/lintgate/package.json': pkg('@acme/lintgate', { gitguard: './scripts/gate.sh' }),
  'packages/lintgate/scripts/gate.sh': '#!/bin/sh\ngitguard audit\n',
  'ci/Makefile': 'lint:\n\teslint .\naudit:\n\tnpx gitguard audit\n',
  'ci2/Makefile': 'gate:\n\tgitguard audit\n',
  Rakefile: 'task :gate do\n  sh "gitguard audit"\nend\n',
  '.pre-commit-config.yaml':
    'repos:\n  - repo: local\n    hooks:\n      - id: gate\n        name: gate\n        entry: gitguard audit\n        language: system\n',
  'inc/Makefile': 'include gate.mk\n',
  'inc/gate.mk': 'audit:\n\tnpx gitguard audit\n',
  Makefile: 'outer:\n\t$(MAKE) -C sub gate\n',
  'sub/Makefile': 'gate:\n\tnpx gitguard audit --fail-on high\n',
  'compose.yaml': 'services:\n  gate:\n    image: node:20\n    command: npx gitguard audit\n',
  'packages/execgate/package.json': pkg('@acme/execgate', {}),
  'packages/execgate/scripts/check.sh': '#!/bin/sh\ngitguard audit\n',
  'README.md': 'mono\n',
};
const { r, alice, bob } = aliceAndBob(FILES, 'own');
const base = r.head();

/**
 * Back to the first commit, one commit per change (by Bob, or `signer`), then one audit of the rule
 * over them all (protectedPerCommit): its outcome, and what its findings say of each change's commit.
 */
async function protectedChanges(changes: Array<Record<string, string>>, signer = bob, email = 'bob@example.com') {
  r.run(['reset', '-q', '--hard', base]);
  return protectedPerCommit(
    r,
    changes.map((files) => [signer, email, files] as const),
  );
}
type Judged = Awaited<ReturnType<typeof protectedChanges>>;

const gateOut = (text: string): string => text.replace(/gitguard audit[^"\n]*/, 'true');

// Each file gutted by its own commit, all of them in one history: each changes a file no other does,
// and taking gitguard out of one leaves what runs the others as it was.
const GUTTED: Array<[string, string]> = [
  ['packages/tools/package.json', 'turbo, yarn workspace: the script gone'],
  ['packages/audit-pkg/package.json', 'pnpm --filter by name'],
  ['packages/checks/project.json', 'nx target'],
  ['ci/docker-gate', 'docker with the checkout mounted'],
  ['ci/gate', 'an extensionless program handed to another'],
  ['justfile', 'just'],
  ['Taskfile.yml', 'task'],
  ['mise.toml', 'mise'],
  ['packages/lintgate/scripts/gate.sh', "a package script's path, from its package's folder"],
  ['ci/Makefile', 'make -sC: -C bundled after another flag'],
  ['Rakefile', 'bundle exec rake'],
  ['.pre-commit-config.yaml', 'pre-commit run'],
  ['inc/gate.mk', "a Makefile's include"],
  ['sub/Makefile', '$(MAKE) -C sub in a recipe'],
  ['compose.yaml', 'docker compose run'],
  ['packages/execgate/scripts/check.sh', "pnpm -r exec: a path from each package's folder"],
  ['ci2/Makefile', 'a recipe line starting with gitguard (read as `\\tgitguard` in the compared part)'],
];
let gutted: Judged;
beforeAll(async () => {
  gutted = await protectedChanges(GUTTED.map(([path]) => ({ [path]: gateOut(FILES[path]!) })));
}, 60_000);

test.each(GUTTED.map(([path, how], i) => [path, how, i] as const))(
  '%s (%s): a signer who is no maintainer takes gitguard out and fails',
  (path, _how, i) => {
    expect(gutted.outcome).toBe('fail');
    expect(gutted.perChange[i]).toContain(path);
  },
);

test("the filtered package renamed (pnpm's --filter then picks none) fails", async () => {
  const renamed = FILES['packages/audit-pkg/package.json']!.replace('@acme/audit', '@acme/audit-old');
  const got = await protectedChanges([{ 'packages/audit-pkg/package.json': renamed }]);
  expect([got.outcome, got.perChange[0]]).toEqual(['fail', expect.stringContaining('packages/audit-pkg/package.json')]);
});

test('the workspace list narrowed (the gate package left out) or a yarnPath added fails', async () => {
  // The narrowed list last: at HEAD it leaves the packages out of what the CI runs.
  const narrowed = FILES['package.json']!.replace('packages/*', 'packages/web');
  const got = await protectedChanges([{ '.yarnrc.yml': 'yarnPath: ci/yarn.cjs\n' }, { 'package.json': narrowed }]);
  expect(got.outcome).toBe('fail');
  expect(got.perChange).toEqual([expect.stringContaining('.yarnrc.yml'), expect.stringContaining('package.json')]);
});

test('clean twin: a dependency bumped, another script or make target and a package leading to no gitguard edited, pass', async () => {
  const tools = FILES['packages/tools/package.json']!.replace('^1.0.0', '^1.2.0').replace(
    'eslint .',
    'eslint --max-warnings 0 .',
  );
  const got = await protectedChanges([
    {
      'packages/tools/package.json': tools,
      'packages/web/package.json': pkg('@acme/web', { build: 'vite build --mode prod' }, '^2.0.0'),
      'ci/Makefile': FILES['ci/Makefile']!.replace('eslint .', 'eslint --fix .'),
      'packages/web/src/app.js': 'export {};\n',
      'README.md': 'mono repo\n',
    },
  ]);
  expect([got.outcome, got.perChange, got.others]).toEqual(['pass', [''], []]);
});

test("clean twin: the maintainer's own edit of the gate script passes", async () => {
  const got = await protectedChanges(
    [{ 'packages/tools/package.json': gateOut(FILES['packages/tools/package.json']!) }],
    alice,
    'alice@example.com',
  );
  expect(got.outcome).toBe('pass');
});
