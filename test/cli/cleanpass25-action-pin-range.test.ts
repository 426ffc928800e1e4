// Clean pass 25: the CI gate chain read at the range's commits (collect/derived-range.ts) on a history
// where Renovate bumps the workflows' action pins every week and Alice, the maintainer, merges each
// bump signed. Each such commit changes a CI file, so each was read and counted against the cap
// (GITGUARD_MAX_RANGE_COMMITS): a few years of weekly bumps passed the default 1024 and
// protected-paths-changed-by-maintainers failed a clean repository where Bob, a signer, had committed.
// A commit that changes only the ref (and the version comment) of a remote action's `uses:` runs no
// file of the repository that its parent did not: it is compared, not read, like a package.json bump.
// Twins: Alice's new gate step behind the bumps, whose script Bob deletes, still fails; a bump that
// also changes a step's `run:` is read (and counted).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp } from '../helpers/repo.js';
import { aliceAndBob, GATE_FAIL, GATE_PASS } from '../helpers/team.js';
import { commitAsPerson } from '../helpers/ssh.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

const RULES = ['protected-paths-changed-by-maintainers', 'ci-gate-kept'];
const BUMPS = 30;
const CAP = '5';
const sha = (i: number): string => (i.toString(16) + 'a'.repeat(40)).slice(0, 40);
// Renovate's shape: a pinned commit and the tag it stands for in a comment; the gate step's own pin too.
const workflow = (i: number, gate: string): string =>
  'on: push\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    steps:\n' +
  `      - uses: actions/checkout@${sha(i)} # v4.${i}.0\n` +
  `      - uses: "actions/setup-node@${sha(i + 1)}" # v4.${i}.1\n        with:\n          node-version: 20\n` +
  gate;
const GATE = '      - run: ./ci/gate.sh\n';
const GATE2 = `${GATE}      - run: ./ci/gate2.sh\n`;

const team = aliceAndBob(
  {
    '.github/workflows/ci.yml': workflow(0, GATE),
    'ci/gate.sh': '#!/bin/sh\nnpx gitguard audit\n',
    'README.md': 'x\n',
  },
  'own',
);
const { r, alice, bob } = team;
// Alice adds a second gate step and its script, then merges the weekly pin bumps, signed.
commitAsPerson(r, alice, 'alice@example.com', 'second gate', {
  '.github/workflows/ci.yml': workflow(0, GATE2),
  'ci/gate2.sh': '#!/bin/sh\nnpx gitguard audit --all\n',
});
for (let i = 1; i <= BUMPS; i += 1)
  commitAsPerson(r, alice, 'alice@example.com', `chore(deps): update actions (#${i})`, {
    '.github/workflows/ci.yml': workflow(i, GATE2),
  });
const base = r.head();

async function audit(): Promise<{ outcomes: Record<string, string | number>; cut: boolean }> {
  const res = await runMain(
    ['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '--no-cache', '-r', RULES.join(',')],
    { env: { ...r.env, GITGUARD_MAX_RANGE_COMMITS: CAP } },
  );
  const report = parseJson(res);
  return {
    outcomes: { code: res.code, ...Object.fromEntries(RULES.map((id) => [id, resultOf(report, id).outcome])) },
    cut: res.stdout.includes('GITGUARD_MAX_RANGE_COMMITS'),
  };
}

function bobCommits(change: () => void): void {
  r.run(['reset', '-q', '--hard', base]);
  change();
  commitAsPerson(r, bob, 'bob@example.com', 'work', {});
}

test(`${BUMPS} signed action-pin bumps of the workflow under a cap of ${CAP}: Bob's commit passes, uncut`, async () => {
  expect(Number(r.run(['rev-list', '--count', 'HEAD', '--', '.github/workflows']))).toBe(BUMPS + 2);
  bobCommits(() => writeFileSync(join(r.dir, 'README.md'), 'y\n'));
  expect(await audit()).toEqual({ outcomes: GATE_PASS, cut: false });
});

test("twin: Bob deleting the script of Alice's second gate step, behind the bumps, still fails", async () => {
  bobCommits(() => rmSync(join(r.dir, 'ci', 'gate2.sh')));
  expect((await audit()).outcomes).toEqual(GATE_FAIL);
});

test('twin: bumps that each also change a run step are read, and past the cap the range is cut', async () => {
  r.run(['reset', '-q', '--hard', base]);
  for (let i = 1; i <= 8; i += 1)
    commitAsPerson(r, alice, 'alice@example.com', `ci: step ${i}`, {
      '.github/workflows/ci.yml': workflow(BUMPS + i, `${GATE2}      - run: echo ${i}\n`),
    });
  commitAsPerson(r, bob, 'bob@example.com', 'work', { 'README.md': 'z\n' });
  const res = await audit();
  expect(res).toEqual({ outcomes: GATE_FAIL, cut: true });
});
