// prePushCheck (src/engine/prepush.ts) fed git's pre-push lines directly: protected refs may only
// move forward and are never deleted; the commits about to be published go through the signature
// rules, judged on the real objects (replace refs switched off).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prePushCheck } from '../../src/engine/prepush.js';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, signedCommit, writeAllowedSigners, type SshTestKey } from '../helpers/ssh.js';

afterAll(cleanupTemp);

const ZERO = '0'.repeat(40);
let alice: SshTestKey;
let repo: TestRepo;
let signers: string;
let pushed: string;
beforeAll(() => {
  alice = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-prepush-')), 'ed25519', 'alice');
  repo = makeRepo();
  signers = writeAllowedSigners(join(repo.home, 'allowed_signers'), [`alice@example.com ${alice.pub}`]);
  for (let i = 1; i <= 3; i++) signedCommit(repo, alice, `signed ${i}`);
  pushed = repo.head();
  // What the remote has: origin/main at `pushed`.
  repo.run(['update-ref', 'refs/remotes/origin/main', pushed]);
});

const check = (input: string) =>
  prePushCheck({
    path: repo.dir,
    remote: 'origin',
    url: 'https://example.invalid/r.git',
    input,
    env: repo.env,
    trust: { allowedSigners: [signers], cache: false },
  });

describe('prePushCheck', () => {
  test('passes a fast-forward of main made of signed commits, checking only the new ones', async () => {
    signedCommit(repo, alice, 'signed 4');
    const b = signedCommit(repo, alice, 'signed 5');
    const r = await check(`refs/heads/main ${b} refs/heads/main ${pushed}\n`);
    expect(r.lines.join('\n')).toContain('2 new commit(s) checked');
    expect(r.exitCode).toBe(0);
    repo.run(['reset', '-q', '--hard', pushed]);
  });

  test('with --revoked-keys, refuses commits signed by a revoked key that the allowed signers still list', async () => {
    signedCommit(repo, alice, 'signed 6');
    const b = signedCommit(repo, alice, 'signed 7');
    const revoked = join(repo.home, 'revoked_keys');
    writeFileSync(revoked, `${alice.pub}\n`);
    const r = await prePushCheck({
      path: repo.dir,
      remote: 'origin',
      url: 'https://example.invalid/r.git',
      input: `refs/heads/main ${b} refs/heads/main ${pushed}\n`,
      env: repo.env,
      trust: { allowedSigners: [signers], revokedKeys: [revoked], cache: false },
    });
    expect(r.exitCode).toBe(1);
    expect(r.lines.join('\n')).toContain('revoked as compromised');
    expect((await check(`refs/heads/main ${b} refs/heads/main ${pushed}\n`)).exitCode).toBe(0); // the same push without the file
    repo.run(['reset', '-q', '--hard', pushed]);
  });

  test('fails a fast-forward that carries an unsigned commit, naming it', async () => {
    const bad = signedCommit(repo, undefined, 'nobody signed this');
    const r = await check(`refs/heads/main ${bad} refs/heads/main ${pushed}\n`);
    expect(r.exitCode).toBe(1);
    expect(r.lines.join('\n')).toContain(`${bad.slice(0, 12)} `);
    expect(r.lines).toContain(
      '  fix: re-sign the commits before pushing: git commit --amend --no-edit -S (the last one), or git rebase --exec "git commit --amend --no-edit -S" <upstream> (each one)',
    );
    repo.run(['reset', '-q', '--hard', pushed]);
  });

  test('refuses a non-fast-forward update of main with a clear reason', async () => {
    const other = repo.run(['commit-tree', '-m', 'rewritten', `${pushed}~2^{tree}`, '-p', `${pushed}~2`]);
    const r = await check(`refs/heads/main ${other} refs/heads/main ${pushed}\n`);
    expect(r.exitCode).toBe(1);
    expect(r.lines.join('\n')).toContain(
      'refused: non-fast-forward update of protected ref refs/heads/main on origin: 2 commit(s) would vanish',
    );
  });

  test('refuses the deletion of main with a clear reason', async () => {
    const r = await check(`(delete) ${ZERO} refs/heads/main ${pushed}\n`);
    expect(r.exitCode).toBe(1);
    expect(r.lines[0]).toBe('gitguard: refused: deleting protected ref refs/heads/main on origin');
    expect(r.lines[1]).toBe(
      '  next: if this is deliberate, push once with git push --no-verify, then record it: gitguard ledger accept refs/heads/main',
    );
  });

  test('allows deleting and force-pushing an unprotected branch', async () => {
    const other = repo.run(['commit-tree', '-m', 'x', `${pushed}^{tree}`]);
    const del = await check(`(delete) ${ZERO} refs/heads/topic ${pushed}\n`);
    expect(del.exitCode).toBe(0);
    const forced = await check(`refs/heads/topic ${pushed} refs/heads/topic ${other}\n`);
    expect(forced.exitCode).toBe(0);
  });

  test('judges the real commit, not a git replace look-alike', async () => {
    // An unsigned commit replaced by a signed look-alike: git log would show the signed one.
    const unsigned = signedCommit(repo, undefined, 'unsigned original');
    repo.run(['reset', '-q', '--hard', pushed]);
    const lookalike = signedCommit(repo, alice, 'unsigned original');
    repo.run(['reset', '-q', '--hard', pushed]);
    repo.run(['replace', unsigned, lookalike]);
    expect(repo.run(['log', '-1', '--format=%H', unsigned])).toBe(unsigned); // sanity: ids stay
    const r = await check(`refs/heads/main ${unsigned} refs/heads/main ${pushed}\n`);
    expect(r.exitCode).toBe(1);
    expect(r.lines.join('\n')).toContain(unsigned.slice(0, 12));
    repo.run(['replace', '-d', unsigned]);
  });
});

test('takes the protected refs from the policy at HEAD when there is one', async () => {
  const r = makeRepo();
  const tip = r.commit('policy', {
    '.gitguard/policy.yml': 'version: 1\nprotected:\n  refs: [refs/heads/release/*]\n',
  });
  const run = (input: string) =>
    prePushCheck({ path: r.dir, remote: 'origin', url: 'u', input, env: r.env, trust: { cache: false } });
  const release = await run(`(delete) ${ZERO} refs/heads/release/1.0 ${tip}\n`);
  expect(release.exitCode).toBe(1);
  expect(release.lines[0]).toContain('deleting protected ref refs/heads/release/1.0');
  expect((await run(`(delete) ${ZERO} refs/heads/main ${tip}\n`)).exitCode).toBe(0);
});

test("commits-signed sees the goodlist of the policy at HEAD, and the policy's severity overrides apply", async () => {
  const r = makeRepo();
  const policy = 'version: 1\nsigners:\n  - name: alice\n    emails: [alice@example.com]\nmaintainers: [alice]\n';
  r.write({ '.gitguard/policy.yml': policy, '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\n` });
  r.run(['add', '-A']);
  const base = signedCommit(r, alice, 'policy');
  r.run(['update-ref', 'refs/remotes/origin/main', base]);
  const run = (tip: string) =>
    prePushCheck({
      path: r.dir,
      remote: 'origin',
      url: 'u',
      input: `refs/heads/main ${tip} refs/heads/main ${base}\n`,
      env: r.env,
      trust: { cache: false },
    });

  const unsigned = signedCommit(r, undefined, 'unsigned, reviewed later');
  const refused = await run(unsigned);
  expect(refused.exitCode).toBe(1);
  expect(refused.lines).toContain('gitguard: commits-signed: 1 of 1 commits have no signature');

  // A maintainer goodlists it in a signed policy change: the tip's policy now excuses it.
  r.write({ '.gitguard/policy.yml': `${policy}goodlist:\n  - commit: ${unsigned}\n    reason: reviewed\n` });
  r.run(['add', '-A']);
  const goodlisted = signedCommit(r, alice, 'policy: goodlist the unsigned commit');
  const passed = await run(goodlisted);
  expect(passed.lines).toContain('gitguard pre-push: 2 new commit(s) checked, 0 rule(s) failed');
  expect(passed.exitCode).toBe(0);

  // severity: info lowers commits-signed below --fail-on low: an unsigned commit no longer blocks the push.
  r.write({ '.gitguard/policy.yml': `${policy}severity:\n  commits-signed: info\n  signers-authorized: info\n` });
  r.run(['add', '-A']);
  signedCommit(r, alice, 'policy: commits-signed is informational');
  const other = signedCommit(r, undefined, 'unsigned again');
  const info = await run(other);
  expect(info.lines.filter((l) => l.startsWith('gitguard: '))).toEqual([]);
  expect(info.exitCode).toBe(0);
});
