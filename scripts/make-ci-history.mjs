#!/usr/bin/env node
// Makes the two CI histories of the YAML memory measurement (README, Benchmark) through one
// `git fast-import`: node scripts/make-ci-history.mjs DIR hostile|honest [COMMITS]
// hostile: the gate in ci.yml, then COMMITS (300) commits each writing big.yml anew, ~200 KiB of one-line
//   steps whose commands are each the version's own (no command is asked twice).
// honest: 20 workflows of 300 steps (25 KB each, the gate in ci.yml), then one edited a commit in turn,
//   COMMITS (550) commits in all.
import { execFileSync } from 'node:child_process';
import { honestWorkflow as honest } from './bench-lib/ci-workflows.mjs';

const [dir, shape, countText] = process.argv.slice(2);
if (!dir || !['hostile', 'honest'].includes(shape)) {
  console.error('usage: node scripts/make-ci-history.mjs DIR hostile|honest [COMMITS]');
  process.exit(2);
}
const count = Number(countText ?? (shape === 'hostile' ? 300 : 550));
const CI = '.github/workflows/ci.yml';
const GATE =
  'on: [push]\njobs:\n  audit:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npx gitguard audit\n';
const head = (n) =>
  `# not gitguard's job (${n})\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n`;

function steppedApart(n, size) {
  const lines = [head(n)];
  let length = lines[0].length;
  for (let k = 0; length < size; k += 1) {
    const line = `      - run: a${k.toString(36)}v${n}\n`;
    lines.push(line);
    length += line.length;
  }
  return lines.join('');
}

const path = (w) => (w === 0 ? CI : `.github/workflows/wf${w}.yml`);
/** The commits, each the files it writes over the last. */
function* commits() {
  if (shape === 'hostile') {
    yield { [CI]: GATE };
    for (let n = 1; n <= count; n += 1) yield { '.github/workflows/big.yml': steppedApart(n, 200 * 1024) };
    return;
  }
  yield Object.fromEntries(Array.from({ length: 20 }, (_, w) => [path(w), honest(w, 300, 0)]));
  for (let i = 1; i < count; i += 1) yield { [path(i % 20)]: honest(i % 20, 300, i) };
}

const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
execFileSync('git', ['init', '-q', '-b', 'main', dir], { env });
const parts = [];
let time = 1_700_000_000;
let i = 0;
for (const files of commits()) {
  time += 60;
  const msg = `ci: change ${i++}`;
  parts.push(
    `commit refs/heads/main\ncommitter Dev <dev@example.com> ${time} +0000\ndata ${Buffer.byteLength(msg)}\n${msg}\n`,
  );
  for (const [p, text] of Object.entries(files))
    parts.push(`M 100644 inline ${p}\ndata ${Buffer.byteLength(text)}\n${text}\n`);
}
execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, env, input: parts.join(''), maxBuffer: 1 << 30 });
execFileSync('git', ['reset', '-q', '--hard', 'main'], { cwd: dir, env });
console.log(`${dir}: ${i} commits (${shape})`);
