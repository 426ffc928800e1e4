// Clean pass 24: the CI gate chain read at the range's commits (round 34, collect/derived-range.ts)
// on a history where a bot bumps package.json (a file the chain runs in part: `npm run gate`) every
// day. Round 36 compares such a commit's part on the chain with its parent's and does not count it
// against the cap (GITGUARD_MAX_RANGE_COMMITS) where the part is unchanged: 600 bumps (cap 10: at
// most 640 compared) pass, and are not cut. Twin: Alice's new gate script, deleted by Bob after the
// 600 bot commits, still fails (the CI files' own commits are read first).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { cleanupTemp } from '../helpers/repo.js';
import { aliceAndBob, GATE_FAIL, GATE_PASS, checkoutWorkflow } from '../helpers/team.js';
import { commitAsPerson } from '../helpers/ssh.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

const RULES = ['protected-paths-changed-by-maintainers', 'ci-gate-kept'];
const BOTS = 600;
const workflow = checkoutWorkflow;
const pkg = (dep: string): string =>
  `{"name":"x","scripts":{"gate":"gitguard audit"},"devDependencies":{"gitguard":"1.0.0","dep":"${dep}"}}\n`;

const team = aliceAndBob(
  {
    '.github/workflows/ci.yml': workflow('      - run: npm run gate\n'),
    'package.json': pkg('1.0.0'),
    'README.md': 'x\n',
  },
  'own',
);
const { r, alice, bob } = team;
// Alice adds a second gate step and its script; then the bot's 600 bumps of package.json, unsigned.
commitAsPerson(r, alice, 'alice@example.com', 'second gate', {
  '.github/workflows/ci.yml': workflow('      - run: npm run gate\n      - run: ./scripts/gate2.sh\n'),
  'scripts/gate2.sh': '#!/bin/sh\nnpx gitguard audit --all\n',
});
const stream = ['reset refs/heads/main', 'from refs/heads/main^0'];
for (let i = 0; i < BOTS; i += 1) {
  const body = pkg(`1.0.${i + 1}`);
  stream.push(
    'commit refs/heads/main',
    `committer Renovate Bot <bot@renovate.example> ${1_700_000_000 + i * 86_400} +0000`,
    `data ${`bump dep ${i}`.length}`,
    `bump dep ${i}`,
    'M 100644 inline package.json',
    `data ${Buffer.byteLength(body)}`,
    body,
  );
}
execFileSync('git', ['fast-import', '--quiet'], { cwd: r.dir, env: r.env, input: `${stream.join('\n')}\n` });
r.run(['reset', '-q', '--hard', 'main']);
const base = r.head();

async function bobThenAudit(change: () => void): Promise<{ outcomes: Record<string, string | number>; cut: boolean }> {
  r.run(['reset', '-q', '--hard', base]);
  change();
  commitAsPerson(r, bob, 'bob@example.com', 'work', {});
  const res = await runMain(
    ['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '--no-cache', '-r', RULES.join(',')],
    { env: { ...r.env, GITGUARD_MAX_RANGE_COMMITS: '10' } },
  );
  const report = parseJson(res);
  return {
    outcomes: { code: res.code, ...Object.fromEntries(RULES.map((id) => [id, resultOf(report, id).outcome])) },
    cut: res.stdout.includes('GITGUARD_MAX_RANGE_COMMITS'),
  };
}

test("the bot's 600 package.json bumps outside the chain's scripts are not counted against a cap of 10 (each compared, 64 comparisons a commit that may be read): they pass, uncut", async () => {
  expect(Number(r.run(['rev-list', '--count', '--full-history', 'HEAD', '--', 'package.json']))).toBe(BOTS + 1);
  const clean = await bobThenAudit(() => writeFileSync(join(r.dir, 'README.md'), 'y\n'));
  expect(clean).toEqual({ outcomes: GATE_PASS, cut: false });
});

test("twin: Bob deleting Alice's second gate script behind the bot's commits still fails", async () => {
  const attack = await bobThenAudit(() => rmSync(join(r.dir, 'scripts', 'gate2.sh')));
  expect(attack.outcomes).toEqual(GATE_FAIL);
});
