// wrap103: a step that makes a repository in a folder of the checkout, then audits there. `git init
// tools && cd tools && npx gitguard audit` audits the new, empty repository, not the change: real git
// says so (`git rev-parse --show-toplevel` there is tools/, not the checkout). Before wrap103 the folder
// was read from the commit's tree, where it is a plain folder of the checkout: the gate was kept.
// Clean twins: `cd tools` with no repository made, a clone elsewhere (/tmp) before auditing the root.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';
import { GATE_WORKFLOW, gateWorkflow } from '../helpers/team.js';
import { makesRepository } from '../../src/domain/step-folder.js';

const root = mkdtempSync(join(tmpdir(), 'gitguard-wrap103-repos-'));
afterAll(() => {
  cleanupTemp();
  rmSync(root, { recursive: true, force: true });
});

const step = (run: string): string => gateWorkflow().replace('run: npx gitguard audit', `run: ${run}`);

/** The repository real git opens after `prefix` runs in a checkout with a folder tools/ (relative to it). */
function opened(prefix: string): string {
  const dir = mkdtempSync(join(root, 'c-'));
  const git = (...a: string[]): void => void spawnSync('git', a, { cwd: dir });
  git('init', '-q');
  mkdirSync(join(dir, 'tools'));
  writeFileSync(join(dir, 'tools', 'README'), 'x\n');
  git('add', '.');
  git('-c', 'user.name=a', '-c', 'user.email=a@example.com', 'commit', '-qm', 'x');
  const out = spawnSync('bash', ['-ec', `${prefix} git rev-parse --show-toplevel`], { cwd: dir, encoding: 'utf8' });
  return out.stdout.trim().replace(realpathSync(dir), '.');
}

test('the reference: real git opens tools/ as its own repository after git init there, the checkout otherwise', () => {
  expect(opened('git init -q tools && cd tools &&')).toBe('./tools');
  expect(opened('git -C tools init -q && cd tools &&')).toBe('./tools');
  expect(opened('cd tools &&')).toBe('.');
});

// Alice's checkout holds tools/ (a plain folder of the change) beside the workflow.
const BEFORE = { [GATE_WORKFLOW]: gateWorkflow(), 'tools/README': 'x\n' };
// The cases judged by one audit of their chain (gate-batch.ts), each test reading its own.
const batch = gateBatch();
const removed: Array<[string, string]> = [
  ['git init tools && cd tools', 'git init tools && cd tools && npx gitguard audit'],
  ['git -C tools init && cd tools', 'git -C tools init && cd tools && npx gitguard audit'],
  ['git init tools, audit -C tools', 'git init tools && npx gitguard audit -C tools'],
];
const kept: Array<[string, string]> = [
  ['cd tools (no repository made)', 'cd tools && npx gitguard audit'],
  [
    'a clone outside the checkout, the root audited',
    'git clone --depth 1 https://example.com/x.git /tmp/x && npx gitguard audit',
  ],
];
for (const [name, run] of removed)
  test(`removed: ${name}`, batch.add(BEFORE, { [GATE_WORKFLOW]: step(run) }, false), 60_000);
for (const [name, run] of kept) test(`kept: ${name}`, batch.add(BEFORE, { [GATE_WORKFLOW]: step(run) }, true), 60_000);

test('makesRepository: init, clone, worktree, submodule past git options; status, log do not', () => {
  expect(
    ['init tools', '-C tools init', '-c a=b clone u x', 'worktree add x', '$CMD x'].map((a) =>
      makesRepository(a.split(' ')),
    ),
  ).toEqual([true, true, true, true, true]);
  expect(['status', '-C tools log', 'rev-parse --show-toplevel'].map((a) => makesRepository(a.split(' ')))).toEqual([
    false,
    false,
    false,
  ]);
});
