// The environment and time limit of every child gitguard starts (git, and the client programs it
// asks for their versions): a module of its own so that git.ts and run-program.ts both use it
// without importing each other.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { runAuditedFolders, runEnv } from './run-context.js';
import { insideAuditedRepository } from './audited-folders.js';

/**
 * GITGUARD_TIMEOUT=SECONDS replaces every child-process time limit: the total time of a one-shot
 * command, and for the history walk and the object reader the time git may go without progress
 * while gitguard waits on it (a million-commit walk can take minutes, but never goes quiet that long).
 */
export function childTimeoutMs(fallbackMs: number, env: NodeJS.ProcessEnv = runEnv()): number {
  const n = Number(env.GITGUARD_TIMEOUT);
  return env.GITGUARD_TIMEOUT && Number.isFinite(n) && n > 0 ? Math.round(n * 1000) : fallbackMs;
}

/** A limit set by a GITGUARD_* variable (a positive whole number), else `fallback`; 0 where `zeroLifts` says it lifts the limit. */
export function envLimit(name: string, fallback: number, zeroLifts = false, env: NodeJS.ProcessEnv = runEnv()): number {
  const n = Number(env[name]);
  if (!env[name] || !Number.isSafeInteger(n) || n < 0) return fallback;
  return n > 0 || zeroLifts ? n : fallback;
}

/**
 * The address space this process may use (RLIMIT_AS's soft limit, as Linux's /proc/self/limits
 * shows it), in bytes; undefined when unlimited or not known. Every child inherits it, so a git
 * started under a bound at least this tight is bounded already, and prlimit may not raise a limit
 * past its hard one: under a CI's `ulimit -v 3000000` every git gitguard wrapped in `prlimit
 * --as=4GiB` failed ("failed to set the AS resource limit"), and the audit of a clean repository
 * with it (exit 2), while git itself ran.
 */
export function addressLimit(): number | undefined {
  if (inheritedAs === undefined) {
    let text = '';
    try {
      text = readFileSync('/proc/self/limits', 'latin1');
    } catch {
      // not Linux: prlimit is not there either
    }
    const soft = /^Max address space\s+(\d+)\s/m.exec(text)?.[1];
    inheritedAs = soft ? Number(soft) : null;
  }
  return inheritedAs ?? undefined;
}
let inheritedAs: number | null | undefined;

let neutralHome: string | undefined;
/** An empty folder used as HOME so no user config, credential store or ssh config is read. */
export function neutralDir(): string {
  if (!neutralHome || !existsSync(neutralHome)) {
    neutralHome = mkdtempSync(join(tmpdir(), 'gitguard-home-'));
    process.once('exit', () => rmSync(neutralHome!, { recursive: true, force: true }));
  }
  return neutralHome;
}

/**
 * PATH without its relative and empty entries, nor those inside the audited repository: a child
 * looks the former up from the folder it runs in, which may be the audited work tree (`.` or
 * `node_modules/.bin` in PATH would run its committed `git`), and `npx` run in the repository puts
 * the latter first (see audited-folders.ts).
 */
export function absolutePath(path: string | undefined): string {
  // Asked for every child (twice per git: the file it runs and its environment), each entry a
  // realpath; the answer changes only with PATH or with the run's audited folders, which only grow.
  const noted = runAuditedFolders();
  const key = `${noted?.size ?? 0}\0${path ?? ''}`;
  const memo = noted && keptPaths.get(noted);
  if (memo?.key === key) return memo.kept;
  const entries = (path ?? '/usr/bin:/bin')
    .split(delimiter)
    .filter((d) => d !== '' && isAbsolute(d) && !insideAuditedRepository(d));
  const kept = entries.length ? entries.join(delimiter) : '/usr/bin:/bin';
  if (noted) keptPaths.set(noted, { key, kept });
  return kept;
}
const keptPaths = new WeakMap<Set<string>, { key: string; kept: string }>();

/** The environment for every git we run: inherited GIT_* variables are dropped on purpose. */
export function hardenedEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const home = neutralDir();
  const env: NodeJS.ProcessEnv = {
    PATH: absolutePath(runEnv().PATH),
    HOME: home,
    XDG_CONFIG_HOME: home,
    LC_ALL: 'C',
    LANG: 'C',
    TZ: 'UTC',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_COUNT: '0',
    GIT_ATTR_NOSYSTEM: '1',
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    GIT_EDITOR: 'false',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: 'false',
    SSH_ASKPASS: 'false',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_ALLOW_PROTOCOL: 'none',
    GIT_NO_LAZY_FETCH: '1',
    GIT_NO_REPLACE_OBJECTS: '1',
    GIT_GRAFT_FILE: '/dev/null',
    GIT_ADVICE: '0',
  };
  const systemRoot = runEnv().SYSTEMROOT;
  if (systemRoot) env.SYSTEMROOT = systemRoot;
  return { ...env, ...extra };
}

/** The children still running and the temp folders still there: what a signal must not leave behind. */
const live = new Set<ChildProcess>();
const folders = new Set<string>();
let cleanupRegistered = false;

function removeFoldersAtExit(): void {
  if (cleanupRegistered) return;
  cleanupRegistered = true;
  process.once('exit', () => {
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });
}

/** Spawn options every child is started with: a process group of its own (POSIX), which tracked() kills. */
export const OWN_GROUP: { detached: boolean } = { detached: process.platform !== 'win32' };

/**
 * `child` (started with OWN_GROUP: the leader of its own process group), kept in the list
 * stopChildren ends until it exits. A kill is sent to the whole group, and once the child has
 * exited whatever it left in its group is killed too: a `--git` wrapper (or anything git starts)
 * killed by the time limit or by gitguard's own SIGTERM left the processes it had started running
 * (a `sleep 1000`; a git holding our pipe open, so the run waited on it). A kill without a signal
 * is SIGKILL: a wrapper that ignores SIGTERM is stopped the same.
 */
export function tracked<T extends ChildProcess>(child: T): T {
  const pid = child.pid;
  const killGroup = (signal: NodeJS.Signals | number): boolean => {
    if (!OWN_GROUP.detached || pid === undefined) return false;
    try {
      process.kill(-pid, signal);
      return true;
    } catch {
      return false; // no such group (or nothing left of it)
    }
  };
  const own = child.kill.bind(child);
  child.kill = (signal: NodeJS.Signals | number = 'SIGKILL'): boolean => killGroup(signal) || own(signal);
  live.add(child);
  const gone = (): void => {
    live.delete(child);
    killGroup('SIGKILL');
  };
  child.once('exit', gone).once('error', gone);
  return child;
}

/**
 * A temp folder `tmpdir()/<prefix>XXXXXX` removed when the process exits, however it ends (the
 * caller's own removal comes first when it gets there; a signal ends the run through process.exit).
 */
export function tempFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  folders.add(dir);
  removeFoldersAtExit();
  return dir;
}

/**
 * Kills every child still running. For a signal that ends gitguard (SIGTERM from a CI timeout,
 * SIGINT, SIGHUP): before, the git it had started ran on without it (a rev-list for half a minute)
 * and its temp folders stayed in /tmp.
 */
export function stopChildren(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}
