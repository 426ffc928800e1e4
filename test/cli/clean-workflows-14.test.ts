// Fourteenth round of clean set-ups that must pass (see clean-workflows.test.ts to -13): the CI gate
// run through `npm run audit` or `make audit` made package.json or the Makefile protected as a whole
// file, so every dependency bump (a bot's signed commit, merged by a maintainer) and every edit of
// another make target by a contributor failed protected-paths-changed-by-maintainers. Only what the
// chain to gitguard runs is protected now: the package scripts on it (with pre/post, and the
// install scripts `npm ci` runs), the make targets and what they depend on, and a Makefile's global
// lines. Twins: the same signer's edit of the chain still fails (the script, a script it runs, a
// duplicate key JSON.parse keeps last, an install script, a prerequisite's recipe, a variable, .IGNORE).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeGpg, type Gpg } from '../helpers/gpg.js';
import { fixtureKey } from '../helpers/gpg-key-fixture.js';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, configureSshSigning, sharedSshKey, type SshTestKey } from '../helpers/ssh.js';
import { runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

const POLICY =
  'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\nmaintainers: [Alice]\n';

const workflow = (run: string): string =>
  `on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ${run}\n`;

const PACKAGE = (deps: string, scripts = '"test": "jest", "audit": "gitguard audit --fail-on high"'): string =>
  `{\n  "name": "app",\n  "version": "1.0.0",\n  "scripts": { ${scripts} },\n  "dependencies": { ${deps} }\n}\n`;

const MAKEFILE = (extra = ''): string =>
  `.PHONY: test audit lint\nFLAGS = --fail-on high\n\ntest:\n\tnpm test\n\nlint:\n\tnpx eslint .\n\naudit: check-env\n\tnpx gitguard audit $(FLAGS)\n\ncheck-env:\n\ttest -n "$$CI"\n${extra}`;

let alice: SshTestKey;
let bob: SshTestKey;
beforeAll(() => {
  alice = sharedSshKey('alice');
  bob = sharedSshKey('bob');
});

/** Alice's policy, workflow and `files`; Bob (a signer, no maintainer) stands for the bot and the contributor. */
function project(run: string, files: Record<string, string>): TestRepo {
  const r = makeRepo();
  configureSshSigning(r, alice);
  commitAsPerson(r, alice, 'alice@example.com', 'policy and CI', {
    '.gitguard/policy.yml': POLICY,
    '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\nbob@example.com ${bob.pub}\n`,
    '.github/workflows/ci.yml': workflow(run),
    ...files,
  });
  return r;
}

/** Bob's commit on a branch, merged by Alice's signed merge commit (the merge button's shape). */
function mergedPullRequest(r: TestRepo, files: Record<string, string>): void {
  const main = r.run(['symbolic-ref', '--short', 'HEAD']).trim();
  r.run(['checkout', '-q', '-b', 'pr']);
  commitAsPerson(r, bob, 'bob@example.com', 'pull request', files);
  r.run(['checkout', '-q', main]);
  commitAsPerson(r, alice, 'alice@example.com', 'meanwhile', { 'README.md': 'hello\n' });
  r.run(['-c', `user.signingkey=${alice.path}`, 'merge', '-q', '--no-ff', '-S', '-m', 'Merge pull request #1', 'pr'], {
    env: {
      GIT_AUTHOR_NAME: 'alice',
      GIT_AUTHOR_EMAIL: 'alice@example.com',
      GIT_COMMITTER_NAME: 'alice',
      GIT_COMMITTER_EMAIL: 'alice@example.com',
    },
  });
}

const audit = async (r: TestRepo): Promise<[number, string]> => {
  const res = await runMain(['audit', '-C', r.dir, '-r', 'protected-paths-changed-by-maintainers', '--no-ledger'], {
    env: r.env,
  });
  return [res.code, res.stdout];
};

const NPM = 'npm ci && npm run audit';
const OLD = '"left-pad": "^1.2.0"';
const NEW = '"left-pad": "^1.3.0", "lodash": "^4.17.21"';

describe('package.json: the gate is `npm ci && npm run audit`', () => {
  const clean: Array<[string, string, string]> = [
    ['a dependency bump', PACKAGE(OLD), PACKAGE(NEW)],
    ['a dependency bump in a package.json with a byte order mark', `\uFEFF${PACKAGE(OLD)}`, `\uFEFF${PACKAGE(NEW)}`],
    [
      'another script edited, and the file reformatted',
      PACKAGE(OLD),
      PACKAGE(OLD, '"audit":   "gitguard audit --fail-on high",\n    "test": "jest --ci", "build": "tsc"'),
    ],
  ];
  test.each(clean)('%s by a signer who is no maintainer, merged by a maintainer: passes', async (_n, before, after) => {
    const r = project(NPM, { 'package.json': before });
    mergedPullRequest(r, { 'package.json': after });
    expect(await audit(r)).toEqual([0, expect.any(String)]);
  });

  const attacks: Array<[string, string, string]> = [
    ['the gate script', PACKAGE(OLD), PACKAGE(OLD, '"test": "jest", "audit": "exit 0; gitguard audit"')],
    ['its pre script', PACKAGE(OLD), PACKAGE(OLD, '"test": "jest", "preaudit": "exit 0", "audit": "gitguard audit"')],
    [
      'a duplicate key (JSON.parse and npm keep the last)',
      PACKAGE(OLD),
      PACKAGE(OLD, '"test": "jest", "audit": "gitguard audit --fail-on high", "audit": "true"'),
    ],
    [
      'an install script npm ci runs first',
      PACKAGE(OLD),
      PACKAGE(
        OLD,
        '"test": "jest", "audit": "gitguard audit --fail-on high", "postinstall": "ln -sf /bin/true node_modules/.bin/gitguard"',
      ),
    ],
    [
      'a script the gate script runs',
      PACKAGE(OLD, '"audit": "npm run gate", "gate": "gitguard audit"'),
      PACKAGE(OLD, '"audit": "npm run gate", "gate": "true"'),
    ],
    ['the file made no JSON', PACKAGE(OLD), `${PACKAGE(OLD)},`],
  ];
  test.each(attacks)('twin: %s edited by the same signer fails', async (_n, before, after) => {
    const r = project(NPM, { 'package.json': before });
    mergedPullRequest(r, { 'package.json': after });
    expect(await audit(r)).toEqual([1, expect.stringContaining('package.json')]);
  });
});

describe('Makefile: the gate is `make audit`', () => {
  const clean: Array<[string, string]> = [
    ['another target edited', MAKEFILE().replace('npx eslint .', 'npx eslint --max-warnings 0 .')],
    ['a target added (and made phony)', `${MAKEFILE()}\ndocs:\n\tmkdocs build\n`.replace('lint\n', 'lint docs\n')],
  ];
  test.each(clean)('%s by a signer who is no maintainer: passes', async (_n, after) => {
    const r = project('make audit', { Makefile: MAKEFILE() });
    mergedPullRequest(r, { Makefile: after });
    expect(await audit(r)).toEqual([0, expect.any(String)]);
  });

  const attacks: Array<[string, string]> = [
    ['the gate recipe', MAKEFILE().replace('npx gitguard audit $(FLAGS)', 'true')],
    ["a prerequisite's recipe", MAKEFILE().replace('test -n "$$CI"', 'exit 0')],
    ['a variable the recipe reads', MAKEFILE().replace('FLAGS = --fail-on high', 'FLAGS = --fail-on high || true')],
    ['.IGNORE added', MAKEFILE('.IGNORE:\n')],
    ['a second rule for the target', MAKEFILE('audit: skip\nskip:\n\texit 0\n')],
    ['an include', MAKEFILE('include ci.mk\n')],
    ['the target no longer phony', MAKEFILE().replace('.PHONY: test audit lint', '.PHONY: test lint')],
    ['a GNUmakefile added (make reads it first)', MAKEFILE()],
  ];
  test.each(attacks)('twin: %s edited by the same signer fails', async (_n, after) => {
    const r = project('make audit', { Makefile: MAKEFILE() });
    const shadow = _n.startsWith('a GNUmakefile');
    mergedPullRequest(r, shadow ? { GNUmakefile: 'audit:\n\ttrue\n' } : { Makefile: after });
    expect(await audit(r)).toEqual([1, expect.stringContaining(shadow ? 'GNUmakefile' : 'Makefile')]);
  });
});

describe('a script the CI runs', () => {
  const GATE = '#!/bin/sh\nset -e\nnpx gitguard audit --fail-on high\n';
  test('twin: the gate taken out of it (nothing leads to gitguard at the tip) by a signer who is no maintainer fails', async () => {
    const r = project('./scripts/test.sh && ./scripts/gate.sh', {
      'scripts/test.sh': '#!/bin/sh\nnpm test\n',
      'scripts/gate.sh': GATE,
    });
    commitAsPerson(r, bob, 'bob@example.com', 'simplify', { 'scripts/gate.sh': '#!/bin/sh\ntrue\n' });
    expect(await audit(r)).toEqual([1, expect.stringContaining('scripts/gate.sh')]);
  });

  test("the same signer's edit of a script the CI runs that never named gitguard passes", async () => {
    const r = project('./scripts/test.sh && ./scripts/gate.sh', {
      'scripts/test.sh': '#!/bin/sh\nnpm test\n',
      'scripts/gate.sh': GATE,
    });
    commitAsPerson(r, bob, 'bob@example.com', 'tests', { 'scripts/test.sh': '#!/bin/sh\nnpm test -- --ci\n' });
    expect(await audit(r)).toEqual([0, expect.any(String)]);
  });

  test('twin: `npm run audit` whose script no longer runs gitguard at the tip fails', async () => {
    const r = project(NPM, { 'package.json': PACKAGE(OLD) });
    mergedPullRequest(r, { 'package.json': PACKAGE(NEW, '"test": "jest", "audit": "true"') });
    expect(await audit(r)).toEqual([1, expect.stringContaining('package.json')]);
  });
});

describe("a step's working-directory", () => {
  const steps = (wd: string, defaults = ''): string =>
    `on: push\n${defaults}jobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci && npm run audit\n${wd}`;
  const shapes: Array<[string, string]> = [
    ['the step', steps('        working-directory: ./web\n')],
    ['a `cd` before it', steps('').replace('run: npm ci', 'run: cd web && npm ci')],
    ["the workflow's defaults", steps('', 'defaults:\n  run:\n    working-directory: web\n')],
  ];
  const files = (wf: string): Record<string, string> => ({
    '.github/workflows/ci.yml': wf,
    'web/package.json': PACKAGE(OLD),
    'package.json': PACKAGE(OLD, '"test": "jest"'),
  });

  test.each(shapes)(
    'twin: set by %s, the gate script in that folder edited by a signer who is no maintainer fails',
    async (_n, wf) => {
      const r = project('true', files(wf));
      commitAsPerson(r, bob, 'bob@example.com', 'skip', { 'web/package.json': PACKAGE(OLD, '"audit": "true"') });
      expect(await audit(r)).toEqual([1, expect.stringContaining('web/package.json')]);
    },
  );

  test.each(shapes)(
    'set by %s: a dependency bump there, and any edit of the root package.json, pass',
    async (_n, wf) => {
      const r = project('true', files(wf));
      commitAsPerson(r, bob, 'bob@example.com', 'bump', { 'web/package.json': PACKAGE(NEW) });
      commitAsPerson(r, bob, 'bob@example.com', 'root', { 'package.json': PACKAGE(NEW, '"test": "jest --ci"') });
      expect(await audit(r)).toEqual([0, expect.any(String)]);
    },
  );
});

describe("Dependabot's commit, signed by GitHub's web-flow key, merged with the merge button", () => {
  // web-flow's key is a stand-in with its user ID (the same fixture as clean-workflows-4), named by the policy's forges.
  let gpg: Gpg;
  let webFlow: string;
  const at = (iso: string): number => Date.parse(iso) / 1000;
  beforeAll(() => {
    gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-cw14-')));
    webFlow = fixtureKey(gpg, {
      name: 'web-flow-2024-01-01',
      uid: 'GitHub <noreply@github.com>',
      algo: 'rsa2048',
      at: at('2024-01-01T00:00:00Z'),
    });
  });
  afterAll(() => gpg.kill());

  /** git as GitHub (committer GitHub, web-flow signed), authored by `author`. */
  const github = (r: TestRepo, args: string[], author: string): void => {
    r.run(
      ['-c', 'gpg.format=openpgp', '-c', `gpg.program=${gpg.wrapper}`, '-c', `user.signingkey=${webFlow}`, ...args],
      {
        env: {
          GNUPGHOME: gpg.home,
          GIT_COMMITTER_NAME: 'GitHub',
          GIT_COMMITTER_EMAIL: 'noreply@github.com',
          GIT_AUTHOR_NAME: author.split('@')[0]!,
          GIT_AUTHOR_EMAIL: author,
        },
      },
    );
  };

  test.each([
    ['a dependency bump', 0, PACKAGE(NEW)],
    ['twin: the gate script changed the same way', 1, PACKAGE(NEW, '"test": "jest", "audit": "true"')],
  ])('%s: exit %s', async (_n, code, after) => {
    const r = makeRepo();
    configureSshSigning(r, alice);
    mkdirSync(join(r.dir, '.gitguard', 'keys'), { recursive: true });
    writeFileSync(join(r.dir, '.gitguard', 'keys', 'web-flow.gpg'), gpg.exportPublic(webFlow));
    commitAsPerson(r, alice, 'alice@example.com', 'policy and CI', {
      '.gitguard/policy.yml': `${POLICY}forges:\n  - name: GitHub\n    committer: noreply@github.com\n    openpgp: [${webFlow}]\n`,
      '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\n`,
      '.github/workflows/ci.yml': workflow(NPM),
      'package.json': PACKAGE(OLD),
    });
    const main = r.run(['symbolic-ref', '--short', 'HEAD']).trim();
    r.run(['checkout', '-q', '-b', 'dependabot/npm/lodash']);
    r.write({ 'package.json': after });
    r.run(['add', '-A']);
    github(
      r,
      ['commit', '-q', '-S', '-m', 'Bump left-pad, add lodash'],
      '49699333+dependabot[bot]@users.noreply.github.com',
    );
    r.run(['checkout', '-q', main]);
    commitAsPerson(r, alice, 'alice@example.com', 'meanwhile', { 'README.md': 'hello\n' });
    github(
      r,
      ['merge', '-q', '--no-ff', '-S', '-m', 'Merge pull request #7', 'dependabot/npm/lodash'],
      'alice@example.com',
    );
    expect(await audit(r)).toEqual([code, expect.any(String)]);
  });
});
