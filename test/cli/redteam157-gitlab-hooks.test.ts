// redteam157: GitLab runs a job's `hooks: pre_get_sources_script:` (the job's or `default:`'s) before
// the clone, in the same job: a file it writes (a program on PATH, ~/.gitconfig) is there when the
// gate's script runs. Its lines were not read as lines before the audit, so a hook planting a fake
// gitguard kept the gate. Now they are read in front of the before_script lines.
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

const CI = '.gitlab-ci.yml';
const AUDIT = '  script:\n    - gitguard audit --fail-on high\n';
const START = { [CI]: `gitguard:\n${AUDIT}` };
const hooked = (line: string): string => `  hooks:\n    pre_get_sources_script:\n      - ${line}\n`;

describe('GitLab: hooks that run before the gate job clones', () => {
  const batch = gateBatch(START);
  const lost: Array<[string, string]> = [
    [
      "the job's hook plants gitguard on PATH",
      `gitguard:\n${hooked('ln -s /bin/true /usr/local/bin/gitguard')}${AUDIT}`,
    ],
    [
      "default:'s hook plants gitguard",
      `default:\n${hooked('ln -s /bin/true /usr/local/bin/gitguard')}gitguard:\n${AUDIT}`,
    ],
    [
      'a hook writes ~/.gitconfig',
      `gitguard:\n${hooked('printf "[core]\\n\\tfsmonitor = ./x\\n" > ~/.gitconfig')}${AUDIT}`,
    ],
    [
      'the before_script plants gitguard on PATH',
      `gitguard:\n  before_script:\n    - ln -s /bin/true /usr/local/bin/gitguard\n${AUDIT}`,
    ],
  ];
  for (const [name, after] of lost) test(`${name}: lost`, batch.add(START, { [CI]: after }, false));
  test(
    'a hook that only prints: kept',
    batch.add(START, { [CI]: `gitguard:\n${hooked('echo starting')}${AUDIT}` }, true),
  );
  test(
    "default:'s hook that only prints: kept",
    batch.add(START, { [CI]: `default:\n${hooked('echo starting')}gitguard:\n${AUDIT}` }, true),
  );
});

// The same on GitHub: one `run:` whose lines before the audit plant the program it then runs.
describe("GitHub: the gate step's own lines before its audit", () => {
  const WF = '.github/workflows/ci.yml';
  const job = (run: string): string =>
    `on: push\njobs:\n  audit:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: |\n${run
      .split('\n')
      .map((l) => `          ${l}`)
      .join('\n')}\n`;
  const start = { [WF]: job('npx gitguard audit --fail-on high') };
  const batch = gateBatch(start);
  const lost: Array<[string, string]> = [
    ['ln -s /bin/true over npx, then the audit', 'ln -s /bin/true ~/.local/bin/npx\nnpx gitguard audit --fail-on high'],
    [
      'cp a checkout file over npx on the same line',
      'cp ci/npx /usr/local/bin/npx && npx gitguard audit --fail-on high',
    ],
  ];
  for (const [name, run] of lost) test(`${name}: lost`, batch.add(start, { [WF]: job(run) }, false));
  test(
    'lines that only print or install from the registry before it: kept',
    batch.add(start, { [WF]: job('echo auditing\nnpm ci\nnpx gitguard audit --fail-on high') }, true),
  );
});
