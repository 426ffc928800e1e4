// Clean workflows 34: git's documented gpg.ssh.defaultKeyCommand `ssh-add -L` set in the repository's
// own config (`git config gpg.ssh.defaultKeyCommand "ssh-add -L"`, without --global, for the one
// repository signed with the agent's key). signing-programs-not-overridden-locally failed it, as it
// fails a signing program or an allowed-signers file of the repository's choosing. But git splits the
// value at whitespace and runs it without a shell: the user's own ssh-add lists the user's own agent's
// keys, git signs with the first, exactly as the same value in the global config does; it decides
// whom no verification trusts and runs nothing of the repository's. The reference: git signs with it
// here and `git verify-commit` says Good. gitguard init reads the agent for it (it said the command
// "was not run" and proposed no key).
// Twins: any other command in the repository's config (a shell, a path) still fails.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupTemp, tempDir } from '../helpers/repo.js';
import { makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

let alice: SshTestKey;
let pid = 0;
const sock = join(tempDir('gg-agent-'), 'agent.sock');
beforeAll(() => {
  alice = makeSshKey(mkdtempSync(join(tmpdir(), 'gg-cw34-')), 'ed25519', 'alice');
  const started = execFileSync('ssh-agent', ['-s', '-a', sock], { stdio: 'pipe' }).toString();
  pid = Number(/SSH_AGENT_PID=(\d+)/.exec(started)?.[1]);
});
afterAll(() => {
  if (pid) process.kill(pid);
  cleanupTemp();
});

const RULES = ['signing-programs-not-overridden-locally', 'no-code-execution-in-local-config'];

test("the repository's own gpg.ssh.defaultKeyCommand 'ssh-add -L' passes; git signs with it; init reads it", async () => {
  const r = sshSigningRepo(alice);
  const env = { ...r.env, SSH_AUTH_SOCK: sock };
  execFileSync('ssh-add', ['-q', alice.path], { env, stdio: 'pipe' });
  r.run(['config', '--unset', 'user.signingkey']);
  r.run(['config', 'gpg.ssh.defaultKeyCommand', 'ssh-add -L']);
  r.run(['commit', '-q', '--allow-empty', '-m', 'signed with the agent key'], { env });
  // git's own answer: signed by alice's key, taken from the agent.
  const signers = join(tempDir(), 'allowed_signers');
  execFileSync('sh', ['-c', `printf 'alice@example.com %s\\n' "$1" > "$2"`, 'sh', alice.pub, signers]);
  const verified = execFileSync(
    'git',
    ['-c', `gpg.ssh.allowedSignersFile=${signers}`, 'log', '-1', '--format=%G? %GF'],
    {
      cwd: r.dir,
      env,
    },
  ).toString();
  expect(verified.trim()).toBe(`G ${alice.fingerprint}`);

  const audit = async () => {
    const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--no-ledger', '-r', RULES.join(',')], {
      env,
    });
    const report = parseJson(res);
    return RULES.map((id) => [resultOf(report, id).outcome, resultOf(report, id).findings.map((f) => f.message)]);
  };
  expect(await audit()).toEqual([
    ['pass', []],
    ['pass', []],
  ]);
  const init = await runMain(['init', '-C', r.dir, '--force'], { env });
  expect(init.stdout).toContain(`ssh ${alice.fingerprint}`);
  expect(init.stdout).not.toContain('was not run');

  // Twins: another command (a shell, a program of the work tree) is the repository's, still failing.
  for (const cmd of ['sh -c "ssh-add -L"', './ssh-add -L', 'ssh-add -L -E sha256']) {
    r.run(['config', 'gpg.ssh.defaultKeyCommand', cmd]);
    expect((await audit())[0]).toEqual([
      'fail',
      [`gpg.ssh.defaultkeycommand is set in the repository's local config: gpg.ssh.defaultkeycommand=${cmd}`],
    ]);
  }
});
