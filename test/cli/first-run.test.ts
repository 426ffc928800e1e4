// A new user's first run, end to end: SSH signing set up in the repository's own config (the most
// common setup), a few signed commits, `gitguard init`, the policy committed signed, and then every
// command passes on the history the policy vouches for.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, signedCommit, type SshTestKey } from '../helpers/ssh.js';
import { parseJson, runMain, type CliResult } from '../helpers/cli.js';

afterAll(cleanupTemp);

describe('first run: SSH signing from the repository config, init, a signed policy commit', () => {
  let r: TestRepo;
  let key: SshTestKey;
  let init: CliResult;
  let policyCommit: string;
  const early: string[] = [];
  beforeAll(async () => {
    key = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-first-')), 'ed25519', 'alice');
    r = makeRepo();
    // A stock machine: a global config with nothing about identity, keys or signing...
    writeFileSync(join(r.home, '.gitconfig'), '[init]\n\tdefaultBranch = main\n[gc]\n\tauto = 0\n');
    // ...and signing set up in the repository's own config only.
    r.run(['config', 'user.email', 'alice@example.com']);
    r.run(['config', 'user.name', 'Alice Example']);
    r.run(['config', 'gpg.format', 'ssh']);
    r.run(['config', 'user.signingkey', `${key.path}.pub`]);
    r.run(['config', 'commit.gpgsign', 'true']);
    for (const m of ['one', 'two', 'three']) early.push(r.commit(m));
    init = await runMain(['init', '-C', r.dir], { env: r.env });
    r.run(['add', '.gitguard']);
    policyCommit = r.commit('Add gitguard trust policy', {}, ['-S']);
  });

  test('init proposes the user, with the SSH key from user.signingkey, as maintainer, and leaves trust_root unset', async () => {
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(
      `signer Alice Example <alice@example.com>: ssh ${key.fingerprint}, 3 signed commit(s) (maintainer)`,
    );
    expect(init.stdout).toContain('trust root: the commit that adds .gitguard/');
    const policy = r.run(['show', `${policyCommit}:.gitguard/policy.yml`]);
    expect(policy).not.toMatch(/^trust_root:/m);
    expect(r.run(['show', `${policyCommit}:.gitguard/allowed_signers`])).toContain(key.pub.split(' ')[1]!);
  });

  test('git signed every commit (with the key from the repository config)', async () => {
    for (const c of [...early, policyCommit])
      expect(r.run(['cat-file', 'commit', c])).toContain('-----BEGIN SSH SIGNATURE-----');
  });

  test('gitguard verify exits 0: the policy commit is the trust root, judged by its own policy', async () => {
    const res = await runMain(['verify', '-C', r.dir, '--no-cache'], { env: r.env });
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe(`${policyCommit} G ${key.fingerprint} authorized:Alice_Example_(maintainer)\n`);
    expect(res.code).toBe(0);
  });

  test('gitguard audit -t impersonation,history exits 0, and then the ledger lists the branch', async () => {
    const res = await runMain(['audit', r.dir, '--format', 'json', '--no-cache', '--threat', 'impersonation,history'], {
      env: r.env,
    });
    const report = parseJson(res);
    expect(report.results.filter((x) => x.outcome === 'fail' || x.outcome === 'error').map((x) => x.meta.id)).toEqual(
      [],
    );
    expect(res.code).toBe(0);
    const shown = await runMain(['ledger', 'show', r.dir], { env: r.env });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`refs/heads/main ${policyCommit}`);
    expect(shown.stdout).toContain(`trust root: ${policyCommit}`);
  });

  test('gitguard audit --fail-on high: no rule outside the client threat fails (the client rules judge this machine)', async () => {
    const res = await runMain(['audit', r.dir, '--format', 'json', '--no-cache', '--fail-on', 'high', '--no-ledger'], {
      env: r.env,
    });
    const report = parseJson(res);
    // --fail-on high: what would gate is a failure at high or critical (security-policy-present is low).
    const failed = report.results.filter(
      (x) =>
        x.meta.threat !== 'client' &&
        ((x.outcome === 'fail' && ['high', 'critical'].includes(x.severity)) || x.outcome === 'error'),
    );
    expect(failed.map((x) => `${x.meta.id}: ${x.note ?? ''}`)).toEqual([]);
    // So the exit code is the client rules' verdict on this machine's programs, and nothing else.
    const clientGates = report.results.some(
      (x) => x.meta.threat === 'client' && x.outcome === 'fail' && ['high', 'critical'].includes(x.severity),
    );
    expect(res.code).toBe(clientGates ? 1 : 0);
  });

  test('a commit signed by the same user after the policy keeps passing; an unsigned one fails verify', async () => {
    const next = r.commit('four');
    expect((await runMain(['verify', '-C', r.dir, '--no-cache'], { env: r.env })).code).toBe(0);
    r.commit('five, unsigned', {}, ['--no-gpg-sign']);
    const res = await runMain(['verify', '-C', r.dir, '--no-cache'], { env: r.env });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain(`${next} G`);
  });
});

describe('init reads the signing key the way git would, and runs nothing', () => {
  let key: SshTestKey;
  beforeAll(async () => {
    key = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-first-key-')), 'ed25519', 'alice');
  });

  /** A repository with two commits signed by `key`, alice's identity only in the repository config. */
  function repoWith(config: Array<[string, string]>): TestRepo {
    const r = makeRepo();
    writeFileSync(join(r.home, '.gitconfig'), '[init]\n\tdefaultBranch = main\n');
    for (const [k, v] of [
      ['user.email', 'alice@example.com'],
      ['user.name', 'Alice Example'],
      ['gpg.format', 'ssh'],
      ...config,
    ])
      r.run(['config', k!, v!]);
    signedCommit(r, key, 'one');
    signedCommit(r, key, 'two');
    return r;
  }

  test.each<[string, (k: SshTestKey) => string]>([
    ['a literal key', (k) => k.pub],
    ['a key:: literal', (k) => `key::${k.pub}`],
    ['the private key path (the .pub beside it is read)', (k) => k.path],
  ])('user.signingkey as %s', async (_what, value) => {
    const r = repoWith([['user.signingkey', value(key)]]);
    const res = await runMain(['init', '-C', r.dir], { env: r.env });
    expect(res.stderr).toBe('');
    expect(res.stdout).toContain(
      `signer Alice Example <alice@example.com>: ssh ${key.fingerprint}, 2 signed commit(s) (maintainer)`,
    );
  });

  test('gpg.ssh.defaultKeyCommand is never run; init says so', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'gg-first-marker-')), 'ran');
    const r = repoWith([['gpg.ssh.defaultKeyCommand', `touch ${marker}`]]);
    const res = await runMain(['init', '-C', r.dir], { env: r.env });
    expect(res.code).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(res.stdout).toContain('gpg.ssh.defaultKeyCommand was not run');
  });
});
