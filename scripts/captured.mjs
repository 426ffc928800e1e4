// A command run with its output held back, for scripts that run several at once and print each
// whole when it ends (scripts/test.mjs, scripts/lint.mjs).
import { spawn } from 'node:child_process';

/** Runs `cmd args`; resolves to its name, exit code and everything it printed. */
export function runCaptured(name, cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => out.push(c));
    child.on('error', (err) => resolve({ name, code: 1, text: `${err.message}\n` }));
    child.on('close', (code, signal) =>
      resolve({ name, code: code ?? (signal ? 1 : 0), text: Buffer.concat(out).toString('utf8') }),
    );
  });
}

/** "> NAME: ok" or "> NAME: failed (exit N)", then the output. */
export function printCaptured(r) {
  process.stdout.write(`> ${r.name}: ${r.code === 0 ? 'ok' : `failed (exit ${r.code})`}\n${r.text}`);
}
