// Incremental re-audit (issue 14) end to end, in-process through main(argv, io), with real
// repositories: a second audit walks only what is new and reports exactly what a full walk reports.
// What makes it walk everything, and hostile checkpoints: incremental-invalidation.test.ts.
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { signedCommit } from '../helpers/ssh.js';
import { resultOf, runMain } from '../helpers/cli.js';
import { alice, audit, governed, POLICY, verdicts, work } from '../helpers/incremental.js';

afterAll(cleanupTemp);

describe('incremental re-audit', () => {
  test('an unchanged re-audit walks no commit and reports what the full walk reported, exit code included', async () => {
    const { r, unsigned } = governed();
    const first = await audit(r);
    expect(first.report.walk).toMatchObject({ incremental: false, walked: 8, reason: 'no checkpoint yet' });
    const second = await audit(r);
    expect(second.report.walk).toMatchObject({ incremental: true, walked: 0, fromCheckpoint: 8 });
    expect(second.code).toBe(first.code);
    expect(verdicts(second.report)).toEqual(verdicts(first.report));
    // The old failure keeps failing.
    expect(resultOf(second.report, 'commits-signed').outcome).toBe('fail');
    expect(resultOf(second.report, 'commits-signed').findings.map((f) => f.commit)).toEqual([unsigned]);
    // The text report says how the history was walked.
    const text = (await runMain(['audit', r.dir, '--no-ledger'], { env: r.env })).stdout;
    expect(text).toMatch(/walk: incremental, 0 new commit\(s\) walked; 8 judged by the checkpoint of \d{4}-/);
  });

  test('after 3 new commits it walks exactly 3 and agrees with a full walk; the old unsigned commit still fails', async () => {
    const { r, unsigned } = governed();
    await audit(r);
    work(r, 2, 'new');
    r.write({ 'also-unsigned.txt': 'x\n' });
    r.run(['add', '-A']);
    const newUnsigned = signedCommit(r, undefined, 'a new unsigned commit', { committerEmail: 'alice@example.com' });
    const inc = await audit(r);
    expect(inc.report.walk).toMatchObject({ incremental: true, walked: 3, fromCheckpoint: 8 });
    const full = await audit(r, '--no-cache');
    expect(full.report.walk).toMatchObject({ incremental: false, walked: 11, reason: '--no-cache' });
    expect(verdicts(inc.report)).toEqual(verdicts(full.report));
    expect(inc.report.scope.commits).toBe(11);
    const signedRule = resultOf(inc.report, 'commits-signed');
    expect(signedRule.findings.map((f) => f.commit)).toEqual([unsigned, newUnsigned]);
    expect(signedRule.note).toBe('2 of 11 commits have no signature');
    // And the next run builds on the checkpoint this one wrote.
    expect((await audit(r)).report.walk).toMatchObject({ incremental: true, walked: 0, fromCheckpoint: 11 });
  });

  test('a committer date compared across the checkpoint: a new commit backdated before its old parent is still reported', async () => {
    const { r } = governed();
    await audit(r);
    r.write({ 'back.txt': 'x\n' });
    r.run(['add', '-A']);
    const back = signedCommit(r, alice(), 'backdated', {
      committerEmail: 'alice@example.com',
      date: '2020-01-01T00:00:00Z',
    });
    const inc = await audit(r);
    expect(inc.report.walk).toMatchObject({ incremental: true, walked: 1 });
    const dates = resultOf(inc.report, 'commit-dates-plausible');
    expect(dates.outcome).toBe('warn');
    expect(dates.findings.map((f) => f.commit)).toEqual([back]);
    expect(verdicts(inc.report)).toEqual(verdicts((await audit(r, '--no-cache')).report));
  });

  test("a branch started at the recorded tip and merged back is walked alone (3 commits), with the full walk's verdicts", async () => {
    const { r } = governed();
    await audit(r);
    r.run(['checkout', '-q', '-b', 'side']);
    work(r, 1, 'side');
    r.run(['checkout', '-q', 'main']);
    work(r, 1, 'main');
    r.run(['merge', '-q', '--no-ff', '--no-edit', '--no-gpg-sign', 'side']);
    const inc = await audit(r);
    expect(inc.report.walk).toMatchObject({ incremental: true, walked: 3, fromCheckpoint: 8 });
    expect(verdicts(inc.report)).toEqual(verdicts((await audit(r, '--no-cache')).report));
  });

  test('a policy added after the checkpoint becomes the trust root exactly as a full walk finds it', async () => {
    const r = makeRepo();
    work(r, 3, 'before');
    expect((await audit(r)).report.walk?.incremental).toBe(false);
    r.write({ '.gitguard/policy.yml': POLICY, '.gitguard/allowed_signers': `alice@example.com ${alice().pub}\n` });
    r.run(['add', '-A']);
    const policy = signedCommit(r, alice(), 'policy', { committerEmail: 'alice@example.com' });
    work(r, 2, 'after');
    const after = await audit(r);
    // A trust root now exists: everything is walked, from the root the remembered chain leads to.
    expect(after.report.walk?.reason).toMatch(/trust root changed/);
    expect(after.report.scope.description).toContain(`from trust root ${policy.slice(0, 12)}`);
    expect(verdicts(after.report)).toEqual(verdicts((await audit(r, '--no-cache')).report));
    work(r, 1, 'later');
    const inc = await audit(r);
    expect(inc.report.walk).toMatchObject({ incremental: true, walked: 1, fromCheckpoint: 3 });
    expect(verdicts(inc.report)).toEqual(verdicts((await audit(r, '--no-cache')).report));
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
        signedCommit(r, alice(), 'policy tweak', { committerEmail: 'alice@example.com' });
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
  test.each(forcesFull)("%s walks everything, and the result is the full walk's", async (_name, change, reason) => {
    const { r } = governed();
    await audit(r);
    change(r);
    const after = await audit(r);
    expect(after.report.walk?.incremental).toBe(false);
    expect(after.report.walk?.reason).toMatch(reason);
    expect(after.report.walk?.walked).toBe(after.report.scope.commits);
    expect(verdicts(after.report)).toEqual(verdicts((await audit(r, '--no-cache')).report));
  });
});
