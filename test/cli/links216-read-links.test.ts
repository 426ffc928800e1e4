// links216: the paths a direct `npx gitguard audit` names (`--baseline f`, `-C dir`) were compared
// with the files earlier steps write as text: a committed link on the way (`ci -> build`, then a step
// writing `build/base.json`), a `..` after a link (`l/../base.json` with `l -> build/sub`, which the
// kernel reads as `build/base.json`), a chain of links, a link by an absolute target or a submodule on
// the way kept the gate though the audit read what the step wrote. They are read through the commit's
// links now, or lose the gate where that is not known; a real folder, or a link elsewhere, keeps it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { checkoutJob, runStep } from '../helpers/workflow-steps.js';

afterAll(cleanupTemp);

const run = runStep;
const job = (steps: string, gate: string): Record<string, string> => checkoutJob(steps, run(gate));
const DIRECT = checkoutJob('', run('npx gitguard audit'));
const BASE = 'npx gitguard audit --baseline ci/base.json';
const WRITE = run('cp /tmp/b.json build/base.json');
const ID = 'a'.repeat(40);

type Case = [
  name: string,
  files: Record<string, string>,
  links?: Record<string, string>,
  gitlinks?: Record<string, string>,
];
const LOST: Case[] = [
  ['ci -> build, build/base.json written', { ...job(WRITE, BASE), 'build/.keep': '' }, { ci: 'build' }],
  [
    'the gate line writes through ci -> build',
    { ...job('', `cp /tmp/b.json build/base.json && ${BASE}`), 'build/.keep': '' },
    { ci: 'build' },
  ],
  ['a chain of links: ci -> c2, c2 -> build', { ...job(WRITE, BASE), 'build/.keep': '' }, { ci: 'c2', c2: 'build' }],
  [
    '.. after a link: l/../base.json, l -> build/sub',
    { ...job(WRITE, 'npx gitguard audit --baseline l/../base.json'), 'build/sub/.keep': '' },
    { l: 'build/sub' },
  ],
  [
    'a link whose target climbs: ci -> sub/l/.., sub/l -> ../build/x',
    { ...job(WRITE, BASE), 'build/x/.keep': '', 'sub/.keep': '' },
    { ci: 'sub/l/..', 'sub/l': '../build/x' },
  ],
  ['ci -> /tmp/ci (an absolute target)', { ...job(WRITE, BASE), 'build/.keep': '' }, { ci: '/tmp/ci' }],
  [
    '--allowed-signers=keys/signers, keys -> build',
    { ...job(run('cp /tmp/s build/signers'), 'npx gitguard audit --allowed-signers=keys/signers'), 'build/.keep': '' },
    { keys: 'build' },
  ],
  [
    'the baseline in a submodule (its links its own)',
    { ...job(WRITE, 'npx gitguard audit --baseline vendor/lib/base.json'), 'build/.keep': '' },
    undefined,
    { 'vendor/lib': ID },
  ],
];
const KEPT: Case[] = [
  ['ci a real folder, build/base.json written', { ...job(WRITE, BASE), 'ci/base.json': '{}\n', 'build/.keep': '' }],
  [
    'ci -> docs, build/base.json written',
    { ...job(WRITE, BASE), 'docs/base.json': '{}\n', 'build/.keep': '' },
    { ci: 'docs' },
  ],
  [
    'l/../base.json, l a real folder',
    { ...job(WRITE, 'npx gitguard audit --baseline l/../base.json'), 'l/.keep': '', 'build/.keep': '' },
  ],
];

describe('links216: a direct call reads its named paths through the commit links', () => {
  const batch = gateBatch();
  for (const [name, files, links, gitlinks] of KEPT)
    it(`keeps the gate: ${name}`, batch.add(DIRECT, files, true, undefined, links, gitlinks), 600_000);
  for (const [name, files, links, gitlinks] of LOST)
    it(`loses the gate: ${name}`, batch.add(DIRECT, files, false, undefined, links, gitlinks), 600_000);
});

// The reference: the kernel reads a path through the links on its way, a `..` from where a link led.
describe('links216: what the file system reads through a link', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gitguard-links216-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'build/sub'), { recursive: true });
  writeFileSync(join(dir, 'build/base.json'), 'written\n');
  writeFileSync(join(dir, 'base.json'), 'committed\n');
  symlinkSync('build', join(dir, 'ci'));
  symlinkSync('build/sub', join(dir, 'l'));

  it('ci/base.json with ci -> build is build/base.json', () => {
    expect(readFileSync(join(dir, 'ci/base.json'), 'utf8')).toBe('written\n');
  });
  it('l/../base.json with l -> build/sub is build/base.json, not base.json', () => {
    expect(readFileSync(`${dir}/l/../base.json`, 'utf8')).toBe('written\n');
  });
});
