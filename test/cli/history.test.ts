// The history ledger end to end with the built binary: a passing audit records the protected tips,
// a rewrite of main (local or fetched from a force-pushed upstream) fails naming the lost commits,
// `gitguard ledger accept` records a deliberate rewrite, tags and deletions are caught.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain, type JsonReport } from '../helpers/cli.js';
import { makeSshKey, signedCommit, writeAllowedSigners } from '../helpers/ssh.js';

afterAll(cleanupTemp);

const LEDGER_RULES = 'protected-refs-not-rewritten,protected-refs-present,tags-not-moved,reflog-no-forced-updates';
const audit = async (
  repo: TestRepo,
  ...extra: string[]
): Promise<{ code: number; report: JsonReport; stderr: string }> => {
  const r = await runMain(['audit', repo.dir, '--format', 'json', '--no-cache', '--rule', LEDGER_RULES, ...extra], {
    env: repo.env,
  });
  return { code: r.code, report: parseJson(r), stderr: r.stderr };
};
const ledgerFile = (repo: TestRepo): string => join(repo.dir, '.git', 'gitguard', 'ledger.json');

describe('gitguard audit with the history ledger', () => {
  test('fails naming the 3 lost commits after a reset --hard HEAD~3 and a new commit on main, and passes again after ledger accept', async () => {
    const repo = makeRepo();
    for (let i = 1; i <= 6; i++) repo.commit(`commit number ${i}`);
    const first = await audit(repo);
    expect(first.code).toBe(0);
    expect(resultOf(first.report, 'protected-refs-not-rewritten').outcome).toBe('not-applicable');
    const recorded = JSON.parse(readFileSync(ledgerFile(repo), 'utf8')) as { refs: Record<string, { oid: string }> };
    expect(recorded.refs['refs/heads/main']!.oid).toBe(repo.head());

    expect((await audit(repo)).code).toBe(0); // nothing moved: still passes

    repo.run(['reset', '--hard', 'HEAD~3']);
    repo.commit('replacement commit');
    const after = await audit(repo);
    expect(after.code).toBe(1);
    const rewritten = resultOf(after.report, 'protected-refs-not-rewritten');
    expect(rewritten.outcome).toBe('fail');
    expect(rewritten.findings).toHaveLength(1);
    const msg = rewritten.findings[0]!.message;
    expect(msg).toContain('refs/heads/main');
    expect(msg).toContain('3 commit(s)');
    for (const s of ['commit number 4', 'commit number 5', 'commit number 6']) expect(msg).toContain(s);
    expect(msg).not.toContain('commit number 3');
    expect(msg).toContain('Alice Example <alice@example.com>');
    expect(rewritten.findings[0]!.evidence?.lost).toBe(3);
    // The reset is in main's reflog: a warning with its message.
    const reflog = resultOf(after.report, 'reflog-no-forced-updates');
    expect(reflog.outcome).toBe('warn');
    expect(reflog.findings.some((f) => f.message.includes('reset: moving to HEAD~3'))).toBe(true);
    // A failing audit leaves the ledger as it was.
    expect((JSON.parse(readFileSync(ledgerFile(repo), 'utf8')) as typeof recorded).refs['refs/heads/main']!.oid).toBe(
      recorded.refs['refs/heads/main']!.oid,
    );

    const accept = await runMain(
      ['ledger', 'accept', 'refs/heads/main', '--reason', 'squashed a secret out', '-C', repo.dir],
      { env: repo.env },
    );
    expect(accept.stderr).toBe('');
    expect(accept.code).toBe(0);
    const again = await audit(repo);
    expect(again.code).toBe(0);
    expect(resultOf(again.report, 'protected-refs-not-rewritten').outcome).toBe('pass');
    const show = await runMain(['ledger', 'show', repo.dir], { env: repo.env });
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('squashed a secret out');
    expect(show.stdout).toContain(repo.head());
  });

  test('fails on the remote-tracking ref after a fetch of an upstream force-push', async () => {
    const upstream = makeRepo();
    for (let i = 1; i <= 4; i++) upstream.commit(`upstream ${i}`);
    const clone = makeRepo();
    clone.run(['remote', 'add', 'origin', upstream.dir]);
    clone.run(['fetch', '-q', 'origin']);
    clone.run(['reset', '-q', '--hard', 'origin/main']);
    expect((await audit(clone)).code).toBe(0);
    expect(Object.keys((JSON.parse(readFileSync(ledgerFile(clone), 'utf8')) as { refs: object }).refs)).toEqual([
      'refs/heads/main',
      'refs/remotes/origin/main',
    ]);

    upstream.run(['reset', '-q', '--hard', 'HEAD~2']);
    upstream.commit('forced over');
    clone.run(['fetch', '-q', 'origin', '+refs/heads/*:refs/remotes/origin/*']);
    const after = await audit(clone);
    expect(after.code).toBe(1);
    const f = resultOf(after.report, 'protected-refs-not-rewritten').findings;
    expect(f).toHaveLength(1);
    expect(f[0]!.ref).toBe('refs/remotes/origin/main');
    expect(f[0]!.message).toContain('remote-tracking branch refs/remotes/origin/main was rewritten: 2 commit(s)');
    expect(f[0]!.message).toContain('upstream 4');
  });

  test('fails when a recorded tag is moved or deleted, and never writes the ledger with --no-ledger', async () => {
    const repo = makeRepo();
    repo.commit('one');
    repo.run(['tag', '-a', '-m', 'release', 'v1']);
    repo.run(['tag', 'v2']);
    expect((await audit(repo, '--no-ledger')).code).toBe(0);
    expect(existsSync(ledgerFile(repo))).toBe(false);
    expect((await audit(repo)).code).toBe(0);
    repo.commit('two');
    repo.run(['tag', '-f', '-a', '-m', 'moved', 'v1']);
    repo.run(['tag', '-d', 'v2']);
    const after = await audit(repo);
    expect(after.code).toBe(1);
    expect(resultOf(after.report, 'tags-not-moved').findings.map((f) => f.ref)).toEqual(['refs/tags/v1']);
    expect(resultOf(after.report, 'protected-refs-present').findings.map((f) => f.ref)).toEqual(['refs/tags/v2']);
  });

  test('reports a damaged ledger as a failure and leaves the file untouched', async () => {
    const repo = makeRepo();
    repo.commit('one');
    expect((await audit(repo)).code).toBe(0);
    writeFileSync(ledgerFile(repo), '{"schemaVersion": 1, "refs": ');
    const after = await audit(repo);
    expect(after.code).toBe(1);
    const r = resultOf(after.report, 'protected-refs-not-rewritten');
    expect(r.outcome).toBe('fail');
    expect(r.findings[0]!.message).toContain('damaged ledger');
    expect(readFileSync(ledgerFile(repo), 'utf8')).toBe('{"schemaVersion": 1, "refs": ');
  });

  test('--base fails when HEAD does not descend from the base and limits the walk to base..HEAD', async () => {
    const repo = makeRepo();
    repo.commit('one');
    const base = repo.commit('two');
    repo.commit('three');
    const ok = await runMain(
      [
        'audit',
        repo.dir,
        '--format',
        'json',
        '--no-ledger',
        '--rule',
        'protected-refs-not-rewritten,objects-intact',
        '--base',
        base,
      ],
      { env: repo.env },
    );
    expect(ok.code).toBe(0);
    expect(parseJson(ok).scope.commits).toBe(1);
    repo.run(['reset', '-q', '--hard', 'HEAD~2']);
    repo.commit('other');
    const bad = await runMain(
      ['audit', repo.dir, '--format', 'json', '--no-ledger', '--rule', 'protected-refs-not-rewritten', '--base', base],
      { env: repo.env },
    );
    expect(bad.code).toBe(1);
    const f = resultOf(parseJson(bad), 'protected-refs-not-rewritten').findings;
    expect(f[0]!.message).toContain(`HEAD does not descend from --base ${base.slice(0, 12)}`);
    expect(f[0]!.message).toContain('"two"');
  });
});

describe('replace refs', () => {
  test('a signed commit replaced by an unsigned look-alike is caught, and signatures are judged on the real object', async () => {
    const repo = makeRepo();
    const key = makeSshKey(repo.home, 'ed25519', 'alice');
    const signers = writeAllowedSigners(join(repo.home, 'allowed_signers'), [`alice@example.com ${key.pub}`]);
    const signed = signedCommit(repo, key, 'release 1.0');
    const lookalike = repo.run(['commit-tree', '-m', 'release 1.0', `${signed}^{tree}`]);
    repo.run(['replace', signed, lookalike]);
    expect(repo.run(['cat-file', '-p', signed])).not.toContain('gpgsig'); // git itself shows the look-alike
    const r = await runMain(
      [
        'audit',
        repo.dir,
        '--format',
        'json',
        '--no-ledger',
        '--no-cache',
        '--allowed-signers',
        signers,
        '--rule',
        'replace-refs-absent,commits-signed,signatures-valid',
      ],
      { env: repo.env },
    );
    const report = parseJson(r);
    const replace = resultOf(report, 'replace-refs-absent');
    expect(replace.outcome).toBe('fail');
    expect(replace.findings[0]!.message).toContain(signed);
    expect(replace.findings[0]!.message).toContain(lookalike);
    expect(replace.findings[0]!.message).toContain(`commit ${signed} ("release 1.0") is replaced`);
    expect(resultOf(report, 'commits-signed').outcome).toBe('pass');
    expect(resultOf(report, 'signatures-valid').outcome).toBe('pass');
  });
});
