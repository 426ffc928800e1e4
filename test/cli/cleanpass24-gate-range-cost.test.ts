// Clean pass 24: the CI gate chain read at the range's commits (round 34, collect/derived-range.ts)
// on a history where a bot bumps package.json (a file the chain runs in part: `npm run gate`) every
// day. At most 256 commits of the range are read, but rev-list listed every commit changing
// package.json on every audit (37,500 of 50,000 commits; 0.9 CPU-s of an unchanged re-audit, issue
// 14's allowance is a tenth of the first run): it now stops where no more can be read
// (--max-count), which changes nothing read. Twin: Alice's new gate script, deleted by Bob after
// 600 bot commits, still fails (the CI files' own commits are read first).
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { cleanupTemp, tempDir } from '../helpers/repo.js';
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

// A git that logs how many commits each rev-list over the range's paths printed, then answers as git.
const dir = tempDir();
const log = join(dir, 'rev-list.log');
const wrapper = join(dir, 'git');
const git = execFileSync('sh', ['-c', 'command -v git']).toString().trim();
writeFileSync(
  wrapper,
  `#!/bin/sh\ncase "$*" in *"rev-list --full-history"*)\n  out=$(mktemp); '${git}' "$@" > "$out"; rc=$?\n  wc -l < "$out" >> '${log}'; cat "$out"; rm -f "$out"; exit $rc;;\nesac\nexec '${git}' "$@"\n`,
);
chmodSync(wrapper, 0o755);

async function bobThenAudit(
  change: () => void,
): Promise<{ outcomes: Record<string, string | number>; listed: number }> {
  r.run(['reset', '-q', '--hard', base]);
  change();
  commitAsPerson(r, bob, 'bob@example.com', 'work', {});
  writeFileSync(log, '');
  const res = await runMain(
    ['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '--no-cache', '--git', wrapper, '-r', RULES.join(',')],
    { env: r.env },
  );
  const report = parseJson(res);
  const counts = readFileSync(log, 'utf8').split('\n').filter(Boolean).map(Number);
  expect(counts.length).toBeGreaterThan(0);
  return {
    outcomes: { code: res.code, ...Object.fromEntries(RULES.map((id) => [id, resultOf(report, id).outcome])) },
    listed: Math.max(...counts),
  };
}

test("the bot's package.json commits are listed no further than the 256 read (before: all 600); the bumps pass", async () => {
  expect(Number(r.run(['rev-list', '--count', '--full-history', 'HEAD', '--', 'package.json']))).toBe(BOTS + 1);
  const clean = await bobThenAudit(() => writeFileSync(join(r.dir, 'README.md'), 'y\n'));
  expect(clean.outcomes).toEqual(GATE_PASS);
  // 256 read, plus those skipped as read already (the ends, the CI files' own commits listed first).
  expect(clean.listed).toBeLessThanOrEqual(256 + 8);
});

test("twin: Bob deleting Alice's second gate script behind the bot's commits still fails", async () => {
  const attack = await bobThenAudit(() => rmSync(join(r.dir, 'scripts', 'gate2.sh')));
  expect(attack.outcomes).toEqual(GATE_FAIL);
});
