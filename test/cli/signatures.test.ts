// gitguard's signature verdicts on real signed histories, compared with git's own, and the trust
// policy's authorization rules end to end through the built binary.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import {
  gitSshVerifyArgs,
  makeSshKey,
  writeAllowedSigners,
  signedCommit,
  sshCommit,
  gitLetter,
  type SshTestKey,
} from '../helpers/ssh.js';
import { makeGpg, type Gpg } from '../helpers/gpg.js';
import { commitSeries } from '../helpers/commit-series.js';
import { runCli, runMain, parseJson, resultOf } from '../helpers/cli.js';
import { poolThreshold } from '../../src/collect/trust-verifier.js';

let keys: Record<'alice' | 'bob' | 'mallory', SshTestKey>;
let keyDir: string;
beforeAll(async () => {
  keyDir = mkdtempSync(join(tmpdir(), 'gg-sig-'));
  keys = {
    alice: makeSshKey(keyDir, 'ed25519', 'alice'),
    bob: makeSshKey(keyDir, 'ed25519', 'bob'),
    mallory: makeSshKey(keyDir, 'ed25519', 'mallory'),
  };
});
afterAll(cleanupTemp);

interface VerifyRow {
  commit: string;
  letter: string;
  status: string;
  detail: string;
  signer: string | null;
}
// spawned: the built binary, whose verification moves to worker threads on long histories.
const verifyJson = async (r: TestRepo, args: string[], spawned = false, env: NodeJS.ProcessEnv = {}) => {
  const argv = ['verify', '-C', r.dir, '--format', 'json', '--no-cache', ...args];
  const res = spawned ? runCli(argv, { env: { ...r.env, ...env } }) : await runMain(argv, { env: r.env });
  return { code: res.code, rows: (JSON.parse(res.stdout) as { commits: VerifyRow[] }).commits, stderr: res.stderr };
};

describe('without a policy, against keys the user supplies', () => {
  let r: TestRepo;
  let signers: string;
  const c: Record<string, string> = {};
  beforeAll(async () => {
    r = makeRepo();
    signers = writeAllowedSigners(join(r.home, 'allowed_signers'), [
      `alice@example.com ${keys.alice.pub}`,
      `mallory@example.com ${keys.mallory.pub}`,
    ]);
    c.good = signedCommit(r, keys.alice, 'alice signs as alice');
    c.unknown = signedCommit(r, keys.bob, 'bob is not in allowed_signers');
    c.impersonation = signedCommit(r, keys.alice, 'alice signs a commit that names mallory', {
      committerEmail: 'mallory@example.com',
    });
    c.unsigned = signedCommit(r, undefined, 'nobody signs');
  });

  test("gitguard's letter equals git's %G? for every commit", async () => {
    const { rows } = await verifyJson(r, ['--allowed-signers', signers]);
    expect(rows).toHaveLength(4);
    for (const row of rows)
      expect(`${row.commit} ${row.letter}`).toBe(`${row.commit} ${gitLetter(r, row.commit, signers)}`);
  });

  test('judges each commit: authorized, unknown signer, impersonation, unsigned', async () => {
    const { rows, code } = await verifyJson(r, ['--allowed-signers', signers]);
    const status = Object.fromEntries(rows.map((x) => [x.commit, x.status]));
    expect(status).toEqual({
      [c.good!]: 'authorized',
      [c.unknown!]: 'unknown-signer',
      [c.impersonation!]: 'impersonation',
      [c.unsigned!]: 'unsigned',
    });
    expect(code).toBe(1);
  });

  test('reports a good signature by alice on a commit whose committer is mallory as impersonation, and the audit fails', async () => {
    const res = await runMain(
      ['audit', r.dir, '--format', 'json', '--allowed-signers', signers, '--no-cache', '--threat', 'impersonation'],
      { env: r.env },
    );
    expect(res.code).toBe(1);
    const report = parseJson(res);
    const imp = resultOf(report, 'signer-matches-committer');
    expect(imp.outcome).toBe('fail');
    expect(imp.findings.map((f) => f.commit)).toEqual([c.impersonation]);
    expect(imp.findings[0]!.message).toContain('committer is mallory@example.com');
    expect(resultOf(report, 'signers-authorized').findings.map((f) => f.commit)).toEqual([c.unknown]);
    expect(resultOf(report, 'commits-signed').findings.map((f) => f.commit)).toEqual([c.unsigned]);
  });

  test('the text lines read like git log --format="%H %G? %GF"', async () => {
    const res = await runMain(['verify', '-C', r.dir, '--allowed-signers', signers, '--no-cache'], { env: r.env });
    const line = res.stdout.split('\n').find((l) => l.startsWith(c.good!));
    expect(line).toBe(`${c.good} G ${keys.alice.fingerprint} authorized:alice@example.com`);
  });

  test('without any keys the signature rules are not applicable rather than failing or passing', async () => {
    const report = parseJson(
      await runMain(['audit', r.dir, '--format', 'json', '--no-cache', '--threat', 'impersonation'], { env: r.env }),
    );
    expect(resultOf(report, 'signers-authorized').outcome).toBe('not-applicable');
    expect(resultOf(report, 'commits-signed').outcome).toBe('fail');
  });

  test('a garbage key file is one clear error naming the file', async () => {
    const bad = join(r.home, 'garbage.asc');
    writeFileSync(bad, '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot a key\n-----END PGP PUBLIC KEY BLOCK-----\n');
    const res = await runMain(['verify', '-C', r.dir, '--keyring', bad], { env: r.env });
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain('garbage.asc');
  });
});

const policyYml = (signers: Array<[string, string]>, maintainers: string[]) =>
  `version: 1\nsigners:\n${signers.map(([name, email]) => `  - name: ${name}\n    emails: [${email}]\n`).join('')}maintainers: [${maintainers.join(', ')}]\n`;

describe('with a trust policy in the repository', () => {
  test('a commit that adds mallory to the policy is not authorized by that same commit', async () => {
    const r = makeRepo();
    const root = (() => {
      r.write({
        '.gitguard/policy.yml': policyYml([['alice', 'alice@example.com']], ['alice@example.com']),
        '.gitguard/allowed_signers': `alice@example.com ${keys.alice.pub}\n`,
      });
      r.run(['add', '-A']);
      return signedCommit(r, keys.alice, 'policy: alice');
    })();
    r.write({ 'a.txt': 'a' });
    r.run(['add', '-A']);
    const byAlice = signedCommit(r, keys.alice, 'work by alice');
    // mallory writes herself into the policy and signs with her own key
    r.write({
      '.gitguard/policy.yml': policyYml(
        [
          ['alice', 'alice@example.com'],
          ['mallory', 'mallory@example.com'],
        ],
        ['alice@example.com', 'mallory@example.com'],
      ),
      '.gitguard/allowed_signers': `alice@example.com ${keys.alice.pub}\nmallory@example.com ${keys.mallory.pub}\n`,
    });
    r.run(['add', '-A']);
    const takeover = signedCommit(r, keys.mallory, 'policy: add mallory', { committerEmail: 'mallory@example.com' });

    const { rows } = await verifyJson(r, []);
    const status = Object.fromEntries(rows.map((x) => [x.commit, x.status]));
    expect(status[root]).toBe('authorized');
    expect(status[byAlice]).toBe('authorized');
    expect(status[takeover]).toBe('unknown-signer');

    const report = parseJson(
      await runMain(['audit', r.dir, '--format', 'json', '--no-cache', '--threat', 'impersonation'], { env: r.env }),
    );
    expect(report.exitCode).toBe(1);
    const change = resultOf(report, 'policy-changes-authorized');
    expect(change.outcome).toBe('fail');
    expect(change.findings.map((f) => f.commit)).toEqual([takeover]);
    expect(resultOf(report, 'signers-authorized').findings.map((f) => f.commit)).toEqual([takeover]);
  });

  test('a maintainer adding a signer passes, and that signer is trusted from the next commit on', async () => {
    const r = makeRepo();
    r.write({
      '.gitguard/policy.yml': policyYml([['alice', 'alice@example.com']], ['alice']),
      '.gitguard/allowed_signers': `alice@example.com ${keys.alice.pub}\n`,
    });
    r.run(['add', '-A']);
    signedCommit(r, keys.alice, 'policy: alice');
    r.write({
      '.gitguard/policy.yml': policyYml(
        [
          ['alice', 'alice@example.com'],
          ['bob', 'bob@example.com'],
        ],
        ['alice'],
      ),
      '.gitguard/allowed_signers': `alice@example.com ${keys.alice.pub}\nbob@example.com ${keys.bob.pub}\n`,
    });
    r.run(['add', '-A']);
    signedCommit(r, keys.alice, 'policy: add bob');
    const byBob = signedCommit(r, keys.bob, 'work by bob', { committerEmail: 'bob@example.com' });
    const res = await runMain(['audit', r.dir, '--format', 'json', '--no-cache', '--threat', 'impersonation'], {
      env: r.env,
    });
    const report = parseJson(res);
    for (const id of [
      'policy-changes-authorized',
      'signers-authorized',
      'signer-matches-committer',
      'signatures-valid',
      'commits-signed',
    ]) {
      expect([id, resultOf(report, id).outcome]).toEqual([id, 'pass']);
    }
    expect(res.code).toBe(0);
    const { rows } = await verifyJson(r, []);
    expect(rows.find((x) => x.commit === byBob)?.detail).toBe('bob');
  });

  test('an exception goodlisted by the current policy covers a commit made before it was recorded', async () => {
    const r = makeRepo();
    r.write({
      '.gitguard/policy.yml': policyYml([['alice', 'alice@example.com']], ['alice']),
      '.gitguard/allowed_signers': `alice@example.com ${keys.alice.pub}\n`,
    });
    r.run(['add', '-A']);
    signedCommit(r, keys.alice, 'policy: alice');
    const imported = signedCommit(r, undefined, 'imported from the old tracker, unsigned');
    const later = signedCommit(r, undefined, 'another unsigned commit, not goodlisted');
    // A maintainer records the audited exception afterwards: the only way it can be recorded.
    r.write({
      '.gitguard/policy.yml': `${policyYml([['alice', 'alice@example.com']], ['alice'])}goodlist:\n  - commit: ${imported}\n    reason: reviewed import (TICKET-1)\n`,
    });
    r.run(['add', '-A']);
    signedCommit(r, keys.alice, 'policy: goodlist the import');
    const { rows } = await verifyJson(r, []);
    const row = (c: string) => rows.find((x) => x.commit === c)!;
    expect(row(imported)).toMatchObject({ status: 'goodlisted' });
    expect(row(imported).detail).toContain('reviewed import (TICKET-1)');
    expect(row(later).status).toBe('unsigned');
    const report = parseJson(
      await runMain(
        ['audit', r.dir, '--format', 'json', '--no-cache', '--rule', 'commits-signed', '--rule', 'signatures-valid'],
        { env: r.env },
      ),
    );
    expect(resultOf(report, 'commits-signed').findings.map((f) => f.commit)).toEqual([later]);
  });

  test('verify marks a policy change not signed by a maintainer, even when its signature is authorized', async () => {
    const r = makeRepo();
    r.write({
      '.gitguard/policy.yml': policyYml(
        [
          ['alice', 'alice@example.com'],
          ['bob', 'bob@example.com'],
        ],
        ['alice'],
      ),
      '.gitguard/allowed_signers': `alice@example.com ${keys.alice.pub}\nbob@example.com ${keys.bob.pub}\n`,
    });
    r.run(['add', '-A']);
    signedCommit(r, keys.alice, 'policy: alice and bob');
    const bad = signedCommit(r, keys.bob, 'bob goodlists his own unsigned commits', {
      committerEmail: 'bob@example.com',
    });
    r.write({
      '.gitguard/policy.yml': `${policyYml(
        [
          ['alice', 'alice@example.com'],
          ['bob', 'bob@example.com'],
        ],
        ['alice'],
      )}goodlist:\n  - commit: ${bad}\n    reason: trust me\n`,
    });
    r.run(['add', '-A']);
    const change = signedCommit(r, keys.bob, 'policy: goodlist', { committerEmail: 'bob@example.com' });
    const { rows, code } = await verifyJson(r, []);
    const row = rows.find((x) => x.commit === change) as VerifyRow & { policyChange: string | null };
    expect(row).toMatchObject({ status: 'authorized', policyChange: 'unauthorized' });
    expect(code).toBe(1);
    const text = (await runMain(['verify', '-C', r.dir, '--no-cache'], { env: r.env })).stdout
      .split('\n')
      .find((l) => l.startsWith(change));
    expect(text).toMatch(/ policy-change:unauthorized$/);
  });

  test('a policy that does not parse is one clear error naming the file and commit', async () => {
    const r = makeRepo();
    r.write({ '.gitguard/policy.yml': 'version: 1\nsigners: [unclosed\n' });
    r.run(['add', '-A']);
    const c = signedCommit(r, keys.alice, 'broken policy');
    const res = await runMain(['audit', r.dir, '--no-cache'], { env: r.env });
    expect(res.code).toBe(2);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('policy.yml');
    expect(lines[0]).toContain(c.slice(0, 12));
  });
});

describe('OpenPGP signatures under a policy', () => {
  let gpg: Gpg;
  beforeAll(async () => {
    gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-')));
  });
  afterAll(() => gpg.kill());

  test("a gpg-signed history is authorized, and gitguard's letters equal git's", async () => {
    const r = makeRepo();
    const fpr = gpg.genKey('Alice Example <alice@example.com>', 'ed25519');
    gpg.trust(fpr);
    mkdirSync(join(r.dir, '.gitguard', 'keys'), { recursive: true });
    r.write({ '.gitguard/policy.yml': policyYml([['alice', 'alice@example.com']], ['alice']) });
    writeFileSync(join(r.dir, '.gitguard', 'keys', 'alice.asc'), gpg.exportPublic(fpr));
    const env = { GNUPGHOME: gpg.home };
    r.run(['add', '-A']);
    r.run(['-c', `user.signingkey=${fpr}`, 'commit', '-q', '-S', '-m', 'policy'], { env });
    r.run(['-c', `user.signingkey=${fpr}`, 'commit', '-q', '--allow-empty', '-S', '-m', 'work'], { env });
    const { rows, code } = await verifyJson(r, []);
    expect(rows.map((x) => x.status)).toEqual(['authorized', 'authorized']);
    expect(code).toBe(0);
    for (const row of rows) expect(row.letter).toBe(r.run(['log', '-1', '--format=%G?', row.commit], { env }));
  });
});

describe('long histories', () => {
  test('verdicts are the same when verification moves to worker threads (over 64 signatures)', async () => {
    // The pool's path past its threshold, taken here past 4 signatures (GITGUARD_POOL_THRESHOLD)
    // rather than the default 64: 12 commits, the two odd ones well past it, do what 90 did.
    expect(poolThreshold({})).toBe(64);
    const threshold = 4;
    const r = makeRepo();
    r.write({
      '.gitguard/policy.yml': policyYml([['alice', 'alice@example.com']], ['alice']),
      '.gitguard/allowed_signers': `alice@example.com ${keys.alice.pub}\n`,
    });
    r.run(['add', '-A']);
    signedCommit(r, keys.alice, 'policy');
    // The 12 commits from one shell (commitSeries): the same commits, a fraction of the forks.
    const series = Array.from({ length: 12 }, (_, i) =>
      i === 7
        ? sshCommit(keys.mallory, 'mallory sneaks in', { committerEmail: 'mallory@example.com' })
        : i === 10
          ? sshCommit(keys.alice, 'alice as bob', { committerEmail: 'bob@example.com' })
          : sshCommit(keys.alice, `work ${i}`),
    );
    const ids = commitSeries(r, series);
    const odd: Record<string, string> = { [ids[7]!]: 'unknown-signer', [ids[10]!]: 'impersonation' };
    const { rows } = await verifyJson(r, [], true, { GITGUARD_POOL_THRESHOLD: String(threshold) });
    expect(rows).toHaveLength(13);
    for (const row of rows) expect([row.commit, row.status]).toEqual([row.commit, odd[row.commit] ?? 'authorized']);
    // git agrees on the letters (sampled: git starts ssh-keygen twice per commit)
    const signers = writeAllowedSigners(join(r.home, 'as'), [`alice@example.com ${keys.alice.pub}`]);
    for (const row of rows.filter((_, i) => i % 3 === 0 || odd[rows[i]!.commit]))
      expect([row.commit, row.letter]).toEqual([row.commit, gitLetter(r, row.commit, signers)]);
  });

  test('a second run answers from the cache with the same verdicts, and a forged cache is ignored', async () => {
    const r = makeRepo();
    const signers = writeAllowedSigners(join(r.home, 'as'), [`alice@example.com ${keys.alice.pub}`]);
    const good = signedCommit(r, keys.alice, 'good');
    const unknown = signedCommit(r, keys.bob, 'bob');
    const first = await runMain(['verify', '-C', r.dir, '--allowed-signers', signers, '--format', 'json'], {
      env: r.env,
    });
    const cacheFile = join(r.dir, '.git', 'gitguard', 'verify-cache.json');
    const second = await runMain(['verify', '-C', r.dir, '--allowed-signers', signers, '--format', 'json'], {
      env: r.env,
    });
    expect(second.stdout).toBe(first.stdout);
    // A hostile repository ships a cache that calls bob's commit good: without our HMAC it is ignored.
    const text = readFileSync(cacheFile, 'utf8');
    const body = text.slice(text.indexOf('\n') + 1).replace(/"letter":"U"/g, '"letter":"G"');
    writeFileSync(cacheFile, `${'0'.repeat(64)}\n${body}`);
    const third = JSON.parse(
      (await runMain(['verify', '-C', r.dir, '--allowed-signers', signers, '--format', 'json'], { env: r.env })).stdout,
    ) as { commits: VerifyRow[] };
    expect(third.commits.map((x) => [x.commit, x.letter])).toEqual([
      [good, 'G'],
      [unknown, 'U'],
    ]);
  });
});

describe('the verdict cache and altered objects', () => {
  // git does not re-hash a loose object it reads, so bytes planted under a commit's name would borrow
  // that commit's cached verdict. gitguard re-hashes every commit and never reuses a verdict for
  // bytes that are not the commit.
  test('a cached good verdict is not reused for other bytes planted under the same commit id', async () => {
    const r = makeRepo();
    const signers = writeAllowedSigners(join(r.home, 'as'), [`alice@example.com ${keys.alice.pub}`]);
    const victim = signedCommit(r, keys.alice, 'alice signs');
    signedCommit(r, keys.alice, 'alice signs again');
    r.run(['checkout', '-q', '--orphan', 'donor']);
    const donor = signedCommit(r, keys.mallory, 'mallory signs something else');
    r.run(['checkout', '-q', 'main']);
    r.run(['branch', '-q', '-D', 'donor']);
    const run = async () =>
      JSON.parse(
        (await runMain(['verify', '-C', r.dir, '--allowed-signers', signers, '--format', 'json'], { env: r.env }))
          .stdout,
      ) as { commits: VerifyRow[] };
    expect((await run()).commits.find((x) => x.commit === victim)).toMatchObject({ letter: 'G', status: 'authorized' }); // warms the cache
    const file = (oid: string) => join(r.dir, '.git', 'objects', oid.slice(0, 2), oid.slice(2));
    chmodSync(file(victim), 0o644);
    copyFileSync(file(donor), file(victim));
    const row = (await run()).commits.find((x) => x.commit === victim);
    expect(row).toMatchObject({ letter: 'B', status: 'bad' });
    expect(row!.detail).toContain('does not hash to it');
  });
});

describe('signed annotated tags', () => {
  test('tags are judged like commits: good, unsigned, unknown signer', async () => {
    const r = makeRepo();
    const signers = writeAllowedSigners(join(r.home, 'allowed_signers'), [`alice@example.com ${keys.alice.pub}`]);
    signedCommit(r, keys.alice, 'release commit');
    const tag = (name: string, key?: SshTestKey) =>
      r.run([
        '-c',
        'gpg.format=ssh',
        ...(key ? ['-c', `user.signingkey=${key.path}`] : []),
        'tag',
        ...(key ? ['-s'] : ['-a']),
        '-m',
        `release ${name}`,
        name,
      ]);
    tag('v1.0', keys.alice);
    tag('v1.1');
    tag('v1.2', keys.bob);
    r.run(['tag', 'light']);
    const report = parseJson(
      await runMain(
        ['audit', r.dir, '--format', 'json', '--no-cache', '--rule', 'tags-signed', '--allowed-signers', signers],
        { env: r.env },
      ),
    );
    const res = resultOf(report, 'tags-signed');
    expect(res.outcome).toBe('fail');
    expect(res.findings.map((f) => f.ref).sort()).toEqual(['refs/tags/v1.1', 'refs/tags/v1.2']);
    expect(res.note).toContain('3 annotated tag(s), 1 lightweight');
    // git agrees: it verifies the good one and refuses the unsigned one and the unknown signer's.
    const gitVerifyTag = (name: string) =>
      spawnSync('git', [...gitSshVerifyArgs(signers), 'tag', '-v', name], { cwd: r.dir, env: r.env, encoding: 'utf8' });
    const v10 = gitVerifyTag('v1.0');
    expect([v10.status, v10.stderr]).toEqual([
      0,
      expect.stringContaining('Good "git" signature for alice@example.com'),
    ]);
    expect(gitVerifyTag('v1.1').status).not.toBe(0);
    expect(gitVerifyTag('v1.2').status).not.toBe(0);
  });
});
