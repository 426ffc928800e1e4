// Runs an installed program (never one from the audited repository: callers choose the path) in a
// neutral folder with the hardened environment, with a timeout and a bound on what is kept.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, readFileSync, realpathSync, statSync } from 'node:fs';
import { childTimeoutMs, hardenedEnv, tracked, OWN_GROUP } from './child-env.js';

export function realpathOr(p: string): string | undefined {
  try {
    return realpathSync.native(p);
  } catch {
    return undefined;
  }
}

/**
 * A file as it is now, for the keys of per-process memos about installed programs: an upgrade
 * writes a new file (new inode or times). A small file (a wrapper script) adds its content's hash,
 * since a rewrite in place within one clock tick keeps its size and times.
 */
export function fileIdentity(path: string): string {
  try {
    const s = statSync(path);
    const id = `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
    if (!s.isFile() || s.size > 64 * 1024) return id;
    return `${id}:${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
  } catch {
    return '-';
  }
}

/** A regular file we may execute. */
export function executable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface ProgramOutput {
  /** Exit code (null when killed). */
  code: number | null;
  /** stdout, plus stderr when asked; at most maxBytes. */
  text: string;
  /** More was printed than maxBytes. */
  truncated: boolean;
  /** The first 4 KiB of stderr when it is not in text (for the reason a program failed). */
  errText: string;
  /** Killed after timeoutMs. */
  timedOut: boolean;
}

export interface RunOptions {
  /** Keep stderr too (ssh -V prints there). Default false. */
  stderr?: boolean;
  /** Default 64 KiB. */
  maxBytes?: number;
  /** Default 10 s; the program is killed after it. */
  timeoutMs?: number;
}

/** Undefined when the program cannot be started. */
export function programOutput(
  program: string,
  args: readonly string[],
  opts: RunOptions = {},
): Promise<ProgramOutput | undefined> {
  const maxBytes = opts.maxBytes ?? 64 * 1024;
  return new Promise((resolvePromise) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    let child;
    try {
      child = tracked(
        spawn(program, [...args], {
          cwd: hardenedEnv().HOME,
          env: hardenedEnv(),
          stdio: ['ignore', 'pipe', 'pipe'],
          shell: false,
          windowsHide: true,
          ...OWN_GROUP,
        }),
      );
    } catch {
      resolvePromise(undefined);
      return;
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 10_000);
    const keep = (c: Buffer): void => {
      if (size >= maxBytes) {
        truncated = true;
        return;
      }
      const part = c.subarray(0, maxBytes - size);
      if (part.length < c.length) truncated = true;
      chunks.push(part);
      size += part.length;
    };
    child.stdout.on('data', keep);
    const errChunks: Buffer[] = [];
    let errSize = 0;
    if (opts.stderr) child.stderr.on('data', keep);
    else
      child.stderr.on('data', (c: Buffer) => {
        if (errSize < 4096) errChunks.push(c.subarray(0, 4096 - errSize));
        errSize += c.length;
      });
    let failed = false;
    child.on('error', () => {
      failed = true;
      clearTimeout(timer);
      resolvePromise(undefined);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (!failed)
        resolvePromise({
          code,
          text: Buffer.concat(chunks).toString('utf8'),
          truncated,
          errText: Buffer.concat(errChunks).toString('utf8'),
          timedOut,
        });
    });
  });
}

// One version query per program file for the life of the process: main() may run many times in one
// process (the CLI tests run hundreds of audits in-process, each a fork from a large process), and
// within one run the --git check and the client collector ask the same git. The key is the program
// file as it is now, so a replaced or upgraded program is asked again; nothing here comes from the
// audited repository (programs inside it are never run).
const versions = new Map<string, Promise<ProgramOutput | undefined>>();

/** `program args` (a version query: stdout in text, stderr in errText), asked once per program file. */
export function versionOutput(program: string, args: readonly string[]): Promise<ProgramOutput | undefined> {
  const run = (): Promise<ProgramOutput | undefined> =>
    programOutput(program, args, { timeoutMs: childTimeoutMs(30_000) });
  const real = realpathOr(program);
  if (!real) return run();
  const key = JSON.stringify([program, real, fileIdentity(real), args]);
  let out = versions.get(key);
  if (!out) {
    if (versions.size >= 64) versions.clear();
    const asked = run();
    versions.set(key, (out = asked));
    // A program that could not start or was stopped is asked again (the next run's limit may be longer).
    void asked.then((o) => {
      if ((!o || o.timedOut) && versions.get(key) === asked) versions.delete(key);
    });
  }
  return out;
}
