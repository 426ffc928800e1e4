// redteam183: a command that writes a file it names was read as running it. The chain's reading
// takes a command of another kind naming a file of the gate's chain for a run of it (`node
// ci/gate.js`), and a command naming a file called after gitguard for a call of it; `cp /tmp/x
// ci/gate.sh` in a setup script, `Copy-Item x ci/gate.sh` in pwsh, `tee ci/gitguard.sh` were such
// "runs": the step writing the gate's file was judged the gate, and the gate step after it, which
// runs what was written, no longer mattered. A writer (written-targets.ts writesFiles: cp, mv,
// install, tee, curl -o, sed -i, an unpacking...; pwsh's and cmd's file commands: pwsh-code.ts
// foreignFileCommand) now runs nothing it names.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupJobs, jobPasses, type JobStep } from '../helpers/real-job.js';
import { checkoutJob, runStep } from '../helpers/workflow-steps.js';

afterAll(cleanupTemp);
afterAll(cleanupJobs);

const FILES: Record<string, string> = { 'ci/gate.sh': 'npx gitguard audit\n', 'ci/b.sh': 'echo b\n' };
const GATE = runStep('bash ci/gate.sh');
const NPX = runStep('npx gitguard audit');
const SETUP = runStep('bash ci/setup.sh');
const job = (steps: string, files: Record<string, string> = {}, gate = GATE): Record<string, string> =>
  checkoutJob(steps, gate, { ...FILES, ...files });
const shell = (s: string, sh: string): string => runStep(s, `        shell: ${sh}\n`);
const setup = (text: string, gate = GATE): Record<string, string> => job(SETUP, { 'ci/setup.sh': text }, gate);

type Case = [name: string, files: Record<string, string>];
const LOST: Case[] = [
  // 1. pwsh and cmd writing the gate's file before it.
  ['pwsh Copy-Item over ci/gate.sh', job(shell('Copy-Item x ci/gate.sh', 'pwsh'))],
  ['pwsh Set-Content of ci/gate.sh', job(shell('Set-Content -Path ci/gate.sh -Value 0', 'pwsh'))],
  ['pwsh cp alias over ci/gate.sh', job(shell('cp x ci/gate.sh', 'pwsh'))],
  ['pwsh copy-item (any case) over ci/gate.sh', job(shell('copy-item x ci/gate.sh', 'pwsh'))],
  [
    'pwsh Invoke-WebRequest -OutFile ci/gate.sh',
    job(shell('Invoke-WebRequest -Uri https://e.x/g -OutFile ci/gate.sh', 'pwsh')),
  ],
  ['cmd copy over ci/gate.sh', job(shell('copy x ci/gate.sh', 'cmd'))],
  // 2. a checkout script, a make recipe, a package script copying over it.
  ['ci/setup.sh: cp over ci/gate.sh', setup('cp /tmp/x ci/gate.sh\n')],
  ['ci/setup.sh: install over ci/gate.sh', setup('install -m 755 /tmp/x ci/gate.sh\n')],
  ['ci/setup.sh: mv over ci/gate.sh', setup('mv /tmp/x ci/gate.sh\n')],
  ['ci/setup.sh: tee ci/gate.sh', setup('echo "exit 0" | tee ci/gate.sh\n')],
  ['ci/setup.sh: curl -o ci/gate.sh', setup('curl -fsSL -o ci/gate.sh https://example.com/x\n')],
  ['ci/setup.sh: sed -i ci/gate.sh', setup("sed -i 's/.*/exit 0/' ci/gate.sh\n")],
  ['a make recipe: cp over ci/gate.sh', job(runStep('make gen'), { Makefile: 'gen:\n\tcp /tmp/x ci/gate.sh\n' })],
  [
    'a package script: cp over ci/gate.sh',
    job(runStep('npm run gen'), { 'package.json': '{"scripts":{"gen":"cp /tmp/x ci/gate.sh"}}\n' }),
  ],
  // The gate step replaced by a writer naming the gate's file or a file called after gitguard.
  ['the gate replaced by cp ci/gate.sh /tmp/y', job('', {}, runStep('cp ci/gate.sh /tmp/y'))],
  ['the gate replaced by cp /tmp/x ci/gitguard.sh', job('', {}, runStep('cp /tmp/x ci/gitguard.sh'))],
  ['the gate replaced by tee ci/gitguard.sh', job('', {}, runStep('echo x | tee ci/gitguard.sh'))],
  ['the gate replaced by pwsh Copy-Item x ci/gitguard.sh', job('', {}, shell('Copy-Item x ci/gitguard.sh', 'pwsh'))],
  ['the gate replaced by pwsh Write-Host ci/gate.sh', job('', {}, shell('Write-Host ci/gate.sh', 'pwsh'))],
  // 3. ci/setup.sh writes ci/b.sh, which a later step runs (at the commit or not there).
  [
    'ci/setup.sh writes ci/b.sh, run later',
    job(SETUP + runStep('bash ci/b.sh'), { 'ci/setup.sh': 'cp /tmp/x ci/b.sh\n' }, NPX),
  ],
  [
    'ci/setup.sh writes ci/c.sh (not at the commit), run later',
    job(SETUP + runStep('bash ci/c.sh'), { 'ci/setup.sh': 'echo x > ci/c.sh\n' }, NPX),
  ],
];
const KEPT: Case[] = [
  ['ci/setup.sh: cp /tmp/x dist/', setup('mkdir -p dist\ncp /tmp/x dist/\n')],
  ['ci/setup.sh writes out/, then npx gitguard', setup('mkdir -p out && echo 1 > out/v.txt\n', NPX)],
  ['ci/setup.sh: tee version.txt', setup('echo 1 | tee version.txt\n')],
  ['a make recipe copies into dist/', job(runStep('make build'), { Makefile: 'build:\n\tcp -r src dist\n' })],
  [
    'the gate through node ci/gate.js',
    job('', { 'ci/gate.js': 'require("child_process").execSync("npx gitguard audit")\n' }, runStep('node ci/gate.js')),
  ],
  ['pwsh running bash ci/gate.sh', job('', {}, shell('bash ci/gate.sh', 'pwsh'))],
  ['pwsh running npx gitguard audit', job('', {}, shell('npx gitguard audit', 'pwsh'))],
  [
    'pwsh running node ci/gate.js',
    job(
      '',
      { 'ci/gate.js': 'require("child_process").execSync("npx gitguard audit")\n' },
      shell('node ci/gate.js', 'pwsh'),
    ),
  ],
];

describe('redteam183: a command writing a file it names runs none of them', () => {
  const batch = gateBatch();
  const DIRECT = job('');
  const DIRECT_NPX = job('', {}, NPX);
  const before = (files: Record<string, string>): Record<string, string> =>
    files['.github/workflows/ci.yml']!.endsWith(NPX) ? DIRECT_NPX : DIRECT;
  for (const [name, files] of KEPT) it(`keeps the gate: ${name}`, batch.add(before(files), files, true), 600_000);
  for (const [name, files] of LOST) it(`loses the gate: ${name}`, batch.add(before(files), files, false), 600_000);
});

// The reference: the jobs as the runner runs them (bash; the checkout's HEAD unsigned, so a real audit fails).
const SETUP_THEN_GATE = [{ run: 'bash ci/setup.sh' }, { run: 'bash ci/gate.sh' }];
const JOBS: Array<[name: string, steps: JobStep[], setup: string | undefined, passes: boolean]> = [
  ['ci/setup.sh copying over ci/gate.sh: the job passes', SETUP_THEN_GATE, 'cp ci/ok.sh ci/gate.sh\n', true],
  [
    'ci/setup.sh copying into dist/: the gate still fails',
    SETUP_THEN_GATE,
    'mkdir -p dist\ncp ci/ok.sh dist/\n',
    false,
  ],
  [
    'the gate step replaced by cp ci/gate.sh /tmp/y: the job passes',
    [{ run: 'cp ci/gate.sh "$RUNNER_TEMP/y"' }],
    undefined,
    true,
  ],
  ['the gate step itself: the job fails', [{ run: 'bash ci/gate.sh' }], undefined, false],
];
describe('redteam183: the jobs these gates stood for pass an unsigned HEAD', () => {
  for (const [name, steps, setup, passes] of JOBS)
    it(
      name,
      () => {
        const files = { ...FILES, 'ci/ok.sh': 'exit 0\n', ...(setup && { 'ci/setup.sh': setup }) };
        expect(jobPasses(steps, files)).toBe(passes);
      },
      60_000,
    );
});
