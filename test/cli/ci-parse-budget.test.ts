// The CI readers share one YAML parse budget per run. Past it, a file naming gitguard anywhere (a
// comment) counted as running it: 66 versions of a 255 KiB workflow naming gitguard in a comment
// spent the 16 MiB, and a commit that then removed the gate job, keeping `# npx gitguard audit`,
// passed ci-gate-kept. Now the budget counts parses, not questions (a text's questions share one),
// is 64 MiB (GITGUARD_YAML_PARSE_MB), and a gate past it is unread: ci-gate-kept fails naming the
// knob where the answer depends on it. It charges the work, not the bytes alone: a workflow of
// thousands of tiny steps cost ~2.5 CPU-s a MiB against ~0.2 for comments, so 64 MiB of them was
// ~150 CPU-s; now each node parsed counts too (~20 CPU-s at most at the default, whatever the
// shape). The search reads newest first, so the removal is put before the padding: the padding is
// read, and charged, before the removal's ci.yml. Twins: the gate kept, a change past the budget that
// leaves a readable gate in place, and a large honest set of workflows judged.
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { runMain } from '../helpers/cli.js';
import { honestWorkflow as honest } from '../../scripts/bench-lib/ci-workflows.mjs';

const GATE =
  'on: [push]\njobs:\n  audit:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npx gitguard audit\n';
const REMOVED =
  'on: [push]\njobs:\n  # npx gitguard audit\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n';
const CI = '.github/workflows/ci.yml';
const BIG = '.github/workflows/big.yml';
const KEPT = `${GATE}  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n`;

const HEAD = (n: number): string =>
  `# not gitguard's job (${n})\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n`;

/**
 * A workflow of about `size` bytes, distinct per `n`, naming gitguard only in a comment: the bulk is
 * comment lines, the cheapest bytes to parse (~0.2 CPU-s a MiB), charged their bytes alone.
 */
function padded(n: number, size: number): string {
  let out = HEAD(n);
  for (let k = 0; out.length < size; k += 1) out += `# padding ${k} of version ${n}: ${'x'.repeat(64)}\n`;
  return out;
}

/** The same, padded with tiny steps: each a node the parser builds and the gate walks (~2.5 CPU-s a MiB). */
function stepped(n: number, size: number): string {
  let out = HEAD(n);
  for (let k = 0; out.length < size; k += 1) out += `      - run: a${k.toString(36)}\n`;
  return out;
}

/** The same, each step's command its own to version `n` (a hostile history: no command is asked twice). */
function steppedApart(n: number, size: number): string {
  let out = HEAD(n);
  for (let k = 0; out.length < size; k += 1) out += `      - run: a${k.toString(36)}v${n}\n`;
  return out;
}

type Commit = Record<string, string>;

/** One git fast-import of `commits` (each: files written over the last), the first the gate in ci.yml. */
function history(commits: readonly Commit[]): TestRepo {
  const r = makeRepo();
  const parts: string[] = [];
  let time = 1_700_000_000;
  for (const [i, files] of [{ [CI]: GATE }, ...commits].entries()) {
    time += 60;
    const msg = `ci: change ${i}`;
    parts.push(`commit refs/heads/main\ncommitter Dev <dev@example.com> ${time} +0000\n`);
    parts.push(`data ${Buffer.byteLength(msg)}\n${msg}\n`);
    for (const [path, text] of Object.entries(files))
      parts.push(`M 100644 inline ${path}\ndata ${Buffer.byteLength(text)}\n${text}\n`);
  }
  r.run(['fast-import', '--quiet'], { input: parts.join('') });
  r.run(['reset', '-q', '--hard', 'main']);
  return r;
}

/** `count` commits each writing a distinct padded big.yml of `size` bytes (from number `from`). */
const bigs = (count: number, size: number, from = 1, pad = padded): Commit[] =>
  Array.from({ length: count }, (_, k) => ({ [BIG]: pad(from + k, size) }));

/** `count` commits over 20 workflows of 300 steps: all written first, then one edited a commit in turn. */
function honestSet(count: number): Commit[] {
  const path = (w: number): string => (w === 0 ? CI : `.github/workflows/wf${w}.yml`);
  const all = Object.fromEntries(Array.from({ length: 20 }, (_, w) => [path(w), honest(w, 300, 0)]));
  return [
    all,
    ...Array.from({ length: count - 1 }, (_, i) => ({ [path((i + 1) % 20)]: honest((i + 1) % 20, 300, i + 1) })),
  ];
}

/** `count` commits each writing all 20 workflows anew (a monorepo whose every commit edits every workflow). */
function honestAll(count: number): Commit[] {
  const path = (w: number): string => (w === 0 ? CI : `.github/workflows/wf${w}.yml`);
  return Array.from({ length: count }, (_, i) =>
    Object.fromEntries(Array.from({ length: 20 }, (_, w) => [path(w), honest(w, 300, i)])),
  );
}

async function audit(r: TestRepo, budgetMb?: number): Promise<{ code: number; stdout: string }> {
  const env = budgetMb === undefined ? r.env : { ...r.env, GITGUARD_YAML_PARSE_MB: String(budgetMb) };
  const res = await runMain(['audit', '-C', r.dir, '-r', 'ci-gate-kept', '--no-ledger', '--no-cache'], { env });
  return { code: res.code, stdout: res.stdout };
}

/** ci-gate-kept fails, the commit not judged for the budget, naming the variable. */
function expectUnjudged(res: { code: number; stdout: string }): void {
  expect(res.code).toBe(1);
  expect(res.stdout).toMatch(/FAIL\s+ci-gate-kept/);
  expect(res.stdout).toContain('cannot be judged');
  expect(res.stdout).toContain('GITGUARD_YAML_PARSE_MB');
}

/** git's own reading of commit `at`: it changes ci.yml, whose `run:` line naming gitguard it removes. */
function gitSaysRemoved(r: TestRepo, at = 'HEAD'): void {
  expect(r.run(['diff', '--name-only', `${at}~1`, at])).toBe('.github/workflows/ci.yml');
  expect(r.run(['diff', `${at}~1`, at])).toContain('-      - run: npx gitguard audit');
  expect(r.run(['show', `${at}:.github/workflows/ci.yml`])).toContain('# npx gitguard audit');
}

describe('ci-gate-kept: the YAML parse budget', () => {
  test('removed before 66 versions of a 255 KiB workflow (more than the old 16 MiB), read first: the removal is found', async () => {
    // Newest first: the 16.4 MiB of padding is read before the removal's ci.yml.
    const r = history([{ [CI]: REMOVED }, ...bigs(66, 255 * 1024)]);
    gitSaysRemoved(r, 'HEAD~66');
    expect(Number(r.run(['rev-list', '--count', 'HEAD']))).toBe(68);
    const res = await audit(r);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/FAIL\s+ci-gate-kept/);
    expect(res.stdout).toContain('removes the gitguard step from the CI configuration');
    expect(res.stdout).not.toContain('cannot be judged');
  }, 600_000);

  test('each version is charged once: padding of 3/4 of the budget read first leaves the removal judged', async () => {
    // 12 x 255 KiB = 3 MiB of a 4 MiB budget: charged twice (a charge per question), it would not fit.
    const r = history([{ [CI]: REMOVED }, ...bigs(12, 255 * 1024)]);
    gitSaysRemoved(r, 'HEAD~12');
    const res = await audit(r, 4);
    expect(res.stdout).toMatch(/FAIL\s+ci-gate-kept/);
    expect(res.stdout).toContain('removes the gitguard step from the CI configuration');
    expect(res.stdout).not.toContain('cannot be judged');
  }, 300_000);

  test('the work is charged, not the bytes: tiny steps of 1/4 of the budget read first leave the removal unread', async () => {
    // 4 x 50 KiB of one-line steps: under 1/4 of a 1 MiB budget, but ~10x the parse and walk of comments
    // (two versions are charged past it; 4 x 200 KiB of a 4 MiB budget cost four times the CPU).
    const r = history([{ [CI]: REMOVED }, ...bigs(4, 50 * 1024, 1, stepped)]);
    gitSaysRemoved(r, 'HEAD~4');
    expect(r.run(['show', `HEAD:${BIG}`]).match(/^ {6}- run: a/gm)!.length).toBeGreaterThan(2_750);
    const res = await audit(r, 1);
    expectUnjudged(res);
  }, 300_000);

  test('removed past the budget: not judged, so it fails naming GITGUARD_YAML_PARSE_MB', async () => {
    // The removal, then enough later versions that the newest-first search of the range (which reads
    // the tip's files first) spends the budget before it reaches the removal's ci.yml.
    const r = history([{ [CI]: REMOVED }, ...bigs(11, 100 * 1024)]);
    gitSaysRemoved(r, 'HEAD~11');
    const res = await audit(r, 1);
    expectUnjudged(res);
  }, 300_000);

  test('kept: the gate edited, kept, between padded versions passes within the budget', async () => {
    const r = history([...bigs(11, 100 * 1024), { [CI]: KEPT }, ...bigs(11, 100 * 1024, 20)]);
    expect(r.run(['show', 'HEAD:.github/workflows/ci.yml'])).toContain('- run: npx gitguard audit');
    const res = await audit(r);
    expect([res.code, res.stdout]).toEqual([0, expect.stringMatching(/pass\s+ci-gate-kept/)]);
  }, 300_000);

  test('kept: 20 workflows of 300 steps edited over 32 commits are judged within 10 MiB (a sixth of the default budget)', async () => {
    // Each version charged once (~0.17 MiB): the 20, then one edited a commit, 51 versions ~8.7 MiB of the
    // 10 (charged a question each, four times that). At that rate 550 such commits were charged ~63 MiB of
    // the default 64 and pass (~56 CPU-s); 32 show the rate at half the CPU of the 64 this test once made.
    const r = history(honestSet(32));
    expect(r.run(['ls-tree', '--name-only', 'HEAD', '.github/workflows/']).split('\n')).toHaveLength(20);
    expect(Number(r.run(['rev-list', '--count', 'HEAD', '--', CI]))).toBe(3);
    expect(r.run(['show', `HEAD:${CI}`]).match(/^ {6}- /gm)).toHaveLength(302);
    const res = await audit(r, 10);
    expect([res.code, res.stdout]).toEqual([0, expect.stringMatching(/pass\s+ci-gate-kept/)]);
  }, 300_000);

  test('kept: commits that each edit 20 workflows are charged each version once, not once per question', async () => {
    // 2 commits of 20 new 25 KB versions, ~6.3 MiB charged once each. The readers ask references, variables,
    // commands and the gate of a commit's 20 files in turn: with the 16 last parses kept, each was parsed
    // (and charged) twice, and 8 MiB did not judge them; now the parses kept are bounded by their size.
    // (3 commits at 12 MiB showed the same at half as much CPU again.)
    const r = history(honestAll(2));
    expect(r.run(['diff', '--name-only', 'HEAD~1', 'HEAD']).split('\n')).toHaveLength(20);
    expect(r.run(['show', `HEAD:${CI}`]).match(/^ {6}- /gm)).toHaveLength(302);
    const res = await audit(r, 8);
    expect([res.code, res.stdout]).toEqual([0, expect.stringMatching(/pass\s+ci-gate-kept/)]);
  }, 300_000);

  // The gate through a script: ci.yml runs ci/gate.sh, which runs gitguard. The chain is read at each
  // commit changing the CI (gate-chains.ts), each command for the files it runs: as costly as the parse
  // for one-line steps, and charged to the same budget (command-reading.ts), once per command text. Three
  // versions of 50 KiB of steps: distinct commands are charged past 2 MiB, the same ones within 3 (and
  // past it charged at each reading); 100 KiB at 4 and 5 MiB showed the same at twice the CPU.
  const CHAINED =
    'on: [push]\njobs:\n  audit:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: bash ci/gate.sh\n';
  const UNCHAINED = 'on: [push]\njobs:\n  audit:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n';
  const SCRIPT = 'set -e\nnpx gitguard audit\n';

  test("the chain's commands are charged: the chain dropped before distinct one-line steps is not judged", async () => {
    const r = history([
      { [CI]: CHAINED, 'ci/gate.sh': SCRIPT },
      { [CI]: UNCHAINED },
      ...bigs(3, 50 * 1024, 1, steppedApart),
    ]);
    expect(r.run(['diff', 'HEAD~4', 'HEAD~3'])).toContain('-      - run: bash ci/gate.sh');
    expect(r.run(['show', 'HEAD:ci/gate.sh'])).toContain('npx gitguard audit');
    const res = await audit(r, 2);
    expectUnjudged(res);
  }, 300_000);

  test('kept: the same commands in each version are charged once, and the chain kept is judged', async () => {
    const r = history([{ [CI]: CHAINED, 'ci/gate.sh': SCRIPT }, ...bigs(3, 50 * 1024, 1, stepped)]);
    expect(r.run(['show', 'HEAD:.github/workflows/ci.yml'])).toContain('- run: bash ci/gate.sh');
    const res = await audit(r, 3);
    expect([res.code, res.stdout]).toEqual([0, expect.stringMatching(/pass\s+ci-gate-kept/)]);
  }, 300_000);

  test('kept: past the budget, a change to another file leaves the readable gate in place', async () => {
    const r = history(bigs(12, 100 * 1024));
    expect(r.run(['diff', '--name-only', 'HEAD~1', 'HEAD'])).toBe(BIG);
    const res = await audit(r, 1);
    expect([res.code, res.stdout]).toEqual([0, expect.stringMatching(/pass\s+ci-gate-kept/)]);
  }, 300_000);
});
