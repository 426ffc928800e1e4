// Timed child processes.
import { spawn, spawnSync } from 'node:child_process';

/** Runs a command to completion; resolves with exit code, output and wall seconds. */
export function runTimed(cmd, args, { cwd, env, input } = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      resolve({
        code: code ?? (signal ? 128 : 1),
        signal,
        seconds,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      });
    });
    child.stdin.end(input ?? '');
  });
}

/** First line a command prints (stdout, else stderr: `ssh -V` writes there), or 'unknown'. */
export function versionLine(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.error) return 'unknown';
  const text = (r.stdout?.trim() ? r.stdout : (r.stderr ?? '')).trim();
  return text.split('\n')[0].trim() || 'unknown';
}
