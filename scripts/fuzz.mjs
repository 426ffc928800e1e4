#!/usr/bin/env node
// The long fuzz run: every target in test/fuzz/ for a share of --minutes N (default 5), from a
// random seed (or --seed S to replay one), then a table of executions, the slowest input, the heap
// high-water mark and the findings per target. A finding fails the run (exit 1) and jest prints
// fast-check's shrunk counterexample with the seed and path that reproduce it.
//   node scripts/fuzz.mjs --minutes 10 [--seed 123] [--target sshsig]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const minutes = Number(arg('minutes', '5'));
const seed = Number(arg('seed', String(Math.floor(Math.random() * 2 ** 31))));
const only = arg('target', '');
const files = readdirSync(join(root, 'test', 'fuzz'))
  .filter((f) => f.endsWith('.fuzz.test.ts') && f.includes(only))
  .sort();
if (!files.length) {
  console.error(`no fuzz target matches "${only}"`);
  process.exit(2);
}
// Targets per file (a file may hold several fuzz() calls): counted from the source.
const targets = files.reduce(
  (n, f) => n + (readFileSync(join(root, 'test', 'fuzz', f), 'utf8').match(/await fuzz\(/g) ?? []).length,
  0,
);
const perTargetMs = Math.max(5_000, Math.floor((minutes * 60_000) / targets));
const work = mkdtempSync(join(tmpdir(), 'gitguard-fuzz-'));
const report = join(work, 'report.jsonl');
const current = join(work, 'current.json');
// The whole run's limit: every target's budget plus slack for start-up and shrinking. Past it, a
// target is stuck in code no timer can interrupt, and the input it was on is the finding.
const runLimitMs = targets * perTargetMs + 300_000;
console.log(
  `fuzzing ${targets} target(s) in ${files.length} file(s), ${Math.round(perTargetMs / 1000)} s each, seed ${seed}`,
);
const res = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    '--no-warnings=ExperimentalWarning',
    join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
    '--runInBand',
    ...files.map((f) => `test/fuzz/${f}`),
  ],
  {
    cwd: root,
    stdio: 'inherit',
    timeout: runLimitMs,
    killSignal: 'SIGKILL',
    env: {
      ...process.env,
      GITGUARD_FUZZ_MS: String(perTargetMs),
      GITGUARD_FUZZ_SEED: String(seed),
      GITGUARD_FUZZ_REPORT: report,
      GITGUARD_FUZZ_CURRENT: current,
    },
  },
);
if (res.signal === 'SIGKILL' && existsSync(current)) {
  const hang = readFileSync(current, 'utf8');
  const saved = join(root, `fuzz-hang-${JSON.parse(hang).target}.json`);
  writeFileSync(saved, hang);
  console.log(
    `\nHANG: the run did not end within ${Math.round(runLimitMs / 1000)} s; the input being processed (base64) is in ${saved}`,
  );
}
const rows = existsSync(report)
  ? readFileSync(report, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
  : [];
console.log('\ntarget                 executions  slowest input  heap high-water');
for (const r of rows)
  console.log(
    `${r.target.padEnd(22)} ${String(r.executions).padStart(10)}  ${`${Math.round(r.slowestMs)} ms`.padStart(13)}  ${`${Math.round(r.heapMb)} MB`.padStart(15)}`,
  );
console.log(
  `total executions: ${rows.reduce((n, r) => n + r.executions, 0)}; seed ${seed}; findings: ${res.status === 0 ? 'none' : 'see the jest output above (replay with --seed ' + seed + ')'}`,
);
rmSync(work, { recursive: true, force: true });
process.exit(res.status === 0 ? 0 : 1);
