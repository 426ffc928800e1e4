// What the secrets scan does when git cannot read what a commit added. In a partial clone an object
// is left out on purpose: the rule is skipped and says how to fetch it. Anywhere else the object is
// damaged (or was damaged on purpose: one corrupt loose blob made `git log -p` fail, the rule a skip,
// and an otherwise clean audit exit 0 over a history nobody read): the run stops, exit 2, one line.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { hasStackTrace, parseJson, resultOf, runMain } from '../helpers/cli.js';

/** A repository whose second commit added `notes/secret.txt`, changed since, and that version's blob id. */
function withAddedBlob(): { repo: TestRepo; blob: string } {
  const repo = makeRepo();
  repo.commit('first', { 'README.md': '# demo\n' });
  repo.commit('add a file', { 'notes/secret.txt': 'nothing to see\n' });
  repo.commit('later', { 'notes/secret.txt': 'changed since\n' });
  return { repo, blob: repo.run(['rev-parse', 'HEAD~1:notes/secret.txt']).trim() };
}

test('a corrupt loose blob in a full clone stops the run (exit 2, one line naming git fsck), never a skipped scan', async () => {
  const { repo, blob } = withAddedBlob();
  const file = join(repo.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2));
  chmodSync(file, 0o644);
  writeFileSync(file, Buffer.from('not zlib at all'));
  const res = await runMain(['audit', '-C', repo.dir, '--rule', 'secrets-not-in-history'], { env: repo.env });
  expect(res.code).toBe(2);
  const lines = res.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/what the commits added cannot be read.*git fsck/);
  expect(hasStackTrace(res)).toBe(false);
});

test('twin: a blob a partial clone left out skips the rule with the way to fetch it (exit 0)', async () => {
  const { repo } = withAddedBlob();
  repo.run(['config', 'uploadpack.allowFilter', 'true']);
  const dest = join(tempDir(), 'partial');
  repo.run(['clone', '-q', '--no-local', '--filter=blob:none', `file://${repo.dir}`, dest]);
  const res = await runMain(
    ['audit', '-C', dest, '--rule', 'secrets-not-in-history', '--allow-empty', '--format', 'json'],
    {
      env: repo.env,
    },
  );
  expect([res.code, res.stderr]).toEqual([0, '']);
  const r = resultOf(parseJson(res), 'secrets-not-in-history');
  expect(r.outcome).toBe('not-available');
  expect(r.note).toMatch(/partial clone/);
});
