// domain/checkout-runs.ts against the programs themselves: each step script is run by real bash or
// sh in a temp checkout holding the files it runs (scripts, a sourced file, a Makefile run by real
// make, a package.json run by real npm), with a `gitguard` and `npx` on PATH that fail the audit;
// whether the step then exits non-zero is the reference for failsWithGitguard with the checkout read.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { failsWithGitguard } from '../../src/domain/shell-gate.js';
import type { Checkout, FileAt } from '../../src/domain/shell-state.js';

const root = mkdtempSync(join(tmpdir(), 'gitguard-checkout-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const bin = join(root, 'bin');
mkdirSync(bin);
writeFileSync(join(bin, 'gitguard'), '#!/bin/sh\ncase "$*" in *--version*|*--help*|rules*|"") exit 0;; esac\nexit 1\n');
writeFileSync(join(bin, 'npx'), '#!/bin/sh\nwhile [ "${1#-}" != "$1" ]; do shift; done\nshift\nexec gitguard "$@"\n');
for (const f of ['gitguard', 'npx']) chmodSync(join(bin, f), 0o755);

const pkg = (scripts: Record<string, string>): string => JSON.stringify({ name: 'x', version: '1.0.0', scripts });
const MAKE = 'audit:\n\tnpx gitguard audit\n';
/** [name, files of the checkout, the step's script, the step's variables]. */
type Case = [string, Record<string, string>, string, Record<string, string>?];
const CASES: Case[] = [
  ['bash x: the check alone', { 'ci/gate.sh': 'npx gitguard audit\n' }, 'bash ci/gate.sh'],
  ['bash x: || true', { 'ci/gate.sh': 'npx gitguard audit || true\n' }, 'bash ci/gate.sh'],
  ['bash x: set -e, a line after', { 'ci/gate.sh': 'set -e\nnpx gitguard audit\necho done\n' }, 'bash ci/gate.sh'],
  ['bash x: no -e, a line after', { 'ci/gate.sh': 'npx gitguard audit\necho done\n' }, 'bash ci/gate.sh'],
  ['bash -e x: a line after', { 'ci/gate.sh': 'npx gitguard audit\necho done\n' }, 'bash -e ci/gate.sh'],
  ['sh -e x: set +e first', { 'scripts/audit': 'set +e\nnpx gitguard audit\necho done\n' }, 'sh -e scripts/audit'],
  [
    './x by #!/bin/sh -e: exit 0 after it',
    { 'ci/gate.sh': '#!/bin/sh -e\nnpx gitguard audit\nexit 0\n' },
    './ci/gate.sh',
  ],
  [
    './x by env bash: pipefail',
    { 'ci/gate.sh': '#!/usr/bin/env bash\nset -euo pipefail\nnpx gitguard audit | tee out\n' },
    './ci/gate.sh',
  ],
  [
    './x by env bash: | tee',
    { 'ci/gate.sh': '#!/usr/bin/env bash\nset -e\nnpx gitguard audit | tee out\n' },
    './ci/gate.sh',
  ],
  ['./x with no shebang', { 'ci/gate.sh': 'npx gitguard audit\n' }, './ci/gate.sh'],
  ['./x, then || true in the step', { 'ci/gate.sh': '#!/bin/sh\nnpx gitguard audit\n' }, './ci/gate.sh || true'],
  [
    'a script run by a script: || :',
    { 'ci/gate.sh': 'bash ci/inner.sh\n', 'ci/inner.sh': 'npx gitguard audit || :\n' },
    'bash ci/gate.sh',
  ],
  [
    'a script run by a script',
    { 'ci/gate.sh': 'set -e\nbash ci/inner.sh\necho ok\n', 'ci/inner.sh': 'npx gitguard audit\n' },
    'bash ci/gate.sh',
  ],
  ['. x setting variables', { 'ci/env.sh': 'X=1\nexport Y=2\n' }, '. ./ci/env.sh\nnpx gitguard audit'],
  ['. x redefining npx', { 'ci/env.sh': 'npx() { :; }\n' }, '. ./ci/env.sh\nnpx gitguard audit'],
  ['. x setting +e', { 'ci/env.sh': 'set +e\n' }, '. ./ci/env.sh\nnpx gitguard audit\necho done'],
  ['. x returning first', { 'ci/env.sh': 'return 0\nset +e\n' }, '. ./ci/env.sh\nnpx gitguard audit\necho done'],
  [
    '. x from a script',
    { 'ci/gate.sh': 'set -e\n. ci/env.sh\nnpx gitguard audit\necho done\n', 'ci/env.sh': 'trap "exit 0" EXIT\n' },
    'bash ci/gate.sh',
  ],
  ['make: the recipe', { Makefile: MAKE }, 'make audit'],
  ['make: the default goal', { Makefile: `${MAKE}other:\n\techo other\n` }, 'make'],
  ['make: a - line', { Makefile: 'audit:\n\t-npx gitguard audit\n' }, 'make audit'],
  ['make: || true', { Makefile: 'audit:\n\tnpx gitguard audit || true\n' }, 'make audit'],
  ['make: ; echo on one line', { Makefile: '.PHONY: audit\naudit:\n\t@npx gitguard audit; echo done\n' }, 'make audit'],
  ['make: .IGNORE', { Makefile: `.IGNORE:\n${MAKE}` }, 'make audit'],
  ['make: MAKEFLAGS += -i', { Makefile: `MAKEFLAGS += -i\n${MAKE}` }, 'make audit'],
  ['make -i', { Makefile: MAKE }, 'make -i audit'],
  ['make -k', { Makefile: MAKE }, 'make -k audit'],
  ['make -n', { Makefile: MAKE }, 'make -n audit'],
  ['make: MAKEFLAGS=i in the step', { Makefile: MAKE }, 'MAKEFLAGS=i make audit'],
  ['make: a prerequisite first', { Makefile: 'audit: lint\n\tnpx gitguard audit\nlint:\n\techo lint\n' }, 'make audit'],
  ['make: a variable', { Makefile: 'GG = npx gitguard\naudit:\n\t$(GG) audit\n' }, 'make audit'],
  ['make -C sub', { 'sub/Makefile': MAKE }, 'make -C sub audit'],
  ['make: $(MAKE) -C sub', { Makefile: 'gate:\n\t$(MAKE) -C sub audit\n', 'sub/Makefile': MAKE }, 'make gate'],
  [
    'make: .SHELLFLAGS -e -c',
    { Makefile: `.SHELLFLAGS := -e -c\naudit:\n\tnpx gitguard audit; echo done\n` },
    'make audit',
  ],
  ['make: a file named as the goal', { Makefile: MAKE, audit: 'x\n' }, 'make audit'],
  ['make: a file named as the goal, .PHONY', { Makefile: `.PHONY: audit\n${MAKE}`, audit: 'x\n' }, 'make audit'],
  ['make: no rule for the goal', { Makefile: MAKE }, 'make gate || npx gitguard audit'],
  ['npm run', { 'package.json': pkg({ gate: 'gitguard audit' }) }, 'npm run gate'],
  ['npm run: || true', { 'package.json': pkg({ gate: 'gitguard audit || true' }) }, 'npm run gate'],
  ['npm test: ; exit 0', { 'package.json': pkg({ test: 'gitguard audit; exit 0' }) }, 'npm test'],
  ['npm run: pre exits 0', { 'package.json': pkg({ pregate: 'exit 0', gate: 'gitguard audit' }) }, 'npm run gate'],
  ['npm run: a post hook', { 'package.json': pkg({ gate: 'gitguard audit', postgate: 'echo ok' }) }, 'npm run gate'],
  [
    'npm run: a script of it',
    { 'package.json': pkg({ gate: 'npm run inner', inner: 'gitguard audit || true' }) },
    'npm run gate',
  ],
  [
    'npm run: a script of it, kept',
    { 'package.json': pkg({ gate: 'npm run inner && echo ok', inner: 'gitguard audit' }) },
    'npm run gate',
  ],
  ['npm run --if-present, none', { 'package.json': pkg({}) }, 'npm run gate --if-present; npx gitguard audit'],
  ['npm --prefix web run', { 'web/package.json': pkg({ gate: 'gitguard audit' }) }, 'npm --prefix web run gate'],
  [
    'BASH_ENV: a file redefining npx',
    { 'ci/gate.sh': 'npx gitguard audit\n', 'ci/env.sh': 'npx() { :; }\n' },
    'bash ci/gate.sh',
    { BASH_ENV: './ci/env.sh' },
  ],
  [
    'BASH_ENV: a file setting a variable',
    { 'ci/gate.sh': 'npx gitguard audit\n', 'ci/env.sh': 'X=1\n' },
    'bash ci/gate.sh',
    { BASH_ENV: './ci/env.sh' },
  ],
];

/** The checkout as the reading sees it: the files of `dir`, each read as the collector gives it. */
function checkoutOf(dir: string, vars: Record<string, string>): Checkout {
  const read = (p: string): FileAt => {
    try {
      return statSync(join(dir, p)).isDirectory() ? 'tree' : { text: readFileSync(join(dir, p), 'utf8') };
    } catch {
      return null;
    }
  };
  return { read, leads: () => false, dir: '', vars: new Map(Object.entries(vars)), files: 0 };
}

test.each([
  [['bash', '-e'], { errexit: true, pipefail: false }],
  [['sh', '-e'], { errexit: true, pipefail: false }],
] as const)('%j: the step fails when gitguard fails exactly where the programs say so', (shell, mode) => {
  const wrong: string[] = [];
  for (const [name, files, script, vars = {}] of CASES) {
    if (shell[0] === 'sh' && vars.BASH_ENV) continue; // the step's own bash reads BASH_ENV too
    const dir = mkdtempSync(join(root, 'c-'));
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), text);
      chmodSync(join(dir, p), 0o755);
    }
    writeFileSync(join(root, 'step.sh'), `${script}\n`);
    const env = {
      PATH: `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`,
      HOME: root,
      npm_config_update_notifier: 'false',
      ...vars,
    };
    const real = spawnSync(shell[0], [...shell.slice(1), join(root, 'step.sh')], { cwd: dir, env, timeout: 30_000 });
    if ((real.status !== 0) !== failsWithGitguard(script, mode, checkoutOf(dir, vars)))
      wrong.push(`${name}: real ${real.status}`);
  }
  expect(wrong).toEqual([]);
});

test('a cycle of scripts (a.sh runs b.sh runs a.sh) is read to a bound: no gate', () => {
  const files: Record<string, string> = { 'a.sh': 'bash b.sh\nnpx gitguard audit\n', 'b.sh': 'bash a.sh\n' };
  const co: Checkout = {
    read: (p) => (files[p] ? { text: files[p] } : null),
    leads: () => false,
    dir: '',
    vars: new Map(),
    files: 0,
  };
  expect(failsWithGitguard('bash a.sh', { errexit: true, pipefail: false }, co)).toBe(false);
  // The same files with no cycle: a gate.
  files['b.sh'] = 'echo b\n';
  expect(failsWithGitguard('bash a.sh', { errexit: true, pipefail: false }, { ...co, files: 0 })).toBe(true);
});
