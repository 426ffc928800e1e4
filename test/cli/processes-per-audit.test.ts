// How many git processes one audit starts, counted through a --git wrapper that logs each one: every
// process is a fork of the whole node process (3-5 ms of CPU from a test worker, more in a pre-push
// hook's wall time), so a question asked once per commit, per shadow or per collector must not creep
// back. The ceilings are today's counts; each named subcommand is one the run used to start twice or
// more (merge-base --is-ancestor per question, a cat-file and an ls-tree per collector).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, copyRepo, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { sshSigningRepo } from '../helpers/signing-repo.js';
import { commitAsPerson, makeSshKey, type SshTestKey } from '../helpers/ssh.js';
import { parseJson, runMain, type JsonReport } from '../helpers/cli.js';

/** A git that logs its arguments, one line per process; `version` answers `--version` instead of git. */
function loggingGit(dir: string, name: string, version?: string): { git: string; log: string } {
  const git = join(dir, `${name}.sh`);
  const log = join(dir, `${name}.log`);
  const fake = version ? `[ "$1" = --version ] && { echo 'git version ${version}'; exit 0; }\n` : '';
  writeFileSync(git, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\n${fake}exec git "$@"\n`);
  chmodSync(git, 0o755);
  writeFileSync(log, '');
  return { git, log };
}

/** The logged processes by subcommand and its first option ("cat-file --batch-command"), --version left out. */
function processes(log: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    const words = line.split(' ').filter(Boolean);
    let i = 0;
    while (i < words.length && words[i]!.startsWith('-')) i += words[i] === '-c' ? 2 : 1;
    if (i >= words.length) continue; // --version (asked once per process and git file)
    const key = [words[i], words[i + 1]?.startsWith('-') ? words[i + 1]!.replace(/=.*/, '') : ''].join(' ').trim();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  writeFileSync(log, '');
  return counts;
}

const startingWith = (c: Map<string, number>, prefix: string): number =>
  [...c].filter(([k]) => k.startsWith(prefix)).reduce((a, [, n]) => a + n, 0);

/**
 * All but the walk's `diff-tree`, which runs only when the secrets scan's log did not offer the
 * watched paths' changes in time (collect/path-tap.ts: either way, the same verdicts): at most one.
 */
const total = (c: Map<string, number>): number => {
  expect(startingWith(c, 'diff-tree')).toBeLessThanOrEqual(1);
  return [...c].filter(([k]) => !k.startsWith('diff-tree')).reduce((a, [, n]) => a + n, 0);
};

const CLIENT = /client|vulnerab|forge/;
const outcomes = (report: JsonReport): Record<string, string> =>
  Object.fromEntries(report.results.filter((r) => !CLIENT.test(r.meta.id)).map((r) => [r.meta.id, r.outcome]));

let dir: string;
let plain: TestRepo;
let signed: TestRepo;
let alice: SshTestKey;
beforeAll(() => {
  dir = tempDir('gg-procs-');
  plain = makeRepo();
  plain.commit('one', { 'a.txt': 'a\n' });
  plain.commit('two', { 'b.txt': 'b\n' });
  alice = makeSshKey(dir, 'ed25519', 'alice');
  signed = sshSigningRepo(alice);
  signed.commit('ci', {
    '.github/workflows/ci.yml':
      'on: [push]\njobs:\n  g:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./.github/actions/audit\n',
    '.github/actions/audit/action.yml':
      'runs:\n  using: composite\n  steps:\n    - run: npx gitguard audit\n      shell: bash\n',
    '.gitlab-ci.yml': "include:\n  - local: '/ci/gate.yml'\n",
    'ci/gate.yml': 'gitguard:\n  script: npx gitguard audit\n',
    'SECURITY.md': 'Report to security@example.com\n',
  });
  signed.commit('work', { 'src/a.txt': 'a\n' });
  signed.run(['tag', '-m', 'v1', 'v1']);
  signed.commit('more work', { 'src/a.txt': 'a2\n' });
});
afterAll(() => cleanupTemp());

const audit = async (r: TestRepo, git: string): Promise<JsonReport> => {
  const res = await runMain(['audit', '-C', r.dir, '--format', 'json', '--git', git], { env: r.env });
  expect(res.code).not.toBe(2); // the audit ran (its ledger line aside, a finding may fail it)
  return parseJson(res);
};

test('an audit of a two-commit repository without a policy starts at most 8 git', async () => {
  const { git, log } = loggingGit(dir, 'plain');
  await audit(copyRepo(plain), git);
  const c = processes(log);
  expect(startingWith(c, 'merge-base')).toBe(0);
  // The run's reader and the walk's stream, which gives the secrets scan the commit objects (what no
  // log prints) however early the scan's logs end (collect/commit-feed.ts): a third when they ended first.
  expect(startingWith(c, 'cat-file')).toBeLessThanOrEqual(2);
  expect(startingWith(c, 'ls-tree')).toBeLessThanOrEqual(1);
  expect(total(c)).toBeLessThanOrEqual(8);
});

test('an audit of a signed repository with a policy, CI files, a tag and SECURITY.md starts at most 11 git; again, resuming with nothing new, at most 7', async () => {
  const { git, log } = loggingGit(dir, 'signed');
  const r = copyRepo(signed);
  const first = await audit(r, git);
  const c = processes(log);
  // The trust root is the first policy commit on HEAD's chain: the ledger's check knows it is HEAD's ancestor.
  expect(startingWith(c, 'merge-base')).toBe(0);
  expect(startingWith(c, 'cat-file')).toBeLessThanOrEqual(2); // the reader and the walk's, which feeds the scan
  expect(startingWith(c, 'ls-tree')).toBeLessThanOrEqual(1); // the nested .gitattributes; SECURITY.md is read by the reader
  expect(startingWith(c, 'rev-list --no-walk')).toBe(0); // the reflogs' parents too
  for (const once of ['for-each-ref', 'config', 'rev-parse']) expect(startingWith(c, once)).toBeLessThanOrEqual(1);
  // The CI chain's files searched across the range (derived-range.ts): the files watched whole first,
  // then those read in parts, each listing no more than can be read.
  expect(startingWith(c, 'rev-list --full-history')).toBeLessThanOrEqual(2);
  expect(total(c)).toBeLessThanOrEqual(11);
  expect(first.results.find((x) => x.meta.id === 'security-policy-present')?.outcome).toBe('pass');
  const again = await audit(r, git);
  const d = processes(log);
  // Resumed with nothing new, the walk's and the scan's lists are `tip ^tip`: empty by their revisions
  // alone, so neither is sorted nor read (a rev-list and a cat-file each before: 10).
  expect(startingWith(d, 'rev-list --stdin')).toBe(0);
  expect(d.get('cat-file --batch') ?? 0).toBe(0);
  // The ledger's trust root is HEAD's ancestor by the checkpoint's rootBelow, HEAD itself: no merge-base
  // (before: one, reading the whole history down to the root).
  expect(startingWith(d, 'merge-base')).toBe(0);
  expect(total(d)).toBeLessThanOrEqual(7);
  expect(again.results.find((x) => x.meta.id === 'protected-refs-not-rewritten')?.outcome).toBe('pass');
});

/**
 * The tip's tree is listed once for both of its readers (collect/tip-listing.ts): a CI gate's `paths:`
 * filter (every file name) and the nested .gitattributes, which each ran `ls-tree -r` before. Bob, no
 * maintainer, narrows Alice's gate to a `paths:` filter: one that a change to most of the tip's files
 * starts keeps it, one matching none loses it (ci-gate-kept, as in gate91); he then changes the nested attributes,
 * which are still found and watched from the shared listing.
 */
test.each([
  ['src/**', 'pass'],
  ['nope/**', 'fail'],
])(
  'a gate filtered by paths: [%s] beside a nested .gitattributes: the tip listed once (was twice), ci-gate-kept %s, the attributes watched',
  async (filter, gate) => {
    const r = sshSigningRepo(alice);
    const wf = (on: string): string =>
      `on:\n  push:\n${on}jobs:\n  g:\n    runs-on: x\n    steps:\n      - run: npx gitguard audit\n`;
    r.commit('ci', {
      '.github/workflows/ci.yml': wf(''),
      ...Object.fromEntries('abcdefgh'.split('').map((c) => [`src/${c}.txt`, `${c}\n`])),
      'lib/.gitattributes': '*.bin binary\n',
    });
    const bob = (message: string, files: Record<string, string>): string =>
      commitAsPerson(r, undefined, 'bob@example.com', message, files);
    bob('ci: narrow', { '.github/workflows/ci.yml': wf(`    paths: ['${filter}']\n`) });
    bob('attributes', { 'lib/.gitattributes': '*.bin -diff\n' });
    // git's own answer: most of the tip's files are under src/, none under nope/.
    const files = r.run(['ls-tree', '-r', '--name-only', 'HEAD']).trim().split('\n');
    expect(files.filter((f) => f.startsWith('src/')).length * 2).toBeGreaterThan(files.length);
    expect(files.some((f) => f.startsWith('nope/'))).toBe(false);
    const { git, log } = loggingGit(dir, `filtered-${gate}`);
    const report = await audit(r, git);
    expect(startingWith(processes(log), 'ls-tree')).toBe(1);
    expect(outcomes(report)['ci-gate-kept']).toBe(gate);
    const changed = report.results.find((x) => x.meta.id === 'protected-paths-changed-by-maintainers')!;
    expect(changed.outcome).toBe('fail');
    expect(changed.findings.map((f) => f.message).join('\n')).toContain('lib/.gitattributes');
  },
);

/** A folder with a `git` that logs its arguments, then runs the real one (for the hooks, which run git from PATH). */
function loggingGitOnPath(name: string): { path: string; log: string } {
  const real = execFileSync('sh', ['-c', 'command -v git']).toString().trim();
  const bin = join(dir, name);
  mkdirSync(bin);
  const log = join(dir, `${name}.log`);
  writeFileSync(join(bin, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${real}' "$@"\n`);
  chmodSync(join(bin, 'git'), 0o755);
  writeFileSync(log, '');
  return { path: bin, log };
}

test('the pre-push hook over one new commit starts at most 13 git, the secrets scan of what it publishes included; a deletion starts no scan', async () => {
  const r = copyRepo(plain);
  const remote = join(tempDir(), 'remote.git');
  r.run(['init', '-q', '--bare', remote]);
  r.run(['remote', 'add', 'origin', remote]);
  r.run(['push', '-q', 'origin', 'main', 'main:refs/heads/topic']);
  const old = r.head();
  const now = r.commit('three', { 'c.txt': 'c\n' });
  const { path, log } = loggingGitOnPath('hook');
  const hook = (input: string) =>
    runMain(['hook', 'run', 'pre-push', 'origin', remote], {
      cwd: r.dir,
      env: { ...r.env, PATH: `${path}:${r.env.PATH ?? process.env.PATH ?? ''}` },
      input,
    });
  const pushed = await hook(`refs/heads/main ${now} refs/heads/main ${old}\n`);
  // Judged (its unsigned commit fails commits-signed without a policy), and no secret found.
  expect(pushed.stderr).toMatch(/1 new commit\(s\) checked/);
  expect(pushed.stderr).not.toMatch(/secrets-not-in-history/);
  const c = processes(log);
  // The scan's log -p (the walk takes its watched paths from it: no diff-tree) and its pass over the
  // commit objects: one process more than before the hook scanned (11), the sort shared with the walk.
  expect(startingWith(c, 'rev-list --stdin')).toBeLessThanOrEqual(1);
  expect(startingWith(c, 'log -p')).toBe(1);
  expect(startingWith(c, 'cat-file')).toBeLessThanOrEqual(3);
  // 13 since ci-gate-kept reads the remotes' hosts (the forges that may host the repository) from the
  // config listing, beside the remote-record config read of the pre-push checks.
  expect(startingWith(c, 'config --list')).toBeLessThanOrEqual(1);
  expect(total(c)).toBeLessThanOrEqual(13);
  // Deleting a branch publishes nothing: no scan, no walk.
  const zero = '0'.repeat(40);
  expect((await hook(`(delete) ${zero} refs/heads/topic ${old}\n`)).code).toBe(0);
  const d = processes(log);
  expect(startingWith(d, 'log')).toBe(0);
  expect(total(d)).toBeLessThanOrEqual(6); // 5 before the config listing above
});

/**
 * The hook reads the git config once: the facts' listing (the user's config included) answers the
 * remote's fetch refspecs and URL too. Before, `config --get-regexp` and `remote get-url` read the
 * repository's config alone, so a global url.<base>.insteadOf made the remote look fetched from another
 * URL than the one pushed to, and a remote-tracking ref the push line shows stale still counted as
 * published: the commit only it held went unchecked.
 */
test.each([
  ['a plain remote URL', false],
  ["a URL the user's global insteadOf rewrites", true],
])(
  'the pre-push hook reads the config once, and a stale remote-tracking ref is not taken as published: %s',
  async (_name, rewritten) => {
    const r = copyRepo(plain);
    const remote = join(tempDir(), 'remote.git');
    r.run(['init', '-q', '--bare', remote]);
    if (rewritten) r.run(['config', '--global', `url.${remote}.insteadOf`, 'gg:origin']);
    r.run(['remote', 'add', 'origin', rewritten ? 'gg:origin' : remote]);
    r.run(['push', '-q', 'origin', 'main']);
    const one = r.run(['rev-parse', 'HEAD~1']).trim();
    const two = r.head();
    // The remote rewound since the fetch: refs/remotes/origin/main still records `two`.
    execFileSync('git', ['--git-dir', remote, 'update-ref', 'refs/heads/main', one], { env: r.env });
    const three = r.commit('three', { 'c.txt': 'c\n' });
    expect(r.run(['rev-parse', 'refs/remotes/origin/main']).trim()).toBe(two);
    // git's own answers: the URL the hook is given, and what the remote lacks of the push.
    const url = r.run(['remote', 'get-url', '--push', 'origin']).trim();
    expect(url).toBe(remote);
    expect(r.run(['rev-list', '--count', three, `^${one}`]).trim()).toBe('2');
    const { path, log } = loggingGitOnPath(rewritten ? 'stale-rewritten' : 'stale-plain');
    const res = await runMain(['hook', 'run', 'pre-push', 'origin', url], {
      cwd: r.dir,
      env: { ...r.env, PATH: `${path}:${r.env.PATH ?? process.env.PATH ?? ''}` },
      input: `refs/heads/main ${three} refs/heads/main ${one}\n`,
    });
    expect(res.stderr).toMatch(/2 new commit\(s\) checked/);
    expect(res.stderr).toMatch(/stale/);
    const c = processes(log);
    expect([startingWith(c, 'config'), startingWith(c, 'remote')]).toEqual([1, 0]);
  },
  60_000,
);

test('with a git before 2.36 (no cat-file --batch-command) the reader falls back to --batch, and the verdicts are the same', async () => {
  const { git, log } = loggingGit(dir, 'old', '2.35.1');
  const { git: now } = loggingGit(dir, 'now');
  const old = await audit(copyRepo(signed), git);
  const c = processes(log);
  expect(startingWith(c, 'cat-file --batch-command')).toBe(0);
  expect(startingWith(c, 'cat-file --batch')).toBeGreaterThan(0);
  expect(outcomes(old)).toEqual(outcomes(await audit(copyRepo(signed), now)));
});
