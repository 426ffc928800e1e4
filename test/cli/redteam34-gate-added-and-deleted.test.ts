// Red team 34: the CI's chain to gitguard was worked out at the tip and where the range starts only.
// Alice (the maintainer) points the workflow at a new script (or a gate package, or a second script
// of the chain) after the range's start, and Bob (a signer, no maintainer) deletes it later in the
// same range: the start did not have the file yet, the tip no longer has it, and
// protected-paths-changed-by-maintainers passed while the CI gate was gone. The commits of the range
// that change a file the CI runs are now read too.
// Clean twins: Alice deleting the file herself; Bob editing an unrelated file after Alice's change.
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson } from '../helpers/ssh.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { aliceAndBob } from '../helpers/team.js';

afterAll(cleanupTemp);

const RULES = ['protected-paths-changed-by-maintainers', 'ci-gate-kept'];
const workflow = (run: string): string =>
  `on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ${run}\n`;
const team = aliceAndBob(
  {
    '.github/workflows/ci.yml': workflow('./scripts/a.sh'),
    'scripts/a.sh': '#!/bin/sh\nnpx gitguard audit\n',
    'README.md': 'hello\n',
  },
  'own',
);
const first = team.r.head();

interface Step {
  who: 'alice' | 'bob';
  files?: Record<string, string>;
  remove?: string[];
}

/** Back to Alice's first commit, `steps` committed in turn; the rules' outcomes (with --base at the first commit if `base`). */
async function outcome(steps: Step[], base = false): Promise<string> {
  const { r } = team;
  r.run(['reset', '-q', '--hard', first]);
  for (const s of steps) {
    for (const p of s.remove ?? []) rmSync(join(r.dir, p), { recursive: true });
    commitAsPerson(r, team[s.who], `${s.who}@example.com`, 'work', s.files ?? {});
  }
  const args = ['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '-r', RULES.join(',')];
  const res = await runMain([...args, ...(base ? ['--base', first] : [])], { env: r.env });
  const report = parseJson(res);
  return `${res.code} ${RULES.map((id) => resultOf(report, id).outcome).join(' ')}`;
}

const FAIL = '1 fail pass';
const PASS = '0 pass pass';

const ALICE_NEW_SCRIPT: Step = {
  who: 'alice',
  files: {
    '.github/workflows/ci.yml': workflow('./scripts/gate.sh'),
    'scripts/gate.sh': '#!/bin/sh\nnpx gitguard audit\n',
  },
};
const ALICE_SECOND_SCRIPT: Step = {
  who: 'alice',
  files: { 'scripts/a.sh': '#!/bin/sh\nexec ./scripts/b.sh\n', 'scripts/b.sh': '#!/bin/sh\nnpx gitguard audit\n' },
};
const pkg = (name: string, scripts: Record<string, string>): string =>
  `${JSON.stringify({ name, version: '1.0.0', scripts }, null, 2)}\n`;
const ALICE_GATE_PACKAGE: Step = {
  who: 'alice',
  files: {
    '.github/workflows/ci.yml': workflow('npm run audit --workspaces --if-present'),
    'package.json': `${JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*'] }, null, 2)}\n`,
    'packages/gate/package.json': pkg('@acme/gate', { audit: 'gitguard audit' }),
    'packages/web/package.json': pkg('@acme/web', { build: 'vite build' }),
  },
};

test('Alice points the workflow at a new script, Bob deletes it: fails (before: passed)', async () => {
  expect(await outcome([ALICE_NEW_SCRIPT, { who: 'bob', remove: ['scripts/gate.sh'] }])).toBe(FAIL);
  expect(await outcome([ALICE_NEW_SCRIPT, { who: 'bob', remove: ['scripts/gate.sh'] }], true)).toBe(FAIL);
});

test('Alice adds a second script to the chain, Bob deletes it: fails (before: passed)', async () => {
  expect(await outcome([ALICE_SECOND_SCRIPT, { who: 'bob', remove: ['scripts/b.sh'] }])).toBe(FAIL);
});

test('Alice moves the gate into a workspace package, Bob deletes the package: fails (before: passed)', async () => {
  expect(await outcome([ALICE_GATE_PACKAGE, { who: 'bob', remove: ['packages/gate'] }])).toBe(FAIL);
});

test('twins: Alice deletes the files herself; Bob edits unrelated files after her change: pass', async () => {
  expect(await outcome([ALICE_NEW_SCRIPT, { who: 'alice', remove: ['scripts/gate.sh'] }])).toBe(PASS);
  expect(await outcome([ALICE_SECOND_SCRIPT, { who: 'bob', files: { 'README.md': 'hi\n' } }])).toBe(PASS);
  expect(
    await outcome([
      ALICE_GATE_PACKAGE,
      { who: 'bob', files: { 'packages/web/package.json': pkg('@acme/web', { build: 'vite build --mode x' }) } },
    ]),
  ).toBe(PASS);
});

test('the range is searched only where a CI configuration is at either end (a history without CI pays nothing)', async () => {
  // A git that logs what it is asked to do: whether the range's search ran is in the log.
  const dir = tempDir();
  const log = join(dir, 'git.log');
  const wrapper = join(dir, 'git');
  const git = execFileSync('sh', ['-c', 'command -v git']).toString().trim();
  writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${log}'\nexec '${git}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  const searched = async (r: TestRepo): Promise<boolean> => {
    writeFileSync(log, '');
    const args = ['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '--git', wrapper, '-r', RULES[0]!];
    parseJson(await runMain(args, { env: r.env }));
    return readFileSync(log, 'utf8').includes('--full-history');
  };
  const plain = makeRepo();
  plain.commit('one', { 'README.md': 'a\n' });
  plain.commit('two', { 'README.md': 'b\n' });
  expect(await searched(plain)).toBe(false);
  team.r.run(['reset', '-q', '--hard', first]);
  commitAsPerson(team.r, team.bob, 'bob@example.com', 'work', { 'README.md': 'hi\n' });
  expect(await searched(team.r)).toBe(true);
});
