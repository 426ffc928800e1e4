// git 2.39's config keys that make git run a program (git-config(1), read key by key), as data: each
// row sets the key in the repository's own config and names the git commands that use it. The test
// (test/collect/config-command-keys.test.ts) proves with real git that the command runs (it writes a
// marker file) and that gitguard's rule fails; a row with `runs: false` is a value git ignores there or
// a program of the user's own, and the rule must pass. The next git version's key is one row here
// (and one in src/rules/lib/git-command-keys.ts).
//
// In values and scripts: {M} is the marker file's path (ran in HOME), {P} a program that writes it (a shell script,
// also sourced as one), {T} the path of {P} from git's mergetools folder (../../..). A pager, and the
// colour interactive.diffFilter filters, need a terminal: `script` gives git one.
// Not proved here: sendemail.* (git send-email is not installed: Debian's git-email), guitool.*.cmd
// (git gui needs Tk), submodule.<name>.update=!cmd (test/cli/redteam27-config-commands.test.ts).

export interface CommandKeyRow {
  key: string;
  value: string;
  /** The rule that judges the key. */
  rule: string;
  /** Other settings git needs to reach the key (harmless alone). */
  also?: Record<string, string>;
  /** Files written into the work tree first (not committed). */
  files?: Record<string, string>;
  /** Shell run in the work tree that makes git use the key; absent: a value no git command is needed for. */
  git?: string;
  /** false: git runs nothing of the repository's choosing for it (the rule passes). */
  runs: boolean;
}

const CRED = `printf 'protocol=https\\nhost=example.com\\n\\n' | git credential fill`;
const ON_TTY = (cmd: string): string => `script -qec '${cmd}' /dev/null`;
const DIFF = 'echo more >> f && git diff';
const ADD = 'echo more >> f && git add f';
const CONFLICT = 'git merge side >/dev/null 2>&1; git mergetool </dev/null';
const DIFFTOOL = 'git difftool -y HEAD~1 HEAD </dev/null';
const SIGN = 'git commit -S --allow-empty -m signed';
const SELF = { 'remote.o.url': '.' };
const SSH_SIGNING = { 'gpg.format': 'ssh', 'user.signingkey': 'key::ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA' };

export const COMMAND_KEYS: readonly CommandKeyRow[] = [
  // core
  {
    key: 'core.pager',
    value: 'touch {M}; cat',
    git: ON_TTY('git log -1'),
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  {
    key: 'core.pager',
    value: 'sh',
    git: `git commit -q --allow-empty -m "touch {M}" && ${ON_TTY('git log -1 --format=%s')}`,
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  { key: 'core.pager', value: 'less -FRX', rule: 'no-code-execution-in-local-config', runs: false },
  {
    key: 'pager.log',
    value: 'touch {M}; cat',
    git: ON_TTY('git log -1'),
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  { key: 'pager.log', value: 'false', rule: 'no-code-execution-in-local-config', runs: false },
  {
    key: 'core.editor',
    value: 'touch {M}; true',
    git: 'git commit --allow-empty',
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  { key: 'core.editor', value: 'code --wait', rule: 'no-code-execution-in-local-config', runs: false },
  {
    key: 'sequence.editor',
    value: 'touch {M}; true',
    git: 'git rebase -i HEAD~1',
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  { key: 'sequence.editor', value: 'vim', rule: 'no-code-execution-in-local-config', runs: false },
  { key: 'core.askPass', value: '{P}', git: CRED, rule: 'no-code-execution-in-local-config', runs: true },
  {
    key: 'core.sshCommand',
    value: 'touch {M}; false',
    git: 'git ls-remote ssh://example.invalid/r',
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  {
    key: 'core.gitProxy',
    value: '{P}',
    git: 'git ls-remote git://example.invalid/r',
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  { key: 'core.fsmonitor', value: '{P}', git: 'git status', rule: 'no-code-execution-in-local-config', runs: true },
  {
    key: 'core.alternateRefsCommand',
    value: 'touch {M}; true',
    git: 'git clone -q --bare . ../alt.git && echo "$PWD/../alt.git/objects" > .git/objects/info/alternates && git fetch -q ../alt.git',
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  // credentials
  {
    key: 'credential.helper',
    value: '!touch {M}; :',
    git: CRED,
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  {
    key: 'credential.helper',
    value: 'x; cd; touch ran; :',
    git: CRED,
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  {
    key: 'credential.https://example.com.helper',
    value: '!touch {M}; :',
    git: CRED,
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  { key: 'credential.helper', value: 'cache --timeout=3600', rule: 'no-code-execution-in-local-config', runs: false },
  // diff, merge, filters (drivers named by .gitattributes)
  { key: 'diff.external', value: 'touch {M}; true', git: DIFF, rule: 'no-code-execution-in-local-config', runs: true },
  {
    key: 'diff.x.command',
    value: 'touch {M}; true',
    files: { '.gitattributes': 'f diff=x\n' },
    git: DIFF,
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  {
    key: 'diff.x.textconv',
    value: 'touch {M}; cat',
    files: { '.gitattributes': 'f diff=x\n' },
    git: DIFF,
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  {
    key: 'filter.x.clean',
    value: 'touch {M}; cat',
    files: { '.gitattributes': 'f filter=x\n' },
    git: ADD,
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  {
    key: 'filter.x.smudge',
    value: 'touch {M}; cat',
    files: { '.gitattributes': 'f filter=x\n' },
    git: 'rm f && git checkout -- f',
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  {
    key: 'filter.x.process',
    value: 'touch {M}',
    files: { '.gitattributes': 'f filter=x\n' },
    git: ADD,
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  {
    key: 'merge.x.driver',
    value: 'touch {M}; false',
    files: { '.gitattributes': 'f merge=x\n' },
    git: 'git merge side',
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  // The merge=ours recipe: git runs the user's own `true` (our side kept); with more, a command line.
  {
    key: 'merge.x.driver',
    value: 'true',
    files: { '.gitattributes': 'f merge=x\n' },
    git: 'git merge side',
    rule: 'no-code-execution-in-local-config',
    runs: false,
  },
  {
    key: 'merge.x.driver',
    value: 'true; touch {M}',
    files: { '.gitattributes': 'f merge=x\n' },
    git: 'git merge side',
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  {
    key: 'merge.x.driver',
    value: '{P}',
    files: { '.gitattributes': 'f merge=x\n' },
    git: 'git merge side',
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  {
    key: 'interactive.diffFilter',
    value: 'touch {M}; cat',
    git: `echo more >> f && printf 'q\\n' | ${ON_TTY('git add -p')}`,
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  // tools: mergetool, difftool, help, web--browse, imap-send, instaweb, aliases
  {
    key: 'mergetool.x.cmd',
    value: 'touch {M}; false',
    also: { 'merge.tool': 'x', 'mergetool.prompt': 'false' },
    git: CONFLICT,
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  { key: 'merge.tool', value: '{T}', git: CONFLICT, rule: 'no-code-execution-in-local-config', runs: true },
  { key: 'merge.tool', value: 'vimdiff', rule: 'no-code-execution-in-local-config', runs: false },
  {
    key: 'difftool.x.cmd',
    value: 'touch {M}; true',
    also: { 'diff.tool': 'x' },
    git: DIFFTOOL,
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  { key: 'diff.tool', value: '{T}', git: DIFFTOOL, rule: 'no-code-execution-in-local-config', runs: true },
  { key: 'diff.guitool', value: 'meld', rule: 'no-code-execution-in-local-config', runs: false },
  {
    key: 'man.x.cmd',
    value: 'touch {M}; :',
    also: { 'man.viewer': 'x' },
    git: 'git help log',
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  {
    key: 'browser.x.cmd',
    value: 'touch {M}; :',
    git: 'git web--browse -b x http://example.invalid/',
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  {
    key: 'imap.tunnel',
    value: 'touch {M}; false',
    also: { 'imap.folder': 'drafts' },
    git: 'git format-patch -1 --stdout | git imap-send',
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  {
    key: 'instaweb.httpd',
    value: '{P} lighttpd',
    git: 'git instaweb --start </dev/null; git instaweb --stop',
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  { key: 'instaweb.httpd', value: 'lighttpd -f', rule: 'no-code-execution-in-local-config', runs: false },
  { key: 'alias.hi', value: '!touch {M}', git: 'git hi', rule: 'no-code-execution-in-local-config', runs: true },
  { key: 'alias.co', value: 'checkout', rule: 'no-code-execution-in-local-config', runs: false },
  // trailers: git interpret-trailers (and git commit --trailer, which runs it) runs a token's command
  // (on every run: git's trailer.c adds each configured `command` as if given) and its cmd (when the
  // token is given); neither is in git-config(1)'s key list in 2.39, only in git-interpret-trailers(1).
  {
    key: 'trailer.x.command',
    value: 'touch {M}; echo v',
    git: 'git commit -q --allow-empty -m t --trailer "Other: o"',
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  {
    key: 'trailer.x.cmd',
    value: 'touch {M}; echo v',
    git: 'git commit -q --allow-empty -m t --trailer "x: o"',
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  { key: 'trailer.x.key', value: 'Reviewed-by', rule: 'no-code-execution-in-local-config', runs: false },
  // remotes: local transports run the named programs, a vcs with a "/" is a path
  {
    key: 'remote.o.uploadpack',
    value: 'touch {M}; git-upload-pack',
    also: SELF,
    git: 'git fetch o',
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  {
    key: 'remote.o.receivepack',
    value: 'touch {M}; git-receive-pack',
    also: SELF,
    git: 'git push o HEAD:refs/heads/pushed',
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  {
    key: 'remote.o.vcs',
    value: 'a/../evil',
    also: SELF,
    git: 'mkdir git-remote-a && cp {P} evil && git fetch o',
    rule: 'no-code-execution-in-local-config',
    runs: true,
  },
  // git ignores uploadpack.packObjectsHook outside the user's own config (upload-pack.c)
  {
    key: 'uploadpack.packObjectsHook',
    value: 'touch {M}; exec',
    git: 'git clone -q --no-local . ../clone',
    rule: 'no-code-execution-in-local-config',
    runs: false,
  },
  // signing
  { key: 'gpg.program', value: '{P}', git: SIGN, rule: 'signing-programs-not-overridden-locally', runs: true },
  { key: 'gpg.program', value: 'gpg2', rule: 'signing-programs-not-overridden-locally', runs: false },
  {
    key: 'gpg.ssh.program',
    value: '{P}',
    also: SSH_SIGNING,
    git: SIGN,
    rule: 'signing-programs-not-overridden-locally',
    runs: true,
  },
  {
    key: 'gpg.ssh.program',
    value: '/usr/bin/ssh-keygen',
    rule: 'signing-programs-not-overridden-locally',
    runs: false,
  },
  {
    key: 'gpg.x509.program',
    value: '{P}',
    also: { 'gpg.format': 'x509' },
    git: SIGN,
    rule: 'signing-programs-not-overridden-locally',
    runs: true,
  },
  {
    key: 'gpg.ssh.defaultKeyCommand',
    value: 'touch {M}',
    also: { 'gpg.format': 'ssh' },
    git: SIGN,
    rule: 'signing-programs-not-overridden-locally',
    runs: true,
  },
];
