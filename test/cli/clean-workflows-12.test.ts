// Twelfth round of clean set-ups that must pass (see clean-workflows.test.ts to -11): policy files as
// Windows tools save them, and a maintainer's key growing a new user ID and signing subkey. A UTF-8
// byte order mark at the start of allowed_signers or of an armored key file (Notepad, PowerShell 5's
// `Out-File -Encoding utf8`) made the audit stop with "invalid key" / "not a readable OpenPGP key
// file" on every commit that policy judges, for good, while git shows the same signatures as good.
// Each keeps a twin that still fails.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, copyRepo, makeRepo, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { makeGpg, type Gpg } from '../helpers/gpg.js';
import { parseJson, resultOf, runMain, stderrLines } from '../helpers/cli.js';

const BOM = '\ufeff';
const IMPERSONATION = ['commits-signed', 'signatures-valid', 'signers-authorized', 'signer-matches-committer'];

let alice: SshTestKey;
let bob: SshTestKey;
beforeAll(() => {
  const keys = mkdtempSync(join(tmpdir(), 'gg-clean12-'));
  alice = makeSshKey(keys, 'ed25519', 'alice');
  bob = makeSshKey(keys, 'ed25519', 'bob');
});
afterAll(() => cleanupTemp());

const audit = async (r: TestRepo, env: NodeJS.ProcessEnv = r.env) => {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', IMPERSONATION.join(',')], {
    env,
  });
  return { code: res.code, res };
};
const outcomes = async (r: TestRepo, env?: NodeJS.ProcessEnv) => {
  const { code, res } = await audit(r, env);
  expect([code, stderrLines(res)]).toEqual([expect.any(Number), []]);
  const report = parseJson(res);
  return { code, outcomes: Object.fromEntries(IMPERSONATION.map((id) => [id, resultOf(report, id).outcome])) };
};
const allPass = Object.fromEntries(IMPERSONATION.map((id) => [id, 'pass']));

const POLICY =
  'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\nmaintainers: [Alice]\n';

describe('allowed_signers saved with a byte order mark', () => {
  const withBom = (firstLine: 'comment' | 'key'): TestRepo => {
    const r = sshSigningRepo(alice, POLICY);
    const lines = [`alice@example.com ${alice.pub}`, `bob@example.com namespaces="git" ${bob.pub}`];
    const text = firstLine === 'comment' ? `# SSH keys of the signers\n${lines.join('\n')}\n` : `${lines.join('\n')}\n`;
    r.commit('policy: bob signs (saved by PowerShell)', { '.gitguard/allowed_signers': `${BOM}${text}` });
    commitAsPerson(r, bob, 'bob@example.com', 'bob works', { 'b.txt': 'b\n' });
    commitAsPerson(r, alice, 'alice@example.com', 'alice works', { 'a.txt': 'a\n' });
    return r;
  };

  test.each(['comment', 'key'] as const)('BOM before a first %s line: passes, as git verifies it', async (first) => {
    const r = withBom(first);
    // git (ssh-keygen) with this very file shows Bob's signature as good
    // the committed bytes: r.run trims its output, and String.prototype.trim drops U+FEFF
    writeFileSync(
      join(r.home, 'signers'),
      execFileSync('git', ['show', 'HEAD:.gitguard/allowed_signers'], { cwd: r.dir }),
    );
    expect(
      r.run(['-c', `gpg.ssh.allowedSignersFile=${join(r.home, 'signers')}`, 'log', '-1', '--format=%G?', 'HEAD~1']),
    ).toBe('G');
    expect(await outcomes(r)).toEqual({ code: 0, outcomes: allPass });
  });

  test("twin: U+FEFF inside the file stays part of the principal: Bob's key belongs to no signer", async () => {
    const r = sshSigningRepo(alice, POLICY);
    r.commit('policy: bob signs', {
      '.gitguard/allowed_signers': `alice@example.com ${alice.pub}\n${BOM}bob@example.com ${bob.pub}\n`,
    });
    commitAsPerson(r, bob, 'bob@example.com', 'bob works', { 'b.txt': 'b\n' });
    const { code, outcomes: o } = await outcomes(r);
    expect(code).toBe(1);
    expect(o['signers-authorized']).toBe('fail');
  });
});

describe("a maintainer's OpenPGP key: new user ID, new signing subkey, the export saved with a BOM", () => {
  let gpg: Gpg;
  let fpr: string;
  let r: TestRepo;
  const gpgArgs = (key: string): string[] => [
    '-c',
    'gpg.format=openpgp',
    '-c',
    `gpg.program=${gpg.wrapper}`,
    '-c',
    `user.signingkey=${key}`,
  ];
  const commitAs = (key: string, email: string, message: string, files: Record<string, string> = {}): string => {
    r.write(files);
    r.run(['add', '-A']);
    r.run([...gpgArgs(key), 'commit', '-q', '--allow-empty', '-S', '-m', message], {
      env: { GNUPGHOME: gpg.home, GIT_COMMITTER_EMAIL: email, GIT_AUTHOR_EMAIL: email },
    });
    return r.head();
  };
  const armored = (): string => gpg.run(['--armor', '--export', fpr]).toString();

  beforeAll(() => {
    gpg = makeGpg(mkdtempSync(join(tmpdir(), 'gg-c12-')));
    fpr = gpg.genKey('Alice <alice@example.com>', 'ed25519', { usage: 'sign,cert' });
    r = makeRepo();
    r.run(['config', 'user.name', 'Alice']);
    r.run(['config', 'user.email', 'alice@example.com']);
    commitAs(fpr, 'alice@example.com', 'policy: alice signs', {
      '.gitguard/policy.yml': `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n    openpgp: ["${fpr}"]\nmaintainers: [Alice]\n`,
      '.gitguard/keys/alice.asc': armored(),
    });
    // a new user ID, then a new signing subkey; gpg signs with the newest signing subkey when
    // user.signingkey names the primary
    gpg.run(['--quick-add-uid', fpr, 'Alice Doe <alice@corp.example>']);
    gpg.addSubkey(fpr, 'ed25519');
    commitAs(fpr, 'alice@example.com', 'keys: new uid and subkey; alice@corp.example (export saved by PowerShell)', {
      '.gitguard/keys/alice.asc': `${BOM}${armored()}`,
      '.gitguard/policy.yml': `version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com, alice@corp.example]\n    openpgp: ["${fpr}"]\nmaintainers: [Alice]\n`,
    });
    commitAs(fpr, 'alice@corp.example', 'work from the new address, signed by the new subkey');
  });
  afterAll(() => gpg.kill());

  test('every commit passes; git and gitguard name the subkey', async () => {
    gpg.trust(fpr);
    const [letter, signer, primary] = r
      .run(['-c', `gpg.program=${gpg.wrapper}`, 'log', '-1', '--format=%G? %GF %GP'], { env: { GNUPGHOME: gpg.home } })
      .split(' ');
    expect([letter, primary]).toEqual(['G', fpr]);
    expect(signer).not.toBe(fpr);
    expect(await outcomes(r)).toEqual({ code: 0, outcomes: allPass });
  });

  test('twins: a subkey the committed export lacks fails; a BOM before no key still stops the run', async () => {
    const saved = r;
    r = copyRepo(r);
    const unexported = gpg.addSubkey(fpr, 'ed25519'); // not exported into keys/
    commitAs(`${unexported}!`, 'alice@corp.example', 'signed by a subkey the policy never saw');
    const o = await outcomes(r);
    expect(o.code).toBe(1);
    expect(o.outcomes['signers-authorized']).toBe('fail');

    // what PowerShell writes for a command that printed an error instead of the key
    const damaged = `${BOM}gpg: WARNING: nothing exported\r\n`;
    commitAs(fpr, 'alice@corp.example', 'a damaged export', { '.gitguard/keys/alice.asc': damaged });
    commitAs(fpr, 'alice@corp.example', 'judged by the damaged export');
    const { code, res } = await audit(r);
    expect(code).toBe(2);
    expect(stderrLines(res)).toEqual([expect.stringMatching(/alice\.asc.*not a readable OpenPGP key file/)]);
    r = saved;
  });
});
