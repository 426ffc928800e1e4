// globalinst221: a global install of a local folder before the audit (`npm install -g .` in the
// checkout, `npm i -g` naming none, `pnpm add -g .`, a tarball's file name) puts the change's own
// package on PATH as `gitguard` and runs its install scripts: the gate is lost. So is the install of
// a clone the reading cannot tell is fresh and untouched: a `cd` that may have failed or ended with a
// subshell, a copy into the clone, a clone of the checkout itself.
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

const GL = '.gitlab-ci.yml';
const WF = '.github/workflows/ci.yml';
const REPO = 'https://gitguard.example.git';
const gl = (install: string): Record<string, string> => ({
  [GL]: `gitguard:\n  image: node:20\n  variables:\n    GIT_DEPTH: 0\n  script:\n    - ${JSON.stringify(install)}\n    - gitguard audit --fail-on high\n`,
});
const gh = (install: string): Record<string, string> => ({
  [WF]:
    'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n' +
    `        with:\n          fetch-depth: 0\n      - run: ${JSON.stringify(install)}\n      - run: gitguard audit\n`,
});
const CLONE = `git clone --depth 1 --branch v0.1.0 ${REPO} /tmp/gitguard && (cd /tmp/gitguard && npm ci && npm install -g .)`;

describe('globalinst221: a global install of the checkout before the audit loses the gate', () => {
  const batch = gateBatch();
  const lost = (name: string, start: Record<string, string>, change: Record<string, string>): void =>
    test(`lost: ${name}`, batch.add(start, change, false));
  lost('GitHub, npm install -g .', gh(CLONE), gh('npm install -g .'));
  lost('GitLab, npm install -g .', gl(CLONE), gl('npm install -g .'));
  lost('GitLab, npm install --global .', gl(CLONE), gl('npm install --global .'));
  lost('GitHub, npm i -g naming no package', gh(CLONE), gh('npm ci && npm i -g'));
  lost('GitLab, pnpm add -g .', gl(CLONE), gl('pnpm add -g .'));
  // npm's install-test (`it`) takes install's arguments: `-g .` installs the checkout the same way.
  lost('GitHub, npm it -g .', gh(CLONE), gh('npm it -g .'));
  lost('GitLab, npm install-test --global .', gl(CLONE), gl('npm install-test --global .'));
  lost('GitHub, a tarball the change commits', gh(CLONE), gh('npm i -g gitguard-0.1.0.tgz'));
  lost(
    'GitLab, the clone then a subshell cd',
    gl(CLONE),
    gl(`git clone ${REPO} /tmp/gitguard && (cd /tmp/gitguard) && npm install -g .`),
  );
  lost(
    'GitHub, a cd on its own after the clone',
    gh(CLONE),
    gh(`git clone ${REPO} /tmp/gitguard; cd /tmp/gitguard && npm install -g .`),
  );
  lost(
    'GitLab, the checkout copied into the clone',
    gl(CLONE),
    gl(CLONE.replace('&& (cd', '&& cp -r . /tmp/gitguard && (cd')),
  );
  lost('GitHub, a clone of the checkout', gh(CLONE), gh(CLONE.replace(REPO, '.')));
  lost(
    'GitLab, the install after || ',
    gl(CLONE),
    gl(`git clone ${REPO} /tmp/gitguard && cd /tmp/gitguard || npm install -g .`),
  );
  lost('GitLab, a line writing the clone between its lines', gl(CLONE), {
    [GL]: gl(CLONE)[GL]!.replace(
      `    - ${JSON.stringify(CLONE)}\n`,
      `    - git clone ${REPO} /tmp/gitguard\n    - cp -r . /tmp/gitguard\n    - (cd /tmp/gitguard && npm install -g .)\n`,
    ),
  });
});
