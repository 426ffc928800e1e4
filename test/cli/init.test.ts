// `gitguard init` end to end: a policy proposed from a signed history, under which the audit passes
// and a commit by an unknown key fails.
import { existsSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, writeAllowedSigners, signedCommit, type SshTestKey } from '../helpers/ssh.js';
import { runMain, type CliResult, parseJson, resultOf } from '../helpers/cli.js';
import { makeGpg } from '../helpers/gpg.js';
import { parsePolicy } from '../../src/collect/policy.js';

const SIGNATURE_RULES = ['commits-signed', 'signatures-valid', 'signers-authorized', 'signer-matches-committer'];

let keys: Record<'alice' | 'bob' | 'mallory', SshTestKey>;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gg-init-'));
  keys = {
    alice: makeSshKey(dir, 'ed25519', 'alice'),
    bob: makeSshKey(dir, 'ed25519', 'bob'),
    mallory: makeSshKey(dir, 'ed25519', 'mallory'),
  };
});
afterAll(cleanupTemp);

/** A repository whose history alice and bob signed, and whose user (alice) trusts both keys globally. */
function signedHistory(): TestRepo {
  const r = makeRepo();
  const signers = writeAllowedSigners(join(r.home, 'allowed_signers'), [
    `alice@example.com ${keys.alice.pub}`,
    `bob@example.com ${keys.bob.pub}`,
  ]);
  r.run(['config', '--global', 'user.email', 'alice@example.com']);
  r.run(['config', '--global', 'user.name', 'Alice Example']);
  r.run(['config', '--global', 'gpg.ssh.allowedSignersFile', signers]);
  signedCommit(r, keys.alice, 'first, by alice');
  signedCommit(r, keys.bob, 'second, by bob', { committerEmail: 'bob@example.com' });
  signedCommit(r, keys.alice, 'third, by alice');
  return r;
}

const audit = async (r: TestRepo) =>
  await runMain(['audit', r.dir, '--format', 'json', '--no-cache', '--threat', 'impersonation'], { env: r.env });

describe('gitguard init', () => {
  let r: TestRepo;
  let head: string;
  let out: CliResult;
  beforeAll(async () => {
    r = signedHistory();
    head = r.head();
    out = await runMain(['init', '-C', r.dir], { env: r.env });
  });

  test('writes a policy that gitguard parses, naming alice (maintainer) and bob by their SSH keys, with trust_root unset (the policy commit is the root)', async () => {
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const dir = join(r.dir, '.gitguard');
    const policy = await parsePolicy({
      label: 'test',
      policyYml: readFileSync(join(dir, 'policy.yml'), 'utf8'),
      keys: [],
      allowedSigners: readFileSync(join(dir, 'allowed_signers'), 'utf8'),
    });
    expect(policy!.trustRoot).toBeUndefined();
    const byEmail = Object.fromEntries(policy!.signers.map((s) => [s.emails[0], s]));
    expect(Object.keys(byEmail).sort()).toEqual(['alice@example.com', 'bob@example.com']);
    expect(byEmail['alice@example.com']!.ssh).toEqual([keys.alice.fingerprint]);
    expect(byEmail['bob@example.com']!.ssh).toEqual([keys.bob.fingerprint]);
    expect(policy!.maintainers).toEqual(['alice@example.com']);
    expect(existsSync(join(dir, 'keys'))).toBe(true);
  });

  test('says what it did and what to review', async () => {
    expect(out.stdout).toContain('wrote ');
    expect(out.stdout).toContain(
      'trust root: the commit that adds .gitguard/ (trust_root is left unset); the 3 commit(s) before it are out of scope',
    );
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    expect(out.stdout).toMatch(
      /signer Alice Example <alice@example.com>: ssh SHA256:\S+, 2 signed commit\(s\) \(maintainer\)/,
    );
    expect(out.stdout).toContain('review: ');
  });

  test('passes the signature rules once the policy is committed (signed by alice), and fails a new commit by an unknown key', async () => {
    r.run(['add', '.gitguard']);
    r.run(['-c', 'gpg.format=ssh', 'commit', '-q', `-S${keys.alice.path}`, '-m', 'Add gitguard trust policy']);
    const pass = await audit(r);
    const report = parseJson(pass);
    for (const id of SIGNATURE_RULES)
      expect(`${id} ${resultOf(report, id).outcome}`).toMatch(new RegExp(`^${id} (pass|not-applicable)$`));
    expect(resultOf(report, 'signers-authorized').outcome).toBe('pass');
    expect(pass.code).toBe(0);

    const bad = signedCommit(r, keys.mallory, 'by a key nobody trusts');
    const fail = await audit(r);
    expect(fail.code).toBe(1);
    expect(resultOf(parseJson(fail), 'signers-authorized').findings.map((f) => f.commit)).toEqual([bad]);
  });

  test('refuses to overwrite an existing policy without --force (exit 2, one line), and overwrites it with --force', async () => {
    const again = await runMain(['init', '-C', r.dir], { env: r.env });
    expect(again.code).toBe(2);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toContain('already exists');
    expect((await runMain(['init', '-C', r.dir, '--force'], { env: r.env })).code).toBe(0);
  });
});

describe('gitguard init with OpenPGP signatures', () => {
  test("finds a committer's key through the user's gpg --export, writes it to keys/ and names it by fingerprint", async () => {
    const gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-')));
    try {
      const fpr = gpg.genKey('Carol Example <carol@example.com>', 'ed25519');
      const r = makeRepo();
      r.run(['config', '--global', 'user.email', 'carol@example.com']);
      const env = { ...r.env, GNUPGHOME: gpg.home };
      r.run(['-c', `user.signingkey=${fpr}`, 'commit', '-q', '--allow-empty', '-S', '-m', 'signed by carol'], {
        env: { GNUPGHOME: gpg.home, GIT_COMMITTER_EMAIL: 'carol@example.com' },
      });
      const res = await runMain(['init', '-C', r.dir], { env });
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      const dir = join(r.dir, '.gitguard');
      const keyFile = join(dir, 'keys', `${fpr}.asc`);
      expect(readFileSync(keyFile, 'utf8')).toContain('BEGIN PGP PUBLIC KEY BLOCK');
      const policy = await parsePolicy({
        label: 'test',
        policyYml: readFileSync(join(dir, 'policy.yml'), 'utf8'),
        keys: [{ name: `${fpr}.asc`, data: readFileSync(keyFile) }],
        allowedSigners: readFileSync(join(dir, 'allowed_signers'), 'utf8'),
      });
      expect(policy!.signers.map((s) => [s.emails, s.openpgp])).toEqual([[['carol@example.com'], [fpr]]]);
      expect(policy!.maintainers).toEqual(['carol@example.com']);
    } finally {
      gpg.kill();
    }
  });
});
