// globalinst221: README's recipe installs gitguard globally from a fresh clone outside the checkout
// (`git clone ... /tmp/gitguard && (cd /tmp/gitguard && npm ci && npm install -g .)`): that install
// is gitguard's, not the change's, and keeps the gate, written with `./`, as one `&&` chain, or
// naming the clone's absolute folder.
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

const GL = '.gitlab-ci.yml';
const WF = '.github/workflows/ci.yml';
const gl = (install: string): Record<string, string> => ({
  [GL]:
    `gitguard:\n  image: node:20\n  variables:\n    GIT_DEPTH: 0\n    GITGUARD_REPO: https://gitguard.example.git\n` +
    `  script:\n    - ${JSON.stringify(install)}\n    - gitguard audit --fail-on high\n`,
});
const gh = (install: string): Record<string, string> => ({
  [WF]:
    'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n' +
    `        with:\n          fetch-depth: 0\n      - run: ${JSON.stringify(install)}\n      - run: gitguard audit\n`,
});
const CLONE = 'git clone --depth 1 "$GITGUARD_REPO" /tmp/gitguard && (cd /tmp/gitguard && npm ci && npm install -g .)';

describe('globalinst221: a global install of a fresh clone keeps the gate', () => {
  const batch = gateBatch();
  const kept = (name: string, start: Record<string, string>, change: Record<string, string>): void =>
    test(`kept: ${name}`, batch.add(start, change, true));
  kept('GitLab, README recipe, the fail-on raised', gl(CLONE), {
    [GL]: gl(CLONE)[GL]!.replace('--fail-on high', '--fail-on medium'),
  });
  kept('GitHub, README recipe added', gh('true'), gh(CLONE));
  kept('GitLab, ./ in the subshell', gl(CLONE), gl(CLONE.replace('-g .', '-g ./')));
  // A GitHub step's shell ends with it: its `cd` holds for no later step.
  kept('GitHub, one && chain', gh('true'), gh(CLONE.replace(/\((.*)\)/, '$1')));
  kept(
    'GitHub, the clone named by its folder',
    gh(CLONE),
    gh('git clone --depth 1 https://gitguard.example.git /tmp/gitguard && npm install -g /tmp/gitguard'),
  );
  // GitLab's script runs under `set -e`: a clone on a line of its own that failed ends the job.
  kept('GitLab, the clone on a line of its own', gl(CLONE), {
    [GL]: gl(CLONE)[GL]!.replace(
      `    - ${JSON.stringify(CLONE)}\n`,
      '    - git clone --depth 1 "$GITGUARD_REPO" /tmp/gitguard\n    - (cd /tmp/gitguard && npm ci --no-audit && npm install -g --no-fund .)\n',
    ),
  });
});
