// vouch215: README's install recipe, `npm install -g .` in a fresh clone of a pinned gitguard, keeps
// the gate (the clone is gitguard's code, not the change's); a global install of the checkout folder
// (`npm i -g ./`) installs the change's own code as `gitguard` before the audit, and loses it. Left
// open: `npm install -g .` written with a bare `.` in the checkout still keeps it (step-env.ts
// writtenPaths reads `.` as a registry name, which the recipe's install in its clone relies on).
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

const GL = '.gitlab-ci.yml';
const WF = '.github/workflows/ci.yml';
const REPO = 'https://gitguard.example.git';
/** A GitLab gate job: `install` before the audit. */
const gl = (install: string): Record<string, string> => ({
  [GL]: `gitguard:\n  image: node:20\n  variables:\n    GIT_DEPTH: 0\n  script:\n    - ${install}\n    - gitguard audit --fail-on high\n`,
});
/** A GitHub gate job: `install` a step before the audit. */
const gh = (install: string): Record<string, string> => ({
  [WF]:
    'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n' +
    `        with:\n          fetch-depth: 0\n      - run: ${JSON.stringify(install)}\n      - run: gitguard audit\n`,
});
const CLONE = `git clone --depth 1 --branch v0.1.0 ${REPO} /tmp/gitguard && (cd /tmp/gitguard && npm ci && npm install -g .)`;
const START_GL = gl(CLONE);
const START_GH = gh(CLONE);

describe('vouch215: a global install of gitguard before the audit', () => {
  const batch = gateBatch();
  test('lost: GitHub, npm i -g ./ in the checkout', batch.add(START_GH, gh('npm i -g ./'), false));
  test('lost: GitLab, npm i -g ./ in the checkout', batch.add(START_GL, gl('npm i -g ./'), false));
  test(
    'kept: GitLab, the recipe from a fresh clone, the fail-on raised',
    batch.add(START_GL, { [GL]: START_GL[GL]!.replace('--fail-on high', '--fail-on medium') }, true),
  );
});
