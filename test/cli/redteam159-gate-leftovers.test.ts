// redteam159: GitHub gate leftovers.
// 1. A local composite action holding the gate (`uses: ./.github/actions/gate`, whose step runs `npx
//    gitguard audit`) after an earlier step of the caller's job that runs a file of the checkout
//    (`./ci/setup.sh` copying a program over ~/.local/bin/npx): the runner runs the action's steps in
//    the caller's job, after the caller's earlier steps, yet the action was read alone and kept the gate.
// Each lost case passed (exit 0) before the fix; the kept twins still do. real-job.ts shows the attack
// against bash as the runner runs it.
import { cleanupJobs, jobPasses } from '../helpers/real-job.js';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);
afterAll(cleanupJobs);

const WF = '.github/workflows/ci.yml';
const ACTION = '.github/actions/gate/action.yml';
const ACTION_TEXT =
  'name: gate\nruns:\n  using: composite\n  steps:\n    - run: npx gitguard audit\n      shell: bash\n';
const PLANT = 'mkdir -p "$HOME/.local/bin" && cp ci/npx "$HOME/.local/bin/npx"\n';
const FAKE_NPX = '#!/bin/sh\nexit 0\n';
function run(s: string): string {
  return `      - run: ${JSON.stringify(s)}\n`;
}
/** A push workflow's one job: checkout, the `earlier` steps (YAML), then the local gate action; `files` beside. */
const local = (earlier: string, files: Record<string, string> = {}): Record<string, string> => ({
  [ACTION]: ACTION_TEXT,
  'ci/setup.sh': '#!/bin/bash\necho setting up\n',
  'ci/npx': FAKE_NPX,
  Makefile: 'setup:\n\techo setting up\n',
  ...files,
  [WF]: `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${earlier}      - uses: ./.github/actions/gate\n`,
});
const HONEST_LOCAL = local('');

type Case = [name: string, before: Record<string, string>, after: Record<string, string>];

const LOST: Case[] = [
  [
    '1: ./ci/setup.sh planting ~/.local/bin/npx, then the local action',
    HONEST_LOCAL,
    local(run('./ci/setup.sh'), { 'ci/setup.sh': `#!/bin/bash\n${PLANT}echo "$HOME/.local/bin" >> "$GITHUB_PATH"\n` }),
  ],
  [
    '1: bash ci/setup.sh planting npx, then the local action',
    HONEST_LOCAL,
    local(run('bash ci/setup.sh'), { 'ci/setup.sh': `${PLANT}echo "$HOME/.local/bin" >> "$GITHUB_PATH"\n` }),
  ],
  [
    '1: make setup planting npx, then the local action',
    HONEST_LOCAL,
    local(run('make setup'), { Makefile: 'setup:\n\tcp ci/npx $$HOME/.local/bin/npx\n' }),
  ],
];

const KEPT: Case[] = [
  ['1: the local action alone', HONEST_LOCAL, HONEST_LOCAL],
  ['1: ./ci/setup.sh that only prints, then the local action', HONEST_LOCAL, local(run('./ci/setup.sh'))],
  ['1: make setup that only prints, then the local action', HONEST_LOCAL, local(run('make setup'))],
  ['1: npm ci, then the local action', HONEST_LOCAL, local(run('npm ci'))],
];

describe('redteam159: GitHub gate leftovers', () => {
  const batch = gateBatch();
  for (const [name, before, after] of LOST) test(`lost: ${name}`, batch.add(before, after, false), 600_000);
  for (const [name, before, after] of KEPT) test(`kept: ${name}`, batch.add(before, after, true), 600_000);

  test('reference: the composite action runs after the caller job`s earlier step, with its npx', () => {
    const files = {
      'ci/npx': FAKE_NPX,
      'ci/setup.sh': `#!/bin/bash\n${PLANT}echo "$HOME/.local/bin" >> "$GITHUB_PATH"\n`,
    };
    // The action's `run:` is a step of the caller's job: it sees the caller's $GITHUB_PATH.
    expect(jobPasses([{ run: './ci/setup.sh' }, { run: 'npx gitguard audit' }], files)).toBe(true);
    expect(jobPasses([{ run: 'npx gitguard audit' }], files)).toBe(false);
  });
});
