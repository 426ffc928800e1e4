// npxgate189: what a direct `npx gitguard audit` runs after earlier writes. (1) A removal plants
// nothing where npx looks (`rm -rf node_modules`, `rm package.json`, `rm -f .npmrc`, `git clean -fdx`:
// npx then fetches gitguard from the registry by the gate's own spec), so it keeps the gate; a removal
// and a write of the same name (`rm -rf node_modules && cp -r x node_modules`, `mv a node_modules`)
// does not. Before, each removal lost the gate (the told paths did not say a removal from a copy).
// (2) A write through a link the commit holds (`build -> .`, then `tar -xzf x.tgz -C build` or
// `cp -r y/. build/`) lands where npx looks: it kept the gate before (the told path `build` was not
// read through the commit's links); `build` a real folder, or a link elsewhere, keeps it.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { checkoutJob, runStep } from '../helpers/workflow-steps.js';
import { cleanupJobs, jobPasses } from '../helpers/real-job.js';
import { offlineNpx } from '../helpers/offline-npx.js';

afterAll(() => {
  cleanupTemp();
  cleanupJobs();
});

const run = runStep;
const job = (steps: string, gate = run('npx gitguard audit')): Record<string, string> => checkoutJob(steps, gate);
const wd = (d: string): string => `        working-directory: ${d}\n`;
const DIRECT = job('');

type Case = [name: string, files: Record<string, string>, links?: Record<string, string>];
const REMOVALS_KEPT: Case[] = [
  ['rm -rf node_modules', job(run('rm -rf node_modules'))],
  ['rm package.json', job(run('rm package.json'))],
  ['rm -f .npmrc', job(run('rm -f .npmrc'))],
  ['git clean -fdx', job(run('git clean -fdx'))],
  ['unlink .nvmrc, rmdir node_modules', job(run('unlink .nvmrc && rmdir node_modules'))],
  ['git rm -q package.json', job(run('git rm -q package.json'))],
  ['the gate line removes first', job('', run('rm -rf node_modules && npx gitguard audit'))],
  [
    'rm -rf node_modules in the gate folder',
    { ...job(run('rm -rf node_modules', wd('web')), run('npx gitguard audit', wd('web'))), 'web/a.txt': 'a\n' },
  ],
];
const REMOVALS_LOST: Case[] = [
  ['rm -rf node_modules && cp -r x node_modules', job(run('rm -rf node_modules && cp -r x node_modules'))],
  ['mv a node_modules', job(run('mv a node_modules'))],
  ['git mv a package.json', job(run('git mv -f a package.json'))],
  ['git clean -fdx && git checkout .', job(run('git clean -fdx && git checkout -- .'))],
  ['rsync -a --delete y/ node_modules/', job(run('rsync -a --delete y/ node_modules/'))],
  [
    'the gate line removes then copies',
    job('', run('rm -rf node_modules && cp -r x node_modules && npx gitguard audit')),
  ],
  ['git -C . clean -fdx (not told)', job(run('git -C . clean -fdx'))],
];

const LINKS_LOST: Case[] = [
  ['build -> ., tar -xzf -C build', job(run('tar -xzf x.tgz -C build')), { build: '.' }],
  ['build -> ., cp -r y/. build/', job(run('cp -r y/. build/')), { build: '.' }],
  ['build -> ., the gate line unpacks', job('', run('tar -xzf x.tgz -C build && npx gitguard audit')), { build: '.' }],
  ['out -> node_modules, cp g out/.bin/gitguard', job(run('cp g out/.bin/gitguard')), { out: 'node_modules' }],
  ['out/deep -> ../.., tar -C out/deep', job(run('tar -xzf x.tgz -C out/deep')), { 'out/deep': '../..' }],
  ['build -> /tmp/b (out of the checkout)', job(run('tar -xzf x.tgz -C build')), { build: '/tmp/b' }],
  ['a link under the folder written: build/up -> ..', job(run('tar -xzf x.tgz -C build')), { 'build/up': '..' }],
  ['a chain of links: a -> b, b -> .', job(run('cp -r y/. a/')), { a: 'b', b: '.' }],
  [
    'the gate folder is a link: web -> app, app/package.json written',
    job(run('cp /tmp/p.json app/package.json'), run('npx gitguard audit', wd('web'))),
    { web: 'app' },
  ],
];
const LINKS_KEPT: Case[] = [
  ['build a real folder, tar -xzf -C build', { ...job(run('tar -xzf x.tgz -C build')), 'build/.keep': '' }],
  ['build a real folder, cp -r y/. build/', { ...job(run('cp -r y/. build/')), 'build/.keep': '' }],
  [
    'build -> docs (a link elsewhere), tar -C build',
    { ...job(run('tar -xzf x.tgz -C build')), 'docs/a.md': 'a\n' },
    { build: 'docs' },
  ],
  [
    'build -> docs/site, cp -r y/. build/',
    { ...job(run('cp -r y/. build/')), 'docs/site/a.md': 'a\n' },
    { build: 'docs/site' },
  ],
  ['a link under another folder', { ...job(run('tar -xzf x.tgz -C build')), 'build/.keep': '' }, { 'docs/up': '..' }],
];

describe('npxgate189: a removal before a direct npx gate plants nothing', () => {
  const batch = gateBatch();
  for (const [name, files] of REMOVALS_KEPT) it(`keeps the gate: ${name}`, batch.add(DIRECT, files, true), 600_000);
  for (const [name, files] of REMOVALS_LOST) it(`loses the gate: ${name}`, batch.add(DIRECT, files, false), 600_000);
});

describe('npxgate189: a write through a committed link before a direct npx gate', () => {
  const batch = gateBatch();
  for (const [name, files, links] of LINKS_KEPT)
    it(`keeps the gate: ${name}`, batch.add(DIRECT, files, true, undefined, links), 600_000);
  for (const [name, files, links] of LINKS_LOST)
    it(`loses the gate: ${name}`, batch.add(DIRECT, files, false, undefined, links), 600_000);
});

// The reference: npm's own npx, offline, in a job as the runner runs it (real-job.ts). Removing
// node_modules leaves npx nothing to run (offline it fails: online it fetches the registry's
// gitguard); a copy after the removal puts the archive's gitguard where npx runs it; a tar into a link
// to the root unpacks at the root.
describe('npxgate189: what npx runs after a removal or a write through a link', () => {
  const { made, tgz, gate, cleanup } = offlineNpx('gitguard-npx189-');
  afterAll(cleanup);
  const planted = { 'node_modules/.bin/gitguard': '#!/bin/sh\nexit 0\n' };

  it('rm -rf node_modules: npx finds no gitguard', () => {
    expect(jobPasses([{ run: 'rm -rf node_modules' }, gate], planted)).toBe(false);
  });
  it('rm -rf node_modules && cp -r: npx runs the copy', () => {
    expect(jobPasses([{ run: `rm -rf node_modules && cp -r "${made}/node_modules" node_modules` }, gate])).toBe(true);
  });
  it('build -> .: tar -xzf -C build unpacks where npx looks', () => {
    expect(jobPasses([{ run: 'ln -s . build' }, { run: `tar -xzf "${tgz}" -C build` }, gate])).toBe(true);
  });
  it('build -> docs: npx finds none', () => {
    expect(jobPasses([{ run: 'mkdir docs && ln -s docs build' }, { run: `tar -xzf "${tgz}" -C build` }, gate])).toBe(
      false,
    );
  });
});

// GitLab: the gate job's own lines before its audit, read the same way (runGateLost carries the lookup).
describe('npxgate189: GitLab, a write through a committed link before npx gitguard audit', () => {
  const CI = '.gitlab-ci.yml';
  const gate = (line: string): Record<string, string> => ({
    [CI]: `gitguard:\n  script:\n    - ${line}\n    - npx gitguard audit\n`,
  });
  const START = gate('echo start');
  const batch = gateBatch(START);
  it('build -> .: lost', batch.add(START, gate('tar -xzf x.tgz -C build'), false, undefined, { build: '.' }));
  it('build a real folder: kept', batch.add(START, { ...gate('tar -xzf x.tgz -C build'), 'build/.keep': '' }, true));
  it('rm -rf node_modules: kept', batch.add(START, gate('rm -rf node_modules'), true));
});

// A direct call naming a file of the workspace reads it: a baseline written before it excuses what
// it lists (`--baseline base.json` after `curl -o base.json URL`). It kept the gate before (npx's
// lookup alone was judged); the same call after a write elsewhere loses it too (the path is not
// judged here: fail closed), and a removal keeps it.
describe('npxgate189: a direct call naming a file after a write', () => {
  const G = run('npx gitguard audit --baseline base.json');
  const files = { 'base.json': '{}' };
  const START = checkoutJob('', G, files);
  const batch = gateBatch();
  it(
    'curl -o base.json: lost',
    batch.add(START, checkoutJob(run('curl -sSo base.json https://x.example/b'), G, files), false),
  );
  it('rm -rf node_modules: kept', batch.add(START, checkoutJob(run('rm -rf node_modules'), G, files), true));
});
