// Clean workflows 33: git-annex set-ups whose ssh, rsync and gpg options run nothing, failed by
// no-code-execution-in-local-config's word-by-word reading (round 27) because its lists were short:
// ssh_config(5) keywords naming no program (HostName, IdentityAgent, CertificateFile, AddKeysToAgent,
// RequestTTY, ...), algorithm lists with ssh's +/-/^ prefixes (HostKeyAlgorithms=+ssh-rsa for an old
// NAS), ForwardAgent=no, rsync's --protect-args/-s, --chmod, --info, gpg's --personal-*-preferences.
// Each clean value is checked against ssh 9.2 itself: `ssh -G <options> host` accepts it and names no
// command (no proxycommand, localcommand, knownhostscommand, proxyjump, provider library).
// Twins: what runs a command or hands the remote the user's agent still fails (-J and ProxyJump, which
// ssh runs as a ProxyCommand through the shell, ForwardAgent=yes, -A, SendEnv), and every finding says
// which word and what to do next (the global config), as does a mergetool script in .git/config.
import { execFileSync } from 'node:child_process';
import { cleanupTemp } from '../helpers/repo.js';
import { configRuleRepo } from '../helpers/config-rule.js';

afterAll(() => cleanupTemp());

const { outcome } = configRuleRepo('no-code-execution-in-local-config');

/** What ssh 9.2 makes of the options (as git-annex passes them: split at whitespace). */
function sshConfig(options: string): string {
  return execFileSync('ssh', ['-F', '/dev/null', '-G', ...options.split(/\s+/), 'nas.example'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
// (ssh -G prints the built-in security key provider, 'internal', for every host.)
const COMMANDS =
  /^(?:(?:proxycommand|localcommand|knownhostscommand|proxyjump|pkcs11provider) |securitykeyprovider (?!internal$))/m;

const clean: [string, string][] = [
  ['remote.nas.annex-ssh-options', '-o HostKeyAlgorithms=+ssh-rsa -o PubkeyAcceptedKeyTypes=+ssh-rsa'],
  ['remote.nas.annex-ssh-options', '-o HostName=10.0.0.5 -o IdentityAgent=none -o RequestTTY=no'],
  ['remote.nas.annex-ssh-options', '-o CertificateFile=~/.ssh/id_ed25519-cert.pub -o AddKeysToAgent=yes'],
  ['remote.nas.annex-ssh-options', '-o ForwardAgent=no -o ExitOnForwardFailure=yes -o VerifyHostKeyDNS=no'],
  [
    'annex.ssh-options',
    '-o ControlPath=~/.ssh/annex-%r@%h:%p -o NumberOfPasswordPrompts=0 -o Ciphers=^aes128-gcm@openssh.com',
  ],
  ['remote.nas.annex-ssh-options', '-o GSSAPIAuthentication=no -o KexAlgorithms=-diffie-hellman-group14-sha256'],
];

test.each(clean)('ssh 9.2 reads %s=%s as running nothing', (_key, value) => {
  expect(sshConfig(value)).not.toMatch(COMMANDS);
});

test('clean: annex options that run nothing pass (each failed before)', async () => {
  const settings = Object.fromEntries(clean.map(([k, v], i) => [k.replace('nas', `nas${i}`), v]));
  expect(
    await outcome({
      ...settings,
      'remote.backup.annex-rsync-options': '--protect-args --chmod=ugo=rwX --info=progress2 --no-motd',
      'remote.backup.annex-rsync-upload-options': '-s --append-verify --no-perms',
      'remote.backup.annex-gnupg-options': '--personal-cipher-preferences AES256 --no-random-seed-file',
    }),
  ).toEqual({ outcome: 'pass', messages: [] });
});

test('twins: a jump host, agent forwarding, a command: fail, naming the word and the next step', async () => {
  expect(sshConfig('-J bastion')).toMatch(/^proxyjump bastion$/m);
  const attacks: [string, string, string][] = [
    ['remote.nas.annex-ssh-options', '-4 -J bastion', '-J'],
    ['remote.nas.annex-ssh-options', '-o ProxyJump=bastion', '-o ProxyJump=bastion'],
    ['remote.nas.annex-ssh-options', '-o ForwardAgent=yes', '-o ForwardAgent=yes'],
    ['remote.nas.annex-ssh-options', '-o ForwardAgent=/tmp/agent.sock', '-o ForwardAgent=/tmp/agent.sock'],
    ['remote.nas.annex-ssh-options', '-C -A', '-A'],
    ['remote.nas.annex-ssh-options', '-o SendEnv=AWS_SECRET_ACCESS_KEY', '-o SendEnv=AWS_SECRET_ACCESS_KEY'],
    ['remote.nas.annex-ssh-options', '-o HostKeyAlgorithms=+$(id)', '-o HostKeyAlgorithms=+$(id)'],
    ['remote.nas.annex-ssh-options', '-oHostName=x -oProxyCommand=/tmp/x', '-oProxyCommand=/tmp/x'],
    ['remote.backup.annex-rsync-options', '--protect-args --rsh=/tmp/x', '--rsh=/tmp/x'],
    ['remote.backup.annex-rsync-options', '-se/tmp/x', '-se/tmp/x'],
  ];
  for (const [key, value, word] of attacks) {
    const got = await outcome({ [key]: value });
    expect({ value, ...got }).toEqual({
      value,
      outcome: 'fail',
      messages: [
        `the repository's local config runs a command: ${key}=${value} (git-annex hands ${word} to another program, ` +
          `and it is no option known to run nothing); next: if you set it yourself, set it in your global config ` +
          `instead (git config --global), then: git config --local --unset-all ${key}`,
      ],
    });
  }
});

test("a mergetool command of the repository's choosing in its config: fails, saying where it belongs", async () => {
  // (VS Code's documented `code --wait --merge ...` runs the user's own program: cleanpass26-local-tools.test.ts.)
  const cmd = './scripts/merge.sh $REMOTE $LOCAL $BASE $MERGED';
  expect(await outcome({ 'merge.tool': 'vscode', 'mergetool.vscode.cmd': cmd })).toEqual({
    outcome: 'fail',
    messages: [
      `the repository's local config runs a command: mergetool.vscode.cmd=${cmd}; next: if you set it yourself, ` +
        'set it in your global config instead (git config --global), then: git config --local --unset-all mergetool.vscode.cmd',
    ],
  });
});
