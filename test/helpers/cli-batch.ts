// Several runs of the BUILT gitguard (dist/) in ONE separate node process, for the runs that could
// hang (a FIFO, a device, a git that blocks): each run is main(argv, io) as runMain gives it, but in a
// child the test can kill, as runCli's. A node process that starts and loads dist/ cost ~0.3 CPU-s a
// run (hostile-fs made nine); here it is paid once per batch. Each run gets its own environment (also
// as process.env, as runCli's process has it), working directory and output, in turn; a run that
// hangs or crashes ends the batch: it and every run after it come back with code -1, and the time
// limit is the whole batch's. Build first, as for runCli.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BIN, ROOT, type CliResult } from './cli.js';

export interface BatchRun {
  args: string[];
  /** The environment (usually a test repo's pinned env); NO_COLOR is always set on top. */
  env?: NodeJS.ProcessEnv;
  /** The working directory during the run (default: the repository root, as for runCli). */
  cwd?: string;
}

const CHILD = join(ROOT, 'test', 'helpers', 'cli-batch-child.mjs');

/** `gitguard ...args` for each run, in order, in one node process; never throws on a non-zero exit. */
export function runCliBatch(runs: BatchRun[], opts: { timeoutMs?: number } = {}): CliResult[] {
  const input = JSON.stringify(
    runs.map((r) => ({ args: r.args, env: { ...(r.env ?? process.env), NO_COLOR: '1' }, cwd: r.cwd ?? ROOT })),
  );
  const res = spawnSync(process.execPath, [CHILD, BIN], {
    cwd: ROOT,
    input,
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (res.error && (res.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') throw res.error;
  // One JSON line per finished run, written as it ends: the runs before a hang keep their results.
  const done = (res.stdout ?? Buffer.alloc(0))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { code: number; stdout: string; stderr: string });
  const ended = `the batch ended before this run finished (${res.signal ?? `exit ${res.status}`}): ${(res.stderr ?? '').toString().slice(0, 2000)}`;
  return runs.map((_, i) => {
    const r = done[i];
    const stdoutBytes = r ? Buffer.from(r.stdout, 'base64') : Buffer.alloc(0);
    return { code: r ? r.code : -1, stdout: stdoutBytes.toString('utf8'), stderr: r ? r.stderr : ended, stdoutBytes };
  });
}
