// `npm run lint`, in two lanes, one per core: ESLint over src/ with its TypeScript program
// (scripts/eslint-typed.mjs: the type-aware rules, TypeScript's own errors of src/ and test/,
// gitguard/type-check, the dead-export check, gitguard/no-dead-exports, and the layer check of
// .depcruise/layers.cjs on the program's import graph, gitguard/layers, all on that one program) beside
// ESLint over everything else without type information, then Prettier's check. The typed lane is the
// longer one; the other fills the second core instead of waiting on it. Each one's output is printed
// whole when it ends, under its name; any failure fails the lint. The tools run as node processes of
// their own (no npx/npm in between, ~0.4 CPU-s each), with a larger young generation, that size from
// the start (--min-semi-space-size: ESLint without types 16.8-17.7 CPU-s instead of 18.4-19.7), and the
// collector on the main thread: the same work in less CPU, on a machine whose cores are shared. The old
// generation may grow to 1.5 GB before its first full collection (--initial-old-space-size): what these
// short runs build, the typed lane's program above all, mostly lives to the end, so the incremental
// marking V8 starts from ~1 GB on (six full collections in the typed lane) only re-marked live objects.
// Side by side on the loaded machine: typed lane 68.5 -> 57.5-60.6 CPU-s, ESLint without types 22.9 ->
// 20.1, Prettier 27.8 -> 25.9; the price is memory (peak RSS: typed lane 1.8 GB, the other 1.4).
import { printCaptured, runCaptured } from './captured.mjs';

const NODE = [
  process.execPath,
  '--max-semi-space-size=64',
  '--min-semi-space-size=64',
  '--single-threaded-gc',
  '--initial-old-space-size=1500',
];
const LANES = [
  [['eslint: src/, typed', [...NODE, 'scripts/eslint-typed.mjs']]],
  [
    ['eslint: the rest', [...NODE, 'node_modules/eslint/bin/eslint.js', '.', '--ignore-pattern', 'src/']],
    // The cache (node_modules/.cache/prettier) keys each file by its content, Prettier's version and
    // options, so a clean clone checks every file and a re-run only the changed ones.
    [
      'prettier',
      [...NODE, 'node_modules/prettier/bin/prettier.cjs', '--check', '--cache', '--cache-strategy', 'content', '.'],
    ],
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
