// Clean pass 106: a wrapper script that forwards its arguments (`npx gitguard audit "$@"`, the shape
// of scripts/ci/*.sh in many projects), run by the step with none. bash expands "$@" to no word then,
// so the step runs `gitguard audit`; the reading took "$@" as unknown options (which could select
// rules) and moving the gate into such a script failed ci-gate-kept. "$@" is now no word where the
// script is started with no arguments and cannot set any; a script that sets them (`set -- -r x`),
// a function given some, a file sourced first, or a step passing arguments still read as before.
// Real bash is the reference: the step run with an npx that records the words it was given.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';
import { failingToolsCheckout } from '../helpers/real-step.js';

afterAll(cleanupTemp);
const root = mkdtempSync(join(tmpdir(), 'gitguard-cp106-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const WF = '.github/workflows/ci.yml';
const GH = (run: string): string =>
  `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ${run}\n`;
const SH = 'scripts/ci/security.sh';
const BEFORE = { [WF]: GH('npx gitguard audit') };

/** The words npx is given when GitHub's bash runs the step `run` in a checkout of `files`. */
function npxWords(run: string, files: Record<string, string>): string {
  const { dir, env } = failingToolsCheckout(root, files);
  const npx = join(dir, 'bin', 'npx');
  writeFileSync(npx, `#!/bin/sh\nprintf '%s|' "$@" >> "${dir}/words"\nexit 1\n`);
  chmodSync(npx, 0o755);
  const res = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', run], { cwd: dir, env });
  expect(res.status).not.toBe(0); // the audit's failure fails the step
  return readFileSync(join(dir, 'words'), 'utf8');
}

// Every case judged by one audit of its chain (gate-batch.ts), each test reading its own.
const batch = gateBatch();

const kept: Array<[string, string, string]> = [
  [
    './script, bash shebang, set -euo pipefail',
    `./${SH}`,
    '#!/usr/bin/env bash\nset -euo pipefail\necho gitguard\nnpx gitguard audit "$@"\n',
  ],
  ['bash script', `bash ${SH}`, '#!/bin/bash\nnpx gitguard audit "${@}"\n'],
  ['sh script with exec', `sh ${SH}`, '#!/bin/sh\nset -e\nexec npx gitguard audit "$@"\n'],
];
for (const [n, run, text] of kept) {
  const files = { [WF]: GH(run), [SH]: text };
  const check = batch.add(BEFORE, files, true);
  test(`${n} forwarding "$@", run with no arguments: bash runs \`gitguard audit\`, kept`, async () => {
    expect(npxWords(run, files)).toBe('gitguard|audit|');
    await check();
  });
}

const lost: Array<[string, string, string]> = [
  ['set -- picks one rule', `./${SH}`, '#!/bin/bash\nset -- --rule security-policy-present\nnpx gitguard audit "$@"\n'],
  [
    'a function given a rule',
    `./${SH}`,
    '#!/bin/bash\nf() { npx gitguard audit "$@"; }\nf --rule security-policy-present\n',
  ],
  ['the step passes a rule', `./${SH} --rule security-policy-present`, '#!/bin/bash\nnpx gitguard audit "$@"\n'],
  [
    "set quoted (s''et -- ...)",
    `./${SH}`,
    `#!/bin/bash\ns''et -- -r security-policy-present\nnpx gitguard audit "$@"\n`,
  ],
  [
    'set after an option, picking a rule',
    `./${SH}`,
    '#!/bin/bash\nset -e -- -r security-policy-present\nnpx gitguard audit "$@"\n',
  ],
];
for (const [n, run, text] of lost) {
  const files = { [WF]: GH(run), [SH]: text };
  const check = batch.add(BEFORE, files, false);
  test(`${n}: bash runs gitguard with it, ci-gate-kept fails`, async () => {
    expect(npxWords(run, files)).toMatch(/^gitguard\|audit\|(?:--rule|-r)\|security-policy-present\|$/);
    await check();
  });
}

test(
  'a sourced file could set them: "$@" read as before (no gate)',
  batch.add(
    BEFORE,
    { [WF]: GH(`./${SH}`), [SH]: '#!/bin/bash\n. ./ci/env.sh\nnpx gitguard audit "$@"\n', 'ci/env.sh': 'X=1\n' },
    false,
  ),
);
