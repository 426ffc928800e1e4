// Red team 57: the history walk read its commits from one `git cat-file --batch` and took an exit
// without a code (git ended by a signal: the OOM killer, a crash, a kill from outside) as success. So
// a walk whose git died part way was complete to every rule: the audit judged the commits read until
// then (scope "1 commit" of 31) and the secrets scan, fed its commit objects by that walk
// (commit-feed.ts), read no more of them either: a token in a header of the newest commit, which
// `git cat-file -p` prints, passed. Now a git ended by a signal stops the audit (exit 2), as one that
// exits non-zero does. Twin: the same wrapper passing cat-file through whole gives the full verdict.
import { execFileSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);
const token = new TokenFactory(5760).checksummed(`gh${'p'}_`);

/**
 * A `--git` wrapper: the walk's `cat-file --batch` (its format names %(rest)) gives its first 300
 * bytes and is then killed by SIGKILL when `kill` is set; every other git runs as is.
 */
function wrapper(kill: boolean): string {
  const f = join(tempDir(), 'git');
  const real = execFileSync('sh', ['-c', 'command -v git']).toString().trim();
  writeFileSync(
    f,
    `#!/bin/sh
case "$*" in *"cat-file --batch=%(objectname) %(objecttype) %(objectsize) %(rest)"*)
  ${kill ? `"${real}" "$@" | head -c 300; kill -9 $$ ;;` : `"${real}" "$@"; exit $? ;;`}
esac
exec "${real}" "$@"
`,
  );
  chmodSync(f, 0o755);
  return f;
}

/** 31 commits, the newest with an x-token header git log prints nowhere (cat-file -p does). */
function repo(): TestRepo {
  const r = makeRepo();
  for (let i = 0; i < 30; i++) r.commit(`c${i}`, { [`f${i}.txt`]: `${i}\n` });
  const raw = `tree ${r.run(['rev-parse', 'HEAD^{tree}'])}\nparent ${r.head()}\nauthor A <a@example.com> 1700000000 +0000\ncommitter A <a@example.com> 1700000000 +0000\nx-token ${token}\n\nlast\n`;
  r.run(['update-ref', 'refs/heads/main', r.run(['hash-object', '-t', 'commit', '-w', '--stdin'], { input: raw })]);
  expect(r.run(['cat-file', '-p', 'HEAD'])).toContain(token);
  expect(r.run(['rev-list', '--count', 'HEAD'])).toBe('31');
  return r;
}

const args = (r: TestRepo, git: string): string[] => [
  'audit',
  '-C',
  r.dir,
  '--git',
  git,
  '-r',
  'secrets-not-in-history',
  '-r',
  'commits-signed',
  '--format',
  'json',
  '--no-ledger',
  '--no-cache',
];

test("the walk's git cat-file killed by a signal part way: the audit stops (exit 2) (before: 1 commit of 31 judged, the newest commit's token passed)", async () => {
  const r = repo();
  const res = await runMain(args(r, wrapper(true)), { env: r.env });
  expect(res.stderr).toMatch(/cat-file/);
  expect(res.code).toBe(2);
});

test('twin: the same wrapper passing cat-file through whole: 31 commits judged, the token found', async () => {
  const r = repo();
  const res = await runMain(args(r, wrapper(false)), { env: r.env });
  const report = parseJson(res);
  expect(report.scope.commits).toBe(31);
  const s = resultOf(report, 'secrets-not-in-history');
  expect(s.outcome).toBe('fail');
  expect(JSON.stringify(s.findings)).toContain('(commit object)');
});
