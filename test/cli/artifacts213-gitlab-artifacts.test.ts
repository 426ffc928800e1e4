// artifacts213: the artifacts a GitLab job downloads before its scripts. By default a job takes the
// artifacts of every job of an earlier stage; `dependencies:` names the jobs it takes them from,
// `needs:` likewise but those with `artifacts: false`; `needs: []` or `dependencies: []` takes none. The
// runner unpacks each archive into the project folder after the clone, and the earlier job ran the
// change's code, so its upload is the change's: a path the gate reads (`node_modules/`, `.npmrc`, the
// whole folder, `untracked: true`) loses the gate; a plain folder (`dist/`) keeps a direct call of
// gitguard at the root, as download-artifact into `dist/` does on GitHub. The runner's archive keeps
// links as links and its unpacking writes a later entry through one (helper archives/zip_extract.go:
// MkdirAll, then the entry opened by name), and its uploader matches a pattern with doublestar's Glob,
// which goes into a link: a pattern, or two paths one at or under the other (in one job or two), may
// write anywhere. GitHub's download-artifact: a `path:` of the workspace with `pattern:`,
// `merge-multiple:`, `run-id:` is read by its `path:` (action-writes.ts), none given loses the gate,
// nor does any path keep it for v4.0.0 to v4.1.2, which write an entry's `..` name as it is.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { checkoutJob, runStep } from '../helpers/workflow-steps.js';

afterAll(cleanupTemp);

const GL = '.gitlab-ci.yml';
/** README's job by hand (with its `needs: []`), and as it was written before it (in the `test` stage, taking every earlier stage's artifacts). */
const README_JOB = [
  ...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/^```yaml\n(gitguard:\n[\s\S]*?)^```$/gm),
][0]![1]!;
const OLD_JOB = README_JOB.replace(/^ {2}needs: \[\].*\n/m, '');
/** A gate job that calls gitguard by name at the root. */
const DIRECT = 'gitguard:\n  image: node:20\n  script:\n    - npx gitguard audit\n';
/** A build job in the `build` stage uploading `artifacts` (the lines under `artifacts:`). */
const build = (artifacts: string, name = 'build', more = ''): string =>
  `${name}:\n  stage: build\n  image: node:20\n${more}  script:\n    - npm ci\n    - npm run build\n  artifacts:\n${artifacts}`;
const PATHS = (...p: string[]): string => `    paths:\n${p.map((x) => `      - ${JSON.stringify(x)}\n`).join('')}`;

type Files = Record<string, string>;
/** A case: the gate job alone (`before`), then `jobs` added above it and `gateKeys` under it (`after`); `files` in both. */
interface Case {
  name: string;
  gate: string;
  jobs: string;
  gateKeys?: string;
  head?: string;
  files?: Files;
  links?: Files;
}
const sides = (c: Case): [Files, Files] => [
  { ...c.files, [GL]: `${c.head ?? ''}${c.gate}${c.gateKeys ?? ''}` },
  { ...c.files, [GL]: `${c.head ?? ''}${c.jobs}${c.gate}${c.gateKeys ?? ''}` },
];

/** A case whose gate job has `gateKeys` under it. */
const keyed = (name: string, gate: string, gateKeys: string, jobs: string): Case => ({ name, gate, gateKeys, jobs });

const KEPT: Case[] = [
  {
    name: "README's job (needs: []) after a build uploading node_modules/",
    gate: README_JOB,
    jobs: build(PATHS('node_modules/')),
  },
  keyed(
    'the old README job with dependencies: [] after node_modules/',
    OLD_JOB,
    '  dependencies: []\n',
    build(PATHS('node_modules/')),
  ),
  {
    name: 'the old README job in a stage before the build',
    head: 'stages: [audit, build, test]\n',
    gate: OLD_JOB,
    gateKeys: '  stage: audit\n',
    jobs: build(PATHS('node_modules/', '.npmrc')),
  },
  keyed(
    'needs: the build with artifacts: false',
    OLD_JOB,
    '  needs:\n    - job: build\n      artifacts: false\n',
    build(PATHS('node_modules/')),
  ),
  keyed(
    'needs: a lint job only, the build uploads node_modules/',
    OLD_JOB,
    '  needs: [lint]\n',
    `lint:\n  stage: build\n  script:\n    - npm run lint\n${build(PATHS('node_modules/'))}`,
  ),
  { name: 'a direct call after dist/ and coverage/', gate: DIRECT, jobs: build(PATHS('dist/', 'coverage')) },
  {
    name: 'a direct call after two jobs uploading dist/ and public/',
    gate: DIRECT,
    jobs: build(PATHS('dist/')) + build(PATHS('./public/'), 'pages'),
  },
  {
    name: 'the old README job after a build with reports only',
    gate: OLD_JOB,
    jobs: build('    reports:\n      junit: junit.xml\n'),
  },
  {
    name: 'the old README job after a build with artifacts: paths: []',
    gate: OLD_JOB,
    jobs: build('    paths: []\n    when: always\n'),
  },
  {
    name: 'a build in a later stage uploading node_modules/',
    gate: OLD_JOB,
    jobs: build(PATHS('node_modules/')).replace('stage: build', 'stage: deploy'),
  },
];

const LOST: Case[] = [
  {
    name: 'a gate through a checkout script after node_modules/',
    gate: 'gitguard:\n  image: node:20\n  script:\n    - bash ci/gate.sh\n',
    jobs: build(PATHS('node_modules/')),
    files: { 'ci/gate.sh': 'npx gitguard audit\n' },
  },
  { name: 'the old README job after node_modules/', gate: OLD_JOB, jobs: build(PATHS('node_modules/')) },
  { name: 'the old README job after untracked: true', gate: OLD_JOB, jobs: build('    untracked: true\n') },
  {
    name: 'the old README job after dist/ (its clone line: no direct call alone)',
    gate: OLD_JOB,
    jobs: build(PATHS('dist/')),
  },
  { name: 'a direct call after .npmrc', gate: DIRECT, jobs: build(PATHS('.npmrc')) },
  { name: 'a direct call after the whole folder (.)', gate: DIRECT, jobs: build(PATHS('.')) },
  { name: 'a direct call after a pattern', gate: DIRECT, jobs: build(PATHS('dist/**/*.js')) },
  { name: 'a direct call after a variable path', gate: DIRECT, jobs: build(PATHS('$OUT_DIR/')) },
  { name: 'a direct call after a path out of the folder', gate: DIRECT, jobs: build(PATHS('../x')) },
  { name: 'a direct call after .git/hooks', gate: DIRECT, jobs: build(PATHS('.git/hooks/')) },
  {
    name: 'a direct call after two jobs uploading dist/ (a link in one, an entry through it in the other)',
    gate: DIRECT,
    jobs: build(PATHS('dist/')) + build(PATHS('dist/'), 'pages'),
  },
  {
    name: 'a direct call after dist/ and dist/l/gitguard',
    gate: DIRECT,
    jobs: build(PATHS('dist/', 'dist/l/gitguard')),
  },
  {
    name: 'a direct call after dist/, .npmrc sets cache=dist/npm',
    gate: DIRECT,
    jobs: build(PATHS('dist/')),
    files: { '.npmrc': 'cache=dist/npm\n' },
  },
  {
    name: 'a direct call after dist/, dist committed as a link to node_modules',
    gate: DIRECT,
    jobs: build(PATHS('dist/')),
    links: { dist: 'node_modules' },
  },
  keyed(
    'dependencies: [build] after node_modules/.bin',
    DIRECT,
    '  dependencies: [build]\n',
    build(PATHS('node_modules/.bin/')),
  ),
  keyed(
    'needs: the build with artifacts: true after package.json',
    DIRECT,
    '  needs:\n    - job: build\n      artifacts: true\n',
    build(PATHS('package.json')),
  ),
  {
    name: 'default: artifacts of node_modules/ a build job takes',
    gate: DIRECT,
    jobs: `default:\n  artifacts:\n    paths: [node_modules/]\nbuild:\n  stage: build\n  script:\n    - npm ci\n`,
  },
  {
    name: 'artifacts an extends: template gives',
    gate: DIRECT,
    jobs: `.art:\n  artifacts:\n    paths: [node_modules/]\nbuild:\n  extends: .art\n  stage: build\n  script:\n    - npm ci\n`,
  },
];

describe('artifacts213: GitLab artifacts that cannot reach what the gate reads keep it', () => {
  const batch = gateBatch();
  for (const c of KEPT) {
    const [before, after] = sides(c);
    it(`keeps the gate: ${c.name}`, batch.add(before, after, true, undefined, c.links), 600_000);
  }
});

describe('artifacts213: GitLab artifacts written where the gate reads lose it', () => {
  const batch = gateBatch();
  for (const c of LOST) {
    const [before, after] = sides(c);
    it(`loses the gate: ${c.name}`, batch.add(before, after, false, undefined, c.links), 600_000);
  }
});

// GitHub: download-artifact's v4 inputs (`pattern:`, `merge-multiple:`, `run-id:` with `github-token:`)
// write under its `path:`; no `path:` writes the workspace. An unknown remote action before the gate
// (one that may restore a cache) is no gate with a start that does not run it.
const NPX = runStep('npx gitguard audit');
const dl = (inputs: string, v = 'v4'): string =>
  `      - uses: actions/download-artifact@${v}\n        with:\n${inputs.replace(/^/gm, '          ')}\n`;
const GH_KEPT: Array<[string, Files]> = [
  ['v4.1.3 (names checked) into dist/', checkoutJob(dl('name: dist\npath: dist/', 'v4.1.3'), NPX)],
  ['v4.1.8 into dist/', checkoutJob(dl('name: dist\npath: dist/', 'v4.1.8'), NPX)],
  [
    'pattern and merge-multiple into dist/',
    checkoutJob(dl('pattern: build-*\nmerge-multiple: true\npath: dist/'), NPX),
  ],
  [
    'another run (run-id, github-token) into dist/',
    checkoutJob(
      dl('name: dist\npath: dist/\nrun-id: ${{ github.event.workflow_run.id }}\ngithub-token: ${{ secrets.T }}'),
      NPX,
    ),
  ],
];
const GH_LOST: Array<[string, Files]> = [
  // v4.0.0 to v4.1.2 write an entry's `../` or absolute name as it is (CVE-2024-42471).
  ['v4.1.2 into dist/', checkoutJob(dl('name: dist\npath: dist/', 'v4.1.2'), NPX)],
  ['v4.0.0 into dist/', checkoutJob(dl('name: dist\npath: dist/', 'v4.0.0'), NPX)],
  ['pattern, merge-multiple, no path', checkoutJob(dl('pattern: build-*\nmerge-multiple: true'), NPX)],
  ['another run, no path', checkoutJob(dl('name: dist\nrun-id: 1234\ngithub-token: ${{ secrets.T }}'), NPX)],
  ['pattern into node_modules/', checkoutJob(dl('pattern: mods-*\npath: node_modules/'), NPX)],
  [
    'an unknown remote action (a cache of its own) before the gate',
    checkoutJob(`      - uses: someone/cache-everything@v1\n        with:\n          path: dist/\n`, NPX),
  ],
];

describe('artifacts213: GitHub download-artifact by its path', () => {
  const start = checkoutJob('', NPX);
  const batch = gateBatch(start);
  for (const [name, after] of GH_KEPT) it(`keeps the gate: ${name}`, batch.add(start, after, true), 600_000);
  for (const [name, after] of GH_LOST) it(`loses the gate: ${name}`, batch.add(start, after, false), 600_000);
});
