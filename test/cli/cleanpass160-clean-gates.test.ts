// cleanpass160: honest workflows ci-gate-kept read as the gate removed (false failures), and the
// attacks beside each that still lose it.
// 1. An artifact downloaded under plain folders of the workspace (`target/`, `.venv`, `dist/`, `build`;
//    redteam174: not a cache, whose archive's members land where they name) before `npx gitguard audit` or `gitguard audit` from PATH: npx looks for gitguard in
//    `node_modules/.bin` from the folder it runs in up and in its own cache (`~/.npm/_npx`), a name on
//    PATH in PATH's folders; none of those is restored. Lost still: a restore naming node_modules,
//    `.npmrc` or package.json, one of `~/.npm/_npx`, a gate in the restored folder or auditing it
//    (`-C`, `--baseline` there), a checkout file run before the audit.
// 2. `FOO=1 npx gitguard audit`, `GITGUARD_FAIL_ON=high npx gitguard audit`, `env -u X npx gitguard
//    audit` after a step writing a checkout file: the same call as `npx gitguard audit` (gitguard-call.ts
//    directCheck). Lost still: PATH, NODE_OPTIONS, npm_config_*, GIT_* set for it, `npx --package=`.
// 4. download-artifact of `~/.npm` (which holds `~/.npm/_npx`): kept with `npx --cache "$(mktemp -d)"`;
//    a plain `npx gitguard` loses (npxcache190: npx runs its `_npx` or cached packument's tarball);
//    `~/.npm/_npx` named alone is no package cache: lost. setup-node's `cache: npm` and actions/cache
//    of `~/.npm` lose whatever the call (cache208: the change saves the entry, tar -P unpacks it anywhere).
// 5. README's CI recipes and action.yml's defaults keep the gate on a fresh repository and after an
//    honest second commit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { artifactStep, cacheStep, checkoutJob, runStep } from '../helpers/workflow-steps.js';

afterAll(cleanupTemp);

const FILES = {
  'ci/gate.sh': 'npx gitguard audit\n',
  'ci/setup.sh': 'echo setting up\n',
};
const run = runStep;
/** A push workflow's job: checkout with the history, the `steps`, then the gate step `gate`. */
const job = (steps: string, gate: string): Record<string, string> => checkoutJob(steps, gate, FILES);
const cache = cacheStep;
const artifact = artifactStep;
const NPX = run('npx gitguard audit');
const FRESH = run('npx --cache "$(mktemp -d)" gitguard audit');
const WRITE = run('echo x > version.txt');
const SETUP_NODE =
  '      - uses: actions/setup-node@v4\n        with:\n          node-version: 20\n          cache: npm\n';

type Case = [name: string, files: Record<string, string>];
const KEPT: Case[] = [
  // 1
  ['download-artifact into target/, then npx gitguard', job(artifact('target/'), NPX)],
  ['download-artifact into .venv, then npx gitguard', job(artifact('.venv'), NPX)],
  ['download-artifact into build, then npx gitguard', job(artifact('build'), NPX)],
  ['download-artifact into dist/, then npx gitguard', job(artifact('dist/'), NPX)],
  ['download-artifact into target/, then gitguard from PATH', job(artifact('target/'), run('gitguard audit .'))],
  [
    'download-artifact into target/, then npx -y gitguard@1 --fail-on high',
    job(artifact('target/'), run('npx -y gitguard@1 audit --fail-on high')),
  ],
  // 2
  ['a write, then FOO=1 npx gitguard', job(WRITE, run('FOO=1 npx gitguard audit'))],
  ['a write, then GITGUARD_FAIL_ON=high npx gitguard', job(WRITE, run('GITGUARD_FAIL_ON=high npx gitguard audit'))],
  ['a write, then env -u X npx gitguard', job(WRITE, run('env -u X npx gitguard audit'))],
  ['a restore of target/, then FOO=1 npx gitguard', job(artifact('target/'), run('FOO=1 npx gitguard audit'))],
  [
    'a write, then npx gitguard with shell: bash -e {0}',
    job(WRITE, run('npx gitguard audit', '        shell: bash -e {0}\n')),
  ],
  // 4 (cache208: a restore of GitHub's cache loses the gate whatever the call; a download keeps this reading)
  ['download-artifact into ~/.npm, then npx with a fresh cache', job(artifact('~/.npm'), FRESH)],
];
const LOST: Case[] = [
  // redteam174: actions/cache unpacks its archive's members where they name (tar -P), not under `path:`.
  ['actions/cache of target/, then npx gitguard', job(cache('target/'), NPX)],
  ['actions/cache of .venv, then npx gitguard', job(cache('.venv'), NPX)],
  ['actions/cache of build, then npx gitguard', job(cache('build'), NPX)],
  ['actions/cache of target/, then gitguard from PATH', job(cache('target/'), run('gitguard audit .'))],
  [
    'actions/cache of target/, then npx -y gitguard@1 --fail-on high',
    job(cache('target/'), run('npx -y gitguard@1 audit --fail-on high')),
  ],
  ['a cache of target/, then FOO=1 npx gitguard', job(cache('target/'), run('FOO=1 npx gitguard audit'))],
  // 1
  ['download-artifact into node_modules, then npx gitguard', job(artifact('node_modules'), NPX)],
  ['download-artifact into .npmrc, then npx gitguard', job(artifact('.npmrc'), NPX)],
  ['download-artifact into package.json, then npx gitguard', job(artifact('package.json'), NPX)],
  ['download-artifact into tools/node_modules, then npx gitguard', job(artifact('tools/node_modules'), NPX)],
  [
    'a restore of tools, then npx gitguard in tools',
    job(artifact('tools'), run('npx gitguard audit', '        working-directory: tools\n')),
  ],
  [
    'a restore of target, then --allowed-signers from it',
    job(artifact('target'), run('npx gitguard audit --allowed-signers target/signers')),
  ],
  [
    'a restore of ci, then --baseline from it',
    job(artifact('ci'), run('npx gitguard audit --baseline ci/baseline.json')),
  ],
  [
    'a restore of target/, then a checkout file before the audit',
    job(artifact('target/'), run('./ci/setup.sh && npx gitguard audit')),
  ],
  ['a restore of target/, then bash ci/gate.sh', job(artifact('target/'), run('bash ci/gate.sh'))],
  ['a restore of target/, then ./target/gitguard', job(artifact('target/'), run('./target/gitguard audit'))],
  [
    'a restore of target/, then npx --package=./target gitguard',
    job(artifact('target/'), run('npx --package=./target gitguard audit')),
  ],
  // 2
  ['a write, then PATH=./bin:$PATH npx gitguard', job(WRITE, run('PATH=./bin:$PATH npx gitguard audit'))],
  ['a write, then NODE_OPTIONS= npx gitguard', job(WRITE, run('NODE_OPTIONS="--require ./x.js" npx gitguard audit'))],
  [
    'a write, then npm_config_registry= npx gitguard',
    job(WRITE, run('npm_config_registry=http://x npx gitguard audit')),
  ],
  [
    'a write, then env NPM_CONFIG_USERCONFIG= npx gitguard',
    job(WRITE, run('env NPM_CONFIG_USERCONFIG=./x npx gitguard audit')),
  ],
  [
    'a write, then GIT_CONFIG_GLOBAL= npx gitguard',
    job(run('echo x > x'), run('GIT_CONFIG_GLOBAL=./x npx gitguard audit')),
  ],
  ['a write, then npx gitguard@file:./x', job(run('echo x > x'), run('npx gitguard@file:./x audit'))],
  // 4
  ['actions/cache of ~/.npm/_npx, then npx gitguard', job(cache('~/.npm/_npx'), NPX)],
  ['setup-node with cache: npm, then npx gitguard', job(SETUP_NODE, NPX)],
  ['actions/cache of ~/.npm, then npx gitguard', job(cache('~/.npm'), NPX)],
  // cache208: the change saves the entry its own gate job restores (tar -P puts it anywhere).
  ['setup-node with cache: npm, then npx with a fresh cache', job(SETUP_NODE, FRESH)],
  ['actions/cache of ~/.npm, then npx with a fresh cache', job(cache('~/.npm'), FRESH)],
];

const DIRECT = job('', NPX);
describe('cleanpass160: honest restores, writes and variables before a direct gitguard call', () => {
  const batch = gateBatch();
  for (const [name, files] of KEPT) it(`keeps the gate: ${name}`, batch.add(DIRECT, files, true), 600_000);
  for (const [name, files] of LOST) it(`loses the gate: ${name}`, batch.add(DIRECT, files, false), 600_000);
});

/**
 * README's CI recipes, read out of its "CI" section (to the ledger's): each YAML block, the ones
 * headed `# .github/workflows/x.yml` together as one recipe, a workflow with no `on:` given one, the
 * placeholders filled in; plus gitguard's action with action.yml's defaults (no `with:`).
 */
function recipes(): Case[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## CI\n'), readme.indexOf('\n## History ledger\n'));
  const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) =>
    m[1]!
      .replaceAll('<owner>/gitguard@<tag or commit>', `acme/gitguard@${'1'.repeat(40)}`)
      .replaceAll('<where you host gitguard>', 'example.com/gitguard'),
  );
  const out: Case[] = [];
  let named: Record<string, string> | undefined;
  for (const [k, text] of blocks.entries()) {
    const head = /^# (\.github\/workflows\/[\w.-]+)\n/.exec(text);
    if (head) {
      if (!named) out.push([`README block ${k} and the files after it`, (named = {})]);
      named[head[1]!] = text;
      continue;
    }
    named = undefined;
    const github = /^jobs:/m.test(text);
    const file = github ? '.github/workflows/gitguard.yml' : '.gitlab-ci.yml';
    out.push([
      `README block ${k}`,
      { [file]: github && !/^on:/m.test(text) ? `on: [push, pull_request]\n${text}` : text },
    ]);
  }
  const action = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n      - uses: acme/gitguard@${'1'.repeat(40)}\n`;
  out.push(["action.yml's defaults", { '.github/workflows/gitguard.yml': action }]);
  return out;
}

const NO_GITHUB_GATE = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n';
const NO_GITLAB_GATE = 'test:\n  script:\n    - echo hi\n';

describe("cleanpass160: README's CI recipes and action.yml keep the gate", () => {
  const found = recipes();
  test('the recipes are found (two GitHub, three GitLab, the reusable pair, the action)', () => {
    expect(found.length).toBeGreaterThanOrEqual(7);
    expect(found.filter(([, f]) => '.gitlab-ci.yml' in f).length).toBeGreaterThanOrEqual(3);
  });
  for (const [name, files] of found) {
    const batch = gateBatch();
    const honest = { ...files, 'src/app.js': 'console.log(1);\n' };
    it(`${name}: added to a fresh repository`, batch.add({ 'README.md': 'app\n' }, files, true), 600_000);
    it(`${name}: an honest second commit`, batch.add(files, honest, true), 600_000);
    // The twin: the recipe is read as a gate (its files replaced by a job running no gitguard lose it).
    const none = Object.fromEntries(
      Object.keys(files).map((f) => [f, f === '.gitlab-ci.yml' ? NO_GITLAB_GATE : NO_GITHUB_GATE]),
    );
    it(`${name}: replaced by a job with no gitguard, lost`, batch.add(files, none, false), 600_000);
  }
});

// README's `--base ${{ github.event.before }}` recipe passes the action one word, the id GitHub sets
// (the runner writes it in before the action splits `args`): read as three words it was no gate, and
// removing it lost nothing. A value the pusher writes (a commit message) may be several words: no gate.
describe("cleanpass160: gitguard's action with --base ${{ github.event.before }}", () => {
  const F = '.github/workflows/gitguard.yml';
  const action = (base: string): string =>
    `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          fetch-depth: 0\n      - uses: acme/gitguard@${'1'.repeat(40)}\n        with:\n          args: --base \${{ ${base} }}\n`;
  const batch = gateBatch();
  const before = { [F]: action('github.event.before') };
  it('removed: lost', batch.add(before, { [F]: NO_GITHUB_GATE }, false), 600_000);
  it(
    'the base a commit message names: lost',
    batch.add(before, { [F]: action('github.event.head_commit.message') }, false),
    600_000,
  );
  it('kept as it is with another file changed', batch.add(before, { ...before, 'src/app.js': '1;\n' }, true), 600_000);
});
