// Red team 21: a certificate principal in another case than the address a CA line's negation
// excludes. ssh-keygen compares principals exactly: the line `*@example.com,!alice@example.com
// cert-authority CA` admits a certificate for `Alice@example.com` (the negation does not match it),
// and `ssh-keygen -Y verify -I alice@example.com` refuses it (the certificate is not for that exact
// principal). gitguard compares e-mails without regard to case, so it took the certificate as alice's:
// a certificate the CA may issue to anyone, for a person the line withholds from it, passed
// signer-matches-committer (with --allowed-signers) and signers-authorized (under a policy). Real
// ssh-keygen certificates and signatures; clean twins: a certificate for a colleague the line admits.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, personEnv, tempDir, type TestRepo } from '../helpers/repo.js';
import { makeSshKey, writeAllowedSigners, type SshTestKey } from '../helpers/ssh.js';
import { caLine, issueCert } from '../helpers/ssh-cert.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

let dir: string;
let ca: SshTestKey;
let alice: SshTestKey;
let mallory: SshTestKey;
beforeAll(() => {
  dir = tempDir('gg-rt21-cert-');
  ca = makeSshKey(dir, 'ed25519', 'ca');
  alice = makeSshKey(dir, 'ed25519', 'alice');
  mallory = makeSshKey(dir, 'ed25519', 'mallory');
});
afterAll(() => cleanupTemp());

const certFor = (principal: string): SshTestKey =>
  issueCert(ca, mallory, dir, { principals: [principal], validity: '20200101:20400101' });
const CA_LINE = (): string => caLine('*@example.com,!alice@example.com', ca);

/** Commits signed with `key` (a -cert.pub signs with its certificate) as `email`. */
function commitSigned(r: TestRepo, key: SshTestKey, email: string, files: Record<string, string>): void {
  r.write(files);
  r.run(['add', '-A']);
  r.run(['-c', 'gpg.format=ssh', 'commit', '-q', `-S${key.path}`, '-m', 'work'], {
    env: personEnv(email, new Date().toISOString()),
  });
}

/** What `ssh-keygen -Y verify -I principal` says of HEAD's signature with this allowed-signers file. */
function sshKeygenAllows(r: TestRepo, signers: string, principal: string): boolean {
  const lines = (r.run(['cat-file', 'commit', 'HEAD']) + '\n').split('\n');
  const start = lines.findIndex((l) => l.startsWith('gpgsig '));
  const end = lines.findIndex((l) => l.includes('END SSH SIGNATURE'));
  const sig = lines.slice(start, end + 1).map((l, i) => (i === 0 ? l.slice('gpgsig '.length) : l.slice(1)));
  const sigFile = writeAllowedSigners(join(r.home, 'head.sig'), sig);
  try {
    execFileSync('ssh-keygen', ['-Y', 'verify', '-f', signers, '-I', principal, '-n', 'git', '-s', sigFile], {
      input: [...lines.slice(0, start), ...lines.slice(end + 1)].join('\n'),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return true;
  } catch {
    return false;
  }
}

const RULES = 'signatures-valid,signers-authorized,signer-matches-committer';

async function audit(r: TestRepo, extra: string[] = []): Promise<{ code: number; outcomes: string[] }> {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', ...extra, '-r', RULES], {
    env: r.env,
  });
  const report = parseJson(res);
  return { code: res.code, outcomes: RULES.split(',').map((id) => resultOf(report, id).outcome) };
}

describe('without a policy (--allowed-signers)', () => {
  function repo(principal: string, email: string): { r: TestRepo; signers: string } {
    const r = makeRepo();
    r.commit('base', { 'a.txt': 'a\n' }, ['--no-gpg-sign']);
    commitSigned(r, certFor(principal), email, { 'b.txt': 'b\n' });
    return { r, signers: writeAllowedSigners(join(r.home, 'signers'), [CA_LINE()]) };
  }

  test('a certificate for Alice@example.com committing as alice: ssh-keygen -I alice refuses; gitguard fails (before: pass)', async () => {
    const { r, signers } = repo('Alice@example.com', 'alice@example.com');
    expect(sshKeygenAllows(r, signers, 'alice@example.com')).toBe(false);
    const got = await audit(r, ['--allowed-signers', signers]);
    expect(got.code).toBe(1);
    expect(got.outcomes).toContain('fail');
    expect(got.outcomes[0]).toBe('pass'); // signatures-valid: git's G too
  });

  test('clean twin: a certificate for carol@example.com committing as carol passes', async () => {
    const { r, signers } = repo('carol@example.com', 'carol@example.com');
    expect(sshKeygenAllows(r, signers, 'carol@example.com')).toBe(true);
    expect(await audit(r, ['--allowed-signers', signers])).toEqual({ code: 0, outcomes: ['pass', 'pass', 'pass'] });
  });
});

describe('under a policy', () => {
  const POLICY =
    'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Carol\n    emails: [carol@example.com]\nmaintainers: [Alice]\n';

  function repo(principal: string, email: string): { r: TestRepo; signers: string } {
    const r = sshSigningRepo(alice, POLICY);
    const lines = [`alice@example.com ${alice.pub}`, CA_LINE()];
    r.commit('policy: the CA signs for the team', {
      '.gitguard/allowed_signers': lines.map((l) => `${l}\n`).join(''),
    });
    commitSigned(r, certFor(principal), email, { 'b.txt': 'b\n' });
    return { r, signers: writeAllowedSigners(join(r.home, 'signers'), lines) };
  }

  test('a certificate for Alice@example.com committing as alice: not alice (before: authorized as her)', async () => {
    const { r, signers } = repo('Alice@example.com', 'alice@example.com');
    expect(sshKeygenAllows(r, signers, 'alice@example.com')).toBe(false);
    const got = await audit(r);
    expect(got.code).toBe(1);
    expect(got.outcomes).toContain('fail');
    expect(got.outcomes[0]).toBe('pass'); // signatures-valid: git's G too
  });

  test('clean twin: a certificate for carol@example.com committing as carol passes', async () => {
    const { r, signers } = repo('carol@example.com', 'carol@example.com');
    expect(sshKeygenAllows(r, signers, 'carol@example.com')).toBe(true);
    expect(await audit(r)).toEqual({ code: 0, outcomes: ['pass', 'pass', 'pass'] });
  });
});
