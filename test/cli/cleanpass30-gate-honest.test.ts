// Clean pass 30: the gate chain's red-team 54 additions on CI set-ups real projects commit. Bob (a
// signer, no maintainer) edits what does not lead to gitguard: every one must pass.
import { cleanupTemp } from '../helpers/repo.js';
import { checkoutWorkflow, GATE_FAIL, GATE_PASS, gateTeam } from '../helpers/team.js';

afterAll(cleanupTemp);

/** Bob's edits, each its own commit, judged in one audit: GATE_PASS, and no commit of his named. */
async function expectAllPass(team: ReturnType<typeof gateTeam>, edits: Array<Record<string, string>>): Promise<void> {
  const { outcomes, flagged } = await team.chain(edits);
  expect({ ...outcomes, flagged }).toEqual({ ...GATE_PASS, flagged: [] });
}

const wf = checkoutWorkflow;
const onPush = (top: string, steps: string): string =>
  `on: push\n${top}jobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${steps}`;
const PKG = (extra = ''): string =>
  `{"name":"app","engines":{"node":">=20"},"scripts":{"gate":"gitguard audit","test":"jest"${extra}},"devDependencies":{"jest":"29.7.0"}}\n`;

describe('npm with .npmrc (registry, auth through env, engine-strict) and NODE_OPTIONS memory', () => {
  const team = gateTeam({
    '.github/workflows/ci.yml': onPush(
      'env:\n  NODE_OPTIONS: --max-old-space-size=4096\n  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n',
      '      - uses: actions/setup-node@v4\n        with:\n          node-version: 20\n      - run: npm ci\n        shell: bash\n      - run: npm run gate\n        shell: bash\n      - run: npm test\n',
    ),
    'package.json': PKG(),
    '.npmrc':
      'registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=${NPM_TOKEN}\nengine-strict=true\nsave-exact=true\n',
    'src/index.js': 'module.exports = 1;\n',
  });
  test("Bob's source edit, test script and dependency bump: pass", async () => {
    await expectAllPass(team, [
      { 'src/index.js': 'module.exports = 2;\n' },
      { 'package.json': PKG().replace('"jest"}', '"jest --ci"}').replace('29.7.0', '29.7.1') },
    ]);
  });
  test("Bob's node-options in .npmrc: fails", async () => {
    expect(await team.outcomes({ '.npmrc': 'node-options=--require ./x.cjs\n', 'x.cjs': '' })).toEqual(GATE_FAIL);
  });
});

describe('BASH_ENV set by the workflow to a file outside the repository', () => {
  for (const value of ['~/.profile', '/etc/profile', '${{ github.workspace }}/../env.sh', '$HOME/.bash_env']) {
    test(`BASH_ENV: ${value}: Bob's source edit passes`, async () => {
      const team = gateTeam({
        '.github/workflows/ci.yml': onPush(
          `env:\n  BASH_ENV: ${value}\n`,
          '      - run: npx gitguard audit\n        shell: bash\n      - run: make test\n        shell: bash -el {0}\n',
        ),
        'src/index.js': 'module.exports = 1;\n',
        Makefile: 'test:\n\tnode src/index.js\n',
      });
      expect(await team.outcomes({ 'src/index.js': 'module.exports = 2;\n' })).toEqual(GATE_PASS);
    });
  }
  test('BASH_ENV written to $GITHUB_ENV by a setup step, then shell: bash -el {0}', async () => {
    const team = gateTeam({
      '.github/workflows/ci.yml': wf(
        '      - run: echo "BASH_ENV=$HOME/.venv/bin/activate" >> "$GITHUB_ENV"\n      - run: npx gitguard audit\n        shell: bash -el {0}\n',
      ),
      'src/index.js': 'module.exports = 1;\n',
    });
    expect(await team.outcomes({ 'src/index.js': 'module.exports = 2;\n' })).toEqual(GATE_PASS);
  });
});

describe('make -C dir', () => {
  const team = gateTeam({
    '.github/workflows/ci.yml': wf(
      '      - run: make -C tools gate\n        shell: bash\n      - run: make -C src all\n',
    ),
    'tools/Makefile': 'GG ?= npx gitguard\ngate:\n\t$(GG) audit\nfmt:\n\tgofmt -l .\n',
    'src/Makefile': 'all:\n\tcc -o app main.c\n',
    'src/main.c': 'int main(void) { return 0; }\n',
  });
  test("Bob's edit of src/ and of another target of tools/Makefile: pass", async () => {
    await expectAllPass(team, [
      { 'src/main.c': 'int main(void) { return 1; }\n' },
      { 'src/Makefile': 'all:\n\tcc -O2 -o app main.c\n' },
      { 'tools/Makefile': 'GG ?= npx gitguard\ngate:\n\t$(GG) audit\nfmt:\n\tgofmt -s -l .\n' },
    ]);
  });
});

describe('.yarnrc.yml with nodeLinker and yarnPath committed by Alice long ago', () => {
  const team = gateTeam({
    '.github/workflows/ci.yml': wf('      - run: yarn install --immutable\n      - run: yarn gate\n'),
    'package.json': PKG(),
    '.yarnrc.yml': 'nodeLinker: node-modules\nyarnPath: .yarn/releases/yarn-3.6.4.cjs\nenableGlobalCache: false\n',
    '.yarn/releases/yarn-3.6.4.cjs': '// yarn\n',
    'src/index.js': 'module.exports = 1;\n',
  });
  test("Bob's source edit, another script, and a registry token: pass", async () => {
    await expectAllPass(team, [
      { 'src/index.js': 'module.exports = 2;\n' },
      { 'package.json': PKG(',"lint":"eslint ."') },
      {
        '.yarnrc.yml':
          'nodeLinker: node-modules\nyarnPath: .yarn/releases/yarn-3.6.4.cjs\nenableGlobalCache: false\nnpmAuthToken: "${NPM_TOKEN}"\n',
      },
    ]);
  });
  test("Bob's yarn release: fails", async () => {
    expect(await team.outcomes({ '.yarn/releases/yarn-3.6.4.cjs': 'process.exit(0)\n' })).toEqual(GATE_FAIL);
  });
});

describe('Taskfile env: with plain values', () => {
  const TASKS = (build: string): string =>
    `version: '3'\nenv:\n  CGO_ENABLED: '0'\n  GOFLAGS: -mod=mod\n  NODE_OPTIONS: --max-old-space-size=4096\nvars:\n  BIN: bin/app\ntasks:\n  gate:\n    cmds:\n      - npx gitguard audit\n  build:\n    cmds:\n      - ${build}\n`;
  const team = gateTeam({
    '.github/workflows/ci.yml': wf('      - run: task gate\n      - run: task build\n'),
    'Taskfile.yml': TASKS('go build -o {{.BIN}} ./cmd/app'),
    'cmd/app/main.go': 'package main\nfunc main() {}\n',
  });
  test("Bob's build task and source: pass", async () => {
    await expectAllPass(team, [
      { 'Taskfile.yml': TASKS('go build -trimpath -o {{.BIN}} ./cmd/app') },
      { 'cmd/app/main.go': 'package main\nfunc main() { println() }\n' },
    ]);
  });
});

describe('NODE_OPTIONS loading a package, npm_config_ settings', () => {
  for (const opts of [
    '-r dotenv/config',
    '--require ts-node/register',
    '--import tsx',
    '--enable-source-maps --max-old-space-size=8192',
  ]) {
    test(`NODE_OPTIONS: ${opts}: Bob's source edit passes`, async () => {
      const team = gateTeam({
        '.github/workflows/ci.yml': onPush(
          `env:\n  NODE_OPTIONS: ${opts}\n  npm_config_loglevel: warn\n  npm_config_fund: 'false'\n`,
          '      - run: npm run gate\n',
        ),
        'package.json': PKG(),
        'src/index.js': 'module.exports = 1;\n',
        'dotenv/config.js': '',
      });
      expect(await team.outcomes({ 'src/index.js': 'module.exports = 2;\n' })).toEqual(GATE_PASS);
    });
  }
});

describe('a package-manager setting a contributor changes (README troubleshooting: by design)', () => {
  const npmrc = 'registry=https://registry.npmjs.org/\nengine-strict=true\n';
  const legacy = { '.npmrc': `${npmrc}legacy-peer-deps=true\n` };
  test('legacy-peer-deps in .npmrc: fails where npm runs the gate, passes where the action does', async () => {
    const viaNpm = gateTeam({
      '.github/workflows/ci.yml': wf('      - run: npm ci\n      - run: npm run gate\n'),
      'package.json': PKG(),
      '.npmrc': npmrc,
    });
    expect(await viaNpm.outcomes(legacy)).toEqual(GATE_FAIL);
    const viaAction = gateTeam({
      '.github/workflows/ci.yml': wf(
        '      - run: npm ci\n      - run: npm test\n      - uses: acme/gitguard@0123456789abcdef0123456789abcdef01234567\n',
      ),
      'package.json': PKG(),
      '.npmrc': npmrc,
    });
    expect(await viaAction.outcomes(legacy)).toEqual(GATE_PASS);
  });
  test("a bot's yarn release bump (yarnPath and .yarn/releases/): fails where yarn runs the gate", async () => {
    const team = gateTeam({
      '.github/workflows/ci.yml': wf('      - run: yarn gate\n'),
      'package.json': PKG(),
      '.yarnrc.yml': 'nodeLinker: node-modules\nyarnPath: .yarn/releases/yarn-3.6.4.cjs\n',
      '.yarn/releases/yarn-3.6.4.cjs': '// yarn 3.6.4\n',
    });
    expect(
      await team.outcomes({
        '.yarnrc.yml': 'nodeLinker: node-modules\nyarnPath: .yarn/releases/yarn-4.1.0.cjs\n',
        '.yarn/releases/yarn-4.1.0.cjs': '// yarn 4.1.0\n',
      }),
    ).toEqual(GATE_FAIL);
  });
});
