#!/usr/bin/env node
// Makes a repository with N commits quickly through `git fast-import` (one process), for the
// memory and speed measurements: node scripts/make-history.mjs DIR N
import { execFileSync, spawn } from 'node:child_process';

const [dir, countText] = process.argv.slice(2);
const count = Number(countText ?? 100000);
if (!dir || !Number.isInteger(count) || count < 1) {
  console.error('usage: node scripts/make-history.mjs DIR N');
  process.exit(2);
}
const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
execFileSync('git', ['init', '-q', '-b', 'main', dir], { env });
const fi = spawn('git', ['fast-import', '--quiet'], { cwd: dir, env, stdio: ['pipe', 'inherit', 'inherit'] });
const start = 1_600_000_000;
let i = 0;
function write() {
  let ok = true;
  while (i < count && ok) {
    const t = start + i * 60;
    const msg = `commit ${i}\n\nA message long enough to look real: ${'x'.repeat(i % 200)}\n`;
    const content = `line ${i}\n`;
    ok = fi.stdin.write(
      `commit refs/heads/main\nmark :${i + 1}\nauthor Dev ${i % 50} <dev${i % 50}@example.com> ${t} +0000\ncommitter Dev ${i % 50} <dev${i % 50}@example.com> ${t} +0000\n` +
        `data ${Buffer.byteLength(msg)}\n${msg}${i ? `from :${i}\n` : ''}M 100644 inline file${i % 100}.txt\ndata ${Buffer.byteLength(content)}\n${content}\n`,
    );
    i += 1;
  }
  if (i < count) fi.stdin.once('drain', write);
  else fi.stdin.end();
}
write();
fi.on('close', (code) => process.exit(code ?? 1));
