// Red team 105: a core.hooksPath with ".." after a link. git opens <core.hooksPath>/<hook> as written,
// so the kernel takes `..` from where a link leads: with .git/hooks a link to a folder elsewhere,
// `core.hooksPath=.git/hooks/../hooks` names the `hooks` beside that folder, not .git/hooks, and git
// runs no pre-push ("cannot find a hook named pre-push"). gitguard read the path by its text alone
// (path.resolve, and node's realpath, drop `..` first): .git/hooks, where its hook is, so
// hooks-not-disabled and gitguard-hook-installed passed. The reference is git's own `git hook run`.
import { mkdirSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, tempDir, cleanupTemp, type TestRepo } from '../helpers/repo.js';
import { runCli, runMain } from '../helpers/cli.js';

afterAll(cleanupTemp);

let repo: TestRepo;
let away: string;
beforeAll(() => {
  repo = makeRepo();
  repo.commit('base', { a: '1\n' });
  expect(runCli(['hook', 'install', '-C', repo.dir], { env: repo.env }).code).toBe(0);
  // .git/hooks, gitguard's pre-push in it, becomes a link to a folder elsewhere.
  away = tempDir('gitguard-rt105-away-');
  mkdirSync(join(away, 'tools'));
  renameSync(join(repo.dir, '.git', 'hooks'), join(away, 'tools', 'hooks-real'));
  symlinkSync(join(away, 'tools', 'hooks-real'), join(repo.dir, '.git', 'hooks'));
});

/** Whether git runs a pre-push hook here (`git hook run` fails when it finds none). */
const gitRunsPrePush = (): boolean => {
  try {
    repo.run(['hook', 'run', 'pre-push'], { input: '' });
    return true;
  } catch {
    return false;
  }
};

async function outcomes(hooksPath: string): Promise<{ git: boolean; gitguard: Record<string, string> }> {
  repo.run(['config', 'core.hooksPath', hooksPath]);
  const res = await runMain(
    [
      'audit',
      '-C',
      repo.dir,
      '--no-ledger',
      '--allow-empty',
      '--format',
      'json',
      '-r',
      'hooks-not-disabled',
      '-r',
      'gitguard-hook-installed',
    ],
    { env: repo.env },
  );
  const results: Array<{ meta: { id: string }; outcome: string }> = JSON.parse(res.stdout).results;
  return { git: gitRunsPrePush(), gitguard: Object.fromEntries(results.map((x) => [x.meta.id, x.outcome])) };
}

test('.git/hooks/../hooks, .git/hooks a link elsewhere: git runs no hook, both rules fail', async () => {
  expect(await outcomes('.git/hooks/../hooks')).toEqual({
    git: false,
    gitguard: { 'hooks-not-disabled': 'fail', 'gitguard-hook-installed': 'warn' },
  });
});

test.each(['.git/hooks/../../tools/hooks-real', '.git/hooks/.', '.git/hooks'])(
  'honest twin: core.hooksPath=%s reaches the hook git runs: both rules pass',
  async (hooksPath) => {
    expect(await outcomes(hooksPath)).toEqual({
      git: true,
      gitguard: { 'hooks-not-disabled': 'pass', 'gitguard-hook-installed': 'pass' },
    });
  },
);
