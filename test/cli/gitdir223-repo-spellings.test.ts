// gitdir223: git opening a repository the change committed (a bare one as plain files, `ci/x.git`),
// by the spellings redteam217's reading missed: a `cd` into it before git, a literal absolute path
// of the workspace (`/home/runner/work/<repo>/<repo>` on GitHub's runners, `/builds/<group>/<project>`
// on GitLab's) or one through `$PWD`, and git's variables naming the repository or work tree
// (GIT_DIR, GIT_COMMON_DIR, GIT_WORK_TREE: an assignment, `export`, a step's `env:`, $GITHUB_ENV).
// git runs what that repository's config names (`remote.origin.uploadpack`, checked against real git
// below), which may rewrite what the gate runs. gitguard drops every GIT_* for its own git, so a
// variable set for gitguard alone keeps the gate (target92's twin), as does git at the checkout.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { checkoutJob, runStep } from '../helpers/workflow-steps.js';

afterAll(cleanupTemp);

type Files = Record<string, string>;
const NPX = runStep('npx gitguard audit');
const DIRECT = checkoutJob('', NPX);
const before = (line: string, extra = ''): Files => checkoutJob(runStep(line, extra), NPX);
/** The gate step alone, running `line` (with `extra` lines of the step). */
const gate = (line: string, extra = ''): Files => checkoutJob('', runStep(line, extra));
const ENV = (name: string, value: string): string => `        env:\n          ${name}: ${value}\n`;
/** A GitLab gate job: its `script:` lines, then `more` keys of the job. */
const gitlab = (lines: readonly string[], more = ''): Files => ({
  '.gitlab-ci.yml': `gitguard:\n  image: node:20\n${more}  script:\n${lines.map((l) => `    - ${JSON.stringify(l)}\n`).join('')}`,
});
const GL_DIRECT = gitlab(['npx gitguard audit']);

const LOST: Array<[string, Files]> = [
  ['cd ci/x.git && git fetch', before('cd ci/x.git && git fetch origin')],
  ['cd ci/x.git, then git fetch on the next line', before('cd ci/x.git\ngit fetch origin')],
  ['pushd ci && cd x.git; git fetch', before('pushd ci && cd x.git; git fetch origin')],
  ['cd "$PWD/ci/x.git"; git fetch', before('cd "$PWD/ci/x.git"; git fetch origin')],
  ['env -C ci/x.git git fetch', before('env -C ci/x.git git fetch origin')],
  ['git -C /home/runner/work/r/r/ci/x.git fetch', before('git -C /home/runner/work/r/r/ci/x.git fetch origin')],
  ['git -C /builds/g/p/ci/x.git fetch', before('git -C /builds/g/p/ci/x.git fetch origin')],
  ['git -C "$PWD/ci/x.git" fetch', before('git -C "$PWD/ci/x.git" fetch origin')],
  ['git -C ~/work/r/r/ci/x.git fetch', before('git -C ~/work/r/r/ci/x.git fetch origin')],
  ['git -C ci -C x.git fetch', before('git -C ci -C x.git fetch origin')],
  ['git --git-dir ci/x.git fetch', before('git --git-dir ci/x.git fetch origin')],
  [
    'git --work-tree=/usr/local/bin checkout-index -a -f',
    before('git --work-tree=/usr/local/bin checkout-index -a -f'),
  ],
  ['GIT_DIR=ci/x.git git fetch', before('GIT_DIR=ci/x.git git fetch origin')],
  ['export GIT_DIR=ci/x.git; git fetch', before('export GIT_DIR=ci/x.git\ngit fetch origin')],
  ['export GIT_COMMON_DIR=ci/x.git; git fetch', before('export GIT_COMMON_DIR=ci/x.git\ngit fetch origin')],
  ['GIT_WORK_TREE=/usr/local/bin git checkout-index', before('GIT_WORK_TREE=/usr/local/bin git checkout-index -a -f')],
  ['env: GIT_DIR on a step running git fetch', before('git fetch origin', ENV('GIT_DIR', 'ci/x.git'))],
  ['GIT_DIR to $GITHUB_ENV', before('echo GIT_DIR=ci/x.git >> "$GITHUB_ENV"')],
  ['the gate step: GIT_DIR=ci/x.git git fetch first', gate('GIT_DIR=ci/x.git git fetch origin\nnpx gitguard audit')],
  ['the gate step: cd ci/x.git && git fetch first', gate('(cd ci/x.git && git fetch origin)\nnpx gitguard audit')],
  [
    'the gate step: env GIT_DIR, git fetch first',
    gate('git fetch origin\nnpx gitguard audit', ENV('GIT_DIR', 'ci/x.git')),
  ],
];
const GL_LOST: Array<[string, Files]> = [
  [
    'GitLab: cd ci/x.git && git fetch, cd back, the audit',
    gitlab(['cd ci/x.git && git fetch origin', 'cd "$CI_PROJECT_DIR"', 'npx gitguard audit']),
  ],
  [
    'GitLab: git -C /builds/g/p/ci/x.git fetch',
    gitlab(['git -C /builds/g/p/ci/x.git fetch origin', 'npx gitguard audit']),
  ],
  [
    'GitLab: variables GIT_DIR (the runner fetches with it)',
    gitlab(['npx gitguard audit'], '  variables:\n    GIT_DIR: ci/x.git\n'),
  ],
];
const GL_KEPT: Array<[string, Files]> = [
  ['GitLab: git -C "$CI_PROJECT_DIR" fetch', gitlab(['git -C "$CI_PROJECT_DIR" fetch origin', 'npx gitguard audit'])],
  ['GitLab: GIT_DIR=ci/x.git npx gitguard audit', gitlab(['GIT_DIR=ci/x.git npx gitguard audit'])],
];
const KEPT: Array<[string, Files]> = [
  ['the gate step: GIT_DIR=ci/x.git npx gitguard audit', gate('GIT_DIR=ci/x.git npx gitguard audit')],
  ['the gate step: env GIT_DIR, the audit alone', gate('npx gitguard audit', ENV('GIT_DIR', 'ci/x.git'))],
  [
    'cd ci && ls, then back: cd "$GITHUB_WORKSPACE"; git fetch',
    before('cd ci && ls\ncd "$GITHUB_WORKSPACE"\ngit fetch origin'),
  ],
  ['cd ci/x.git && ls', before('cd ci/x.git && ls')],
  ['git fetch at the root', before('git fetch origin')],
  ['export GIT_DIR=.git; git fetch', before('export GIT_DIR=.git\ngit fetch origin')],
  ['git -C "$RUNNER_TEMP/tools" log -1', before('git -C "$RUNNER_TEMP/tools" log -1')],
  ['git -C /tmp/tools log -1', before('git -C /tmp/tools log -1')],
  ['git --work-tree=. status', before('git --work-tree=. status')],
];

describe('gitdir223: git opening a committed repository loses the gate', () => {
  const lost = gateBatch();
  for (const [name, after] of LOST) it(`loses the gate: ${name}`, lost.add(DIRECT, after, false), 600_000);
  for (const [name, after] of GL_LOST) it(`loses the gate: ${name}`, lost.add(GL_DIRECT, after, false), 600_000);
});
describe('gitdir223: the honest twins', () => {
  const kept = gateBatch();
  for (const [name, after] of KEPT) it(`keeps the gate: ${name}`, kept.add(DIRECT, after, true), 600_000);
  for (const [name, after] of GL_KEPT) it(`keeps the gate: ${name}`, kept.add(GL_DIRECT, after, true), 600_000);
});

// The reference: git 2.39 runs the `remote.origin.uploadpack` of a bare repository found from the
// folder it runs in, named by an absolute path, or by GIT_DIR, for a fetch from a local path.
test('git runs the uploadpack of a committed bare repository found by cd, an absolute path or GIT_DIR', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gd223-'));
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));
  const run = (cwd: string, env: Record<string, string>, ...a: string[]): string =>
    execFileSync('git', ['-c', 'user.name=a', '-c', 'user.email=a@example.com', ...a], {
      cwd,
      env: { ...clean, ...env },
      encoding: 'utf8',
    });
  run(dir, {}, 'init', '-q', '--bare', 'ci/x.git');
  run(dir, {}, 'init', '-q', 'src');
  run(join(dir, 'src'), {}, 'commit', '-q', '--allow-empty', '-m', 'x');
  run(dir, {}, '--git-dir=ci/x.git', 'config', 'remote.origin.url', join(dir, 'src'));
  const ways: Array<[string, Record<string, string>, string[]]> = [
    [join(dir, 'ci/x.git'), {}, []],
    [dir, {}, ['-C', join(dir, 'ci/x.git')]],
    [dir, { GIT_DIR: 'ci/x.git' }, []],
  ];
  for (const [i, [cwd, env, how]] of ways.entries()) {
    const mark = join(dir, `ran${i}`);
    run(dir, {}, '--git-dir=ci/x.git', 'config', 'remote.origin.uploadpack', `touch ${mark}; git-upload-pack`);
    run(cwd, env, ...how, 'fetch', '-q', 'origin');
    expect(existsSync(mark)).toBe(true);
  }
});
