#!/usr/bin/env node
// `npm run lint`: ESLint, Prettier's check, the dead-export check and the layer check, in two lanes:
// ESLint (type-aware, ~24 s alone, more than one core with its GC threads) beside the other three one
// after the other (~23 s together). All four at once took ~44.5 s on two cores (74 CPU-s: each slowed
// the others); two lanes take ~36 s (65 CPU-s). Each one's output is printed whole when it ends, under
// its name; any failure fails the lint.
import { printCaptured, runCaptured } from './captured.mjs';

const LANES = [
  [['eslint', ['npx', 'eslint', '.']]],
  [
    ['prettier', ['npx', 'prettier', '--check', '.']],
    ['lint:exports', ['npm', 'run', '-s', 'lint:exports']],
    ['lint:layers', ['npm', 'run', '-s', 'lint:layers']],
  ],
];

let failed = 0;
await Promise.all(
  LANES.map(async (lane) => {
    for (const [name, [cmd, ...args]] of lane) {
      const r = await runCaptured(name, cmd, args);
      printCaptured(r);
      if (r.code !== 0) failed += 1;
    }
  }),
);
process.exit(failed ? 1 : 0);
