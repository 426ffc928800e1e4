// git's own config keys whose value makes git run a program of the value's choosing (git 2.39's
// git-config(1), read key by key; test/helpers/command-keys.ts makes git run each one for real).
// One row per key: its pattern (on the normalised key) and whether a value runs a command. A new
// git version's key is one row here and one there.
import { gitBool } from '../../domain/config.js';

/** true: runs a command; a string: it does, and why (when the key alone does not say it). */
export type Runs = boolean | string;

interface CommandKey {
  readonly key: RegExp;
  readonly runs: (value: string) => Runs;
}

const always = (): Runs => true;
/** A value with a path separator names a file of the repository's choosing, not a tool git knows. */
const pathLike = (v: string): boolean => /[/\\]/.test(v);

// What git hands the shell after "git credential-" when a helper is a bare name: a name and options,
// nothing the shell reads as syntax (`x; touch f` runs touch: git runs helpers with use_shell).
const PLAIN_HELPER = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(?:[ \t]+[A-Za-z0-9_.,:=+@%-]+)*$/;

// The daemons git instaweb knows (git-instaweb.sh), from PATH or a system folder, as it starts them:
// any other value is a command line it starts (`./evil lighttpd` matches its *lighttpd* and runs ./evil).
const INSTAWEB_HTTPD =
  /^(?:\/usr\/s?bin\/|\/usr\/local\/s?bin\/)?(?:lighttpd|apache2|httpd|webrick|plackup|python3?|mongoose)(?:[ \t]+-f)?$/;

// A pager or editor git finds on the user's PATH (or in a system folder) by a name everyone knows,
// with options that only set how it shows the text: the user's own program, as the same value in their
// global config would run. Not a shell (`sh` as a pager runs the log's text), not less with +cmd,
// -o file or a lesskey file.
/** An optional system folder before a program's name (else git finds it on the user's PATH). */
export const SYSTEM_DIR = '(?:/usr/bin/|/bin/|/usr/local/bin/|/opt/homebrew/bin/)?';
// less with options that set how it shows the text (not +cmd, -o file, -k lesskey, --lesskey-file);
// delta (a diff pager) with its display options only (not --pager, which names another program).
const LESS_OPTION = String.raw`-[FRXSKiIMNJ]+|-x\d+|--(?:tabs=\d+|quit-if-one-screen|RAW-CONTROL-CHARS|no-init|chop-long-lines|ignore-case|mouse)`;
const DELTA_OPTION = String.raw`--(?:color-only|navigate|side-by-side|line-numbers|dark|light|hyperlinks)|-[sn]`;
const USER_PAGER = new RegExp(
  String.raw`^${SYSTEM_DIR}(?:cat|more|less(?:[ \t]+(?:${LESS_OPTION}))*|delta(?:[ \t]+(?:${DELTA_OPTION}))*)$`,
);
/** interactive.diffFilter: delta's documented `delta --color-only`, from PATH or a system folder. */
const USER_DIFF_FILTER = new RegExp(String.raw`^${SYSTEM_DIR}delta(?:[ \t]+(?:${DELTA_OPTION}))*$`);
// The editors and diff tools people install (VS Code and its forks, the JetBrains IDEs' launchers,
// Sublime, meld, kdiff3...), found on PATH, in a system folder or under Windows' Program Files (which
// only an administrator writes), as their documentation has them set: the user's own program.
const WINDOWS_PROGRAMS = String.raw`["']?(?![^"'\r\n]*\.\.)[A-Za-z]:[\\/]Program Files(?: \(x86\))?[\\/][^"'$;&|<>\x60\r\n]*[\\/]`;
const IDES = String.raw`(?:code(?:-insiders)?|codium|cursor|(?:idea|pycharm|webstorm|phpstorm|goland|clion|rider|rubymine|datagrip|rustrover|studio)(?:64)?(?:\.sh)?)`;
const IDE = String.raw`(?:${SYSTEM_DIR}${IDES}|${WINDOWS_PROGRAMS}(?:${IDES}|Code)(?:\.exe|\.cmd)?["']?)`;
const IDE_OPTION = String.raw`(?:--wait|-w|--new-window|-n|--reuse-window|-r)`;
const USER_EDITOR = new RegExp(
  String.raw`^(?:${SYSTEM_DIR}(?:vi|vim|nvim|nano|pico|micro|emacs(?:[ \t]+-nw)?|subl[ \t]+-w|mate[ \t]+-w)|${IDE}(?:[ \t]+${IDE_OPTION})+)$`,
  'i',
);
// A mergetool's or difftool's command as those tools document it: the program, its diff/merge options
// and git's own file variables ($LOCAL, "$REMOTE"...), whose values the shell does not run.
const TOOL_WORD = String.raw`(?:${IDE_OPTION}|--diff|-d|--merge|-m|--output|-o|--auto-merge|-L[123]?|merge|diff|mergetool|"?\$(?:LOCAL|REMOTE|BASE|MERGED)"?)`;
const USER_TOOL_CMD = new RegExp(
  String.raw`^(?:${IDE}|${SYSTEM_DIR}(?:meld|kdiff3|smerge|bcompare|bcomp|opendiff))(?:[ \t]+${TOOL_WORD})+$`,
  'i',
);
// `true` as a merge driver keeps our side, gitattributes' `merge=ours` recipe (`git config
// merge.ours.driver true`, per clone): git execs the user's own `true` (no shell: no metacharacter),
// which reads and runs nothing, as a pager's `cat` does. Anything more is a command line.
const KEEP_OURS = new RegExp(String.raw`^${SYSTEM_DIR}true$`);
const runsUnlessUser =
  (known: RegExp) =>
  (v: string): Runs =>
    !known.test(v.trim());

const KEYS: readonly CommandKey[] = [
  // core.fsmonitor=true asks for git's built-in daemon; any other non-boolean value is a program.
  { key: /^core\.fsmonitor$/, runs: (v) => gitBool(v) === undefined },
  {
    key: /^(?:core\.(?:askpass|gitproxy|sshcommand|alternaterefscommand)|diff\.external)$/,
    runs: always,
  },
  { key: /^interactive\.difffilter$/, runs: runsUnlessUser(USER_DIFF_FILTER) },
  { key: /^core\.pager$/, runs: runsUnlessUser(USER_PAGER) },
  { key: /^(?:core|sequence)\.editor$/, runs: runsUnlessUser(USER_EDITOR) },
  // git imap-send starts the tunnel through the shell instead of connecting to imap.host.
  { key: /^imap\.tunnel$/, runs: always },
  { key: /^instaweb\.httpd$/, runs: (v) => !INSTAWEB_HTTPD.test(v.trim()) },
  // pager.<cmd>: a boolean turns git's own pager on or off; anything else is the pager.
  { key: /^pager\.[^.]+$/, runs: (v) => gitBool(v) === undefined && !USER_PAGER.test(v.trim()) },
  // An alias starting with "!" is a shell command (any other alias runs git, which refuses -c in it).
  { key: /^alias\..+$/, runs: (v) => v.trim().startsWith('!') },
  { key: /^filter\..+\.(?:clean|smudge|process)$/, runs: always },
  { key: /^diff\..+\.(?:textconv|command)$/, runs: always },
  { key: /^merge\..+\.driver$/, runs: runsUnlessUser(KEEP_OURS) },
  // git submodule update runs "!command" from the config (git refuses it only from .gitmodules).
  { key: /^submodule\..+\.update$/, runs: (v) => v.trim().startsWith('!') },
  // The remote helper git-remote-<vcs>: with a "/" it is a path from the work tree, not a helper on PATH
  // (git 2.39's fetch ran ./evil for remote.origin.vcs=a/../evil beside a folder git-remote-a).
  { key: /^remote\..+\.vcs$/, runs: pathLike },
  // git mergetool and difftool source "$(git --exec-path)/mergetools/<tool>" as shell: a tool name
  // with a "/" (../../../../home/x/repo/evil) sources a file of the repository's choosing.
  {
    key: /^(?:merge|diff)\.(?:tool|guitool)$/,
    runs: (v) => pathLike(v) && 'git mergetool and difftool source the tool named as a shell script',
  },
  // Tools git mergetool, difftool, help (man, web) and git gui start, and git send-email's programs.
  { key: /^(?:mergetool|difftool)\..+\.cmd$/, runs: runsUnlessUser(USER_TOOL_CMD) },
  { key: /^(?:mergetool|difftool|man|browser)\..+\.path$|^(?:man|browser)\..+\.cmd$/, runs: always },
  { key: /^guitool\..+\.cmd$/, runs: always },
  // git interpret-trailers (git commit --trailer runs it) runs a trailer's command through the shell:
  // `command` on every run, `cmd` when its token is given (git-interpret-trailers(1), not git-config(1)).
  { key: /^trailer\..+\.(?:command|cmd)$/, runs: always },
  // git 2.54's configured hooks: the command runs through the shell on each event its
  // hook.<name>.event names (git-hook(1)); one without an event here may get one from another file.
  { key: /^hook\..+\.command$/, runs: always },
  // git 2.42's gc (git gc --auto after a commit or fetch too) runs it through the shell for the ids
  // to keep when it writes a cruft pack or loosens unreachable objects.
  { key: /^gc\.recentobjectshook$/, runs: always },
  // headerCmd: git 2.41's send-email runs it for each patch, as the others.
  { key: /^sendemail\.(?:.+\.)?(?:tocmd|cccmd|headercmd|sendmailcmd)$/, runs: always },
  // An absolute path is a sendmail-like program send-email execs (file_name_is_absolute: on Windows
  // and msys a drive letter or a leading backslash too, read by the same repository's config there).
  { key: /^sendemail\.(?:.+\.)?smtpserver$/, runs: (v) => /^\s*(?:[/\\]|[A-Za-z]:)/.test(v) },
  // Run on the local machine when the remote is a local path or file:// URL.
  { key: /^remote\..+\.(?:uploadpack|receivepack)$/, runs: always },
  // "!" is a shell command, a path a program of the repository's choosing, and a bare name goes to the
  // shell after "git credential-": anything but a name and plain options is shell syntax.
  {
    key: /^credential\.(?:.+\.)?helper$/,
    runs: (v) => v.trim().startsWith('!') || v.includes('/') || !PLAIN_HELPER.test(v.trim()),
  },
];

/** Whether git runs a command of the value's choosing for this key (undefined: no such key). */
export function gitKeyRuns(key: string, value: string): Runs | undefined {
  const row = KEYS.find((k) => k.key.test(key));
  return row?.runs(value);
}
