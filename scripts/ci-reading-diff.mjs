#!/usr/bin/env node
// Differential check of a change to the CI-gate reading (perf212): the honest repository shapes of
// test/fixtures/repo-shapes/ (and any repository named after them) audited by two builds of gitguard,
// their verdicts and findings compared. Usage:
//   node scripts/ci-reading-diff.mjs <old bin/gitguard.js> <new bin/gitguard.js> [repo...]
// The old build is another checkout's (`git archive merge | tar -x -C /tmp/old`, then its build).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [oldBin, newBin, ...more] = process.argv.slice(2);
if (!oldBin || !newBin) {
  console.error('usage: ci-reading-diff.mjs <old bin> <new bin> [repo...]');
  process.exit(2);
}
const shapes = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'repo-shapes');
const root = mkdtempSync(join(tmpdir(), 'ci-reading-diff-'));
const env = {
  PATH: process.env.PATH,
  HOME: join(root, 'home'),
  TZ: 'UTC',
  LC_ALL: 'C',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: join(root, 'home', '.gitconfig'),
  GNUPGHOME: join(root, 'g'),
};
// The shapes that hold CI files as cleanpass193-workflow-shapes makes them.
const parts = ['workflows', 'gitlab', 'gates', 'yaml', 'twins-workflows'].map(
  (p) => `. ${JSON.stringify(join(shapes, `${p}.sh`))}`,
);
execFileSync(
  'bash',
  [
    '-c',
    `. ${JSON.stringify(join(shapes, 'common.sh'))}\n${parts.join('\n')}\ngpgconf --kill gpg-agent`,
    'shapes',
    root,
    newBin,
  ],
  {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
const repos = [...readdirSync(join(root, 'r')).map((n) => join(root, 'r', n)), ...more];

/** One audit's verdict: exit code and each rule's outcome with its findings, as JSON prints them. */
function verdict(bin, repo) {
  const args = ['audit', '-C', repo, '--no-ledger', '--format', 'json'];
  const r = spawnSync('node', [bin, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 28 });
  let results;
  try {
    results = JSON.parse(r.stdout).results.map((x) => [x.meta.id, x.outcome, x.findings ?? x.message ?? null]);
  } catch {
    results = r.stdout;
  }
  return JSON.stringify({ code: r.status, results });
}

let differ = 0;
for (const repo of repos) {
  const [a, b] = [verdict(oldBin, repo), verdict(newBin, repo)];
  const same = a === b;
  if (!same) differ += 1;
  console.log(`${same ? 'same' : 'DIFFERS'}  ${repo}  (exit ${JSON.parse(b).code})`);
  if (!same) console.log(`  old: ${a.slice(0, 2000)}\n  new: ${b.slice(0, 2000)}`);
}
console.log(`${repos.length} repositories, ${differ} differ`);
process.exit(differ ? 1 : 0);
