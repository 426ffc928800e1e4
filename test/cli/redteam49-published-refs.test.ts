// Red team 49: what `audit --all` left out of the secrets scan that a push publishes. Notes
// (`git push origin refs/notes/commits`, `git notes show` prints them, fan-out trees too), a stash's
// WIP commits (`git push --mirror` sends refs/stash, `git stash show -p` prints them) and the refs'
// names (`git push origin <branch>` sends the name, `git ls-remote` prints it) were not read: the rule
// passed. The walk still leaves notes and stashes out (git never signs them); the scan reads them.
// Twins: the same refs holding nothing secret pass, and a branch description (config, never pushed)
// is not read.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);

const f = new TokenFactory(4950);

interface Found {
  outcome: string;
  findings: Array<{ evidence: { path: string; line: number } }>;
}

async function auditAll(
  r: TestRepo,
  select: string[] = ['-r', 'secrets-not-in-history'],
): Promise<{ outcome: string; at: string[]; incremental: boolean }> {
  const res = await runMain(['audit', '-C', r.dir, '--all', ...select, '--format', 'json', '--no-ledger'], {
    env: r.env,
  });
  const report = parseJson<{ walk?: { incremental?: boolean } }>(res);
  const result = resultOf(parseJson(res), 'secrets-not-in-history') as unknown as Found;
  return {
    outcome: result.outcome,
    at: result.findings.map((x) => `${x.evidence.path}:${x.evidence.line}`),
    incremental: report.walk?.incremental === true,
  };
}

function base(): TestRepo {
  const r = makeRepo();
  r.commit('init', { 'a.txt': 'a\n' });
  return r;
}

test('a note (git notes add), and one in a fan-out tree, are read; a clean note passes', async () => {
  const r = base();
  r.run(['notes', 'add', '-m', 'reviewed, nothing to say', 'HEAD']);
  expect((await auditAll(r)).outcome).toBe('pass');
  const token = f.checksummed(`gh${'p'}_`);
  r.run(['notes', 'add', '-f', '-m', `deploy with ${token}`, 'HEAD']);
  expect(r.run(['notes', 'show', 'HEAD'])).toContain(token);
  const head = r.head();
  expect(await auditAll(r)).toMatchObject({ outcome: 'fail', at: [`${head}:1`] });

  // A notes tree with fan-out (git writes one past ~256 notes): the note at aa/bbb..., still git's.
  const s = base();
  const target = s.head();
  const token2 = f.checksummed(`gh${'o'}_`);
  const blob = s.run(['hash-object', '-w', '--stdin'], { input: `ci key ${token2}\n` }).trim();
  const index = join(s.dir, '.git', 'notes-index');
  const env = { ...s.env, GIT_INDEX_FILE: index };
  execFileSync(
    'git',
    ['update-index', '--add', '--cacheinfo', `100644,${blob},${target.slice(0, 2)}/${target.slice(2)}`],
    {
      cwd: s.dir,
      env,
    },
  );
  const tree = execFileSync('git', ['write-tree'], { cwd: s.dir, env }).toString().trim();
  const commit = s.run(['commit-tree', tree, '-m', 'Notes added by hand'], {}).trim();
  s.run(['update-ref', 'refs/notes/commits', commit]);
  expect(s.run(['notes', 'show', target])).toContain(token2);
  expect(await auditAll(s)).toMatchObject({
    outcome: 'fail',
    at: [`${target.slice(0, 2)}/${target.slice(2)}:1`],
  });
});

test("a stash's WIP, index and untracked commits are read; a clean stash passes", async () => {
  const r = base();
  writeFileSync(join(r.dir, 'a.txt'), 'work in progress\n');
  r.run(['stash', 'push', '-q']);
  expect((await auditAll(r)).outcome).toBe('pass');
  r.run(['stash', 'drop', '-q']);
  const inTree = f.checksummed(`gh${'s'}_`);
  const staged = f.checksummed(`np${'m'}_`);
  const untracked = f.checksummed(`gh${'r'}_`);
  writeFileSync(join(r.dir, 'a.txt'), `a\nT=${staged}\n`);
  r.run(['add', 'a.txt']);
  writeFileSync(join(r.dir, 'a.txt'), `a\nT=${staged}\nU=${inTree}\n`);
  writeFileSync(join(r.dir, 'new.env'), `K=${untracked}\n`);
  r.run(['stash', 'push', '-q', '-u']);
  expect(r.run(['stash', 'show', '-p', '--include-untracked'])).toContain(untracked);
  const found = await auditAll(r);
  expect(found.outcome).toBe('fail');
  expect(found.at.sort()).toEqual(['a.txt:2', 'a.txt:3', 'new.env:1']);
});

test("a ref's name is read; a branch description (config, never pushed) is not", async () => {
  const r = base();
  const token = f.checksummed(`gh${'p'}_`);
  r.run(['config', 'branch.main.description', `deploy with ${token}`]);
  expect((await auditAll(r)).outcome).toBe('pass');
  r.run(['branch', `ci-${token}`]);
  expect(r.run(['for-each-ref', '--format=%(refname)'])).toContain(token);
  expect(await auditAll(r)).toMatchObject({ outcome: 'fail', at: ['(ref name):1'] });
});

test('a re-audit from the checkpoint reports a note once', async () => {
  const r = base();
  r.run(['notes', 'add', '-m', `token ${f.checksummed(`gh${'p'}_`)}`, 'HEAD']);
  const first = await auditAll(r, ['--threat', 'protections']);
  r.commit('more', { 'b.txt': 'b\n' });
  const again = await auditAll(r, ['--threat', 'protections']);
  expect(first).toMatchObject({ outcome: 'fail', at: [`${r.run(['rev-parse', 'HEAD~1']).trim()}:1`] });
  expect(again).toEqual({ ...first, incremental: true });
});
