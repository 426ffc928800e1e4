// Fourth round of clean set-ups that must pass (see clean-workflows.test.ts, -2 and -3): each case
// here was a false failure (a rule failing where a security engineer sees nothing wrong), and each
// keeps a twin that still fails, so the fix cannot have switched the check off.
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { caLine, issueCert, type CertOptions } from '../helpers/ssh-cert.js';
import { runMain, parseJson, resultOf, stderrLines } from '../helpers/cli.js';

afterAll(cleanupTemp);

const audit = async (r: TestRepo, rules: string[], extra: string[] = []) => {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', rules.join(','), ...extra], {
    env: r.env,
  });
  return { code: res.code, report: res.code === 2 ? undefined : parseJson(res), res };
};
const outcomes = (report: ReturnType<typeof parseJson>, rules: string[]) =>
  Object.fromEntries(rules.map((id) => [id, resultOf(report, id).outcome]));

let tick = 0;
/** Writes `files`, stages everything and commits signed with `key` (a -cert.pub file signs with
 *  its certificate) as `email`, one minute after the last commit from 2024-01-01. */
function signedBy(r: TestRepo, key: SshTestKey, email: string, message: string, files: Record<string, string>): string {
  r.write(files);
  r.run(['add', '-A']);
  tick += 1;
  const date = new Date(Date.UTC(2024, 0, 1) + tick * 60_000).toISOString();
  const name = email.split('@')[0]!;
  r.run(['-c', 'gpg.format=ssh', 'commit', '-q', `-S${key.path}`, '-m', message], {
    env: {
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
      GIT_AUTHOR_NAME: name,
      GIT_AUTHOR_EMAIL: email,
      GIT_COMMITTER_NAME: name,
      GIT_COMMITTER_EMAIL: email,
    },
  });
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
    const { code, report } = await audit(r, RULES);
    expect(outcomes(report!, RULES)).toEqual(Object.fromEntries(RULES.map((id) => [id, 'pass'])));
    expect(code).toBe(0);
    const verify = await runMain(['verify', '-C', r.dir, '--no-cache', '--format', 'json'], { env: r.env });
    const rows = (JSON.parse(verify.stdout) as { commits: Array<{ status: string; letter: string }> }).commits;
    expect(rows.map((x) => [x.letter, x.status])).toEqual(Array(4).fill(['G', 'authorized']));
    expect(verify.code).toBe(0);
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

  test('a signer cannot name the CA as their own key: the policy says what to do instead', async () => {
    const r = orgRepo(
      POLICY.replace('emails: [alice@example.com]', `emails: [alice@example.com]\n    ssh: ["${ca.fingerprint}"]`),
    );
    const { code, res } = await audit(r, ['signers-authorized']);
    expect(code).toBe(2);
    expect(stderrLines(res).join('\n')).toContain(`key ${ca.fingerprint} is a cert-authority in allowed_signers`);
  });
});
