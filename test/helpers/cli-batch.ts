// Several runs of the BUILT gitguard (dist/) in ONE separate node process, for the runs that could
// hang (a FIFO, a device, a git that blocks) or need a terminal: each run is main(argv, io) as runMain
// gives it (on a terminal: the process's own streams), but in a child the test can kill, as runCli's. A node process that starts and loads dist/ cost ~0.3 CPU-s a
// run (hostile-fs made nine); here it is paid once per batch. Each run gets its own environment (also
// as process.env, as runCli's process has it), working directory and output, in turn; a run that
// hangs or crashes ends the batch: it and every run after it come back with code -1, and the time
// limit is the whole batch's. Build first, as for runCli.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, runCommand, type CliResult } from './cli.js';
import { tempDir } from './repo.js';

export interface BatchRun {
  args: string[];
  /** The environment (usually a test repo's pinned env); NO_COLOR is always set on top. */
  env?: NodeJS.ProcessEnv;
  /** The working directory during the run (default: the repository root, as for runCli). */
  cwd?: string;
  /** On a terminal (runCliBatchOnTty) only: NO_COLOR left unset, so colour may be used. */
  colour?: boolean;
}

const CHILD = join(ROOT, 'test', 'helpers', 'cli-batch-child.mjs');

/** Each run as the child takes it: its environment with NO_COLOR (unless colour), its cwd. */
const childRuns = (runs: BatchRun[]): Array<{ args: string[]; env: NodeJS.ProcessEnv; cwd: string }> =>
  runs.map((r) => {
    const env: NodeJS.ProcessEnv = { ...(r.env ?? process.env), NO_COLOR: '1' };
    if (r.colour) delete env.NO_COLOR;
    return { args: r.args, env, cwd: r.cwd ?? ROOT };
  });

/** A run the batch did not finish: code -1, and why. */
const unfinished = (why: string): CliResult => ({ code: -1, stdout: '', stderr: why, stdoutBytes: Buffer.alloc(0) });

/** `gitguard ...args` for each run, in order, in one node process; never throws on a non-zero exit. */
export function runCliBatch(runs: BatchRun[], opts: { timeoutMs?: number } = {}): CliResult[] {
  // The process starts with the first run's environment, as runCli's does with its run's.
  const res = spawnSync(process.execPath, [CHILD, BIN], {
    cwd: ROOT,
    env: childRuns(runs.slice(0, 1))[0]?.env ?? process.env,
    input: JSON.stringify(childRuns(runs)),
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
    if (!r) return unfinished(ended);
    const stdoutBytes = Buffer.from(r.stdout, 'base64');
    return { code: r.code, stdout: stdoutBytes.toString('utf8'), stderr: r.stderr, stdoutBytes };
  });
}

/**
 * The runs on a pseudo-terminal (util-linux `script`, so a pager would start), in one node process
 * of the built code writing to the terminal itself: what each printed there (stdout and stderr, as
 * the terminal shows them), its exit code, and whether stdout was a terminal.
 */
export function runCliBatchOnTty(
  runs: BatchRun[],
  opts: { timeoutMs?: number } = {},
): Array<CliResult & { onTty: boolean }> {
  const dir = tempDir('gitguard-tty-batch-');
  const file = join(dir, 'runs.json');
  writeFileSync(file, JSON.stringify(childRuns(runs)));
  const end = `gitguard-batch-run-ended-${process.pid}`;
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const line = `[ -t 1 ] && echo STDOUT-IS-A-TTY; exec ${[process.execPath, CHILD, BIN, file, end].map(q).join(' ')}`;
  const res = runCommand('script', ['-qec', line, '/dev/null'], {
    env: { ...(runs[0]?.env ?? process.env), SHELL: '/bin/sh' },
    timeoutMs: opts.timeoutMs,
  });
  const onTty = res.stdout.includes('STDOUT-IS-A-TTY');
  // "<output>\r\n<end> <code>\r\n" per run, the terminal's line ends.
  const parts = res.stdout.split(new RegExp(`\\r?\\n${end} (-?\\d+)\\r?\\n`));
  return runs.map((_, i) => {
    const code = parts[2 * i + 1];
    if (code === undefined)
      return {
        ...unfinished(`the batch on a terminal ended before this run finished: ${res.stdout.slice(-2000)}`),
        onTty,
      };
    const stdoutBytes = Buffer.from(parts[2 * i]!, 'utf8');
    return { code: Number(code), stdout: parts[2 * i]!, stderr: '', stdoutBytes, onTty };
  });
}
