// cache208: a cache restored before the audit in the gate job. GitHub's toolkit unpacks a cache entry
// with `tar -xf <archive> -P -C $GITHUB_WORKSPACE` (actions/toolkit packages/cache/src/internal/tar.ts):
// `-P` keeps a member's absolute name, and no member is checked against `path:`. A pull request's run
// restores from its own scope first, and any workflow of the change on `pull_request` saves there (a
// commit pushed, then force-pushed away): the change writes what its own gate job restores, wherever
// it likes (`~/.cache/pip`'s entry may hold `~/.npm/_npx/...` or a program on PATH). So actions/cache,
// actions/cache/restore and the setup actions' caches (setup-node's `cache:` and, from v5, its npm
// cache when package.json names npm; setup-go's default cache; rust-cache...) before the audit leave
// no gate, gitguard's own action's neither; `lookup-only: true`, actions/cache/save, a cache switched
// off, a restore after the audit or in another job keep it. GitLab's `cache:` on the gate job (own or
// `default:`'s) likewise, but `policy: push`. A committed `.npmrc` setting `cache=` under a folder a
// download fills likewise. The reference below runs the toolkit's tar flags.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { cleanupTemp } from '../helpers/repo.js';
import { gateBatch } from '../helpers/gate-batch.js';
import { cleanupJobs, jobPasses } from '../helpers/real-job.js';
import { artifactStep, cacheStep, checkoutJob, runStep } from '../helpers/workflow-steps.js';

afterAll(cleanupTemp);
afterAll(cleanupJobs);

const run = runStep;
const NPX = run('npx gitguard audit');
const FRESH = run('npx --cache "$(mktemp -d)" gitguard audit');
const OWN = `      - uses: acme/gitguard@${'1'.repeat(40)}\n`;
const step = (uses: string, inputs = ''): string =>
  `      - uses: ${uses}\n${inputs ? `        with:\n${inputs.replace(/^/gm, '          ')}\n` : ''}`;
const setupNode = (v: string, inputs = ''): string =>
  step(`actions/setup-node@${v}`, `node-version: 20\n${inputs}`.trim());
const PKG = (fields: object): Record<string, string> => ({
  'package.json': JSON.stringify({ name: 'app', ...fields }),
});

type Case = [name: string, files: Record<string, string>];
const LOST: Case[] = [
  ['actions/cache of ~/.cache/pip, npx gitguard', checkoutJob(cacheStep('~/.cache/pip'), NPX)],
  ['actions/cache of ~/.m2/repository, gitguard own action', checkoutJob(cacheStep('~/.m2/repository'), OWN)],
  ['actions/cache of ~/.npm, npx with a fresh cache', checkoutJob(cacheStep('~/.npm'), FRESH)],
  [
    'actions/cache/restore of ~/go/pkg/mod, gitguard from PATH',
    checkoutJob(step('actions/cache/restore@v4', 'path: ~/go/pkg/mod\nkey: go'), run('gitguard audit')),
  ],
  [
    'actions/cache, lookup-only false',
    checkoutJob(step('actions/cache@v4', 'path: ~/.cache/pip\nkey: k\nlookup-only: false'), NPX),
  ],
  ['setup-node cache: npm, npx with a fresh cache', checkoutJob(setupNode('v4', 'cache: npm'), FRESH)],
  ['setup-node cache: yarn, npx gitguard', checkoutJob(setupNode('v4', 'cache: yarn'), NPX)],
  ['setup-node cache: pnpm, gitguard own action', checkoutJob(setupNode('v4', 'cache: pnpm'), OWN)],
  [
    'setup-node v5, package.json packageManager npm',
    checkoutJob(setupNode('v5'), NPX, PKG({ packageManager: 'npm@10.9.0' })),
  ],
  [
    'setup-node pinned by commit, devEngines.packageManager npm',
    checkoutJob(setupNode('a'.repeat(40)), NPX, PKG({ devEngines: { packageManager: { name: 'npm' } } })),
  ],
  [
    'setup-node v5, package.json not JSON',
    checkoutJob(setupNode('v5'), NPX, { 'package.json': '{ "packageManager": npm' }),
  ],
  [
    'setup-python cache: pip, gitguard own action',
    checkoutJob(step('actions/setup-python@v5', 'python-version: "3.12"\ncache: pip'), OWN),
  ],
  [
    'setup-java cache: gradle',
    checkoutJob(step('actions/setup-java@v4', 'distribution: temurin\njava-version: 21\ncache: gradle'), NPX),
  ],
  ['setup-go v5, its cache on by default', checkoutJob(step('actions/setup-go@v5', 'go-version: stable'), NPX)],
  ['setup-dotnet cache: true', checkoutJob(step('actions/setup-dotnet@v4', 'dotnet-version: 8.0.x\ncache: true'), NPX)],
];
const KEPT: Case[] = [
  [
    'actions/cache, lookup-only: true',
    checkoutJob(step('actions/cache@v4', 'path: ~/.cache/pip\nkey: k\nlookup-only: true'), NPX),
  ],
  ['actions/cache/save of ~/.npm', checkoutJob(step('actions/cache/save@v4', 'path: ~/.npm\nkey: k'), NPX)],
  [
    'setup-node v4, packageManager npm (no automatic cache)',
    checkoutJob(setupNode('v4'), NPX, PKG({ packageManager: 'npm@10.9.0' })),
  ],
  ['setup-node v5, packageManager pnpm', checkoutJob(setupNode('v5'), NPX, PKG({ packageManager: 'pnpm@9.0.0' }))],
  [
    'setup-node v5, packageManager npm, package-manager-cache: false',
    checkoutJob(setupNode('v5', 'package-manager-cache: false'), NPX, PKG({ packageManager: 'npm@10.9.0' })),
  ],
  ['setup-node v5, no package.json', checkoutJob(setupNode('v5'), NPX)],
  ['setup-go v5, cache: false', checkoutJob(step('actions/setup-go@v5', 'go-version: stable\ncache: false'), NPX)],
  ['setup-python with no cache', checkoutJob(step('actions/setup-python@v5', 'python-version: "3.12"'), OWN)],
  ['npx gitguard, then actions/cache of ~/.cache/pip', checkoutJob('', `${NPX}${cacheStep('~/.cache/pip')}`)],
];

describe('cache208: a cache restored before the audit in the gate job', () => {
  const batch = gateBatch();
  const DIRECT = checkoutJob('', NPX);
  for (const [name, files] of KEPT) it(`keeps the gate: ${name}`, batch.add(DIRECT, files, true), 600_000);
  for (const [name, files] of LOST) it(`loses the gate: ${name}`, batch.add(DIRECT, files, false), 600_000);
});

// A committed `.npmrc` that sets npm's `cache` moves npx's cache (its `_npx`, its packuments) into
// the workspace: a download there (an earlier job's artifact, the change's code) then decides what
// `npx gitguard` runs, as a restored `~/.npm` would. The same download with an `.npmrc` that sets no
// cache keeps the gate (cleanpass160's reading of a plain restore).
const rc = (text: string): Record<string, string> => ({ '.npmrc': text });
const NPMRC: Array<[name: string, npmrc: string, kept: boolean]> = [
  ['.npmrc cache=target/npm, download-artifact into target/', 'cache=target/npm\n', false],
  ['.npmrc cache = ./target/npm (spaces), download-artifact into target/', 'cache = ./target/npm\n', false],
  ['.npmrc with only a registry, download-artifact into target/', 'registry=https://registry.npmjs.org/\n', true],
];
describe("cache208: a committed .npmrc moving npm's cache where a download writes", () => {
  for (const [name, text, kept] of NPMRC) {
    const batch = gateBatch();
    const before = checkoutJob('', NPX, rc(text));
    it(
      `${kept ? 'keeps' : 'loses'} the gate: ${name}`,
      batch.add(before, checkoutJob(artifactStep('target/'), NPX, rc(text)), kept),
      600_000,
    );
  }
});

// GitLab: the gate job's `cache:` (its own or `default:`'s) is unpacked into the project folder after
// the clone, from an archive a job of the change may have saved under that key.
const GL = '.gitlab-ci.yml';
const GL_GATE = [
  ...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/^```yaml\n(gitguard:\n[\s\S]*?)^```$/gm),
][0]![1]!;
const gl = (head: string, job = ''): Record<string, string> => ({ [GL]: `${head}${GL_GATE}${job}` });
const GL_LOST: Case[] = [
  ['the gate job caches node_modules', gl('', '  cache:\n    key: npm\n    paths: [node_modules/]\n')],
  ['default: cache', gl('default:\n  cache:\n    paths: [.npm/]\n')],
  ['the gate job cache: policy pull', gl('', '  cache:\n    key: k\n    paths: [vendor/]\n    policy: pull\n')],
];
const GL_KEPT: Case[] = [
  ['the gate job cache: policy push', gl('', '  cache:\n    key: k\n    paths: [vendor/]\n    policy: push\n')],
  ['default: cache, the gate job cache: []', gl('default:\n  cache:\n    paths: [.npm/]\n', '  cache: []\n')],
  ['a cache in another job', gl('test:\n  cache:\n    paths: [node_modules/]\n  script:\n    - npm test\n')],
];

describe('cache208: GitLab cache: on the gate job', () => {
  const batch = gateBatch();
  const DIRECT = gl('');
  for (const [name, files] of GL_KEPT) it(`keeps the gate: ${name}`, batch.add(DIRECT, files, true), 600_000);
  for (const [name, files] of GL_LOST) it(`loses the gate: ${name}`, batch.add(DIRECT, files, false), 600_000);
});

// The reference: another run's entry, made with the toolkit's own create flags (`--posix -z -cf
// <archive> -P -C <dir>`) and a member named with an absolute path, unpacked by the restore with its
// flags (`-z -xf <archive> -P -C $GITHUB_WORKSPACE`) while `path:` was `~/.cache/pip`: the member lands
// over the job's `gitguard` on PATH (real-job.ts: one that passes only on a signed HEAD, which this
// checkout's is not), so the gate step passes. Without `-P` GNU tar strips the `/` and the gate holds.
const SAVE = String.raw`src=$(mktemp -d) && printf '#!/bin/sh\nexit 0\n' > "$src/g" && chmod +x "$src/g" && tar --posix -z -cf "$RUNNER_TEMP/entry.tgz" -P --transform "s|^g\$|$HOME/bin/gitguard|" -C "$src" g && tar -tzf "$RUNNER_TEMP/entry.tgz" -P | grep -qx "$HOME/bin/gitguard"`;
const RESTORE = (flags: string): string =>
  `mkdir -p ~/.cache/pip && tar -z -xf "$RUNNER_TEMP/entry.tgz" ${flags} -C "$GITHUB_WORKSPACE"`;
const tarOk = ((): boolean => {
  try {
    return /GNU tar/.test(execFileSync('tar', ['--version'], { encoding: 'utf8' }));
  } catch {
    return false;
  }
})();
(tarOk ? describe : describe.skip)("cache208: the toolkit's tar -P puts a member outside the restored folder", () => {
  it('the planted gitguard runs after the restore with -P', () => {
    expect(jobPasses([{ run: SAVE }, { run: RESTORE('-P') }, { run: 'gitguard audit' }])).toBe(true);
  });
  it('without the restore, or unpacked without -P, the real one runs and fails', () => {
    expect(jobPasses([{ run: SAVE }, { run: 'gitguard audit' }])).toBe(false);
    expect(jobPasses([{ run: SAVE }, { run: RESTORE('') }, { run: 'gitguard audit' }])).toBe(false);
  });
});
