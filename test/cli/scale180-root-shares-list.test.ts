// A trust root past the first commit: the walk starts at the root, the secrets scan reads the whole
// history. Both now read one sorted list (collect/walk-list.ts: the walk skips what the root's
// parents reach), so the history is sorted once and the scan's log gives the walk its watched paths,
// where before a second `rev-list --topo-order` and the walk's own `diff-tree` ran. The verdicts must
// not move: a token committed before the root, and one on a branch forked before the root and merged
// after it, are each credited to the commit that added it; the walk judges exactly the commits after
// the root.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain, type JsonReport } from '../helpers/cli.js';
import { TokenFactory } from '../helpers/secrets.js';

afterAll(cleanupTemp);

/** A git that logs its arguments, one line per process. */
function loggingGit(dir: string): { git: string; log: string } {
  const git = join(dir, 'git.sh');
  const log = join(dir, 'git.log');
  writeFileSync(git, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec git "$@"\n`);
  chmodSync(git, 0o755);
  writeFileSync(log, '');
  return { git, log };
}

const POLICY = 'version: 1\nrequire_signatures: false\n';
const f = new TokenFactory(180);
const early = f.checksummed(`gh${'p'}_`);
const side = f.checksummed(`gh${'p'}_`);

interface History {
  repo: TestRepo;
  first: string;
  sideLeak: string;
  root: string;
}

/** first (a token) -> root (the policy) -> work -> merge of a branch forked at first (a token). */
function history(): History {
  const repo = makeRepo();
  const first = repo.commit('first', { 'README.md': '# demo\n', 'config/old.env': `TOKEN=${early}\n` });
  repo.run(['checkout', '-q', '-b', 'side']);
  const sideLeak = repo.commit('side work', { 'config/side.env': `GITHUB_TOKEN=${side}\n` });
  repo.run(['checkout', '-q', 'main']);
  const root = repo.commit('policy', { '.gitguard/policy.yml': POLICY });
  repo.commit('work', { 'src/a.txt': 'a\n' });
  repo.run(['merge', '-q', '--no-ff', '-m', 'merge side', 'side']);
  return { repo, first, sideLeak, root };
}

async function audit(h: History, git?: string): Promise<JsonReport> {
  const res = await runMain(
    ['audit', '-C', h.repo.dir, '--format', 'json', '--no-cache', ...(git ? ['--git', git] : [])],
    {
      env: h.repo.env,
    },
  );
  expect(res.code).toBe(1); // the tokens fail it
  return parseJson(res);
}

test('a trust root at the second commit: one sort for the walk and the scan, the watched paths from the scan’s log, the same verdicts', async () => {
  const h = history();
  const { git, log } = loggingGit(tempDir('gg-scale180-'));
  const report = await audit(h, git);
  const lines = readFileSync(log, 'utf8').split('\n');
  // One `rev-list --topo-order` (was two: the walk's `HEAD ^first` and the scan's `HEAD`), and no diff-tree
  // unless the scan's log was too late to offer the watched paths (at most one, as before the tap).
  expect(lines.filter((l) => / rev-list .*--topo-order/.test(l))).toHaveLength(1);
  expect(lines.filter((l) => / diff-tree /.test(l)).length).toBeLessThanOrEqual(1);
  // The walk judged the root and what followed, nothing before it.
  expect((report as unknown as { walk: unknown }).walk).toMatchObject({ walked: 4 });
  expect(JSON.stringify(report)).toContain(`from trust root ${h.root.slice(0, 12)}`);
  const secrets = resultOf(report, 'secrets-not-in-history');
  expect(secrets.outcome).toBe('fail');
  const credited = (secrets.findings as Array<{ commit?: string; file?: string }>)
    .map((x) => `${x.commit} ${x.file}`)
    .sort();
  expect(credited).toEqual([`${h.first} config/old.env`, `${h.sideLeak} config/side.env`].sort());
});

test('a commit before the root too large to judge is passed over, not refused: the walk never judges it, the scan still reads it', async () => {
  // The first commit's message past GITGUARD_MAX_OBJECT_BYTES: the walk's limit for a commit it holds.
  const repo = makeRepo();
  const big = repo.commit(`first\n\n${'x'.repeat(16 * 1024)}\n`, { 'config/old.env': `TOKEN=${early}\n` });
  repo.commit('second', { 'a.txt': 'a\n' }); // the root's parent, which the root's search reads
  repo.commit('policy', { '.gitguard/policy.yml': POLICY });
  const res = await runMain(['audit', '-C', repo.dir, '--format', 'json', '--no-cache'], {
    env: { ...repo.env, GITGUARD_MAX_OBJECT_BYTES: '8192' },
  });
  expect(res.code).toBe(1); // not 2: nothing it judges is too large
  const secrets = resultOf(parseJson(res), 'secrets-not-in-history');
  expect((secrets.findings as Array<{ commit?: string }>).map((x) => x.commit)).toEqual([big]);
});
