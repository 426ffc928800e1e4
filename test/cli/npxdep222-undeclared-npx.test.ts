// npxdep222: npx (or `npm exec`) of a registry name the commit's package.json does not declare, before
// the audit in a gate job. npx runs the project's program of that name where one is installed, else
// fetches the registry's package of that name and runs it: anyone may publish one, and the change may
// add the line, so its code runs before the audit unread (collect/commit-packages.ts reads the
// commit's package.json and lock; domain/tool-installs.ts counts the line as fetched code). Twins: a
// name declared in devDependencies (`npm ci && npx eslint .`), a program the lock says a declared
// package installs (typescript's tsc), the package's own program, a folder's, gitguard's own call.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { checkoutJob, runStep } from '../helpers/workflow-steps.js';

afterAll(cleanupTemp);

const NPX = runStep('npx gitguard audit');
const PKG = {
  'package.json': `${JSON.stringify({
    name: 'app',
    bin: { 'app-cli': 'bin/cli.js' },
    devDependencies: { eslint: '^9.0.0', typescript: '^5.0.0' },
  })}\n`,
  'package-lock.json': `${JSON.stringify({
    name: 'app',
    lockfileVersion: 3,
    packages: {
      '': { name: 'app' },
      'node_modules/eslint': { version: '9.0.0', bin: { eslint: 'bin/eslint.js' } },
      'node_modules/typescript': { version: '5.0.0', bin: { tsc: 'bin/tsc', tsserver: 'bin/tsserver' } },
    },
  })}\n`,
};
const job = (steps: string, files: Record<string, string> = PKG): Record<string, string> =>
  checkoutJob(steps, NPX, files);
const BEFORE = job('');

const UNDECLARED = [
  'npx cowsay hi',
  'npx -y cowsay',
  'npx --yes cowsay@latest hi',
  'npm exec -- cowsay',
  'npm ci\nnpx cowsay',
  'npx -p cowsay cowsay hi',
];
const DECLARED = [
  'npm ci\nnpx eslint .',
  'npx tsc --noEmit',
  'npm exec -- tsc --noEmit',
  'npx app-cli --check',
  'npx -p eslint eslint .',
  'npx ./tools/cli',
];

describe('npx of a name the commit does not declare, before the gate', () => {
  const batch = gateBatch();
  for (const s of UNDECLARED) test(`${s}: lost`, batch.add(BEFORE, job(runStep(s)), false));
  test(
    "npx cowsay && npx gitguard audit in the gate step's own lines: lost",
    batch.add(BEFORE, checkoutJob('', runStep('npx cowsay && npx gitguard audit'), PKG), false),
  );
  test(
    'before a gate step that runs ci/g.sh: lost',
    batch.add(
      { ...checkoutJob('', runStep('bash ci/g.sh'), PKG), 'ci/g.sh': 'npx gitguard audit\n' },
      { ...checkoutJob(runStep('npx cowsay'), runStep('bash ci/g.sh'), PKG), 'ci/g.sh': 'npx gitguard audit\n' },
      false,
    ),
  );
  test(
    'npx eslint where no package.json declares it: lost',
    batch.add(job('', {}), job(runStep('npx eslint .'), {}), false),
  );
  test(
    'npx eslint where package.json is no JSON: lost',
    batch.add(BEFORE, job(runStep('npx eslint .'), { ...PKG, 'package.json': '{"devDependencies":\n' }), false),
  );
  for (const s of DECLARED) test(`twin: ${s}: kept`, batch.add(BEFORE, job(runStep(s)), true));
  test('twin: the gate alone: kept', batch.add(job(runStep('npm ci')), BEFORE, true));
});

describe('where the range starts (--base), the same line already ran before the audit', () => {
  // An accepted state vouches for the exact fetch-and-run lines its jobs ran (fetched-code.ts), read
  // with nothing declared: an honest later edit of the job keeps the gate, another line does not.
  const COWSAY = job(runStep('npx -y cowsay'));
  const batch = gateBatch(COWSAY);
  test(
    "twin: the start's own `npx -y cowsay`, the job edited elsewhere: kept",
    batch.add(COWSAY, job(runStep('npx -y cowsay') + runStep('echo ok')), true),
  );
  test('npx -y cowsay@9 (another line): lost', batch.add(COWSAY, job(runStep('npx -y cowsay@9')), false));
});

describe("GitLab: a gate job's script", () => {
  const batch = gateBatch();
  const gl = (lines: string[], files: Record<string, string> = PKG): Record<string, string> => ({
    ...files,
    '.gitlab-ci.yml': `gitguard:\n  image: node:22\n  script:\n${lines.map((l) => `    - ${l}\n`).join('')}`,
  });
  const GATE = gl(['npx gitguard audit']);
  test('npx cowsay before the audit: lost', batch.add(GATE, gl(['npx cowsay', 'npx gitguard audit']), false));
  test(
    'twin: npm ci, npx eslint before the audit: kept',
    batch.add(GATE, gl(['npm ci', 'npx eslint .', 'npx gitguard audit']), true),
  );
});
