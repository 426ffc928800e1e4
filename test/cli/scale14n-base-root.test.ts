// A `--base` audit takes the default trust root's answers from the sealed checkpoint an audit left
// (engine/carried-reach.ts): for a tip whose first-parent chain runs through a recorded tip, only the
// commits after that tip are searched, not the whole history (before: `rev-list --full-history` or
// `--first-parent` over all of it, ~12 CPU-seconds at a million commits). The root is git's own
// answer (the oldest first-parent commit that changes .gitguard/policy.yml and has it) and the report
// the one `--no-cache` gives. A checkpoint of a history rewritten since (a force-push that moved the
// policy's first commit) covers no tip of the new chains: searched whole, git's answer again.
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { audit, POLICY, verdicts, type Report } from '../helpers/incremental.js';
import { runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

const POLICY_FILE = '.gitguard/policy.yml';

/** git's answer: the oldest first-parent commit that changes policy.yml and has it as a blob. */
function gitFirstPolicyCommit(r: TestRepo): string | undefined {
  const candidates = r.run(['rev-list', '--first-parent', '--reverse', 'HEAD', '--', POLICY_FILE]).split('\n');
  return candidates.find((c) => !!c && r.run(['ls-tree', c, '--', POLICY_FILE]).includes(' blob '));
}

const rootOf = (report: Report): string | undefined =>
  /from trust root ([0-9a-f]{12})/.exec(report.scope.description)?.[1];

/** A --base audit through a git that logs its arguments; the report and the logged command lines. */
async function baseAudit(r: TestRepo, base: string): Promise<{ report: Report; gits: string[] }> {
  const dir = tempDir('gg-base-root-');
  const log = join(dir, 'git.log');
  const wrapper = join(dir, 'git.sh');
  writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec git "$@"\n`, { mode: 0o755 });
  writeFileSync(log, '');
  const { code, report } = await audit(r, '--threat', 'impersonation,history', '--base', base, '--git', wrapper);
  expect([0, 1]).toContain(code);
  return { report, gits: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

/** The searches of the default root: whole-history ones, and the first-parent ones with what they exclude. */
function searches(gits: string[]): { whole: string[]; firstParent: string[] } {
  return {
    whole: gits.filter((l) => l.includes('--full-history') && l.includes(POLICY_FILE)),
    firstParent: gits.filter((l) => l.includes('rev-list --first-parent --reverse') && l.includes(POLICY_FILE)),
  };
}

/** Work commits `label 0..n-1`, one file each. */
function work(r: TestRepo, n: number, label: string): void {
  for (let i = 0; i < n; i += 1) r.commit(`${label} ${i}`, { [`${label}-${i}.txt`]: `${label} ${i}\n` });
}

describe('--base takes the default trust root from the checkpoint', () => {
  it.each([
    ['a policy from the second commit', true],
    ['no policy anywhere', false],
  ])('%s: only the commits after the recorded tip are searched', async (_, policy) => {
    const r = makeRepo();
    r.commit('start', { 'a.txt': 'a\n' });
    if (policy) r.commit('policy', { [POLICY_FILE]: POLICY });
    work(r, 3, 'before');
    const recorded = r.head();
    expect((await audit(r, '--threat', 'impersonation,history')).code).toBe(1); // unsigned: writes the checkpoint
    work(r, 4, 'after');
    const { report, gits } = await baseAudit(r, 'HEAD~2');
    expect(rootOf(report)).toBe(gitFirstPolicyCommit(r)?.slice(0, 12));
    expect(rootOf(report) === undefined).toBe(!policy);
    const { whole, firstParent } = searches(gits);
    expect(whole).toEqual([]);
    // The recorded tip's answer holds for the base and HEAD, whose chains run through it: with a policy
    // nothing is searched; without one, each only after the recorded tip.
    expect(firstParent).toHaveLength(policy ? 0 : 2);
    for (const l of firstParent) expect(l).toContain(`^${recorded}`);
    // The same report as a run that takes nothing from the checkpoint.
    const cold = await audit(r, '--threat', 'impersonation,history', '--base', 'HEAD~2', '--no-cache');
    expect(verdicts(report)).toEqual(verdicts(cold.report));
  });

  it("after a force-push that moved the policy's first commit, the checkpoint answers nothing", async () => {
    const r = makeRepo();
    const start = r.commit('start', { 'a.txt': 'a\n' });
    const first = r.commit('policy', { [POLICY_FILE]: POLICY });
    work(r, 3, 'before');
    const recorded = r.head();
    expect((await audit(r, '--threat', 'impersonation,history')).code).toBe(1);
    // The history rewritten from `start`: the policy comes in two commits later than it did.
    r.run(['reset', '-q', '--hard', start]);
    work(r, 2, 'rewritten');
    r.commit('policy again', { [POLICY_FILE]: POLICY });
    work(r, 3, 'after');
    const moved = gitFirstPolicyCommit(r)!;
    expect(moved).not.toBe(first);
    const { report, gits } = await baseAudit(r, 'HEAD~1');
    expect(rootOf(report)).toBe(moved.slice(0, 12));
    const { firstParent } = searches(gits);
    expect(firstParent.length).toBeGreaterThan(0);
    for (const l of firstParent) expect(l).not.toContain(recorded);
    const cold = await audit(r, '--threat', 'impersonation,history', '--base', 'HEAD~1', '--no-cache');
    expect(verdicts(report)).toEqual(verdicts(cold.report));
  });
});

describe("the pre-receive hook takes it from the server's checkpoint too", () => {
  /** A git on PATH that logs its arguments (the hook runs the git it finds). */
  function loggingGit(): { path: string; log: string } {
    const bin = join(tempDir('gg-base-root-'), 'bin');
    mkdirSync(bin);
    const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const log = join(bin, '..', 'git.log');
    writeFileSync(join(bin, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${real}' "$@"\n`);
    chmodSync(join(bin, 'git'), 0o755);
    writeFileSync(log, '');
    return { path: bin, log };
  }

  it.each([
    ['a policy from the second commit', true],
    ['no policy anywhere', false],
  ])('%s: a push after an audit of the server searches only after its recorded tip', async (_, policy) => {
    const r = makeRepo();
    r.commit('start', { 'a.txt': 'a\n' });
    if (policy) r.commit('policy', { [POLICY_FILE]: POLICY });
    work(r, 3, 'before');
    const recorded = r.head();
    const server = join(tempDir('gg-base-root-'), 'server.git');
    r.run(['init', '-q', '--bare', server]);
    r.run(['push', '-q', server, 'HEAD:refs/heads/main']);
    const audited = await runMain(['audit', server, '--format', 'json', '--no-ledger', '--threat', 'history'], {
      env: r.env,
    });
    expect([0, 1]).toContain(audited.code);
    work(r, 3, 'after');
    r.run(['--git-dir', server, 'fetch', '-q', r.dir, r.head()]); // as a push's quarantine holds them
    const git = loggingGit();
    const receive = () =>
      runMain(['hook', 'run', 'pre-receive'], {
        cwd: server,
        env: { ...r.env, PATH: `${git.path}:${r.env.PATH ?? process.env.PATH ?? ''}` },
        input: `${recorded} ${r.head()} refs/heads/main\n`,
      });
    const carried = await receive();
    const { whole, firstParent } = searches(readFileSync(git.log, 'utf8').split('\n'));
    expect(whole).toEqual([]);
    for (const l of firstParent) expect(l).toContain(`^${recorded}`);
    // Without the checkpoint: the same answer, from the whole history.
    rmSync(join(server, 'gitguard'), { recursive: true, force: true });
    writeFileSync(git.log, '');
    const cold = await receive();
    expect([carried.code, carried.stderr]).toEqual([cold.code, cold.stderr]);
    const again = searches(readFileSync(git.log, 'utf8').split('\n'));
    expect(again.whole.length + again.firstParent.filter((l) => !l.includes(`^${recorded}`)).length).toBeGreaterThan(0);
  });
});
