// Gate round 82: a step that runs a file of the checkout (`bash ci/gate.sh`, `./ci/gate.sh`, `sh -e
// scripts/audit`, `make audit`, `npm run gate`, a sourced `. ./ci/env.sh`, BASH_ENV) kept the gate
// while the file named gitguard anywhere: `gitguard audit || true`, `set +e`, `exit 0` after it, a
// `-` recipe line, `.IGNORE`, a package script `|| true`. Each history: Alice keeps the step and
// neutralises the file in a later commit (no policy: the chain of files the CI runs is judged);
// ci-gate-kept must fail. The twins keep a file that still fails the job.
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupTemp } from '../helpers/repo.js';

afterAll(cleanupTemp);

const WF = '.github/workflows/ci.yml';
const GH = (run: string, env = ''): string =>
  `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n${env}    steps:\n      - run: ${JSON.stringify(run)}\n`;
const GL = (line: string): string => `audit:\n  script:\n    - ${JSON.stringify(line)}\n`;
const SH = '#!/bin/bash\nset -e\nnpx gitguard audit\necho done\n';
const MAKE = 'audit:\n\tnpx gitguard audit\n\techo done\n';
const pkg = (scripts: Record<string, string>): string => JSON.stringify({ name: 'x', scripts }, null, 2);
const PKG = pkg({ gate: 'gitguard audit' });

type Case = [string, Record<string, string>, Record<string, string>];
const lost: Case[] = [
  [
    'bash ci/gate.sh: || true',
    { [WF]: GH('bash ci/gate.sh'), 'ci/gate.sh': SH },
    { 'ci/gate.sh': '#!/bin/bash\nnpx gitguard audit || true\n' },
  ],
  [
    'bash ci/gate.sh: set +e',
    { [WF]: GH('bash ci/gate.sh'), 'ci/gate.sh': SH },
    { 'ci/gate.sh': 'set +e\nnpx gitguard audit\necho done\n' },
  ],
  [
    './ci/gate.sh: exit 0 after it',
    { [WF]: GH('./ci/gate.sh'), 'ci/gate.sh': SH },
    { 'ci/gate.sh': '#!/bin/sh\nnpx gitguard audit\nexit 0\n' },
  ],
  [
    'sh -e scripts/audit: || :',
    { [WF]: GH('sh -e scripts/audit'), 'scripts/audit': 'npx gitguard audit\n' },
    { 'scripts/audit': 'npx gitguard audit || :\n' },
  ],
  [
    'a script the script runs: || true',
    { [WF]: GH('bash ci/gate.sh'), 'ci/gate.sh': 'bash ci/inner.sh\n', 'ci/inner.sh': 'npx gitguard audit\n' },
    { 'ci/inner.sh': 'npx gitguard audit || true\n' },
  ],
  [
    'make audit: a - line',
    { [WF]: GH('make audit'), Makefile: MAKE },
    { Makefile: 'audit:\n\t-npx gitguard audit\n\techo done\n' },
  ],
  [
    'make audit: || true',
    { [WF]: GH('make audit'), Makefile: MAKE },
    { Makefile: 'audit:\n\tnpx gitguard audit || true\n' },
  ],
  ['make audit: .IGNORE', { [WF]: GH('make audit'), Makefile: MAKE }, { Makefile: `.IGNORE:\n${MAKE}` }],
  ['make audit: MAKEFLAGS += -i', { [WF]: GH('make audit'), Makefile: MAKE }, { Makefile: `MAKEFLAGS += -i\n${MAKE}` }],
  [
    'npm run gate: || true',
    { [WF]: GH('npm run gate'), 'package.json': PKG },
    { 'package.json': pkg({ gate: 'gitguard audit || true' }) },
  ],
  [
    'npm test: ; exit 0',
    { [WF]: GH('npm test'), 'package.json': pkg({ test: 'gitguard audit' }) },
    { 'package.json': pkg({ test: 'gitguard audit; exit 0' }) },
  ],
  [
    '. ./ci/env.sh that redefines gitguard',
    { [WF]: GH('. ./ci/env.sh\nnpx gitguard audit'), 'ci/env.sh': 'X=1\n' },
    { 'ci/env.sh': 'npx() { :; }\n' },
  ],
  [
    '. ./ci/env.sh that sets +e',
    { [WF]: GH('. ./ci/env.sh\nnpx gitguard audit\necho done'), 'ci/env.sh': 'X=1\n' },
    { 'ci/env.sh': 'set +e\n' },
  ],
  [
    'BASH_ENV names a file that sets +e',
    {
      [WF]: GH('bash ci/gate.sh', '    env:\n      BASH_ENV: ./ci/env.sh\n'),
      'ci/gate.sh': 'npx gitguard audit\necho done\n',
      'ci/env.sh': 'set -e\n',
    },
    { 'ci/env.sh': 'npx() { :; }\n' },
  ],
  [
    'GitLab: bash ci/gate.sh: || true',
    { '.gitlab-ci.yml': GL('bash ci/gate.sh'), 'ci/gate.sh': SH },
    { 'ci/gate.sh': 'npx gitguard audit || true\n' },
  ],
  [
    'env: BASH_ENV added at the job, its file redefining npx',
    { [WF]: GH('npx gitguard audit') },
    { [WF]: GH('npx gitguard audit', '    env:\n      BASH_ENV: ./ci/env.sh\n'), 'ci/env.sh': 'npx() { :; }\n' },
  ],
  [
    'env: BASH_ENV kept, its file made to redefine npx',
    { [WF]: GH('npx gitguard audit', '    env:\n      BASH_ENV: ./ci/env.sh\n'), 'ci/env.sh': 'X=1\n' },
    { 'ci/env.sh': 'npx() { :; }\n' },
  ],
];

const kept: Case[] = [
  [
    'bash ci/gate.sh with set -e, an echo added',
    { [WF]: GH('bash ci/gate.sh'), 'ci/gate.sh': SH },
    { 'ci/gate.sh': `${SH}echo more\n` },
  ],
  [
    './ci/gate.sh: || exit 1',
    { [WF]: GH('./ci/gate.sh'), 'ci/gate.sh': SH },
    { 'ci/gate.sh': '#!/bin/sh\nnpx gitguard audit || exit 1\nexit 0\n' },
  ],
  [
    'make audit: a line added',
    { [WF]: GH('make audit'), Makefile: MAKE },
    { Makefile: `.PHONY: audit\n${MAKE}\techo more\n` },
  ],
  [
    'npm run gate: a pregate hook added',
    { [WF]: GH('npm run gate'), 'package.json': PKG },
    { 'package.json': pkg({ pregate: 'echo hi', gate: 'gitguard audit && echo ok' }) },
  ],
  [
    '. ./ci/env.sh that only sets variables',
    { [WF]: GH('. ./ci/env.sh\nnpx gitguard audit'), 'ci/env.sh': 'X=1\n' },
    { 'ci/env.sh': 'X=2\nexport NODE_ENV=test\n' },
  ],
  [
    'GitLab: bash ci/gate.sh, an echo added',
    { '.gitlab-ci.yml': GL('bash ci/gate.sh'), 'ci/gate.sh': SH },
    { 'ci/gate.sh': `${SH}echo more\n` },
  ],
  [
    'env: BASH_ENV kept, its file setting another variable',
    { [WF]: GH('npx gitguard audit', '    env:\n      BASH_ENV: ./ci/env.sh\n'), 'ci/env.sh': 'X=1\n' },
    { 'ci/env.sh': 'X=2\n' },
  ],
  [
    'a script the gate script runs, changed',
    {
      [WF]: GH('bash ci/a.sh'),
      'ci/a.sh': 'set -e\n[ -n "$IN" ] || IN=1 bash ci/b.sh\nnpx gitguard audit\n',
      'ci/b.sh': 'echo b\n',
    },
    { 'ci/b.sh': 'echo b2\n' },
  ],
];

// Every case judged by one audit of its chain (gate-batch.ts), each test reading its own.
describe('a file the step runs, neutralised or kept', () => {
  const batch = gateBatch();
  for (const [name, before, after] of lost)
    test(`neutralised: ${name}: ci-gate-kept fails`, batch.add(before, after, false));
  for (const [name, before, after] of kept) test(`twin: ${name} keeps the gate`, batch.add(before, after, true));
});
