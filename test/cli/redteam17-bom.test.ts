// Red-team round 17: the byte order mark skipped at the start of allowed_signers (clean-workflows-12).
// ssh-keygen reads the BOM as part of the first field; skipping it must never make a line name a
// principal ssh-keygen does not. A BOM then a space ("\ufeff bob@example.com KEY") is a line whose
// principals field is the BOM alone and whose "options" are bob's address: ssh-keygen refuses it
// (bad options) and git does not know bob's key, while skipping the BOM made the line bob's and
// his commit authorized (exit 0); the line is malformed now, as for ssh-keygen, and stops the
// audit. Clean twin: a BOM right before the principal still names it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { commitAsPerson, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

const BOM = '\ufeff';
const POLICY =
  'version: 1\nsigners:\n  - name: Alice\n    emails: [alice@example.com]\n  - name: Bob\n    emails: [bob@example.com]\nmaintainers: [Alice]\n';

let alice: SshTestKey;
let bob: SshTestKey;
beforeAll(() => {
  const keys = mkdtempSync(join(tmpdir(), 'gg-rt17-'));
  alice = makeSshKey(keys, 'ed25519', 'alice');
  bob = makeSshKey(keys, 'ed25519', 'bob');
});
afterAll(() => cleanupTemp());

/** allowed_signers with `first` as its first line (bob's), then alice's; a commit of bob's after it. */
function repoWith(first: string): TestRepo {
  const r = sshSigningRepo(alice, POLICY);
  r.commit('policy: bob signs', { '.gitguard/allowed_signers': `${first}\nalice@example.com ${alice.pub}\n` });
  commitAsPerson(r, bob, 'bob@example.com', 'bob works', { 'b.txt': 'b\n' });
  return r;
}

/** git's own letter for HEAD with this very allowed_signers file. */
function gitLetter(r: TestRepo): string {
  // the file's bytes as committed (r.run trims its output, and String.prototype.trim drops U+FEFF)
  const bytes = execFileSync('git', ['show', 'HEAD:.gitguard/allowed_signers'], { cwd: r.dir, env: r.env });
  writeFileSync(join(r.home, 'signers'), bytes);
  return r.run(['-c', `gpg.ssh.allowedSignersFile=${join(r.home, 'signers')}`, 'log', '-1', '--format=%G?', 'HEAD']);
}

const authorized = async (r: TestRepo) => {
  const res = await runMain(
    ['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', 'signatures-valid,signers-authorized'],
    { env: r.env },
  );
  return { code: res.code, outcome: resultOf(parseJson(res), 'signers-authorized').outcome };
};

test("a BOM then a space before bob's line: ssh-keygen refuses the line, git does not know his key; not a pass", async () => {
  const r = repoWith(`${BOM} bob@example.com ${bob.pub}`);
  expect(gitLetter(r)).not.toBe('G');
  // a malformed line in the policy's allowed_signers stops the audit (as any other does): exit 2, one line
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-cache', '-r', 'signers-authorized'], {
    env: r.env,
  });
  expect(res.code).toBe(2);
  expect(res.stderr).toMatch(/allowed_signers .*line 1: unknown key option/);
});

test("clean twin: a BOM right before bob's principal: git shows G, gitguard authorizes him", async () => {
  const r = repoWith(`${BOM}bob@example.com ${bob.pub}`);
  expect(gitLetter(r)).toBe('G');
  expect(await authorized(r)).toEqual({ code: 0, outcome: 'pass' });
});
