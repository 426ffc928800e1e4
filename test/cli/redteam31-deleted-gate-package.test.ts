// Red team 31: the files the CI's chain to gitguard runs (a workspace's gate package, a script) were
// worked out at the tip only. A signer who is no maintainer deleted `packages/gate/package.json` (or
// the package, or moved it out of the workspace's patterns, or removed its script): at the tip nothing
// named the file, and protected-paths-changed-by-maintainers passed while the CI gate was gone. The
// chain is now also worked out where the audited range starts (the trust root, or --base), and a file
// watched at either end is watched.
// Clean twins: Bob editing another package, adding one, bumping the gate's dependency; Alice (the
// maintainer) deleting the gate package.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { commitAsPerson } from '../helpers/ssh.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { aliceAndBob } from '../helpers/team.js';

afterAll(cleanupTemp);

const RULES = ['protected-paths-changed-by-maintainers', 'ci-gate-kept'];
const pkg = (name: string, scripts: Record<string, string>, deps = '^1.0.0'): string =>
  `${JSON.stringify({ name, version: '1.0.0', scripts, devDependencies: { lodash: deps } }, null, 2)}\n`;
const FILES: Record<string, string> = {
  '.github/workflows/ci.yml':
    'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm run audit --workspaces --if-present\n      - run: ./scripts/gate.sh\n',
  'package.json': `${JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*'] }, null, 2)}\n`,
  'packages/gate/package.json': pkg('@acme/gate', { audit: 'gitguard audit', lint: 'eslint .' }),
  'packages/web/package.json': pkg('@acme/web', { build: 'vite build' }),
  'scripts/gate.sh': '#!/bin/sh\nexec ./scripts/real-gate.sh\n',
  'scripts/real-gate.sh': '#!/bin/sh\nnpx gitguard audit\n',
};
const team = aliceAndBob(FILES, 'own');
const first = team.r.head();

/**
 * Back to Alice's commit (and `alice`'s files committed by her, if given); `remove` deleted, `files`
 * written, committed by Bob (or Alice); the rules' outcomes, audited whole or with --base at the
 * commit before (`base`).
 */
async function outcome(
  remove: string[],
  files: Record<string, string> = {},
  { who = 'bob', alice, base = false }: { who?: 'bob' | 'alice'; alice?: Record<string, string>; base?: boolean } = {},
): Promise<string> {
  const { r } = team;
  r.run(['reset', '-q', '--hard', first]);
  if (alice) commitAsPerson(r, team.alice, 'alice@example.com', 'CI', alice);
  const before = r.head();
  for (const p of remove) rmSync(join(r.dir, p), { recursive: true });
  commitAsPerson(r, team[who], `${who}@example.com`, 'work', files);
  const args = ['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '-r', RULES.join(',')];
  const res = await runMain([...args, ...(base ? ['--base', before] : [])], { env: r.env });
  const report = parseJson(res);
  return `${res.code} ${RULES.map((id) => resultOf(report, id).outcome).join(' ')}`;
}

const FAIL = '1 fail pass';
const PASS = '0 pass pass';

test('Bob deletes the gate package.json: fails (before: passed)', async () => {
  expect(await outcome(['packages/gate/package.json'])).toBe(FAIL);
});

test('Bob deletes the whole gate package folder: fails (before: passed)', async () => {
  expect(await outcome(['packages/gate'])).toBe(FAIL);
});

test("Bob moves the gate package out of the workspace's patterns: fails", async () => {
  expect(await outcome(['packages/gate'], { 'tools/gate/package.json': FILES['packages/gate/package.json']! })).toBe(
    FAIL,
  );
});

test("Bob removes the gate package's audit script: fails", async () => {
  expect(await outcome([], { 'packages/gate/package.json': pkg('@acme/gate', { lint: 'eslint .' }) })).toBe(FAIL);
});

test('Bob deletes the script a script runs on its way to gitguard: fails (before: passed)', async () => {
  expect(
    await outcome(['scripts/real-gate.sh'], { 'scripts/gate.sh': '#!/bin/sh\nexec ./scripts/real-gate.sh\n#\n' }),
  ).toBe(FAIL);
  expect(await outcome(['scripts/real-gate.sh'])).toBe(FAIL);
});

test('twins: Bob edits or deletes another package, adds one, bumps the gate dependency: pass', async () => {
  expect(await outcome([], { 'packages/web/package.json': pkg('@acme/web', { build: 'vite build --mode x' }) })).toBe(
    PASS,
  );
  expect(await outcome(['packages/web'])).toBe(PASS);
  expect(await outcome([], { 'packages/new/package.json': pkg('@acme/new', { test: 'jest' }) })).toBe(PASS);
  expect(
    await outcome([], {
      'packages/gate/package.json': pkg('@acme/gate', { audit: 'gitguard audit', lint: 'eslint .' }, '^2.0.0'),
    }),
  ).toBe(PASS);
});

test('twin: Alice, the maintainer, deletes the gate package: passes', async () => {
  expect(await outcome(['packages/gate'], {}, { who: 'alice' })).toBe(PASS);
});

test('Bob deletes or empties the first script of the chain the workflow still names: fails (before: passed)', async () => {
  expect(await outcome(['scripts/gate.sh'])).toBe(FAIL);
  expect(await outcome([], { 'scripts/gate.sh': '#!/bin/sh\nexit 0\n' })).toBe(FAIL);
});

test('with --base (a CI run): Bob deleting the gate package fails (before: passed)', async () => {
  expect(await outcome(['packages/gate'], {}, { base: true })).toBe(FAIL);
});

test('twin, with --base: Alice moved the gate into the workflow; Bob then edits the scripts it ran and the old gate package: passes', async () => {
  const alice = {
    '.github/workflows/ci.yml':
      'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npx gitguard audit\n',
  };
  const files = {
    'scripts/gate.sh': '#!/bin/sh\nexit 0\n',
    'packages/gate/package.json': pkg('@acme/gate', { lint: 'eslint .' }),
  };
  expect(await outcome(['scripts/real-gate.sh'], files, { alice, base: true })).toBe(PASS);
});
