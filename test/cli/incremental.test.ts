// Incremental re-audit (issue 14) end to end with the built binary and real repositories: a second
// audit walks only what is new and reports exactly what a full walk reports; anything that could
// make an old verdict read differently walks everything; a tampered or hostile checkpoint is never
// trusted.
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, signedCommit, type SshTestKey } from '../helpers/ssh.js';
import { parseJson, resultOf, runCli, type JsonReport } from '../helpers/cli.js';

afterAll(cleanupTemp);

let alice: SshTestKey;
let keyDir: string;
beforeAll(() => {
  keyDir = mkdtempSync(join(tmpdir(), 'gg-incremental-'));
  alice = makeSshKey(keyDir, 'ed25519', 'alice');
});
afterAll(() => rmSync(keyDir, { recursive: true, force: true }));

interface Walk {
  incremental: boolean;
  walked: number;
  fromCheckpoint: number;
  checkpointAt?: string;
  reason?: string;
}
type Report = JsonReport & { walk?: Walk };

const POLICY = 'version: 1\nsigners:\n  - name: alice\n    emails: [alice@example.com]\nmaintainers: [alice]\n';

function audit(r: TestRepo, ...extra: string[]): { code: number; report: Report; stderr: string } {
  const res = runCli(['audit', r.dir, '--format', 'json', '--no-ledger', ...extra], { env: r.env });
  return { code: res.code, report: parseJson<Report>(res), stderr: res.stderr };
}

/** What must not differ between an incremental and a full walk of the same history. */
function verdicts(report: Report): unknown {
  return {
    exitCode: report.exitCode,
    scope: report.scope,
    results: report.results.map((x) => ({
      id: x.meta.id,
      outcome: x.outcome,
      severity: x.severity,
      count: x.findingCount,
      note: x.note,
      findings: x.findings.map((f) => [f.commit ?? '', f.message]),
    })),
  };
}

const work = (r: TestRepo, n: number, label: string): void => {
  for (let i = 0; i < n; i += 1) {
    r.write({ [`${label}-${i}.txt`]: `${label} ${i}\n` });
    r.run(['add', '-A']);
    signedCommit(r, alice, `${label} ${i}`, { committerEmail: 'alice@example.com' });
  }
};

/** A governed history: alice's policy, her signed work, and one unsigned commit (an old failure). */
function governed(): { r: TestRepo; unsigned: string } {
  const r = makeRepo();
  r.write({ '.gitguard/policy.yml': POLICY, '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\n` });
  r.run(['add', '-A']);
  signedCommit(r, alice, 'policy', { committerEmail: 'alice@example.com' });
  work(r, 3, 'early');
  r.write({ 'unsigned.txt': 'no signature\n' });
  r.run(['add', '-A']);
  const unsigned = signedCommit(r, undefined, 'an unsigned commit', { committerEmail: 'alice@example.com' });
  work(r, 3, 'late');
  return { r, unsigned };
}

const checkpoint = (r: TestRepo): string => join(r.dir, '.git', 'gitguard', 'checkpoint.json');

describe('incremental re-audit', () => {
  test('an unchanged re-audit walks no commit and reports what the full walk reported, exit code included', () => {
    const { r, unsigned } = governed();
    const first = audit(r);
    expect(first.report.walk).toMatchObject({ incremental: false, walked: 8, reason: 'no checkpoint yet' });
    const second = audit(r);
    expect(second.report.walk).toMatchObject({ incremental: true, walked: 0, fromCheckpoint: 8 });
    expect(second.code).toBe(first.code);
    expect(verdicts(second.report)).toEqual(verdicts(first.report));
    // The old failure keeps failing.
    expect(resultOf(second.report, 'commits-signed').outcome).toBe('fail');
    expect(resultOf(second.report, 'commits-signed').findings.map((f) => f.commit)).toEqual([unsigned]);
    // The text report says how the history was walked.
    const text = runCli(['audit', r.dir, '--no-ledger'], { env: r.env }).stdout;
    expect(text).toMatch(/walk: incremental, 0 new commit\(s\) walked; 8 judged by the checkpoint of \d{4}-/);
  });

  test('after 3 new commits it walks exactly 3 and agrees with a full walk; the old unsigned commit still fails', () => {
    const { r, unsigned } = governed();
    audit(r);
    work(r, 2, 'new');
    r.write({ 'also-unsigned.txt': 'x\n' });
    r.run(['add', '-A']);
    const newUnsigned = signedCommit(r, undefined, 'a new unsigned commit', { committerEmail: 'alice@example.com' });
    const inc = audit(r);
    expect(inc.report.walk).toMatchObject({ incremental: true, walked: 3, fromCheckpoint: 8 });
    const full = audit(r, '--no-cache');
    expect(full.report.walk).toMatchObject({ incremental: false, walked: 11, reason: '--no-cache' });
    expect(verdicts(inc.report)).toEqual(verdicts(full.report));
    expect(inc.report.scope.commits).toBe(11);
    const signedRule = resultOf(inc.report, 'commits-signed');
    expect(signedRule.findings.map((f) => f.commit)).toEqual([unsigned, newUnsigned]);
    expect(signedRule.note).toBe('2 of 11 commits have no signature');
    // And the next run builds on the checkpoint this one wrote.
    expect(audit(r).report.walk).toMatchObject({ incremental: true, walked: 0, fromCheckpoint: 11 });
  });

  test('a committer date compared across the checkpoint: a new commit backdated before its old parent is still reported', () => {
    const { r } = governed();
    audit(r);
    r.write({ 'back.txt': 'x\n' });
    r.run(['add', '-A']);
    const back = signedCommit(r, alice, 'backdated', {
      committerEmail: 'alice@example.com',
      date: '2020-01-01T00:00:00Z',
    });
    const inc = audit(r);
    expect(inc.report.walk).toMatchObject({ incremental: true, walked: 1 });
    const dates = resultOf(inc.report, 'commit-dates-plausible');
    expect(dates.outcome).toBe('warn');
    expect(dates.findings.map((f) => f.commit)).toEqual([back]);
    expect(verdicts(inc.report)).toEqual(verdicts(audit(r, '--no-cache').report));
  });

  test("a branch started at the recorded tip and merged back is walked alone (3 commits), with the full walk's verdicts", () => {
    const { r } = governed();
    audit(r);
    r.run(['checkout', '-q', '-b', 'side']);
    work(r, 1, 'side');
    r.run(['checkout', '-q', 'main']);
    work(r, 1, 'main');
    r.run(['merge', '-q', '--no-ff', '--no-edit', '--no-gpg-sign', 'side']);
    const inc = audit(r);
    expect(inc.report.walk).toMatchObject({ incremental: true, walked: 3, fromCheckpoint: 8 });
    expect(verdicts(inc.report)).toEqual(verdicts(audit(r, '--no-cache').report));
  });

  test('a policy added after the checkpoint becomes the trust root exactly as a full walk finds it', () => {
    const r = makeRepo();
    work(r, 3, 'before');
    expect(audit(r).report.walk?.incremental).toBe(false);
    r.write({ '.gitguard/policy.yml': POLICY, '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\n` });
    r.run(['add', '-A']);
    const policy = signedCommit(r, alice, 'policy', { committerEmail: 'alice@example.com' });
    work(r, 2, 'after');
    const after = audit(r);
    // A trust root now exists: everything is walked, from the root the remembered chain leads to.
    expect(after.report.walk?.reason).toMatch(/trust root changed/);
    expect(after.report.scope.description).toContain(`from trust root ${policy.slice(0, 12)}`);
    expect(verdicts(after.report)).toEqual(verdicts(audit(r, '--no-cache').report));
    work(r, 1, 'later');
    const inc = audit(r);
    expect(inc.report.walk).toMatchObject({ incremental: true, walked: 1, fromCheckpoint: 3 });
    expect(verdicts(inc.report)).toEqual(verdicts(audit(r, '--no-cache').report));
  });

  const forcesFull: Array<[string, (r: TestRepo) => void, RegExp]> = [
    [
      'a force-push',
      (r) => {
        r.run(['reset', '-q', '--hard', 'HEAD~2']);
        work(r, 1, 'rewritten');
      },
      /no longer in the history/,
    ],
    [
      'a new replace ref',
      (r) => {
        r.run(['replace', r.run(['rev-parse', 'HEAD~1']), r.run(['rev-parse', 'HEAD~2'])]);
      },
      /replace refs/,
    ],
    [
      'a changed policy at the tip',
      (r) => {
        r.write({ '.gitguard/policy.yml': `${POLICY}require_signatures: true\n` });
        r.run(['add', '-A']);
        signedCommit(r, alice, 'policy tweak', { committerEmail: 'alice@example.com' });
      },
      /policy at the tip/,
    ],
    [
      'a new branch off an old commit that is not a recorded tip, merged',
      (r) => {
        r.run(['checkout', '-q', '-b', 'side', 'HEAD~3']);
        work(r, 1, 'side');
        r.run(['checkout', '-q', 'main']);
        r.run(['merge', '-q', '--no-ff', '--no-edit', '--no-gpg-sign', 'side']);
      },
      /branch off [0-9a-f]{12}/,
    ],
  ];
  test.each(forcesFull)("%s walks everything, and the result is the full walk's", (_name, change, reason) => {
    const { r } = governed();
    audit(r);
    change(r);
    const after = audit(r);
    expect(after.report.walk?.incremental).toBe(false);
    expect(after.report.walk?.reason).toMatch(reason);
    expect(after.report.walk?.walked).toBe(after.report.scope.commits);
    expect(verdicts(after.report)).toEqual(verdicts(audit(r, '--no-cache').report));
  });

  test("an old commit's loose object overwritten with other bytes after the checkpoint: everything is walked, and the forgery fails", () => {
    const { r } = governed();
    const victim = r.run(['rev-parse', 'HEAD~2']);
    r.run(['checkout', '-q', '--orphan', 'donor']);
    const donor = signedCommit(r, alice, 'something else', { committerEmail: 'alice@example.com' });
    r.run(['checkout', '-q', '-f', 'main']);
    r.run(['branch', '-q', '-D', 'donor']);
    expect(audit(r).report.walk?.incremental).toBe(false);
    expect(audit(r).report.walk?.incremental).toBe(true);
    const file = (oid: string): string => join(r.dir, '.git', 'objects', oid.slice(0, 2), oid.slice(2));
    chmodSync(file(victim), 0o644);
    copyFileSync(file(donor), file(victim));
    const after = audit(r);
    expect(after.report.walk?.incremental).toBe(false);
    expect(after.report.walk?.reason).toMatch(/loose object that held the judged history was rewritten/);
    expect(resultOf(after.report, 'objects-intact').outcome).toBe('fail');
    expect(resultOf(after.report, 'objects-intact').findings.map((f) => f.commit)).toEqual([victim]);
  });

  test('a changed key file (--allowed-signers) walks everything', () => {
    const r = makeRepo();
    work(r, 3, 'w');
    const signers = join(r.home, 'allowed_signers');
    writeFileSync(signers, `alice@example.com ${alice.pub}\n`);
    expect(audit(r, '--allowed-signers', signers).report.walk?.incremental).toBe(false);
    expect(audit(r, '--allowed-signers', signers).report.walk).toMatchObject({ incremental: true, walked: 0 });
    appendFileSync(signers, `bob@example.com ${alice.pub}\n`);
    const after = audit(r, '--allowed-signers', signers);
    expect(after.report.walk).toMatchObject({ incremental: false, walked: 3 });
    expect(after.report.walk?.reason).toMatch(/options changed/);
  });

  test('a checkpoint altered by anyone without the per-user secret is ignored: everything is walked', () => {
    const { r } = governed();
    audit(r);
    const text = readFileSync(checkpoint(r), 'utf8');
    // Claim more commits judged, and no unsigned one: the seal no longer matches.
    writeFileSync(
      checkpoint(r),
      text.replace('"commits":8,', '"commits":80,').replace('\\"count\\":1', '\\"count\\":0'),
    );
    expect(readFileSync(checkpoint(r), 'utf8')).not.toBe(text);
    const after = audit(r);
    expect(after.report.walk).toMatchObject({ incremental: false, walked: 8 });
    expect(after.report.walk?.reason).toMatch(/does not authenticate/);
    expect(resultOf(after.report, 'commits-signed').findingCount).toBe(1);
    // Another user's secret (another HOME) does not authenticate it either.
    const other = audit(r);
    expect(other.report.walk?.incremental).toBe(true);
    const res = runCli(['audit', r.dir, '--format', 'json', '--no-ledger'], {
      env: { ...r.env, XDG_CACHE_HOME: join(r.home, 'another-cache') },
    });
    expect(parseJson<Report>(res).walk?.reason).toMatch(/does not authenticate/);
  });

  test('a sealed checkpoint copied from another repository of the same user is not used', () => {
    const { r } = governed();
    audit(r);
    const clone = makeRepo();
    clone.run(['fetch', '-q', r.dir, 'main']);
    clone.run(['reset', '-q', '--hard', 'FETCH_HEAD']);
    mkdirSync(join(clone.dir, '.git', 'gitguard'), { recursive: true });
    writeFileSync(checkpoint(clone), readFileSync(checkpoint(r)));
    // The same user (the same secret), the same commits: only the repository differs.
    const res = runCli(['audit', clone.dir, '--format', 'json', '--no-ledger'], { env: r.env });
    expect(parseJson<Report>(res).walk).toMatchObject({
      incremental: false,
      walked: 8,
      reason: 'the checkpoint was written for another repository',
    });
  });

  test('--no-cache neither reads nor writes the checkpoint', () => {
    const { r } = governed();
    audit(r);
    const before = readFileSync(checkpoint(r));
    const mtime = statSync(checkpoint(r)).mtimeMs;
    work(r, 1, 'more');
    const nc = audit(r, '--no-cache');
    expect(nc.report.walk).toMatchObject({ incremental: false, walked: 9, fromCheckpoint: 0, reason: '--no-cache' });
    expect(nc.report.scope.commits).toBe(9);
    expect(readFileSync(checkpoint(r)).equals(before)).toBe(true);
    expect(statSync(checkpoint(r)).mtimeMs).toBe(mtime);
  });

  test('a checkpoint that is a symlink or a FIFO is refused with one line (exit 2), never followed, never read', () => {
    const { r } = governed();
    const target = join(r.home, 'elsewhere.json');
    writeFileSync(target, 'precious\n');
    mkdirSync(join(r.dir, '.git', 'gitguard'), { recursive: true });
    symlinkSync(target, checkpoint(r));
    const linked = runCli(['audit', r.dir, '--no-ledger'], { env: r.env });
    expect(linked.code).toBe(2);
    expect(linked.stderr.trim().split('\n')).toHaveLength(1);
    expect(linked.stderr).toContain('checkpoint.json');
    expect(linked.stderr).toContain('--no-cache');
    expect(linked.stderr).not.toContain('precious');
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
    // --no-cache runs without it.
    expect(runCli(['audit', r.dir, '--no-ledger', '--no-cache'], { env: r.env }).code).toBe(1);

    rmSync(checkpoint(r));
    execFileSync('mkfifo', [checkpoint(r)]);
    const fifo = runCli(['audit', r.dir, '--no-ledger'], { env: r.env, timeoutMs: 30_000 });
    expect(fifo.code).toBe(2);
    expect(fifo.stderr.trim().split('\n')).toHaveLength(1);
    expect(fifo.stderr).toContain('checkpoint.json');
    expect(statSync(checkpoint(r)).isFIFO()).toBe(true);
  });
});
