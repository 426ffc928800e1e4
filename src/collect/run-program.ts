// Runs an installed program (never one from the audited repository: callers choose the path) in a
// neutral folder with the hardened environment, with a timeout and a bound on what is kept.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { hardenedEnv } from './git.js';

export function realpathOr(p: string): string | undefined {
  try {
    return realpathSync(p);
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

export interface ProgramOutput {
  /** Exit code (null when killed). */
  code: number | null;
  /** stdout, plus stderr when asked; at most maxBytes. */
  text: string;
  /** More was printed than maxBytes. */
  truncated: boolean;
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
      child = spawn(program, [...args], {
        cwd: hardenedEnv().HOME,
        env: hardenedEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
        shell: false,
        windowsHide: true,
      });
    } catch {
      resolvePromise(undefined);
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 10_000);
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
    child.stdout!.on('data', keep);
    if (opts.stderr) child.stderr!.on('data', keep);
    else child.stderr!.resume();
    let failed = false;
    child.on('error', () => {
      failed = true;
      clearTimeout(timer);
      resolvePromise(undefined);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (!failed) resolvePromise({ code, text: Buffer.concat(chunks).toString('utf8'), truncated });
    });
  });
}
