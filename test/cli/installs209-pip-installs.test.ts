// installs209: `pip install x` without `--user` before the gate. On a runner with setup-python, pip is
// the toolcache Python's, whose bin folder setup-python puts on PATH: the package's console scripts
// land there (one may be named `npx`), and a source package's build runs its code; without
// setup-python pip falls back to the user's folder (~/.local/bin). So it is judged as `pip install
// --user x` is (tool-installs.ts): code fetched from the registry, lost unless the start's same job
// ran that exact line. A requirements file (`-r`) or the checkout's folder (`.`, `-e .`) names what
// is fetched from the change's own files and runs a build backend: the same. The reference is the job
// run by bash (test/helpers/real-job.ts) with a Python whose bin is on PATH, as setup-python leaves it.
import { cleanupJobs, jobPasses, type JobStep } from '../helpers/real-job.js';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { EVIL_WHEEL, runWorkflow } from '../helpers/python-registry.js';
import { checkoutJob, runStep } from '../helpers/workflow-steps.js';

afterAll(cleanupTemp);
afterAll(cleanupJobs);

const GATE = 'npx gitguard audit';
const WF = '.github/workflows/ci.yml';
const workflow = runWorkflow;
const DIRECT = { [WF]: workflow([{ run: GATE }]) };

// The image before the job: setup-python's Python (a venv standing for the toolcache's, its bin put
// first on PATH) and a package index standing for the registry (pip's own variables, set for the
// job as a runner's image may), holding `evil`, whose console script is named `npx`.
const SETUP_PYTHON: JobStep = {
  run:
    `python3 -m venv "$RUNNER_TEMP/py"\n"$RUNNER_TEMP/py/bin/python" - <<'EOF'\n${EVIL_WHEEL}EOF\n` +
    `echo "$RUNNER_TEMP/py/bin" >> "$GITHUB_PATH"\n` +
    `echo PIP_NO_INDEX=1 >> "$GITHUB_ENV"\necho "PIP_FIND_LINKS=$RUNNER_TEMP/registry" >> "$GITHUB_ENV"`,
};

const REAL: Array<[string, JobStep[], boolean]> = [
  ['pip install of a package with an npx', [{ run: 'pip install -q evil' }, { run: GATE }], false],
  ['python -m pip install of it', [{ run: 'python -m pip install -q evil' }, { run: GATE }], false],
  ['the gate step installing it in its own lines', [{ run: `pip3 install -q evil\n${GATE}` }], false],
  ['twin: pip upgrading itself', [{ run: 'python -m pip install -q --upgrade pip' }, { run: GATE }], true],
  ['twin: pip listing what it has', [{ run: 'pip list' }, { run: GATE }], true],
];

describe('pip install without --user before the gate, as the runner runs the job', () => {
  const batch = gateBatch();
  for (const [name, steps, kept] of REAL) {
    const check = batch.add(DIRECT, { [WF]: workflow(steps) }, kept);
    test(`${name}: the real job ${kept ? 'fails on the audit, the gate is kept' : 'passes, the gate is lost'}`, async () => {
      expect(jobPasses([SETUP_PYTHON, ...steps])).toBe(!kept);
      await check();
    });
  }
});

const NPX = runStep(GATE);
const job = (steps: string): Record<string, string> => checkoutJob(steps, NPX);
const BEFORE = job('');
const INSTALLS = [
  'pip install evil',
  'pip3 install -U evil',
  'pip3.12 install evil==1.0',
  'python -m pip install evil',
  'python3 -m pip install --upgrade pip evil',
  'sudo pip install evil',
  'pip install -r requirements.txt',
  'pip install --requirement=ci/requirements.txt',
  'pip install .',
  'pip install -e ".[dev]"',
  'pip install -e.',
  'pip install --upgrade pip -i https://example.com/simple',
  'pip install --index-url=https://example.com/simple pip',
  'pip --python .venv/bin/python install evil',
];
const HONEST = [
  'python -m pip install --upgrade pip',
  'pip install -U pip setuptools wheel',
  'pip install "pip>=24"',
  'pip --version',
  'pip list',
  'pip freeze > frozen.txt',
  'pip download evil -d /tmp/d',
];

describe("pip installs from a registry or the change's files before the gate", () => {
  const batch = gateBatch();
  for (const s of INSTALLS) test(`${s}: lost`, batch.add(BEFORE, job(runStep(s)), false));
  for (const s of HONEST) test(`twin: ${s}: kept`, batch.add(BEFORE, job(runStep(s)), true));
});

// The start's same job ran the same line: vouched for, as any fetched code's line is.
describe('a pip install the start ran in the same job', () => {
  const steps = runStep('pip install -r requirements.txt') + runStep('python -m pip install pre-commit');
  const batch = gateBatch(job(steps));
  test('twin: the same lines before the gate: kept', batch.add(BEFORE, job(steps), true));
  test('one more, not at the start: lost', batch.add(BEFORE, job(steps + runStep('pip install evil')), false));
});
