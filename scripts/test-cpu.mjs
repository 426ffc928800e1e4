#!/usr/bin/env node
// `npm run test:cpu [-- --top N] [--out FILE] [jest arguments]`: `npm test` (scripts/test.mjs) with
// each test file's CPU recorded (test/helpers/cpu-record.mjs), then the files ranked by CPU seconds:
// the jest worker's own and those of the processes it started for the file (git, gpg, ssh-keygen,
// node), and below them their sum and the CPU of the whole run's process tree (as /usr/bin/time
// counts it: user + system of every process waited for). CPU, not wall time, is what a busy shared
// machine leaves comparable between runs. --out keeps the per-file records (one JSON line each).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const [, value] = args.splice(i, 2);
  return value;
};
const top = Number(option('--top', '25'));
const out = option('--out', undefined);

/** CPU seconds (user + system) of the processes this one has waited for, from /proc. */
function childrenCpu() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  return (f[13] + f[14]) / 100;
}

const dir = mkdtempSync(join(tmpdir(), 'gitguard-test-cpu-'));
const log = join(dir, 'files.jsonl');
const started = Date.now();
const before = childrenCpu();
const code = await new Promise((resolve) => {
  const child = spawn(process.execPath, ['scripts/test.mjs', ...args], {
    stdio: 'inherit',
    env: { ...process.env, GITGUARD_TEST_CPU_LOG: log },
  });
  child.on('error', () => resolve(1));
  child.on('close', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
});
const tree = childrenCpu() - before;
const wall = (Date.now() - started) / 1000;

let files = [];
try {
  files = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  if (out) copyFileSync(log, out);
} catch {
  // no file ran
}
rmSync(dir, { recursive: true, force: true });

const cpu = (f) => f.self + f.children;
files.sort((a, b) => cpu(b) - cpu(a));
const s = (n) => n.toFixed(1).padStart(7);
const rel = (p) => (p.startsWith(`${process.cwd()}/`) ? p.slice(process.cwd().length + 1) : p);
console.log(
  `\n${'CPU-s'.padStart(7)}${'self'.padStart(7)}${'kids'.padStart(7)}  test file (${Math.min(top, files.length)} of ${files.length})`,
);
for (const f of files.slice(0, top)) console.log(`${s(cpu(f))}${s(f.self)}${s(f.children)}  ${rel(f.file)}`);
const sum = files.reduce((a, f) => a + cpu(f), 0);
console.log(
  `${s(sum)} CPU-s in the test files; the whole run ${tree.toFixed(1)} CPU-s (${files.length} files, ${wall.toFixed(0)} s wall)`,
);
process.exit(code);
