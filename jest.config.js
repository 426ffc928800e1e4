// ESM throughout: chalk 5 and openpgp 6 ship only ESM, so the package is "type": "module" and
// jest runs with node's --experimental-vm-modules (see scripts/test.mjs). test/helpers/ts-transform.mjs
// transpiles each file on its own (isolatedModules); `npm run typecheck` (part of `npm test`) type-checks src/ and test/.
// Three projects, so a tier can run alone (`jest --selectProjects unit`):
//   unit  tables over hand-built facts, parsers, reporters, version data, fuzz targets, meta checks
//   git   collectors and engine against real repositories, gpg and ssh-keygen in temp folders
//   e2e   the command line: main(argv, io) in-process, and smoke tests of the built bin/gitguard.js
import { useRamTmpdir, useRunCache } from './test/helpers/ram-tmpdir.mjs';

useRamTmpdir();
// After TMPDIR is chosen: throwaway keys made once per run and shared by the workers (test/helpers/run-cache.ts).
useRunCache();

const shared = {
  // jest's node environment, its CPU per file recorded for `npm run test:cpu` (scripts/test-cpu.mjs).
  testEnvironment: '<rootDir>/test/helpers/node-environment.mjs',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/helpers/ts-transform.mjs' },
  // Sources import './x.js' (NodeNext style); map that back to the .ts file under test.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};
const project = (name, dirs, extra = {}) => ({
  ...shared,
  displayName: name,
  testMatch: dirs.map((d) => `<rootDir>/test/${d}/**/*.test.ts`),
  ...extra,
});

/** @type {import('jest').Config} */
export default {
  projects: [
    project('unit', ['rules', 'report', 'vulndb', 'fuzz', 'meta']),
    project('git', ['collect', 'engine', 'helpers']),
    // main() of dist/, built before the run when stale, loaded once per worker and shared by its CLI
    // test files (test/helpers/e2e-environment.mjs).
    project('e2e', ['cli'], {
      testEnvironment: '<rootDir>/test/helpers/e2e-environment.mjs',
      globalSetup: '<rootDir>/test/helpers/build-dist.mjs',
    }),
  ],
  // jest's default is one worker per core but one (2 - 1 on this 2-core machine). The tests wait on
  // git, gpg, ssh-keygen, pushes through hooks and forge retries much of the time, so a third worker
  // fills the cores the other two leave idle. Whole suite, idle 2-core machine, 1,914 tests: 2 workers
  // 96 s, 3 workers 87 s, 4 workers 90 s (the same ~167 CPU-s each time).
  maxWorkers: 3,
  // Every git, gpg or ssh-keygen a test runs is forked from its jest worker, and a fork costs in
  // proportion to the worker's resident memory (measured: 1.5 ms from a 50 MB process, 21 ms from
  // 370 MB, 47 ms from 1.1 GB), which grows file after file as each file loads its own copy of the
  // modules. A worker that ends a file above this is replaced, which at 80 MB is nearly every file:
  // a fresh worker costs less than the forks a grown one makes. Whole suite, idle machine: no limit
  // 127 s, 180 MB 120 s, 120 MB 118 s, 80 MB 108 s. jest compares the limit with the worker's V8
  // heap in use, not its resident size: now that the CLI tests run in-process a CLI file ends at
  // ~30-46 MB of heap (105-330 MB resident), so 80 MB seldom replaces a worker, and a replacement costs
  // ~0.24 CPU-s. Twenty CLI files, 3 workers, two rounds: 80 MB 32.5/32.9 CPU-s, 40 MB 32.7/34.8,
  // 0 (a new worker for every file) 38.4/36.6.
  workerIdleMemoryLimit: '80MB',
  testTimeout: 60000,
};
