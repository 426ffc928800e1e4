// Issue 14: the range search (collect/derived-range.ts: the files the CI runs, read at each commit of
// the range that changes one) is kept in the sealed walk checkpoint (collect/range-memo.ts). An
// unchanged re-audit searches no commit again (before: every one, ~40 % of the first run on 50,000
// commits of bot bumps); one after new commits searches only theirs, and where they find anything
// new, the whole range again. Counted with a --git wrapper that keeps each range search's revisions
// (the one `git log --name-only` a search runs per round). The attacks of red team 34 and 36 made
// after a first cached audit still fail, as a full walk's do; a checkpoint edited (its HMAC then
// wrong) is ignored, and --no-cache searches everything.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, tempDir, type TestRepo } from '../helpers/repo.js';
import { aliceAndBob, checkoutWorkflow } from '../helpers/team.js';
import { commitAsPerson } from '../helpers/ssh.js';
import { parseJson, resultOf, runMain, type JsonReport } from '../helpers/cli.js';

afterAll(cleanupTemp);

const RULES = ['protected-paths-changed-by-maintainers', 'ci-gate-kept'];
const STEPS = '      - run: ./scripts/a.sh\n      - run: npm run gate\n';
const pkg = (dep: string): string =>
  `{"name":"x","scripts":{"gate":"gitguard audit"},"devDependencies":{"gitguard":"1.0.0","dep":"${dep}"}}\n`;
const FILES = {
  '.github/workflows/ci.yml': checkoutWorkflow(STEPS),
  'scripts/a.sh': '#!/bin/sh\nnpx gitguard audit\n',
  'package.json': pkg('1.0.0'),
};

/** `n` unsigned bot bumps of package.json outside the chain's script, from `from` on. */
function bumps(r: TestRepo, n: number, from: number): void {
  const stream = ['reset refs/heads/main', 'from refs/heads/main^0'];
  for (let i = from; i < from + n; i += 1) {
    const body = pkg(`1.0.${i + 1}`);
    stream.push(
      'commit refs/heads/main',
      `committer Renovate Bot <bot@renovate.example> ${1_700_000_000 + i * 86_400} +0000`,
      `data ${`bump ${i}`.length}`,
      `bump ${i}`,
      'M 100644 inline package.json',
      `data ${Buffer.byteLength(body)}`,
      body,
    );
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: r.dir, env: r.env, input: `${stream.join('\n')}\n` });
  r.run(['reset', '-q', '--hard', 'main']);
}

/** A git that keeps the revisions of every range search (log --format=%x01%H), in order, in a log, then runs git. */
function countingGit(): { git: string; searches: () => string[] } {
  const dir = tempDir('gg-range-log-');
  const git = join(dir, 'git');
  const log = join(dir, 'searches');
  writeFileSync(
    git,
    `#!/bin/sh\nfor a in "$@"; do case "$a" in --format=%x01%H) f=$(mktemp); cat > "$f"; { echo '>'; cat "$f"; } >> '${log}'; exec git "$@" < "$f";; esac; done\nexec git "$@"\n`,
  );
  chmodSync(git, 0o755);
  const searches = (): string[] => {
    const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
    rmSync(log, { force: true });
    return text.split('>\n').slice(1);
  };
  return { git, searches };
}

interface Run {
  outcome: string;
  searches: string[];
  report: JsonReport & { walk?: { incremental: boolean; reason?: string } };
}

/** A repository of FILES and 20 bot bumps, and an audit of it that counts its range searches. */
function setup(blobless = false): {
  r: TestRepo;
  team: ReturnType<typeof aliceAndBob>;
  audit: (...extra: string[]) => Promise<Run>;
} {
  const team = aliceAndBob(FILES, 'own');
  bumps(team.r, 20, 0);
  const dir = blobless ? join(tempDir(), 'blobless') : team.r.dir;
  if (blobless) {
    team.r.run(['config', 'uploadpack.allowFilter', 'true']);
    team.r.run(['clone', '-q', '--filter=blob:none', `file://${team.r.dir}`, dir]);
  }
  const { git, searches } = countingGit();
  const audit = async (...extra: string[]): Promise<Run> => {
    const args = ['audit', '-C', dir, '--format', 'json', '--no-ledger', '--git', git, '-r', RULES.join(',')];
    const res = await runMain([...args, ...extra], { env: team.r.env });
    const report = parseJson<Run['report']>(res);
    return {
      outcome: `${res.code} ${RULES.map((id) => resultOf(report, id).outcome).join(' ')}`,
      searches: searches(),
      report,
    };
  };
  return { r: team.r, team, audit };
}

const results = (run: Run): unknown => run.report.results.map((x) => [x.meta.id, x.outcome, x.findings, x.note]);
const PASS = '0 pass pass';
const FAIL = '1 fail pass';

test('an unchanged re-audit searches no commit of the range again, and reports the same (before: it searched every run)', async () => {
  const { audit } = setup();
  const first = await audit();
  expect(first.outcome).toBe(PASS);
  expect(first.searches.length).toBeGreaterThan(0);
  const second = await audit();
  expect(second.report.walk?.incremental).toBe(true);
  expect(second.searches).toEqual([]);
  expect(results(second)).toEqual(results(first));
  // --no-cache searches everything again, with the same answer.
  const full = await audit('--no-cache');
  expect(full.searches.length).toBeGreaterThan(0);
  expect(results(full)).toEqual(results(first));
});

test('a checkpoint edited by hand (its HMAC then wrong) is ignored: the range is searched again, same answer', async () => {
  const { r, audit } = setup();
  const first = await audit();
  const file = join(r.dir, '.git', 'gitguard', 'checkpoint.json');
  const text = readFileSync(file, 'utf8');
  expect(text).toContain('"rangeSearch"');
  // One number of the memo changed: no longer sealed by this user's secret.
  writeFileSync(
    file,
    text.replace(/"checks":(\d+)/, (_, n: string) => `"checks":${Number(n) + 1}`),
  );
  const again = await audit();
  expect(again.report.walk?.reason).toMatch(/does not authenticate/);
  expect(again.searches.length).toBeGreaterThan(0);
  expect(results(again)).toEqual(results(first));
});

test('after new commits, only they are searched (the old tip excluded), and the answer is a full walk’s', async () => {
  const { r, audit } = setup();
  await audit();
  const old = r.head();
  bumps(r, 5, 20);
  const next = await audit();
  expect(next.outcome).toBe(PASS);
  expect(next.searches.length).toBeGreaterThan(0);
  for (const s of next.searches) expect(s.split('\n')).toContain(`^${old}`);
  expect(results(next)).toEqual(results(await audit('--no-cache')));
});

// Red team 34 and 36 after a first cached audit: Alice points the CI at a new gate script, Bob
// deletes it (then the bot floods the range), Alice takes the step out again: the tip runs what the
// checkpoint's tip ran, so the memo's key holds, and only the new commits show the gate's going.
const NEW_GATE = {
  '.github/workflows/ci.yml': checkoutWorkflow(`${STEPS}      - run: ./scripts/gate.sh\n`),
  'scripts/gate.sh': '#!/bin/sh\nnpx gitguard audit --all\n',
};

async function afterCachedAudit(who: 'alice' | 'bob', flood: number): Promise<{ cached: Run; full: Run }> {
  const { r, team, audit } = setup();
  expect((await audit()).outcome).toBe(PASS);
  const old = r.head();
  commitAsPerson(r, team.alice, 'alice@example.com', 'second gate', NEW_GATE);
  rmSync(join(r.dir, 'scripts', 'gate.sh'));
  commitAsPerson(r, team[who], `${who}@example.com`, 'drop it', {});
  if (flood) bumps(r, flood, 100);
  commitAsPerson(r, team.alice, 'alice@example.com', 'one gate', {
    '.github/workflows/ci.yml': FILES['.github/workflows/ci.yml'],
  });
  const cached = await audit();
  // The memo was resumed: the first search asked only the new commits.
  expect(cached.searches[0]?.split('\n')).toContain(`^${old}`);
  return { cached, full: await audit('--no-cache') };
}

test('red team 34 after a cached audit: a gate script added and deleted by Bob in the new commits still fails', async () => {
  const { cached, full } = await afterCachedAudit('bob', 0);
  expect(cached.outcome).toBe(FAIL);
  // The new commits found a file the memo did not hold: the whole range was searched again.
  expect(cached.searches.length).toBeGreaterThan(1);
  expect(results(cached)).toEqual(results(full));
});

test('red team 36 after a cached audit: the deletion behind a flood of bot bumps still fails', async () => {
  const { cached, full } = await afterCachedAudit('bob', 30);
  expect(cached.outcome).toBe(FAIL);
  expect(cached.searches.length).toBeGreaterThan(1);
  expect(results(cached)).toEqual(results(full));
});

test('twin: Alice deleting her own gate script in the new commits passes, as a full walk does', async () => {
  const { cached, full } = await afterCachedAudit('alice', 30);
  expect(cached.outcome).toBe(PASS);
  expect(results(cached)).toEqual(results(full));
});

test('a partial clone keeps no range search (an older file it lacks reads as running nothing): the re-audit searches again', async () => {
  const { audit } = setup(true);
  const first = await audit();
  expect(first.searches.length).toBeGreaterThan(0);
  const second = await audit();
  expect(second.searches.length).toBeGreaterThan(0);
  expect(results(second)).toEqual(results(first));
});
