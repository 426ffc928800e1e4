// Red team 27, part 1: git's own config keys that run a command and that no-code-execution-in-local-config
// did not know, each passing it from the repository's .git/config. Checked against git 2.39:
// - submodule.<name>.update=!command: `git submodule update` ran it (git refuses it from .gitmodules only);
// - remote.<name>.vcs=a/../evil, beside a folder git-remote-a in the work tree: `git fetch origin` ran
//   ./evil (a helper name with a "/" is a path, not a git-remote-* on PATH);
// - interactive.diffFilter: `git add -p` on a terminal ran it;
// - mergetool/difftool/man/browser.<tool>.cmd and .path, guitool.<name>.cmd, and git send-email's
//   sendemail.{to,cc,sendmail}cmd and a sendemail.smtpServer path (git-config(1)).
// Clean twin: the same keys naming no program of the repository's choosing pass.
// Part 2: git-annex hands its *-options keys to another program, split at whitespace (Types/GitConfig.hs,
// `words`): remote.<name>.annex-ssh-options=-oProxyCommand=... to ssh, annex-rsync-options=-e... to
// rsync, annex-gnupg-options=--exec-path... to gpg, annex.web-options=--use-askpass=... to wget,
// annex.youtube-dl-options=--exec ... to yt-dlp; and annex.<setting> is read before
// remote.<name>.annex-<setting> for every remote, so annex.shell / annex.rsync-transport /
// annex.tahoe name programs as the remote keys do. no-code-execution-in-local-config passed each.
// ssh 9.2 itself: `ssh -G -Cvo ProxyCommand=x host` prints "proxycommand x" (bundled letters too).
// Clean twin: a port, a key file, StrictHostKeyChecking, an rsync bandwidth limit, a gpg cipher pass.
import { cleanupTemp } from '../helpers/repo.js';
import { configRuleRepo } from '../helpers/config-rule.js';

afterAll(() => cleanupTemp());

const { outcome } = configRuleRepo('no-code-execution-in-local-config');

test.each([
  ['submodule.sub.update', '!touch /tmp/pwned'],
  ['remote.origin.vcs', 'a/../evil'],
  ['remote.origin.vcs', 'a\\..\\evil'],
  ['interactive.diffFilter', 'sh -c "id; cat"'],
  ['mergetool.mine.cmd', './tools/merge "$LOCAL" "$REMOTE"'],
  ['mergetool.meld.path', './tools/meld'],
  ['difftool.mine.cmd', 'sh -c id'],
  ['man.mine.cmd', 'sh -c id'],
  ['browser.mine.path', '/tmp/evil'],
  ['guitool.build.cmd', 'make'],
  ['sendemail.toCmd', './get-maintainer'],
  ['sendemail.work.ccCmd', './get-maintainer'],
  ['sendemail.sendmailCmd', '/tmp/evil'],
  ['sendemail.smtpServer', '/tmp/evil'],
  // Red team 48: send-email's file_name_is_absolute on Windows and msys; git 2.41's headerCmd.
  ['sendemail.smtpServer', 'C:/Users/bob/repo/evil.exe'],
  ['sendemail.smtpServer', '\\\\server\\share\\evil.exe'],
  ['sendemail.work.headerCmd', './add-headers'],
])('%s=%s fails', async (key, value) => {
  const got = await outcome({ [key]: value });
  expect(got.outcome).toBe('fail');
  expect(got.messages).toEqual([expect.stringContaining(`${key.toLowerCase()}=`)]);
});

test('clean twin: the same keys naming no program of the repository pass', async () => {
  expect(
    await outcome({
      'submodule.sub.update': 'rebase',
      'submodule.sub.url': 'https://example.com/sub.git',
      'remote.hg.vcs': 'hg',
      'merge.tool': 'meld',
      'mergetool.meld.trustExitCode': 'true',
      'sendemail.smtpServer': 'smtp.example.com',
      'sendemail.smtpServerPort': '587',
    }),
  ).toEqual({ outcome: 'pass', messages: [] });
});

describe('git-annex options handed to another program', () => {
  const attacks: [string, string][] = [
    ['remote.origin.annex-ssh-options', '-oProxyCommand=sh\t-c\tid'],
    ['remote.origin.annex-ssh-options', '-p 2222 -o ProxyCommand=/tmp/x'],
    ['remote.origin.annex-ssh-options', '-Cvo KnownHostsCommand=/tmp/x'],
    ['remote.origin.annex-ssh-options', '-o proxycommand=/tmp/x'],
    ['remote.origin.annex-ssh-options', '-F ./ssh_config'],
    ['remote.origin.annex-ssh-options', '-I /tmp/libevil.so'],
    ['remote.origin.annex-ssh-options', '-o LocalCommand=/tmp/x -o PermitLocalCommand=yes'],
    ['remote.origin.annex-ssh-options', '-oIdentityFile=$(id)'],
    ['remote.origin.annex-ssh-options', '-p\u00a02222'],
    ['annex.ssh-options', '-oProxyCommand=/tmp/x'],
    ['remote.origin.annex-rsync-options', '-e /tmp/x'],
    ['remote.origin.annex-rsync-options', '-ave/tmp/x'],
    ['remote.origin.annex-rsync-upload-options', '--rsh=/tmp/x'],
    ['remote.origin.annex-rsync-download-options', '--rsync-path=/tmp/x'],
    ['remote.origin.annex-rsync-options', '--bwlimit=100 -- evil'],
    ['remote.origin.annex-gnupg-options', '--exec-path /tmp'],
    ['remote.origin.annex-gnupg-decrypt-options', '--photo-viewer /tmp/x'],
    ['remote.origin.annex-bup-split-options', '-r evil:'],
    ['annex.web-options', '--use-askpass=/tmp/x'],
    ['annex.web-options', '-e use_askpass=/tmp/x'],
    ['annex.youtube-dl-options', '--exec /tmp/x'],
    ['annex.aria-torrent-options', '--on-download-complete=/tmp/x'],
    ['annex.shell', '/tmp/x'],
    ['annex.rsync-transport', 'sh -c id'],
    ['annex.tahoe', '/tmp/x'],
    ['remote.origin.annex-tahoe', '/tmp/x'],
  ];
  test.each(attacks)('%s=%s fails', async (key, value) => {
    const got = await outcome({ [key]: value });
    expect(got.outcome).toBe('fail');
    expect(got.messages).toEqual([expect.stringContaining(key)]);
  });

  test('clean twin: options that run nothing pass', async () => {
    expect(
      await outcome({
        'remote.origin.annex-ssh-options': '-p 2222 -i ~/.ssh/annex_ed25519 -o StrictHostKeyChecking=accept-new',
        'annex.ssh-options': '-4 -oServerAliveInterval=30 -C',
        'remote.backup.annex-rsync-options': '--bwlimit=500 -v --partial',
        'remote.backup.annex-gnupg-options': '--cipher-algo AES256 --compress-algo none',
        'annex.web-options': '-q --limit-rate 200k',
        'remote.origin.annex-uuid': '8b3c3e4e-1111-4a8e-9d2e-6b2f0c5a1e77',
      }),
    ).toEqual({ outcome: 'pass', messages: [] });
  });
});
