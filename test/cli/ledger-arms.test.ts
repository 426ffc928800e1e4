// The ledger arms whatever the client and configuration rules say: a full audit records the tips as
// soon as the rules that judge them (history and signatures) pass, and says when and why it did not.
// Real repositories, real SSH signatures, the built binary.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain, stderrLines, type JsonReport } from '../helpers/cli.js';
import { sharedSshKey, signedCommit, writeAllowedSigners, type SshTestKey } from '../helpers/ssh.js';

afterAll(cleanupTemp);

interface LedgerField {
  updated: boolean;
  reason?: string;
  cause?: string;
  file?: string;
  refs?: number;
}

function signedRepo(): { repo: TestRepo; key: SshTestKey; signers: string } {
  const repo = makeRepo();
  const key = sharedSshKey('alice'); // the run's: no test here compares keys with another
  const signers = writeAllowedSigners(join(repo.home, 'allowed_signers'), [`alice@example.com ${key.pub}`]);
  signedCommit(repo, key, 'first');
  signedCommit(repo, key, 'second');
  return { repo, key, signers };
}

const audit = async (repo: TestRepo, signers: string, ...extra: string[]) =>
  await runMain(['audit', repo.dir, '--format', 'json', '--no-cache', '--allowed-signers', signers, ...extra], {
    env: repo.env,
  });
const ledgerShow = async (repo: TestRepo) => await runMain(['ledger', 'show', repo.dir], { env: repo.env });

describe('the ledger records the tips once history and signatures pass', () => {
  test('a failing config rule does not stop it: ledger show lists the branch', async () => {
    const { repo, signers } = signedRepo();
    repo.run(['config', 'core.fsmonitor', 'echo never-run']); // no-code-execution-in-local-config fails
    const r = await audit(repo, signers);
    expect(r.code).toBe(1);
    const report = parseJson<JsonReport & { ledger: LedgerField }>(r);
    expect(resultOf(report, 'no-code-execution-in-local-config').outcome).toBe('fail');
    expect(resultOf(report, 'signatures-valid').outcome).toBe('pass');
    expect(resultOf(report, 'commits-signed').outcome).toBe('pass');
    expect(report.ledger).toMatchObject({ updated: true, refs: 1 });
    expect(r.stderr).not.toContain('ledger not updated');
    const show = await ledgerShow(repo);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`refs/heads/main ${repo.head()}`);
    // The text report says so too.
    const text = await runMain(['audit', repo.dir, '--no-cache', '--allowed-signers', signers], { env: repo.env });
    expect(text.stdout).toMatch(/^ledger: 1 protected tip\(s\) recorded in /m);
  });

  test('a commit signed for someone else blocks it: not updated, the rule named in the report and on stderr', async () => {
    const { repo, key, signers } = signedRepo();
    signedCommit(repo, key, 'as mallory', { committerEmail: 'mallory@example.com' });
    const r = await audit(repo, signers);
    expect(r.code).toBe(1);
    const report = parseJson<JsonReport & { ledger: LedgerField }>(r);
    expect(resultOf(report, 'signer-matches-committer').outcome).toBe('fail');
    expect(report.ledger.updated).toBe(false);
    expect(report.ledger.cause).toBe('blocked');
    expect(report.ledger.reason).toContain('signer-matches-committer failed');
    expect(report.ledger.reason).not.toMatch(/client|no-code-execution/);
    const lines = stderrLines(r);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^gitguard: ledger not updated: .*signer-matches-committer failed/);
    expect((await ledgerShow(repo)).stdout).toMatch(/^no ledger yet/);
    const text = await runMain(['audit', repo.dir, '--no-cache', '--allowed-signers', signers], { env: repo.env });
    expect(text.stdout).toMatch(/^ledger not updated: signer-matches-committer failed/m);
    const md = await runMain(['audit', repo.dir, '--no-cache', '--format', 'markdown', '--allowed-signers', signers], {
      env: repo.env,
    });
    expect(md.stdout).toMatch(/^> ledger not updated: signer-matches-committer failed/m);
  });

  test('below --fail-on a judging rule does not block; at or above it does', async () => {
    const repo = makeRepo();
    repo.commit('unsigned'); // commits-signed fails (high)
    const low = await runMain(['audit', repo.dir, '--format', 'json', '--no-cache'], { env: repo.env });
    expect(parseJson<{ ledger: LedgerField }>(low).ledger).toMatchObject({ updated: false, cause: 'blocked' });
    expect(parseJson<{ ledger: LedgerField }>(low).ledger.reason).toContain('commits-signed failed');
    const critical = await runMain(['audit', repo.dir, '--format', 'json', '--no-cache', '--fail-on', 'critical'], {
      env: repo.env,
    });
    expect(parseJson<{ ledger: LedgerField }>(critical).ledger).toMatchObject({ updated: true });
    expect((await ledgerShow(repo)).stdout).toContain('refs/heads/main');
  });

  test('--no-ledger and a selection without the ledger rules say why, and leave stderr to real losses', async () => {
    const { repo, signers } = signedRepo();
    const off = await audit(repo, signers, '--no-ledger');
    expect(parseJson<{ ledger: LedgerField }>(off).ledger).toEqual({
      updated: false,
      reason: '--no-ledger',
      cause: 'no-ledger',
    });
    expect(off.stderr).toBe('');
    const client = await audit(repo, signers, '--threat', 'protections');
    const l = parseJson<{ ledger: LedgerField }>(client).ledger;
    expect(l.updated).toBe(false);
    expect(l.cause).toBe('selection');
    expect(l.reason).toContain('protected-refs-not-rewritten');
    expect(client.stderr).not.toContain('ledger');
    expect((await ledgerShow(repo)).stdout).toMatch(/^no ledger yet/);
    const text = await runMain(['audit', repo.dir, '--no-cache', '--no-ledger', '--allowed-signers', signers], {
      env: repo.env,
    });
    expect(text.stdout).toMatch(/^ledger not updated: --no-ledger$/m);
  });

  test('an empty repository records nothing and writes no ledger file', async () => {
    const repo = makeRepo();
    const r = await runMain(['audit', repo.dir, '--format', 'json', '--no-cache'], { env: repo.env });
    expect(parseJson<JsonReport & { ledger: LedgerField }>(r).ledger).toMatchObject({
      updated: false,
      cause: 'nothing-audited',
    });
    expect(existsSync(join(repo.dir, '.git', 'gitguard', 'ledger.json'))).toBe(false);
    expect(r.stderr).not.toContain('ledger');
  });
});
