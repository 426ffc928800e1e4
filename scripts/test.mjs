#!/usr/bin/env node
// `npm test`: the build, then jest (the smoke tests run dist/). The build only emits (tsconfig.build.json's
// noCheck: TypeScript strips each file's types on its own, isolatedModules); the types of src/ and test/
// are checked once, by `npm run lint` (ESLint's rule gitguard/type-check, on the program its type-aware
// rules build anyway), which CI runs beside this, or alone by `npm run typecheck`. Checked here too,
// beside jest, they cost a clean clone's CI a second TypeScript program of all ~970 files (~23 CPU-s).
// Arguments go to jest: `npm test -- test/cli/init.test.ts`.
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

const build = await npmRun('build');
printCaptured(build);
if (build.code !== 0) process.exit(build.code);
process.exit(await jest(process.argv.slice(2)));
