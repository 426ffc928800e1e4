// Red-team round 19: whom an SSH key speaks for. ssh-keygen answers "may this key sign as P?" with
// `-Y verify -I P`: P against a whole line's principal list (a `!negation` there excludes P), on a
// line whose key, namespaces and validity window admit the signature. gitguard took the principals
// `find-principals` prints, one pattern each, and asked whether one of them matched the committer:
// `*,!alice@example.com KEY_BOB` prints `*` and `!alice@example.com`, and `*` alone matched alice,
// so Bob's commit made as alice was authorized (signer-matches-committer passed, exit 0), where
// `ssh-keygen -Y verify -I alice@example.com` refuses it. Under a policy the same happened when
// another line of the key, outside its window, named alice. Clean twins: Bob as himself, and as a
// colleague the wildcard admits (in another case too: e-mails compare without regard to case).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import {
  commitAsPerson,
  makeSshKey,
  sshKeygenThatReadsStdin,
  writeAllowedSigners,
  type SshTestKey,
} from '../helpers/ssh.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

let alice: SshTestKey;
let bob: SshTestKey;
let keys: string;
beforeAll(() => {
  keys = tempDir('gg-rt19-');
  alice = makeSshKey(keys, 'ed25519', 'alice');
  bob = makeSshKey(keys, 'ed25519', 'bob');
});
afterAll(() => cleanupTemp());

/** What `ssh-keygen -Y verify -I principal` says of HEAD's signature with this allowed-signers file. */
function sshKeygenAllows(r: TestRepo, signers: string, principal: string): boolean {
  const raw = r.run(['cat-file', 'commit', 'HEAD']) + '\n';
  const lines = raw.split('\n');
  const start = lines.findIndex((l) => l.startsWith('gpgsig '));
  const end = lines.findIndex((l) => l.includes('END SSH SIGNATURE'));
  const sig = lines.slice(start, end + 1).map((l, i) => (i === 0 ? l.slice('gpgsig '.length) : l.slice(1)));
  const payload = [...lines.slice(0, start), ...lines.slice(end + 1)].join('\n');
  const sigFile = join(r.home, 'head.sig');
  writeAllowedSigners(sigFile, sig);
  try {
    execFileSync('ssh-keygen', ['-Y', 'verify', '-f', signers, '-I', principal, '-n', 'git', '-s', sigFile], {
      input: payload,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return true;
  } catch {
    return false;
  }
}

/** git's %G? for HEAD with this allowed-signers file. */
function gitLetter(r: TestRepo, signers: string): string {
  return r.run([
    '-c',
    `gpg.ssh.program=${sshKeygenThatReadsStdin()}`,
    '-c',
    `gpg.ssh.allowedSignersFile=${signers}`,
    'log',
    '-1',
    '--format=%G?',
  ]);
}

const RULES = 'signatures-valid,signers-authorized,signer-matches-committer';

describe('without a policy (--allowed-signers)', () => {
  const signers = (): string =>
    writeAllowedSigners(join(keys, 'negated'), [`alice@example.com ${alice.pub}`, `*,!alice@example.com ${bob.pub}`]);

  function bobCommitsAs(email: string): TestRepo {
    const r = makeRepo();
    r.config({ 'gpg.format': 'ssh' });
    r.commit('base', { 'a.txt': 'a\n' }, ['--no-gpg-sign', '--date=2025-01-01T00:00:00Z']);
    commitAsPerson(r, bob, email, 'work', { 'b.txt': 'b\n' });
    return r;
  }

  async function audit(r: TestRepo): Promise<{ code: number; matches: string }> {
    const res = await runMain(
      ['audit', '-C', r.dir, '--format', 'json', '--no-cache', '--allowed-signers', signers(), '-r', RULES],
      { env: r.env },
    );
    return { code: res.code, matches: resultOf(parseJson(res), 'signer-matches-committer').outcome };
  }

  test("bob's key on `*,!alice@example.com`, committing as alice: git G, ssh-keygen -I alice refuses; gitguard fails (before: pass)", async () => {
    const r = bobCommitsAs('alice@example.com');
    expect(gitLetter(r, signers())).toBe('G');
    expect(sshKeygenAllows(r, signers(), 'alice@example.com')).toBe(false);
    const got = await audit(r);
    expect(got.matches).toBe('fail');
    expect(got.code).toBe(1);
  });

  test.each(['bob@example.com', 'carol@example.com', 'Carol@Example.COM'])(
    'clean twin: bob committing as %s, which the line admits: passes',
    async (email) => {
      const r = bobCommitsAs(email);
      expect(sshKeygenAllows(r, signers(), email.toLowerCase())).toBe(true);
      expect(await audit(r)).toEqual({ code: 0, matches: 'pass' });
    },
  );
});

describe('under a policy', () => {
  const POLICY =
    'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\nmaintainers: [Alice]\n';

  /** Bob's key, once allowed to sign as alice until 2020, now for anyone but her. */
  function repo(committer: string): { r: TestRepo; signers: string } {
    const r = sshSigningRepo(alice, POLICY);
    const lines = [
      `alice@example.com ${alice.pub}`,
      `alice@example.com valid-before="20200101Z" ${bob.pub}`,
      `*@example.com,!alice@example.com ${bob.pub}`,
    ];
    r.commit('policy: bob signs', { '.gitguard/allowed_signers': lines.map((l) => `${l}\n`).join('') });
    commitAsPerson(r, bob, committer, 'work', { 'b.txt': 'b\n' });
    return { r, signers: writeAllowedSigners(join(r.home, 'signers'), lines) };
  }

  async function audit(r: TestRepo): Promise<{ code: number; authorized: string; matches: string }> {
    const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', RULES], { env: r.env });
    const report = parseJson(res);
    return {
      code: res.code,
      authorized: resultOf(report, 'signers-authorized').outcome,
      matches: resultOf(report, 'signer-matches-committer').outcome,
    };
  }

  test("bob's key committing as alice, whom only an expired line of it names: not alice's (before: authorized as her)", async () => {
    const { r, signers } = repo('alice@example.com');
    expect(gitLetter(r, signers)).toBe('G');
    expect(sshKeygenAllows(r, signers, 'alice@example.com')).toBe(false);
    const got = await audit(r);
    expect(got.code).toBe(1);
    expect([got.authorized, got.matches]).toContain('fail');
  });

  test('clean twin: bob as himself passes', async () => {
    const { r, signers } = repo('bob@example.com');
    expect(sshKeygenAllows(r, signers, 'bob@example.com')).toBe(true);
    expect(await audit(r)).toEqual({ code: 0, authorized: 'pass', matches: 'pass' });
  });
});
