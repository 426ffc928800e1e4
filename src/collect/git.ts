// The one module that runs git. Every call gets a fresh environment (no system/global config, no
// pager, no prompts, no protocols, no replace objects, no grafts), an argv array and no shell, and
// stdin closed unless we feed it. History is read through a throw-away "shadow" git dir whose only
// link to the audited repository is objects/info/alternates: the audited repository's config, hooks,
// attributes and commit-graph are never consulted, so nothing in it can run code or forge a verdict.
// (simple-git is not used here: its guards refuse the -c/env overrides this needs and it buffers
// output, while the history walk must stream.)
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { GitError, ExpectedError, firstLine, fsReason } from '../errors.js';
import { readBoundedIfExists } from './safe-fs.js';
import { runContext, runEnv, type RunContext } from './run-context.js';
import { childTimeoutMs, envLimit, hardenedEnv, addressLimit, neutralDir, tracked, OWN_GROUP } from './child-env.js';
import { executable, versionOutput } from './run-program.js';
import { insideAuditedRepository } from './audited-folders.js';
import { linkOwnPacks, writeBareGitDir } from './shadow-packs.js';

const SHALLOW_MAX_BYTES = 16 * 1024 * 1024; // the shallow file: 41 bytes a boundary commit

export interface GitRunOptions {
  cwd?: string;
  /** Runs as `git --git-dir=<gitDir>`; also skips git's repository discovery. */
  gitDir?: string;
  input?: string | Buffer;
  /** Extra variables (on top of the hardened environment). */
  env?: NodeJS.ProcessEnv;
  /** Kill git after this long; a hostile repository must never make us hang. */
  timeoutMs?: number;
  /** Leave out the -c overrides (for `git config --list`, where they would show as entries). */
  noOverrides?: boolean;
  /** Exit codes that are answers, not failures (e.g. 1 for "no such ref"). */
  okCodes?: number[];
  maxBytes?: number;
  /** stderr kept (64 KiB: the first line is all most callers show); more is dropped and said in GitResult. */
  maxStderrBytes?: number;
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  code: number;
  /** stderr went past maxStderrBytes: `stderr` holds only its beginning. */
  stderrCut?: true;
}

/** Default for streaming children: how long git may show no progress while we wait on it. */
const IDLE_TIMEOUT_MS = 300_000;

/**
 * Kills a streaming child that shows no progress for idleMs while armed. The caller arms it while it
 * waits on the child (not while its own consumer is busy: backpressure is not a hang) and re-arms on
 * every sign of progress.
 */
export class Watchdog {
  private timer: NodeJS.Timeout | undefined;
  /** Set once the child was killed: the one-line reason. */
  reason: string | undefined;
  readonly idleMs: number;
  constructor(
    private readonly child: ChildProcess,
    private readonly what: string,
    idleMs = childTimeoutMs(IDLE_TIMEOUT_MS),
  ) {
    this.idleMs = idleMs;
  }

  arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return;
      this.reason = `${this.what} made no progress for ${this.idleMs / 1000} s and was stopped`;
      this.child.kill('SIGKILL');
    }, this.idleMs);
  }

  disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Throws the timeout as a GitError (exit 2, one line) if it fired. */
  check(args: string[]): void {
    this.disarm();
    if (this.reason)
      throw new GitError(args, null, `${this.reason}; on a very large repository set GITGUARD_TIMEOUT=SECONDS`);
  }
}

/** Which git this run runs (`--git PATH`, else git on PATH); see run-context.ts. */
export function getGitBinary(): string {
  return runContext().gitBinary;
}

/** "git at /bin/false did not run: exited 1 without output; pass --git PATH to a working git". */
function gitDidNotRun(bin: string, reason: string): ExpectedError {
  return bin === 'git'
    ? new ExpectedError(`git did not run: ${reason}`, 'install git, or pass --git PATH to a working git')
    : new ExpectedError(`git at ${bin} did not run: ${reason}`, 'pass --git PATH to a working git');
}

const spawnReason = (e: NodeJS.ErrnoException, bin: string): string =>
  e.code === 'ENOENT' ? (bin.includes('/') ? 'no such file' : `not found on PATH${skippedGit(bin)}`) : fsReason(e);

/** Why PATH had no git, when the only one on it is inside the audited repository (which never supplies it). */
function skippedGit(bin: string): string {
  const inside = (runEnv().PATH ?? '')
    .split(delimiter)
    .find((d) => isAbsolute(d) && insideAuditedRepository(d) && executable(join(d, bin)));
  return inside
    ? ` (the one in ${inside} is inside the audited repository, which never supplies the git that reads it)`
    : '';
}

/** Why `git --version` shows this is no git, or undefined when it printed a git version. */
function notAGit(code: number | null, stdout: string, stderr: string): string | undefined {
  if (code !== 0) {
    const said = firstLine(stderr);
    return said
      ? `exited ${code ?? 'on a signal'}: ${said.slice(0, 120)}`
      : code === null
        ? 'it was killed by a signal'
        : `exited ${code} without output`;
  }
  const out = firstLine(stdout);
  if (!/^git version \d/.test(out))
    return out ? `it printed "${out.slice(0, 60)}", not a git version` : 'it printed no version';
  return undefined;
}

/**
 * The file `spawn` will run for `bin`: bin itself when absolute, else the first executable on the
 * hardened PATH. Undefined when that depends on the folder git runs in (a relative path or PATH entry).
 */
function gitProgramFile(bin: string): string | undefined {
  if (process.platform === 'win32') return undefined;
  if (bin.includes('/')) return isAbsolute(bin) ? bin : undefined;
  for (const dir of (hardenedEnv().PATH ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) return undefined;
    if (executable(join(dir, bin))) return join(dir, bin);
  }
  return undefined;
}

const checkedGits = new Map<string, Promise<string>>();
/**
 * Makes sure the git we are about to rely on is a git (`git --version` answers "git version N"):
 * otherwise every later failure would read like a broken repository. The answer is shared with the
 * client collector (versionOutput: one `git --version` per git file and process).
 */
export function assertGitRuns(): Promise<void> {
  const bin = getGitBinary();
  const file = gitProgramFile(bin);
  const run = runContext();
  if (file)
    return versionOutput(file, ['--version']).then((out) => {
      if (!out) return assertGitRunsAlone(bin).then((text) => void checkedVersion.set(run, text)); // spawn's own reason
      const why = out.timedOut
        ? `it did not finish within ${childTimeoutMs(30_000) / 1000} s (GITGUARD_TIMEOUT)`
        : notAGit(out.code, out.text, out.errText);
      if (why) throw gitDidNotRun(bin, why);
      checkedVersion.set(run, out.text);
    });
  return assertGitRunsAlone(bin).then((text) => void checkedVersion.set(run, text));
}

/** The `git --version` line of the git a run checked (assertGitRuns): what options it takes. */
const checkedVersion = new WeakMap<RunContext, string>();

/** Whether the run's git (assertGitRuns) is at least `major.minor`; false unchecked (a library caller: what every git does). */
export function checkedGitAtLeast(major: number, minor: number): boolean {
  const m = /^git version (\d+)\.(\d+)/.exec(checkedVersion.get(runContext()) ?? '');
  return !!m && (Number(m[1]) > major || (Number(m[1]) === major && Number(m[2]) >= minor));
}

/** The run's git as assertGitRuns checked it: its file or name and its version line ('' unchecked). */
export const checkedGitIdentity = (): string => `${getGitBinary()}\0${checkedVersion.get(runContext()) ?? ''}`;

/** The check run through runGit, once per binary and PATH it is found on: its version line. */
function assertGitRunsAlone(bin: string): Promise<string> {
  const key = `${bin}\0${bin.includes('/') ? '' : (runEnv().PATH ?? '')}`;
  let check = checkedGits.get(key);
  if (!check) {
    check = runGit(['--version'], { timeoutMs: 30_000, noOverrides: true }).then(
      (res) => {
        const text = res.stdout.toString('utf8');
        const why = notAGit(0, text, '');
        if (why) throw gitDidNotRun(bin, why);
        return text;
      },
      (err: unknown) => {
        if (err instanceof GitError) throw gitDidNotRun(bin, notAGit(err.exitCode, '', err.stderr) ?? 'it failed');
        throw err;
      },
    );
    checkedGits.set(key, check);
  }
  return check;
}

/**
 * git's pack mappings, bounded for every git gitguard runs (a pass may narrow them further, its `-c`
 * coming later): git maps a pack in windows of 1 GiB up to 32 GiB by default, each counted in the
 * address space GITGUARD_MAX_GIT_MEMORY bounds, so a repository with one pack over the bound (a
 * kernel-sized history gc'd into a 5 GB pack) stopped every audit at its first object ("packfile
 * cannot be mapped"). 32 MB windows up to 256 MB also keep the pages a walk touches out of git's RSS.
 */
const PACK_WINDOWS = ['-c', 'core.packedGitWindowSize=32m', '-c', 'core.packedGitLimit=256m'];

function baseArgs(opts: GitRunOptions): string[] {
  const args = ['--no-pager'];
  // advice.graftFileDeprecated: git < 2.46 prints a hint on every call once GIT_GRAFT_FILE is set.
  // core.useReplaceRefs: the audited repository's own `core.useReplaceRefs = true` switches replace
  // objects back on over GIT_NO_REPLACE_OBJECTS (git reads the variable first, then its config):
  // `verify HEAD~1..HEAD` then resolved through a replacement, and a commit went unjudged.
  if (!opts.noOverrides)
    args.push(
      '-c',
      'core.useReplaceRefs=false',
      '-c',
      'core.fsmonitor=false',
      '-c',
      'core.commitGraph=false',
      '-c',
      'log.mailmap=false',
      '-c',
      'advice.graftFileDeprecated=false',
      ...PACK_WINDOWS,
    );
  if (opts.gitDir) args.push(`--git-dir=${opts.gitDir}`);
  return args;
}

/** util-linux's prlimit(1), where it usually is; undefined where it is not (git then runs without a memory bound). */
let prlimit: string | null | undefined;
const prlimitFile = (): string | undefined =>
  (prlimit ??= ['/usr/bin/prlimit', '/bin/prlimit'].find((f) => executable(f)) ?? null) ?? undefined;

/**
 * The program and arguments that run git with `args`: under prlimit, with an address space of at
 * most GITGUARD_MAX_GIT_MEMORY bytes (4 GiB; 0 lifts it), since what git holds is the audited
 * repository's to choose: `log -p` holds a new blob whole (a 10 GB blob of zeros is 10 MB
 * compressed), every file pair of a commit at once (a tree naming one subtree a thousand times),
 * and with rename detection a table per added file. git that reaches the bound stops ("out of
 * memory") and the run with it, exit 2, instead of the machine. prlimit execs git: the same process.
 */
function gitCommand(args: string[]): [string, string[]] {
  const bin = getGitBinary();
  const bytes = envLimit('GITGUARD_MAX_GIT_MEMORY', GIT_MEMORY_DEFAULT, true);
  const file = bytes && (addressLimit() ?? Infinity) > bytes ? gitProgramFile(bin) : undefined;
  // Spawned as it is: a git not there (its ENOENT, not prlimit's 127), one bounded as tightly already.
  const wrapper = file && executable(file) && prlimitFile();
  return wrapper ? [wrapper, [`--as=${bytes}`, '--', file, ...args]] : [bin, args];
}
const GIT_MEMORY_DEFAULT = 4 * 1024 ** 3;

/**
 * Starts git with a streaming stdout; the caller owns the process. `stdin`/`stdout` may be file
 * descriptors (or another process's stream), which git then reads or writes without us in between.
 */
export function spawnGit(
  args: string[],
  opts: GitRunOptions & { stdin?: number; stdout?: Writable | number } = {},
): ChildProcess {
  const [program, argv] = gitCommand([...baseArgs(opts), ...args]);
  return tracked(
    spawn(program, argv, {
      cwd: opts.cwd ?? neutralDir(),
      env: hardenedEnv(opts.env),
      stdio: [opts.stdin ?? 'pipe', opts.stdout ?? 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
      ...OWN_GROUP,
    }),
  );
}

/** Runs git to completion and returns its output; throws GitError on an unexpected exit code. */
export function runGit(args: string[], opts: GitRunOptions = {}): Promise<GitResult> {
  const maxBytes = opts.maxBytes ?? 256 * 1024 * 1024;
  const timeoutMs = childTimeoutMs(opts.timeoutMs ?? 120_000);
  const gitBinary = getGitBinary();
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawnGit(args, opts);
    } catch (err) {
      reject(gitDidNotRun(gitBinary, spawnReason(err as NodeJS.ErrnoException, gitBinary)));
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let killedFor: string | undefined;
    const timer = setTimeout(() => {
      killedFor = `did not finish within ${timeoutMs / 1000} s and was stopped; on a very large repository set GITGUARD_TIMEOUT=SECONDS`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout!.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        killedFor = `printed more than ${maxBytes} bytes`;
        child.kill('SIGKILL');
      } else out.push(c);
    });
    let errSize = 0;
    child.stderr!.on('data', (c: Buffer) => {
      if ((errSize += c.length) <= (opts.maxStderrBytes ?? 64 * 1024)) err.push(c);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(gitDidNotRun(gitBinary, spawnReason(e, gitBinary)));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      if (killedFor) return reject(new GitError(args, code, killedFor));
      const exit = code ?? -1;
      if (exit !== 0 && !(opts.okCodes ?? []).includes(exit)) return reject(new GitError(args, code, stderr));
      const cut = errSize > (opts.maxStderrBytes ?? 64 * 1024);
      resolve({ stdout: Buffer.concat(out), stderr, code: exit, ...(cut ? { stderrCut: true as const } : {}) });
    });
    child.stdin!.on('error', () => undefined); // git may exit before reading all input
    child.stdin!.end(opts.input ?? '');
  });
}

/** Convenience: stdout as trimmed text. */
export async function gitText(args: string[], opts: GitRunOptions = {}): Promise<string> {
  return (await runGit(args, opts)).stdout.toString('utf8').trim();
}

export interface Shadow {
  gitDir: string;
  /** The audited repository's common dir, whose objects the shadow borrows. */
  commonDir: string;
  /**
   * What git sees through this shadow (its object dirs and shallow boundary), as a key: two shadows of
   * one run with the same key give the same answers about object ids (collect/ancestry.ts).
   */
  objects: string;
  dispose(): void;
}

/**
 * A bare git dir of our own that borrows the audited repository's objects through alternates.
 * Refs are not copied: callers resolve refs in the audited repository and pass object ids.
 */
export function createShadow(
  commonDir: string,
  objectFormat: 'sha1' | 'sha256',
  extraObjectDirs: string[] = [],
): Shadow {
  const root = mkdtempSync(join(tmpdir(), 'gitguard-shadow-'));
  const gitDir = join(root, 'shadow.git');
  writeBareGitDir(gitDir, objectFormat);
  // extraObjectDirs: objects not yet in the repository, e.g. a push held in pre-receive quarantine
  // (git passes GIT_QUARANTINE_PATH to the hook; our hardened environment drops it on purpose).
  const alternates = [join(commonDir, 'objects'), ...extraObjectDirs.filter((d) => d && !/[\n\r]/.test(d))];
  writeFileSync(join(gitDir, 'objects/info/alternates'), `${alternates.join('\n')}\n`);
  linkOwnPacks(join(gitDir, 'objects'), alternates);
  // A shallow repository's boundary must be known, or the walk would stop at a missing parent.
  // Read as data (bounded, regular files only): a FIFO or /dev/zero there must not hang or fill us.
  const shallow = readBoundedIfExists(join(commonDir, 'shallow'), SHALLOW_MAX_BYTES);
  if (shallow) writeFileSync(join(gitDir, 'shallow'), shallow);
  const boundary = shallow ? createHash('sha256').update(shallow).digest('hex') : '';
  const objects = `${objectFormat}\0${alternates.join('\n')}\0${boundary}`;
  let disposed = false;
  const dispose = (): void => {
    if (!disposed) {
      rmSync(root, { recursive: true, force: true });
      process.removeListener('exit', dispose);
    }
    disposed = true;
  };
  process.once('exit', dispose);
  return { gitDir, commonDir, objects, dispose };
}
