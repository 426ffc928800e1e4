// redteam174, two attacks on last stop's readings. 1. actions/cache restores with
// `tar -xf <archive> -P -C $GITHUB_WORKSPACE` and checks no member of the archive against its `path:` (which only picks the entry: the entry's version is a hash
// of the paths). A run of the pusher's saves the entry for `target/` with its own `tar` first on PATH
// (or calls the cache service itself): its members may be `node_modules/.bin/gitguard`, a `..` climb
// out of the workspace or an absolute name, and land there. So no path of actions/cache keeps a
// gate that a plain folder of the workspace would (`target/`, `.venv`, `node_modules` before
// gitguard's own action); download-artifact, whose toolkit unpacks each member under its `path:`,
// still does; since cache208 the package managers' caches in $HOME lose it too (the change saves the entry).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupJobs, jobPasses } from '../helpers/real-job.js';
import { artifactStep, cacheStep, checkoutJob, runStep } from '../helpers/workflow-steps.js';

afterAll(cleanupTemp);
afterAll(cleanupJobs);

const NPX = runStep('npx gitguard audit');
/** gitguard's own action at the workspace (action.yml's defaults). */
const OWN = `      - uses: acme/gitguard@${'1'.repeat(40)}\n`;
const restoreStep = (path: string): string =>
  `      - uses: actions/cache/restore@v4\n        with:\n          path: ${path}\n          key: k\n`;

type Case = [name: string, files: Record<string, string>];
const LOST: Case[] = [
  ['actions/cache of target/, npx gitguard', checkoutJob(cacheStep('target/'), NPX)],
  ['actions/cache/restore of .venv, npx gitguard', checkoutJob(restoreStep('.venv'), NPX)],
  [
    'actions/cache of dist and build, npx gitguard',
    checkoutJob(cacheStep('|\n            dist\n            build'), NPX),
  ],
  ['actions/cache of node_modules, then the action', checkoutJob(cacheStep('node_modules'), OWN)],
  ['actions/cache of target/, then the action', checkoutJob(cacheStep('target/'), OWN)],
  ['actions/cache of ~/.gradle/wrapper, then the action', checkoutJob(cacheStep('~/.gradle/wrapper'), OWN)],
  // cache208: a package manager's cache in $HOME too (its members land anywhere), npx's fresh cache or not.
  [
    'actions/cache of ~/.npm, npx with a fresh cache',
    checkoutJob(cacheStep('~/.npm'), runStep('npx --cache "$(mktemp -d)" gitguard audit')),
  ],
];
const KEPT: Case[] = [
  ['download-artifact into dist/, npx gitguard', checkoutJob(artifactStep('dist/'), NPX)],
  ['download-artifact into node_modules, then the action', checkoutJob(artifactStep('node_modules'), OWN)],
  [
    'actions/cache/save of target/, npx gitguard',
    checkoutJob(cacheStep('target/').replace('cache@', 'cache/save@'), NPX),
  ],
];

describe('redteam174: an actions/cache entry writes wherever its members name', () => {
  const batch = gateBatch();
  const DIRECT = checkoutJob('', NPX);
  for (const [name, files] of KEPT) it(`keeps the gate: ${name}`, batch.add(DIRECT, files, true), 600_000);
  for (const [name, files] of LOST) it(`loses the gate: ${name}`, batch.add(DIRECT, files, false), 600_000);
});

// The reference: the job as the runner runs it, the restore as the toolkit runs tar. The entry saved
// for `target/` holds `target/x` and, made by the saving run's own tar, `../home/bin/npx` (the runner's
// HOME beside the workspace, where this job's npx is): the gate's `npx gitguard audit` then runs the
// pusher's npx and passes an unsigned HEAD. The honest entry (`target/x` alone) leaves the gate failing.
describe('redteam174: tar -P puts an entry member outside its path', () => {
  const root = mkdtempSync(join(tmpdir(), 'gitguard-rt174-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const entry = (name: string, evil: boolean): string => {
    const made = join(root, name);
    mkdirSync(join(made, 'ws/target'), { recursive: true });
    mkdirSync(join(made, 'home/bin'), { recursive: true });
    writeFileSync(join(made, 'ws/target/x'), 'build\n');
    writeFileSync(join(made, 'home/bin/npx'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const archive = join(root, `${name}.tar`);
    const members = evil ? ['target/x', '../home/bin/npx'] : ['target/x'];
    execFileSync('tar', ['-cf', archive, '-P', '-C', join(made, 'ws'), ...members]);
    return archive;
  };
  const job = (archive: string): boolean =>
    jobPasses([{ run: `tar -xf '${archive}' -P -C "$GITHUB_WORKSPACE"` }, { run: 'npx gitguard audit' }]);

  it('a member climbing out of the workspace replaces npx, and the gate passes', () => {
    expect(job(entry('evil', true))).toBe(true);
  }, 60_000);
  it('an entry of target/ alone leaves the gate failing', () => {
    expect(job(entry('honest', false))).toBe(false);
  }, 60_000);
});

// A checkout file an earlier step runs (`bash ci/setup.sh`, a make recipe, a package script) is read
// at the commit for where it writes programs, but what it writes of the checkout went unread: the
// gate's chain, read at the commit, runs `ci/gate.sh` while the job runs what setup.sh wrote there.
// Its writes now count as the CI file's own do (told paths judged against the chain and the files run).
const FILES: Record<string, string> = { 'ci/gate.sh': 'npx gitguard audit\n', 'ci/lib/a.sh': 'echo a\n' };
const GATE = runStep('bash ci/gate.sh');
const withFiles = (steps: string, files: Record<string, string>, gate = GATE): Record<string, string> =>
  checkoutJob(steps, gate, { ...FILES, ...files });
const SETUP = runStep('bash ci/setup.sh');
const REWRITES: Case[] = [
  ['ci/setup.sh writes ci/gate.sh', withFiles(SETUP, { 'ci/setup.sh': 'echo "exit 0" > ci/gate.sh\n' })],
  ['ci/setup.sh moves to ci, writes gate.sh', withFiles(SETUP, { 'ci/setup.sh': 'cd ci\necho x > gate.sh\n' })],
  ['ci/setup.sh writes by a variable', withFiles(SETUP, { 'ci/setup.sh': 'F=ci/gate.sh\necho x > $F\n' })],
  [
    'ci/setup.sh writes a file the gate sources',
    withFiles(SETUP, { 'ci/setup.sh': 'echo x > ci/lib/a.sh\n', 'ci/gate.sh': '. ci/lib/a.sh\nnpx gitguard audit\n' }),
  ],
  ['a make recipe writes ci/gate.sh', withFiles(runStep('make gen'), { Makefile: 'gen:\n\techo x > ci/gate.sh\n' })],
  [
    'a package script writes ci/gate.sh',
    withFiles(runStep('npm run gen'), { 'package.json': '{"scripts":{"gen":"echo x > ci/gate.sh"}}\n' }),
  ],
];
const HONEST: Case[] = [
  ['ci/setup.sh writes version.txt', withFiles(SETUP, { 'ci/setup.sh': 'echo 1 > version.txt\n' })],
  ['ci/setup.sh only prints', withFiles(SETUP, { 'ci/setup.sh': 'echo building\n' })],
  [
    'a make recipe writes dist/',
    withFiles(runStep('make build'), { Makefile: 'build:\n\tmkdir -p dist\n\techo x > dist/a.js\n' }),
  ],
  [
    'ci/setup.sh writes out/, then npx gitguard',
    withFiles(SETUP, { 'ci/setup.sh': 'mkdir -p out && echo 1 > out/v.txt\n' }, NPX),
  ],
];
describe('redteam174: a checkout file run before the gate writes what its chain runs', () => {
  const batch = gateBatch();
  const DIRECT = checkoutJob('', GATE, FILES);
  for (const [name, files] of HONEST) it(`keeps the gate: ${name}`, batch.add(DIRECT, files, true), 600_000);
  for (const [name, files] of REWRITES) it(`loses the gate: ${name}`, batch.add(DIRECT, files, false), 600_000);

  // The reference: the job as the runner runs it; the chain read at the commit runs gitguard, the job does not.
  const setupJob = (setup: string): boolean =>
    jobPasses([{ run: 'bash ci/setup.sh' }, { run: 'bash ci/gate.sh' }], { ...FILES, 'ci/setup.sh': setup });
  it('the job runs what ci/setup.sh wrote over ci/gate.sh, and passes', () => {
    expect(setupJob('echo "exit 0" > ci/gate.sh\n')).toBe(true);
  }, 60_000);
  it('with ci/setup.sh writing version.txt the gate still fails the unsigned HEAD', () => {
    expect(setupJob('echo 1 > version.txt\n')).toBe(false);
  }, 60_000);
});
