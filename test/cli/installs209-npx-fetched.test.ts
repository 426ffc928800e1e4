// installs209: a package run at once before the gate that is never a dependency of the project:
// `yarn dlx x` (Yarn installs it into a temporary project and runs it, as `pnpm dlx` does) and npx or
// `npm exec` of a git host's or URL's package (`npx owner/repo`, `npx github:owner/repo`, `npm exec
// --package=https://…/x.tgz`), which npm fetches whatever the lock holds. Its code runs as the job's
// user and can write `node_modules/.bin/gitguard`, a package in ~/.npm/_npx or a program on PATH: it
// counts as fetched code (tool-installs.ts), lost unless the start's same job ran the exact line.
// Twins: npx of a name the commit's package.json declares (npxdep222: another is the registry's
// package), a scoped name, a folder of the checkout.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { checkoutJob, runStep } from '../helpers/workflow-steps.js';

afterAll(cleanupTemp);

const NPX = runStep('npx gitguard audit');
const PKG = {
  'package.json': `${JSON.stringify({
    name: 'app',
    devDependencies: { eslint: '9', prettier: '3', '@scope/tool': '1', typescript: '5', 'create-thing': '1' },
  })}\n`,
  'package-lock.json': `${JSON.stringify({
    lockfileVersion: 3,
    packages: { 'node_modules/typescript': { bin: { tsc: 'bin/tsc' } } },
  })}\n`,
};
const job = (steps: string): Record<string, string> => checkoutJob(steps, NPX, PKG);
const BEFORE = job('');

const FETCHED = [
  'yarn dlx evil',
  'yarn dlx -p evil evil-cli',
  'npx someone/evil',
  'npx github:someone/evil#main',
  'npx --yes git+https://example.com/evil.git',
  'npx -p https://example.com/evil.tgz evil',
  'npx --package=someone/evil evil',
  'npm exec --package=github:someone/evil -- evil',
  'npm x -- someone/evil',
];
const NAMED = [
  'npx eslint .',
  'npx --yes prettier --check .',
  'npx @scope/tool --check',
  'npm exec -- tsc --noEmit',
  'npx ./tools/cli',
  'npx ./tools',
  'npx ../tools',
  'yarn install --immutable',
  'yarn build',
];

describe('a package run at once that is never a dependency, before the gate', () => {
  const batch = gateBatch();
  for (const s of FETCHED) test(`${s}: lost`, batch.add(BEFORE, job(runStep(s)), false));
  for (const s of FETCHED.slice(0, 3))
    test(
      `${s} in the gate step's own lines: lost`,
      batch.add(BEFORE, checkoutJob('', runStep(`${s}\nnpx gitguard audit`)), false),
    );
  for (const s of NAMED) test(`twin: ${s}: kept`, batch.add(BEFORE, job(runStep(s)), true));
});

describe('one the start ran in the same job', () => {
  const steps = runStep('yarn dlx create-thing') + runStep('npx github:someone/tool');
  const batch = gateBatch(job(steps));
  test('twin: the same lines before the gate: kept', batch.add(BEFORE, job(steps), true));
  test('one more, not at the start: lost', batch.add(BEFORE, job(steps + runStep('npx someone/evil')), false));
});
