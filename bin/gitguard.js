#!/usr/bin/env node
// The whole binary: everything else lives in dist/cli/main.js (built from src/cli/main.ts).
import { endOnSignals, main } from '../dist/cli/main.js';
import { boundHeapGrowth } from '../dist/cli/heap-growth.js';

// GITGUARD_REPORT_RSS=1: the process's peak resident memory and its own CPU time (not its git
// children's) on stderr at exit (npm run bench -- scale).
if (process.env.GITGUARD_REPORT_RSS === '1') {
  process.on('exit', () => {
    const use = process.resourceUsage();
    process.stderr.write(
      `gitguard: peak RSS ${Math.round(use.maxRSS / 1024)} MB, CPU ${((use.userCPUTime + use.systemCPUTime) / 1e6).toFixed(1)} s\n`,
    );
  });
}

// A reader that stops early (`gitguard audit --help | head`) closes the pipe: the rest of the output
// has nowhere to go, but the run still ends with its own exit code, not a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

// V8's heap grows to 2.5 times what it keeps, not 4 (src/cli/heap-growth.ts).
boundHeapGrowth();
endOnSignals();
main(process.argv).then((code) => {
  process.exitCode = code;
});
