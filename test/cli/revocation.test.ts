// Key lifecycle on real repositories: a key revoked as compromised at the tip (a hard revocation
// certificate in keys/, or a revoked_keys entry in policy.yml) voids every signature it made, even on
// commits judged by older policies that did not know; a --revoked-keys file does the same without a
// policy, and is compared with git's own gpg.ssh.revocationFile.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, tempDir, type TestRepo } from '../helpers/repo.js';
import { gitSshVerifyArgs, makeSshKey, writeAllowedSigners, signedCommit, type SshTestKey } from '../helpers/ssh.js';
import { makeGpg, REVOKE, type Gpg } from '../helpers/gpg.js';
import { runMain, parseJson, resultOf } from '../helpers/cli.js';

const DAY = 86400;
const NOW = Math.floor(Date.now() / 1000);

interface VerifyRow {
  commit: string;
  letter: string;
  status: string;
  detail: string;
}
async function verify(
  r: TestRepo,
  args: string[] = [],
  cache = false,
): Promise<{ code: number; rows: VerifyRow[]; stdout: string }> {
  const res = await runMain(['verify', '-C', r.dir, '--format', 'json', ...(cache ? [] : ['--no-cache']), ...args], {
    env: r.env,
  });
  if (res.code === 2) throw new Error(res.stderr);
  return { code: res.code, rows: (JSON.parse(res.stdout) as { commits: VerifyRow[] }).commits, stdout: res.stdout };
}
const statusOf = (rows: VerifyRow[]): Record<string, string> =>
  Object.fromEntries(rows.map((x) => [x.commit, x.status]));
async function signingKeysValid(
  r: TestRepo,
  args: string[] = [],
): Promise<{ outcome: string; commits: string[]; messages: string[] }> {
  const res = resultOf(
    parseJson(
      await runMain(['audit', r.dir, '--format', 'json', '--no-cache', '--rule', 'signing-keys-valid', ...args], {
        env: r.env,
      }),
    ),
    'signing-keys-valid',
  );
  return {
    outcome: res.outcome,
    commits: res.findings.map((f) => f.commit!).sort(),
    messages: res.findings.map((f) => f.message),
  };
}

afterAll(cleanupTemp);

describe('an OpenPGP key revoked after it signed, in keys/ at the tip', () => {
  let gpg: Gpg;
  const k: Record<'hard' | 'soft' | 'bob', string> = { hard: '', soft: '', bob: '' };
  beforeAll(async () => {
    gpg = makeGpg(join(tempDir('gg-rv-'), 'g'));
    k.hard = gpg.genKey('Alice <alice@example.com>', 'ed25519', { at: NOW - 30 * DAY });
    k.soft = gpg.genKey('Alice Again <alice@example.com>', 'ed25519', { at: NOW - 30 * DAY });
    k.bob = gpg.genKey('Bob <bob@example.com>', 'ed25519', { at: NOW - 30 * DAY });
    gpg.trust(k.hard, k.soft, k.bob);
  }, 60_000);
  afterAll(() => gpg.kill());

  /** A history signed by `alice` (three commits, the first adding the policy) and bob, then bob adds alice's revocation. */
  function history(alice: string, reason: number, text: string): { r: TestRepo; byAlice: string[]; byBob: string[] } {
    const r = makeRepo();
    r.run(['config', 'gpg.program', gpg.wrapper]);
    const env = { GNUPGHOME: gpg.home, GG_GPG_ARGS: `--faked-system-time ${NOW - 20 * DAY}!` };
    const commit = (key: string, msg: string, who: 'alice' | 'bob'): string => {
      r.run(['add', '-A']);
      const as = who === 'bob' ? { GIT_COMMITTER_NAME: 'Bob', GIT_COMMITTER_EMAIL: 'bob@example.com' } : {};
      r.run(['-c', `user.signingkey=${key}`, 'commit', '-q', '--allow-empty', '-S', '-m', msg], {
        env: { ...env, ...as },
      });
      return r.head();
    };
    mkdirSync(join(r.dir, '.gitguard', 'keys'), { recursive: true });
    r.write({
      '.gitguard/policy.yml': `version: 1\nsigners:\n  - {name: alice, emails: [alice@example.com], openpgp: [${alice}]}\n  - {name: bob, emails: [bob@example.com], openpgp: [${k.bob}]}\nmaintainers: [alice, bob]\n`,
    });
    writeFileSync(join(r.dir, '.gitguard', 'keys', 'alice.asc'), gpg.exportPublic(alice));
    writeFileSync(join(r.dir, '.gitguard', 'keys', 'bob.asc'), gpg.exportPublic(k.bob));
    const byAlice = [
      commit(alice, 'policy: alice and bob', 'alice'),
      commit(alice, 'work by alice', 'alice'),
      commit(alice, 'more work by alice', 'alice'),
    ];
    const byBob = [commit(k.bob, 'work by bob', 'bob')];
    gpg.revoke(alice, reason, text);
    writeFileSync(join(r.dir, '.gitguard', 'keys', 'alice.asc'), gpg.exportPublic(alice));
    byBob.push(commit(k.bob, "policy: alice's revocation", 'bob'));
    return { r, byAlice, byBob };
  }

  test('a hard revocation (compromised) voids every earlier commit by that key, and git says R for them too', async () => {
    const { r, byAlice, byBob } = history(k.hard, REVOKE.compromised, 'key leaked');
    const { rows, code } = await verify(r);
    expect(code).toBe(1);
    expect(statusOf(rows)).toEqual({
      ...Object.fromEntries(byAlice.map((c) => [c, 'key-invalid'])),
      ...Object.fromEntries(byBob.map((c) => [c, 'authorized'])),
    });
    const detail = rows.find((x) => x.commit === byAlice[1])!.detail;
    expect(detail).toBe(
      `key ${k.hard} was revoked as compromised in the current policy: hard revocation certificate in keys/ (key compromised): "key leaked"`,
    );
    // git, with the revocation in gpg's keyring, gives every commit of the key the letter R; so do we.
    const git = r
      .run(['log', '--format=%H %G?'], { env: { GNUPGHOME: gpg.home } })
      .split('\n')
      .reverse();
    expect(rows.map((x) => `${x.commit} ${x.letter}`)).toEqual(git);
    const rule = await signingKeysValid(r);
    expect(rule.outcome).toBe('fail');
    expect(rule.commits).toEqual([...byAlice].sort());
    expect(rule.messages[0]).toContain('was revoked as compromised in the current policy');
  }, 60_000);

  test('a soft revocation (superseded) added later leaves the earlier commits valid', async () => {
    const { r, byAlice, byBob } = history(k.soft, REVOKE.superseded, 'replaced by a new key');
    const { rows, code } = await verify(r);
    expect(statusOf(rows)).toEqual(Object.fromEntries([...byAlice, ...byBob].map((c) => [c, 'authorized'])));
    expect(code).toBe(0);
    expect((await signingKeysValid(r)).outcome).toBe('pass');
  }, 60_000);
});

describe('SSH keys revoked in the policy (revoked_keys)', () => {
  let keys: Record<'alice' | 'bob', SshTestKey>;
  beforeAll(async () => {
    const dir = tempDir('gg-rvs-');
    keys = { alice: makeSshKey(dir, 'ed25519', 'alice'), bob: makeSshKey(dir, 'ed25519', 'bob') };
  });
  const policy = (revoked = ''): string =>
    `version: 1\nsigners:\n  - {name: alice, emails: [alice@example.com]}\n  - {name: bob, emails: [bob@example.com]}\nmaintainers: [bob]\n${revoked}`;

  /** alice adds the policy and signs two commits (June and August 2024), bob one; then bob adds `revoked`. */
  function history(revoked: string): { r: TestRepo; c: Record<'root' | 'june' | 'august' | 'bob' | 'tip', string> } {
    const r = makeRepo();
    r.write({
      '.gitguard/policy.yml': policy(),
      '.gitguard/allowed_signers': `alice@example.com ${keys.alice.pub}\nbob@example.com ${keys.bob.pub}\n`,
    });
    r.run(['add', '-A']);
    const root = signedCommit(r, keys.alice, 'policy', { date: '2024-05-01T00:00:00Z' });
    const june = signedCommit(r, keys.alice, 'work in june', { date: '2024-06-15T00:00:00Z' });
    const august = signedCommit(r, keys.alice, 'work in august', { date: '2024-08-15T00:00:00Z' });
    const bob = signedCommit(r, keys.bob, 'work by bob', {
      date: '2024-09-01T00:00:00Z',
      committerEmail: 'bob@example.com',
    });
    r.write({ '.gitguard/policy.yml': policy(revoked) });
    r.run(['add', '-A']);
    const tip = signedCommit(r, keys.bob, 'policy: revoke a key', {
      date: '2024-09-02T00:00:00Z',
      committerEmail: 'bob@example.com',
    });
    return { r, c: { root, june, august, bob, tip } };
  }

  test("a revoked_keys entry for alice's key fails all her commits and none of bob's", async () => {
    const { r, c } = history(`revoked_keys:\n  - key: "${keys.alice.fingerprint}"\n    reason: laptop stolen\n`);
    const { rows } = await verify(r);
    expect(statusOf(rows)).toEqual({
      [c.root]: 'key-invalid',
      [c.june]: 'key-invalid',
      [c.august]: 'key-invalid',
      [c.bob]: 'authorized',
      [c.tip]: 'authorized',
    });
    expect(rows.find((x) => x.commit === c.june)!.detail).toBe(
      `key ${keys.alice.fingerprint} was revoked as compromised in the current policy: laptop stolen`,
    );
    const rule = await signingKeysValid(r);
    expect(rule.outcome).toBe('fail');
    expect(rule.commits).toEqual([c.root, c.june, c.august].sort());
  });

  test('with since, only the commits dated at or after it fail (SSH signatures carry no time: the committer date counts)', async () => {
    const { r, c } = history(
      `revoked_keys:\n  - { key: "${keys.alice.fingerprint}", reason: laptop stolen, since: 2024-07-01 }\n`,
    );
    const { rows } = await verify(r);
    expect(statusOf(rows)).toEqual({
      [c.root]: 'authorized',
      [c.june]: 'authorized',
      [c.august]: 'key-invalid',
      [c.bob]: 'authorized',
      [c.tip]: 'authorized',
    });
    expect(rows.find((x) => x.commit === c.august)!.detail).toContain(
      'for signatures from 2024-07-01T00:00:00Z on: laptop stolen',
    );
    expect((await signingKeysValid(r)).commits).toEqual([c.august]);
  });

  test('the revocation is applied on top of cached verdicts: a warm run gives the same answer', async () => {
    const { r, c } = history(`revoked_keys:\n  - { key: "${keys.alice.fingerprint}", reason: laptop stolen }\n`);
    const cold = await verify(r, [], true);
    const warm = await verify(r, [], true);
    expect(warm.stdout).toBe(cold.stdout);
    expect(statusOf(warm.rows)[c.june]).toBe('key-invalid');
    const cache = readFileSync(join(r.dir, '.git', 'gitguard', 'verify-cache.json'), 'utf8');
    expect(cache).not.toContain('"letter":"R"'); // the cached verdicts are the plain ones
  });

  test('a malformed revoked_keys entry stops the audit with one line naming .gitguard/policy.yml and the field', async () => {
    const { r, c } = history('revoked_keys:\n  - { key: "SHA256:tooshort", reason: leaked }\n');
    const res = await runMain(['audit', r.dir, '--no-cache'], { env: r.env });
    expect(res.code).toBe(2);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      `.gitguard/policy.yml at ${c.tip.slice(0, 12)}: revoked_keys[0].key: "SHA256:tooshort" is not an SSH key fingerprint`,
    );
  });
});

describe('--revoked-keys without a policy, against git with gpg.ssh.revocationFile', () => {
  let r: TestRepo;
  let signers: string;
  let revoked: string;
  let keys: Record<'alice' | 'bob' | 'carol', SshTestKey>;
  const c: Record<string, string> = {};
  beforeAll(async () => {
    r = makeRepo();
    keys = {
      alice: makeSshKey(r.home, 'ed25519', 'alice'),
      bob: makeSshKey(r.home, 'ecdsa-256', 'bob'),
      carol: makeSshKey(r.home, 'ed25519', 'carol'),
    };
    signers = writeAllowedSigners(join(r.home, 'allowed_signers'), [
      `alice@example.com ${keys.alice.pub}`,
      `bob@example.com ${keys.bob.pub}`,
    ]);
    // alice's key is revoked and allowed; carol's is revoked and not allowed.
    revoked = join(r.home, 'revoked_keys');
    writeFileSync(revoked, `# revoked\n${keys.alice.pub}\n\n${keys.carol.pub}\n`);
    c.alice = signedCommit(r, keys.alice, 'alice');
    c.bob = signedCommit(r, keys.bob, 'bob', { committerEmail: 'bob@example.com' });
    c.carol = signedCommit(r, keys.carol, 'carol', { committerEmail: 'carol@example.com' });
    c.alice2 = signedCommit(r, keys.alice, 'alice again');
    c.unsigned = signedCommit(r, undefined, 'nobody');
  });

  test("gitguard's letters equal git's, except R for a revoked key where git says B (allowed) or U (not allowed)", async () => {
    const git = Object.fromEntries(
      r
        .run([...gitSshVerifyArgs(signers, revoked), 'log', '--format=%H %G?'])
        .split('\n')
        .map((l) => l.split(' ')),
    );
    expect(git).toEqual({ [c.alice!]: 'B', [c.bob!]: 'G', [c.carol!]: 'U', [c.alice2!]: 'B', [c.unsigned!]: 'N' });
    const { rows, code } = await verify(r, ['--allowed-signers', signers, '--revoked-keys', revoked]);
    const deliberate: Record<string, string> = { B: 'R', U: 'R' };
    for (const row of rows) {
      const theirs = git[row.commit]!;
      expect([row.commit, row.letter]).toEqual([
        row.commit,
        [c.alice, c.carol, c.alice2].includes(row.commit) ? deliberate[theirs] : theirs,
      ]);
    }
    expect(statusOf(rows)).toEqual({
      [c.alice!]: 'key-invalid',
      [c.bob!]: 'authorized',
      [c.carol!]: 'key-invalid',
      [c.alice2!]: 'key-invalid',
      [c.unsigned!]: 'unsigned',
    });
    expect(rows.find((x) => x.commit === c.alice)!.detail).toBe(
      `key ${keys.alice.fingerprint} was revoked as compromised in --revoked-keys ${revoked} (line 2)`,
    );
    expect(code).toBe(1);
  });

  test('without the revocation file the same commits are authorized', async () => {
    const { rows } = await verify(r, ['--allowed-signers', signers]);
    expect(statusOf(rows)[c.alice!]).toBe('authorized');
  });

  test("audit --revoked-keys fails signing-keys-valid on the revoked key's commits", async () => {
    const rule = await signingKeysValid(r, ['--allowed-signers', signers, '--revoked-keys', revoked]);
    expect(rule.outcome).toBe('fail');
    expect(rule.commits).toEqual([c.alice!, c.carol!, c.alice2!].sort());
  });

  test('fingerprints are accepted too, and a line that is no key is one clear error naming the file and line', async () => {
    const byFingerprint = join(r.home, 'revoked_fprs');
    writeFileSync(byFingerprint, `${keys.bob.fingerprint}\n`);
    expect(
      statusOf((await verify(r, ['--allowed-signers', signers, '--revoked-keys', byFingerprint])).rows)[c.bob!],
    ).toBe('key-invalid');
    const bad = join(r.home, 'revoked_bad');
    writeFileSync(bad, `${keys.alice.pub}\nalice@example.com ${keys.bob.pub}\n`);
    const res = await runMain(
      ['verify', '-C', r.dir, '--allowed-signers', signers, '--revoked-keys', bad, '--no-cache'],
      { env: r.env },
    );
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain(`${bad}: line 2: not an SSH public key`);
  });
});
