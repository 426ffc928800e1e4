// The environment variables whose value changes what a CI step's command runs or how: which program
// a name runs (PATH), how a shell or node starts, where npm and gitguard read their settings. Set
// where the reading of the gate step cannot see the value take effect (an earlier step's
// $GITHUB_ENV, `env:`, GitLab `variables:`, an assignment in the script), the step is no gate.
import { pagerLoses } from './pager-vars.js';

/** A shell's start and its lookup of names (read by shell-state.ts unfollowedAssignment, PATH by its folders). */
const STARTUP = new Set(['BASH_ENV', 'ENV', 'SHELLOPTS', 'BASHOPTS', 'PATH', 'CDPATH', 'IFS']);

/**
 * How node and its loader start (`--require ./x.js`), which servers node trusts (NODE_EXTRA_CA_CERTS:
 * with HTTPS_PROXY, which npm honours, a server of the pusher's answers npx's download of gitguard),
 * where npm, npx and gitguard read their files
 * (HOME, XDG_*: npm's ~/.npmrc, gitguard's state and ledger) and npm's settings from the environment.
 * Not Go's variables (GOPATH, GOENV, GOROOT, GOTOOLCHAIN...): they move no program gitguard runs,
 * only what `$(go env GOPATH)` prints, which runner-files.ts reads as Go's $HOME/go only while no step
 * sets one (movesGoPath).
 * GIT_* is not here: gitguard drops every GIT_* variable for the git it runs (collect/child-env.ts)
 * and refuses GIT_DIR, so a step that sets one still fails on a failing audit.
 */
const PROGRAM =
  /^(?:NODE_OPTIONS|NODE_PATH|NODE_EXTRA_CA_CERTS|NODE_TLS_REJECT_UNAUTHORIZED|LD_PRELOAD|LD_LIBRARY_PATH|LD_AUDIT|HOME|XDG_[A-Z_]+)$/;
const NPM_CONFIG = /^npm_config_/i;
/** npm settings that change only its output or checks (cleanpass30's `npm_config_loglevel: warn`), not what runs. */
const NPM_QUIET =
  /^npm_config_(?:loglevel|fund|audit|progress|update[-_]notifier|color|engine[-_]strict|save[-_]exact|unicode|timing)$/i;

/**
 * The other package managers' settings from the environment: corepack (its shims can stand for npm,
 * npx, pnpm and yarn: COREPACK_NPM_REGISTRY, COREPACK_HOME, COREPACK_INTEGRITY_KEYS change which
 * package manager runs), yarn (every YARN_* is a .yarnrc.yml setting: YARN_NPM_REGISTRY_SERVER,
 * YARN_RC_FILENAME, YARN_PLUGINS), pnpm (PNPM_HOME, pnpm_config_*) and bun (BUN_INSTALL, BUN_CONFIG_*).
 */
const MANAGER_CONFIG = /^(?:COREPACK_|YARN_|PNPM_|BUN_|pnpm_config_)/i;
/** Theirs that change only a prompt, progress output or telemetry, or only stop a download: not what runs. */
const MANAGER_QUIET =
  /^(?:COREPACK_ENABLE_(?:DOWNLOAD_PROMPT|NETWORK)|YARN_ENABLE_(?:PROGRESS_BARS|TELEMETRY|COLORS|HYPERLINKS|IMMUTABLE_INSTALLS))$/;

/** The inputs gitguard's action and GitLab template read themselves (audit-options.ts), not gitguard. */
const TEMPLATE_INPUTS = /^GITGUARD_(?:ARGS|FAIL_ON|THREATS|FORGE|REPO|REF|PATH)$/;

/** Whether setting `name` may change what a later `gitguard`/`npx gitguard` runs, or how it judges. */
export function shadowingName(name: string): boolean {
  return (
    STARTUP.has(name) ||
    PROGRAM.test(name) ||
    (NPM_CONFIG.test(name) && !NPM_QUIET.test(name)) ||
    (MANAGER_CONFIG.test(name) && !MANAGER_QUIET.test(name)) ||
    (/^GITGUARD_/.test(name) && !TEMPLATE_INPUTS.test(name))
  );
}

/** The settings a `GIT_CONFIG_KEY_<n>` may give that run no program and read no other repository. */
const GIT_QUIET_KEY =
  /^(?:safe\.directory|url\..+\.(?:insteadof|pushinsteadof)|http\.(?:.+\.)?(?:sslverify|sslcainfo|extraheader|version|postbuffer)|user\.(?:name|email|signingkey)|init\.defaultbranch|advice\..+|color\..+|core\.(?:autocrlf|eol|filemode|ignorecase|longpaths|quotepath)|fetch\.(?:prune|parallel)|protocol\.version|(?:commit|tag)\.gpgsign|gpg\.format|pull\.(?:rebase|ff)|push\.(?:default|autosetupremote)|gc\.auto)$/i;
/** Whether git's setting `key` runs no program and reads no other repository (GIT_QUIET_KEY): not alias.*, core.pager, core.hooksPath... */
export const quietGitKey = (key: string): boolean => GIT_QUIET_KEY.test(key.trim());
/**
 * git's variables that give it config, hooks or programs (git(1) ENVIRONMENT). Not GIT_DIR and its
 * kin (gitRepoVarLoses): set for gitguard alone they change nothing, it refuses GIT_DIR (target92's twin).
 */
const GIT_ELSEWHERE = /^GIT_(?:CONFIG|CONFIG_PARAMETERS|CONFIG_GLOBAL|CONFIG_SYSTEM|TEMPLATE_DIR|EXEC_PATH)$/;

/**
 * Whether a GIT_* variable set for a job makes git run what the CI file chose where gitguard's own
 * git does not look (it drops every GIT_*): the runner's own fetch and checkout, and the git commands
 * before the audit, take them (`GIT_CONFIG_KEY_0: core.fsmonitor` or `core.hooksPath` runs a command
 * at the checkout, which can move HEAD before the audit; GIT_TEMPLATE_DIR's hooks...). A
 * `GIT_CONFIG_KEY_<n>` naming a setting that runs nothing (`safe.directory`, `url.<x>.insteadOf`)
 * keeps the gate. GIT_ALLOW_PROTOCOL listing `ext` lets a submodule's `ext::` URL run its command.
 */
export const gitSettingLoses = (name: string, value: string): boolean =>
  GIT_ELSEWHERE.test(name) ||
  (name === 'GIT_ALLOW_PROTOCOL' && /(?:^|:)\s*ext\s*(?::|$)/.test(value)) ||
  (/^GIT_CONFIG_KEY_\d+$/.test(name) && !GIT_QUIET_KEY.test(value.trim())) ||
  gitProgramLoses(name, value);

/**
 * git's variables naming a program it runs with no tty (git(1) ENVIRONMENT, git-var(1)): the editor of
 * `git commit` without -m (GIT_EDITOR, VISUAL, EDITOR, GIT_SEQUENCE_EDITOR), `git diff`'s external diff,
 * the prompt for a password, the transport's ssh or proxy. GIT_PAGER and PAGER: pager-vars.ts.
 */
const GIT_PROGRAM_VAR =
  /^(?:GIT_(?:EDITOR|SEQUENCE_EDITOR|EXTERNAL_DIFF|ASKPASS|SSH|SSH_COMMAND|PROXY_COMMAND)|SSH_ASKPASS|EDITOR|VISUAL)$/;
/** ssh's options that run nothing the caller chose (a deploy key's `-i key -o StrictHostKeyChecking=no`). */
const SSH_QUIET_FLAG = /^-(?:[46AaCgKkNnqsTtVvXxYy]+|[iplc]|o)$/;
const SSH_QUIET_OPTION =
  /^(?:StrictHostKeyChecking|UserKnownHostsFile|GlobalKnownHostsFile|IdentityFile|IdentitiesOnly|BatchMode|ConnectTimeout|ConnectionAttempts|Port|User|LogLevel|ServerAlive(?:Interval|CountMax)|HostKeyAlgorithms|PubkeyAcceptedKeyTypes|PubkeyAcceptedAlgorithms|AddKeysToAgent|PasswordAuthentication|PreferredAuthentications|HashKnownHosts|CheckHostIP|UpdateHostKeys|Compression|TCPKeepAlive)=/i;

/**
 * Whether `GIT_SSH_COMMAND`/`GIT_SSH` runs the runner's ssh with only options that run nothing else:
 * not `-F file` (its ProxyCommand, Match exec), `-o ProxyCommand=...`, LocalCommand, KnownHostsCommand.
 * A word with an expansion or a quote is not read: fail closed.
 */
function runnersSsh(name: string, value: string): boolean {
  const words = value.trim().split(/\s+/);
  if (!/^(?:\/usr\/bin\/|\/bin\/)?ssh$/.test(words[0] ?? '') || /[$`'"\\;&|<>(){}]/.test(value)) return false;
  if (name === 'GIT_SSH') return words.length === 1;
  for (let k = 1; k < words.length; k += 1) {
    const w = words[k]!;
    if (!SSH_QUIET_FLAG.test(w)) return false;
    if (w === '-o' && !SSH_QUIET_OPTION.test(words[k + 1] ?? '')) return false;
    if (/^-[iplco]$/.test(w)) k += 1;
  }
  return true;
}

/**
 * Whether setting `name` to `value` for git gives it a program to run (GIT_PROGRAM_VAR, the runner's
 * ssh aside), or a file to write its trace to (GIT_TRACE*=/path appends to any file, the gate's too).
 */
function gitProgramLoses(name: string, value: string): boolean {
  if (pagerLoses(name, value)) return true;
  if (/^GIT_TRACE\w*$/.test(name)) return !/^\s*(?:|0|1|2|true|false|yes|no|on|off)\s*$/i.test(value);
  if (!GIT_PROGRAM_VAR.test(name)) return false;
  return !((name === 'GIT_SSH_COMMAND' || name === 'GIT_SSH') && runnersSsh(name, value));
}

/** The checkout's own git dir as a path names it (`.git`, `./.git`, `$GITHUB_WORKSPACE/.git`). */
export const OWN_GIT_DIR = /^(?:(?:\.\/|\$\{?GITHUB_WORKSPACE\}?\/|\$\{\{\s*github\.workspace\s*\}\}\/)?\.git\/?)$/;
/** The checkout's root as a path names it (`.`, `$GITHUB_WORKSPACE`, GitLab's `$CI_PROJECT_DIR`). */
export const OWN_WORK_TREE =
  /^(?:\.\/?|\$\{?(?:GITHUB_WORKSPACE|CI_PROJECT_DIR)\}?\/?|\$\{\{\s*github\.workspace\s*\}\}\/?)$/;

/**
 * Whether setting `name` to `value` makes git open a repository other than the checkout's, or write
 * its work tree elsewhere (git(1) ENVIRONMENT: GIT_DIR, GIT_COMMON_DIR, GIT_WORK_TREE): one the change
 * committed as plain files (`GIT_DIR=ci/x.git`), whose config names programs a `git fetch` runs
 * (`remote.origin.uploadpack`). gitguard drops them for its own git (GIT_DIR it refuses), so they lose
 * only where a git command runs with them (target92's `GIT_DIR=x npx gitguard audit` keeps).
 */
export function gitRepoVarLoses(name: string, value: string): boolean {
  if (name === 'GIT_DIR' || name === 'GIT_COMMON_DIR') return !OWN_GIT_DIR.test(value.trim());
  return name === 'GIT_WORK_TREE' && !OWN_WORK_TREE.test(value.trim());
}

/** Whether setting `name` to `value` changes what a git command run with it does (gitSettingLoses, gitRepoVarLoses). */
export const gitVariableLoses = (name: string, value: string): boolean =>
  gitSettingLoses(name, value) || gitRepoVarLoses(name, value);

/** Whether the shell word `NAME=value` (an assignment, `export`'s too) changes what git run with it does (gitVariableLoses). */
export function gitAssignmentLoses(word: string): boolean {
  const m = /^([A-Za-z_]\w*)=(.*)$/s.exec(word);
  return m !== null && gitVariableLoses(m[1]!, m[2]!);
}

/** An assignment in a script's text: its name, then its value quoted or as one word. */
const ASSIGNMENT = /(?:^|[\s;&|(])([A-Za-z_]\w*)=(?:'([^']*)'|"([^"]*)"|([^\s;&|)]*))/g;
/** Whether `script`'s text assigns git's config, a program of its or another repository anywhere (gitAssignmentLoses), read as written. */
export const assignsGitProgram = (script: string): boolean =>
  [...script.matchAll(ASSIGNMENT)].some((m) => gitVariableLoses(m[1]!, m[2] ?? m[3] ?? m[4] ?? ''));
