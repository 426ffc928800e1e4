#!/usr/bin/env node
// `npm test`: the type-check of src/ and test/, the layer check and the build run side by side
// (none needs another's output, and one after another they left a core idle for half a minute),
// then jest once all three passed. Their output is printed when they end, one block each; jest's
// streams through as is. Arguments go to jest: `npm test -- test/cli/init.test.ts`.
import { spawn } from 'node:child_process';

const STEPS = ['typecheck', 'lint:layers', 'build'];

/** `npm run -s <script>`: its exit code and everything it printed. */
function npmRun(script) {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '-s', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => out.push(c));
    child.on('error', (err) => resolve({ script, code: 1, text: `${err.message}\n` }));
    child.on('close', (code, signal) =>
      resolve({ script, code: code ?? (signal ? 1 : 0), text: Buffer.concat(out).toString('utf8') }),
    );
  });
}

const results = await Promise.all(STEPS.map(npmRun));
for (const r of results) {
  process.stdout.write(`> npm run ${r.script}: ${r.code === 0 ? 'ok' : `failed (exit ${r.code})`}\n${r.text}`);
}
const failed = results.find((r) => r.code !== 0);
if (failed) process.exit(failed.code);

const jest = spawn(
  process.execPath,
  [
    '--experimental-vm-modules',
    '--no-warnings=ExperimentalWarning',
    'node_modules/jest/bin/jest.js',
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
jest.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
