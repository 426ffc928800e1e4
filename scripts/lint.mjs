#!/usr/bin/env node
// `npm run lint`: ESLint, Prettier's check, the dead-export check and the layer check, side by side
// (one after the other they took ~41 s on two cores, ESLint alone ~21 s). Each one's output is
// printed whole when it ends, under its name; any failure fails the lint.
import { printCaptured, runCaptured } from './captured.mjs';

const CHECKS = [
  ['eslint', ['npx', 'eslint', '.']],
  ['prettier', ['npx', 'prettier', '--check', '.']],
  ['lint:exports', ['npm', 'run', '-s', 'lint:exports']],
  ['lint:layers', ['npm', 'run', '-s', 'lint:layers']],
];

let failed = 0;
await Promise.all(
  CHECKS.map(([name, [cmd, ...args]]) =>
    runCaptured(name, cmd, args).then((r) => {
      printCaptured(r);
      if (r.code !== 0) failed += 1;
    }),
  ),
);
process.exit(failed ? 1 : 0);
