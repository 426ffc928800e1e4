import type { ConfigEntry } from '../domain/model.js';
import { inWorkTreeFiles } from '../domain/config.js';
import { defineRepoRule } from './define.js';
import { conditionNote, configFinding, everyWorktreeConfig, unsetStep } from './lib/config.js';
import { gitKeyRuns } from './lib/git-command-keys.js';
import { FindingList, notAvailable } from './lib/findings.js';
import { annexOptionRunningCommand } from './lib/tool-options.js';

// Keys whose value is a command git runs during everyday work (status, diff, fetch, commit, log...):
// git's own in lib/git-command-keys.ts, the tools' (git-lfs, git-annex) below.
// In the user's own (global/system) config they are the user's choice; in the repository's local or
// worktree config they are whatever the repository's author (or a downloaded archive) planted.
// gpg.*program is its own rule (signing-programs-not-overridden-locally); core.hooksPath is
// hooks-not-disabled. uploadpack.packObjectsHook is not listed: git ignores it in local config.
const LOCAL = new Set(['local', 'worktree']);

// What `git lfs install --local` (and `--skip-smudge`) writes, as actions/checkout does with `lfs: true`,
// and what `git annex init` writes: each runs the user's own git-lfs or git-annex from PATH, as a global
// install would for every repository, and nothing of the repository's choosing.
const TOOL_FILTERS: Record<string, readonly string[]> = {
  clean: ['git-lfs clean -- %f', 'git-annex smudge --clean -- %f'],
  smudge: ['git-lfs smudge -- %f', 'git-lfs smudge --skip -- %f', 'git-annex smudge -- %f'],
  process: ['git-lfs filter-process', 'git-lfs filter-process --skip', 'git-annex filter-process'],
};

// What `git-crypt init` and `git-crypt unlock` write: a filter and a diff driver per key (`git-crypt`,
// or `git-crypt-<name>` with `--key-name=<name>`), each running the user's own git-crypt (from PATH, as
// it was started, or a system folder) with its own subcommand and nothing of the repository's choosing.
const GIT_CRYPT =
  /^(filter\.git-crypt(?:-([A-Za-z0-9_-]+))?\.(?:smudge|clean)|diff\.git-crypt(?:-([A-Za-z0-9_-]+))?\.textconv)$/;
const GIT_CRYPT_COMMAND =
  /^"(?:git-crypt|\/usr\/bin\/git-crypt|\/usr\/local\/bin\/git-crypt|\/opt\/homebrew\/bin\/git-crypt)" (smudge|clean|diff)(?: --key-name=([A-Za-z0-9_-]+))?$/;

// Keys git-lfs and git-annex read from the same config and run as commands: accepting their filters
// ("the user's own tool") holds only while the repository's config names none of these for them.
// git-lfs: a custom transfer agent (its args are shell-expanded) and extensions run on smudge/clean;
// git-annex (git-annex(1), CONFIGURATION): every *-command, a remote's annex-shell and tahoe program
// (its rsync transport: lib/tool-options.ts, where ssh with ssh's options runs nothing else), and a
// hook special remote's annex.<hooktype>-<action>-hook. A remote's setting is read from
// annex.<setting> first (Types/GitConfig.hs), so annex.shell runs for every remote.
const TOOL_COMMAND_KEYS: readonly RegExp[] = [
  /^lfs\.customtransfer\..+\.(?:path|args)$/,
  /^lfs\.extension\..+\.(?:clean|smudge)$/,
  /^annex\.[^.]+-(?:command|hook)$/,
  /^annex\.(?:shell|tahoe)$/,
  /^remote\..+\.annex-(?:[^.]+-command|shell|tahoe)$/,
  // delta (accepted as the pager) reads its options from git's config: its pager, in a feature too.
  /^delta\.(?:.+\.)?pager$/,
];

function isGitCrypt(key: string, value: string): boolean {
  const k = GIT_CRYPT.exec(key);
  const v = GIT_CRYPT_COMMAND.exec(value.trim());
  if (!k || !v) return false;
  const subcommand = key.startsWith('diff.') ? 'diff' : key.slice(key.lastIndexOf('.') + 1);
  return v[1] === subcommand && (k[2] ?? k[3]) === v[2];
}

// What actions/checkout writes with its `ssh-key` input (persist-credentials on): the system's own ssh
// with the job's key and known_hosts from the runner's temp folder, nothing else. Only a root-owned
// ssh is accepted (a program elsewhere is one of the repository's choosing), and only these options
// (any other -o, e.g. ProxyCommand, runs a command).
const SYSTEM_SSH = [
  '/usr/bin/ssh',
  '/bin/ssh',
  '/usr/local/bin/ssh',
  '/opt/homebrew/bin/ssh',
  'C:\\Program Files\\Git\\usr\\bin\\ssh.exe',
  'C:\\Windows\\System32\\OpenSSH\\ssh.exe',
];
const CHECKOUT_ID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const CHECKOUT_SSH = new RegExp(
  `^"([^"]+)" -i "\\$RUNNER_TEMP/(${CHECKOUT_ID})"( -o StrictHostKeyChecking=yes -o CheckHostIP=no)? -o "UserKnownHostsFile=\\$RUNNER_TEMP/\\2_known_hosts"$`,
);

function isCheckoutSsh(value: string): boolean {
  const m = CHECKOUT_SSH.exec(value.trim());
  return m !== null && SYSTEM_SSH.includes(m[1]!);
}

// The credential helper GitLab Runner writes for a job (FF_GIT_URLS_WITHOUT_TOKENS, the default since
// GitLab 18.0) into a file the checkout's local config includes: it prints the job's own CI_JOB_TOKEN,
// which dies with the job, and runs nothing else. Taken only scoped to the job's own server, in a job.
const GITLAB_RUNNER_HELPER = '!f(){ if [ "$1" = "get" ] ; then echo "password=${CI_JOB_TOKEN}" ; fi ; } ; f';

function isRunnerHelper(e: ConfigEntry, jobServers: readonly string[]): boolean {
  const m = /^credential\.(.+)\.helper$/.exec(e.key);
  return m !== null && e.value === GITLAB_RUNNER_HELPER && jobServers.includes(m[1]!.replace(/\/+$/, ''));
}

/** What a tool the user installed wrote for itself: its own filters and diff driver, checkout's ssh. */
function isToolsOwn(k: string, v: string): boolean {
  if (k === 'core.sshcommand') return isCheckoutSsh(v);
  const filter = /^filter\..+\.(clean|smudge|process)$/.exec(k);
  return (filter !== null && TOOL_FILTERS[filter[1]!]!.includes(v.trim())) || isGitCrypt(k, v);
}

// An include directive taking in a file of the work tree (`git config include.path ../.gitconfig`, a
// shared config committed beside the code): the repository's config is then whatever the last checkout
// wrote there, and a commit adding `core.fsmonitor` or an alias to it runs on the next git command,
// before any audit sees it. Judged whether or not the file sets a command today.
const INCLUDE = /^include(?:if\..*)?\.path$/;

/** Whether the entry is a command (a string: why, when the key alone does not say it). */
function isCommand(e: ConfigEntry): boolean | string {
  const k = e.key;
  const v = e.value;
  if (v === null || v.trim() === '' || isToolsOwn(k, v)) return false;
  // git looks an alias up before it has set up the repository: not in config.worktree or an onbranch include.
  if (e.afterSetup && k.startsWith('alias.')) return false;
  if (TOOL_COMMAND_KEYS.some((re) => re.test(k))) return true;
  // Options git-annex passes to ssh, rsync, gpg, bup, wget/curl, yt-dlp or aria2c: read as they read them.
  const word = annexOptionRunningCommand(k, v);
  if (word !== undefined)
    return word !== null && `git-annex hands ${word} to another program, and it is no option known to run nothing`;
  return gitKeyRuns(k, v) ?? false;
}

/** An include directive of the repository's own config naming a file of the work tree (a tracked `../.gitconfig`). */
function takesInWorkTreeFile(e: ConfigEntry, workTree: string | undefined): boolean {
  return LOCAL.has(e.scope) && INCLUDE.test(e.key) && e.opens !== undefined && inWorkTreeFiles(e.opens, workTree);
}

export default defineRepoRule({
  id: 'no-code-execution-in-local-config',
  needs: ['config', 'worktree-config'],
  evaluate(facts, ctx) {
    const config = everyWorktreeConfig(facts);
    if (!config.ok) return notAvailable(config.reason);
    const found = new FindingList(ctx.findingLimit);
    let runnerHelpers = 0;
    for (const e of config.value) {
      if (takesInWorkTreeFile(e, facts.repository.bare ? undefined : facts.repository.workTree)) {
        found.add(
          configFinding(
            e,
            `the repository's ${e.scope} config takes in a file of the work tree, which every checkout or pull may rewrite, so whoever commits to it chooses commands git runs (core.fsmonitor, core.sshCommand...): ${e.key}=${e.value}${conditionNote(e)}; ` +
              `next: copy what you need from it into .git/config (or your global config), then: ${unsetStep(e)}`,
          ),
        );
        continue;
      }
      const why = LOCAL.has(e.scope) && isCommand(e);
      if (why === false) continue;
      if (isRunnerHelper(e, facts.ciJobServers ?? [])) {
        runnerHelpers += 1;
        continue;
      }
      const detail = typeof why === 'string' ? ` (${why})` : '';
      found.add(
        configFinding(
          e,
          `the repository's ${e.scope} config runs a command: ${e.key}=${e.value}${detail}${conditionNote(e)}; ` +
            `next: if you set it yourself, set it in your global config instead (git config --global), ` +
            `then: ${unsetStep(e)}`,
        ),
      );
    }
    return found.evaluation(
      'fail',
      runnerHelpers
        ? `${runnerHelpers} credential helper(s) GitLab Runner wrote for this job (printing its CI_JOB_TOKEN to the job's own server): not reported`
        : undefined,
    );
  },
});
