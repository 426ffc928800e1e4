// redteam205: a GitLab job's `variables:` naming SHELLOPTS or BASHOPTS kept our template's job a gate.
// GitLab exports them to the job's bash, and a bash that starts with `SHELLOPTS=noexec` in its
// environment reads the script and runs none of it: it exits 0, the audit never run. On GitHub such
// an `env:` already switched the step off (checkout-runs.ts startupEnv); the GitLab job's direct
// reading now loses the gate the same way. The template as shipped, with a documented value set,
// keeps it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

const GL = '.gitlab-ci.yml';
const TEMPLATE = readFileSync(join(ROOT, 'ci', 'gitlab-ci.yml'), 'utf8');
/** The template with `line` added to its job's variables. */
const withVariable = (line: string): Record<string, string> => ({
  [GL]: TEMPLATE.replace('    GIT_DEPTH: 0\n', `    GIT_DEPTH: 0\n    ${line}\n`),
});
const BEFORE = { [GL]: TEMPLATE };

describe('redteam205: GitLab variables that change how the job bash starts', () => {
  const batch = gateBatch();
  it('keeps the gate: another variable', batch.add(BEFORE, withVariable('DEPLOY_NOTE: all'), true), 600_000);
  it('loses the gate: SHELLOPTS noexec', batch.add(BEFORE, withVariable('SHELLOPTS: noexec'), false), 600_000);
  it('loses the gate: BASHOPTS', batch.add(BEFORE, withVariable('BASHOPTS: expand_aliases'), false), 600_000);
});

// The reference: bash reading its script on stdin (as GitLab's runner feeds it) with SHELLOPTS=noexec.
test('a bash started with SHELLOPTS=noexec runs no line of its script and exits 0', () => {
  const run = (env: Record<string, string>): number | null =>
    spawnSync('bash', [], { input: 'exit 1\n', env: { PATH: process.env.PATH!, ...env } }).status;
  expect(run({ SHELLOPTS: 'noexec' })).toBe(0);
  expect(run({})).toBe(1);
});
