// The e2e project's test environment: jest's node environment, plus the built gitguard's main()
// loaded once per worker in the worker's own module system and shared by the test files it runs
// (runMain in test/helpers/cli.ts calls it). Each test file otherwise evaluated its own copy of
// every module main reaches (openpgp, yaml, ajv, the octokit and gitbeaker clients: ~0.33 CPU-s a file,
// measured in-process, and their copies in a heap that every git, gpg and ssh-keygen a test starts
// then forks); a worker now pays that once. Test files stay isolated from each other as far as
// they were: each still has its own modules, and main keeps no state between runs beyond caches
// of what does not change within a test run. dist/ is brought up to date before the run
// (test/helpers/build-dist.mjs), so the tests never run stale code. Its CPU per file is recorded for
// `npm run test:cpu` (test/helpers/cpu-record.mjs).
import { TestEnvironment } from 'jest-environment-node';
import { recordingCpu } from './cpu-record.mjs';

const MAIN = new URL('../../dist/cli/main.js', import.meta.url).href;
let main;

/** The built main(argv, io), imported on first use in this worker. */
const sharedMain = () => (main ??= import(MAIN).then((m) => m.main));

export default class E2eEnvironment extends recordingCpu(TestEnvironment) {
  constructor(config, context) {
    super(config, context);
    this.global.__gitguardSharedMain = sharedMain;
  }
}
