// Red team 65: a repository's own config taking in a file of its work tree (`git config include.path
// ../.gitconfig`, as projects share settings) reads config whoever commits to that file writes: a
// commit on any branch setting core.fsmonitor there runs its command on the next `git checkout` and
// `git status` of that branch (or the pull that brings it). no-code-execution-in-local-config judged
// only what the file holds now, and passed. Now the include itself fails it. Twins: the same file
// kept in .git/ or outside the repository passes.
import { existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { parseJson, resultOf, runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

const RULE = 'no-code-execution-in-local-config';
const SHARED = '[user]\n\tname = Team\n';

async function outcome(r: TestRepo): Promise<string> {
  const res = await runMain(['audit', '-C', r.dir, '--no-cache', '--no-ledger', '--format', 'json', '-r', RULE], {
    env: r.env,
  });
  return `${res.code} ${resultOf(parseJson(res), RULE).outcome}`;
}

/** A repository tracking shared.gitconfig (harmless on main), and a branch `pr` whose commit makes it run `marker`'s touch. */
function sharedConfigRepo(): { r: TestRepo; marker: string } {
  const r = makeRepo();
  r.commit('shared settings', { 'shared.gitconfig': SHARED });
  const marker = join(r.home, 'ran');
  r.run(['checkout', '-q', '-b', 'pr']);
  r.commit('tweak', { 'shared.gitconfig': `${SHARED}[core]\n\tfsmonitor = touch '${marker}'; false\n` });
  r.run(['checkout', '-q', 'main']);
  return { r, marker };
}

test.each([
  ['include.path', '../shared.gitconfig'],
  ['includeIf.onbranch:main.path', '../shared.gitconfig'],
  ['includeIf.gitdir:/elsewhere/.path', '../shared.gitconfig'],
])('%s=%s (a tracked file): fails (before: passed); git runs what a commit puts there', async (key, value) => {
  const { r, marker } = sharedConfigRepo();
  r.run(['config', key, value]);
  expect(await outcome(r)).toBe('1 fail');
  if (key === 'include.path') {
    r.run(['checkout', '-q', 'pr']);
    r.run(['status']);
    expect(existsSync(marker)).toBe(true);
  }
});

test('.git/shared.gitconfig a link to the tracked file: fails too (git opens through the link)', async () => {
  const { r, marker } = sharedConfigRepo();
  symlinkSync(join(r.dir, 'shared.gitconfig'), join(r.dir, '.git', 'shared.gitconfig'));
  r.run(['config', 'include.path', 'shared.gitconfig']);
  expect(await outcome(r)).toBe('1 fail');
  r.run(['checkout', '-q', 'pr']);
  r.run(['status']);
  expect(existsSync(marker)).toBe(true);
});

test('twins: the same file kept in .git/ or outside the repository passes', async () => {
  const { r, marker } = sharedConfigRepo();
  writeFileSync(join(r.dir, '.git', 'shared.gitconfig'), SHARED);
  r.run(['config', 'include.path', 'shared.gitconfig']);
  const outside = join(tempDir(), 'team.gitconfig');
  writeFileSync(outside, SHARED);
  r.run(['config', '--add', 'include.path', outside]);
  expect(r.run(['config', 'user.name'])).toBe('Team');
  expect(await outcome(r)).toBe('0 pass');
  r.run(['checkout', '-q', 'pr']);
  r.run(['status']);
  expect(existsSync(marker)).toBe(false);
});
