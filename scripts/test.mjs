#!/usr/bin/env node
// `npm test`: the type-check of src/ and test/ and the build start side by side; jest starts as
// soon as the build has passed (the smoke tests run dist/) while the type-check goes on beside it
// (its ~10 s on one core overlapped jest's workers instead of delaying them; run after jest, it would
// add all of it to the wall time). Both are `tsc -b`: with nothing changed since the last run each
// ends in ~0.5 s of CPU (the build ~3.7 s and the type-check ~4.5 s before). The type-check's
// output is printed when jest has ended, and a failed type-check fails `npm test` even when every
// test passed. The layer check is a lint (`npm run lint`). Arguments go to jest:
// `npm test -- test/cli/init.test.ts`.
import { spawn } from 'node:child_process';
import { printCaptured, runCaptured } from './captured.mjs';

/** `npm run -s <script>`, its output held back. */
const npmRun = (script) => runCaptured(`npm run ${script}`, 'npm', ['run', '-s', script]);

/** jest with the given arguments, its output streamed as is; resolves to its exit code. */
function jest(args) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', 'node_modules/jest/bin/jest.js', ...args],
      { stdio: 'inherit' },
    );
    child.on('error', () => resolve(1));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const typecheck = npmRun('typecheck');
const build = await npmRun('build');
printCaptured(build);
if (build.code !== 0) {
  printCaptured(await typecheck);
  process.exit(build.code);
}
const tests = await jest(process.argv.slice(2));
const types = await typecheck;
printCaptured(types);
process.exit(tests !== 0 ? tests : types.code);
