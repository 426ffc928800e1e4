// git-annex set-ups from its own documentation and everyday use that run no command, failed by
// no-code-execution-in-local-config: `annex-rsync-transport = ssh -p 2222 -c aes128-ctr` (git-annex(1)'s
// own example is "ssh -p 2222 -c blowfish": rsync's remote shell is ssh with ssh's options, which
// git-annex hands on as such) was taken as a program of the repository's choosing, and rsync's `-e ssh`
// / `--rsh=ssh` (the remote shell rsync uses anyway), `--no-whole-file` and yt-dlp's
// `--merge-output-format` as unknown options. The transport's ssh options are checked against ssh 9.2
// (`ssh -G`: no command). Twins: a transport that is another program, a path, or ssh with an option
// that runs one, and rsync's remote shell other than plain ssh, still fail.
import { execFileSync } from 'node:child_process';
import { cleanupTemp } from '../helpers/repo.js';
import { configRuleRepo } from '../helpers/config-rule.js';

afterAll(() => cleanupTemp());

const { outcome } = configRuleRepo('no-code-execution-in-local-config');

const CLEAN: Record<string, string> = {
  'remote.nas.annex-rsync-transport': 'ssh -p 2222 -c aes128-ctr',
  'annex.rsync-transport': 'ssh -4 -o ServerAliveInterval=30 -i ~/.ssh/annex_ed25519',
  'remote.nas.annex-rsync-options': '-e ssh --inplace --no-whole-file',
  'remote.backup.annex-rsync-upload-options': '--rsh=ssh --bwlimit=500',
  'annex.youtube-dl-options': '-f bestvideo+bestaudio --merge-output-format mkv',
};

test("ssh 9.2 reads the transports' options as running nothing", () => {
  for (const key of ['remote.nas.annex-rsync-transport', 'annex.rsync-transport']) {
    const options = CLEAN[key]!.split(/\s+/).slice(1);
    const config = execFileSync('ssh', ['-F', '/dev/null', '-G', ...options, 'nas.example'], { encoding: 'utf8' });
    expect(config).toMatch(/^port |^hostname nas\.example$/m);
    expect(config).not.toMatch(/^(?:proxycommand|localcommand|knownhostscommand|proxyjump|pkcs11provider) /m);
  }
});

test('clean: the transports and options pass (each failed before)', async () => {
  expect(await outcome(CLEAN)).toEqual({ outcome: 'pass', messages: [] });
});

test.each([
  ['remote.nas.annex-rsync-transport', 'rsh -l annex', 'rsh'],
  ['remote.nas.annex-rsync-transport', '/usr/local/bin/ssh -p 2222', '/usr/local/bin/ssh'],
  ['remote.nas.annex-rsync-transport', './ssh -p 2222', './ssh'],
  ['annex.rsync-transport', 'ssh -p 2222 -oProxyCommand=/tmp/x', '-oProxyCommand=/tmp/x'],
  ['remote.nas.annex-rsync-transport', 'ssh -F ./ssh_config', '-F'],
  ['remote.nas.annex-rsync-transport', '\u00a0ssh', 'a byte outside printable ASCII'],
  ['remote.nas.annex-rsync-options', '-e sshx', '-e sshx'],
  ['remote.nas.annex-rsync-options', '--rsh=ssh\u00a0-oProxyCommand=/tmp/x', 'a byte outside printable ASCII'],
])('twin: %s=%s fails, naming %s', async (key, value, word) => {
  const got = await outcome({ [key]: value });
  expect(got.outcome).toBe('fail');
  expect(got.messages.join('\n')).toContain(`git-annex hands ${word} to another program`);
});
