// The pre-push hook reads the pushed commits once when the trust root lies in the history the remote
// already has: the walk excluded the root's parents (`^parent`) beside the push's `^old`, a list the
// secrets scan, which reads from the root's parents too, does not name, so the two sorted their own
// lists, each read every commit object with a cat-file of its own, and the walk diffed the commits
// again for its watched paths. The root's parents exclude nothing more there (git's own count of both
// lists): the walk now reads the scan's list and shares its sort, its commit objects and its log's
// paths. The findings are the same: a token in a commit object's header (read by the commit-object
// pass the walk feeds) and in a file, both commits unsigned, as `git log --format=%G?` says. Twin: a
// root inside the push (the policy pushed with the work) keeps its exclusions, and the same findings.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { runMain } from '../helpers/cli.js';
import { POLICY } from '../helpers/incremental.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const tokens = new TokenFactory(1414);
const inFile = tokens.checksummed(`gh${'p'}_`);
const inHeader = tokens.checksummed(`gh${'p'}_`);

/** A git on PATH that logs its arguments, one line per process. */
function loggingGit(): { path: string; log: string } {
  const dir = tempDir('gg-hook-once-');
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const log = join(dir, 'git.log');
  writeFileSync(join(bin, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${real}' "$@"\n`);
  chmodSync(join(bin, 'git'), 0o755);
  writeFileSync(log, '');
  return { path: bin, log };
}

/** A commit whose object carries an extra header line with the token (git keeps unknown headers). */
function headerCommit(r: TestRepo): string {
  const body = r.run(['cat-file', 'commit', 'HEAD']).replace(/^(committer .*)$/m, `$1\nx-note ${inHeader}`);
  const oid = r.run(['hash-object', '-t', 'commit', '-w', '--stdin'], { input: `${body}\n` });
  r.run(['update-ref', 'HEAD', oid]);
  return oid;
}

async function pushed(policyPublished: boolean) {
  const r = makeRepo();
  r.commit('start', { 'a.txt': 'a\n' });
  if (policyPublished) r.commit('policy', { '.gitguard/policy.yml': POLICY });
  const remote = join(tempDir(), 'remote.git');
  r.run(['init', '-q', '--bare', remote]);
  r.run(['remote', 'add', 'origin', remote]);
  r.run(['push', '-q', 'origin', 'main']);
  const old = r.head();
  if (!policyPublished) r.commit('policy', { '.gitguard/policy.yml': POLICY });
  r.commit('work', { 'cfg.txt': `token: ${inFile}\n` });
  headerCommit(r);
  r.commit('more', { 'b.txt': 'b\n' });
  const now = r.head();
  const git = loggingGit();
  const res = await runMain(['hook', 'run', 'pre-push', 'origin', remote], {
    cwd: r.dir,
    env: { ...r.env, PATH: `${git.path}:${r.env.PATH ?? process.env.PATH ?? ''}` },
    input: `refs/heads/main ${now} refs/heads/main ${old}\n`,
  });
  const lines = readFileSync(git.log, 'utf8').split('\n');
  const count = (re: RegExp): number => lines.filter((l) => re.test(l)).length;
  return {
    r,
    old,
    res,
    sorts: count(/ rev-list --stdin --parents --topo-order/),
    catFiles: count(/ cat-file --batch=/),
    diffTrees: count(/ diff-tree /),
  };
}

/** What the hook said of the commits and the secrets, and git's letters for the pushed commits. */
function expectFindings(p: Awaited<ReturnType<typeof pushed>>): void {
  expect(p.res.code).toBe(1);
  const unsigned = p.r.run(['log', '--format=%h %G?', `${p.old}..HEAD`]).split('\n');
  expect(unsigned.every((l) => l.endsWith(' N'))).toBe(true);
  expect(p.res.stderr).toMatch(new RegExp(`commits-signed: ${unsigned.length} of ${unsigned.length} commits`));
  expect(p.res.stderr).toMatch(/secrets-not-in-history/);
  for (const where of [/cfg\.txt:1/, /\(commit object\):\d/]) expect(p.res.stderr).toMatch(where);
}

test('a root in what the remote has: one sort, one cat-file over the commits, no diff-tree', async () => {
  const p = await pushed(true);
  expectFindings(p);
  expect(p.sorts).toBe(1);
  expect(p.catFiles).toBe(1);
  expect(p.diffTrees).toBe(0);
});

test('twin: the root pushed with the work keeps its exclusions; the same findings', async () => {
  const p = await pushed(false);
  expectFindings(p);
});
