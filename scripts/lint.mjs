#!/usr/bin/env node
// `npm run lint`: ESLint, Prettier's check, the dead-export check and the layer check, side by side
// (one after the other they took ~44 s on two cores, ESLint alone ~21 s). Each one's output is
// printed whole when it ends, under its name; any failure fails the lint.
import { spawn } from 'node:child_process';

const CHECKS = [
  ['eslint', ['npx', 'eslint', '.']],
  ['prettier', ['npx', 'prettier', '--check', '.']],
  ['lint:exports', ['npm', 'run', '-s', 'lint:exports']],
  ['lint:layers', ['npm', 'run', '-s', 'lint:layers']],
];

function run([name, [cmd, ...args]]) {
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

let failed = 0;
await Promise.all(
  CHECKS.map((c) =>
    run(c).then((r) => {
      process.stdout.write(`> ${r.name}: ${r.code === 0 ? 'ok' : `failed (exit ${r.code})`}\n${r.text}`);
      if (r.code !== 0) failed += 1;
    }),
  ),
);
process.exit(failed ? 1 : 0);
