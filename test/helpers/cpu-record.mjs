// What each test file cost in CPU, for `npm run test:cpu` (scripts/test-cpu.mjs): with
// GITGUARD_TEST_CPU_LOG set, a test environment adds one JSON line per file to that file when the file
// ends: the jest worker's own CPU seconds (user + system) while it ran the file, and those of the
// processes the worker waited for meanwhile (every git, gpg, ssh-keygen and node a test started,
// with what they in turn waited for), read from /proc/self/stat. A daemon that outlives its parent
// (gpg-agent) is counted nowhere, as with /usr/bin/time. Without the variable nothing is read.
import { appendFileSync, readFileSync } from 'node:fs';

const LOG = process.env.GITGUARD_TEST_CPU_LOG;
// Fields 14-17 of /proc/<pid>/stat: utime, stime, cutime, cstime, in clock ticks (100 a second on Linux).
const TICK = 100;

/** [self, children] CPU seconds of this process so far, or undefined where /proc cannot tell. */
function cpuSeconds() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    return [(f[11] + f[12]) / TICK, (f[13] + f[14]) / TICK];
  } catch {
    return undefined;
  }
}

/** `Base` (a jest test environment class) that records each file's CPU when GITGUARD_TEST_CPU_LOG is set. */
export function recordingCpu(Base) {
  if (!LOG) return Base;
  return class extends Base {
    #file;
    #start;
    constructor(config, context) {
      super(config, context);
      this.#file = context.testPath;
    }
    async setup() {
      this.#start = cpuSeconds();
      await super.setup();
    }
    async teardown() {
      await super.teardown();
      const end = cpuSeconds();
      if (!this.#start || !end) return;
      const [self, children] = end.map((v, i) => Math.round((v - this.#start[i]) * 100) / 100);
      appendFileSync(LOG, `${JSON.stringify({ file: this.#file, self, children, pid: process.pid })}\n`);
    }
  };
}
