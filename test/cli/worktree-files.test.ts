// `git worktree list` opens each worktrees/<id>/ file (gitdir, HEAD, ...): a FIFO planted there held
// git until its 60 s timeout whenever --all asked for the worktrees' checked-out commits. Refused at
// once now, in one line naming the file; a worktree whose folder is gone still lists (git prunes it).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { runMain } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

function withWorktree(): { r: TestRepo; wt: string } {
  const r = makeRepo();
  r.commit('one', { 'a.txt': 'a\n' });
  const wt = join(tempDir('gg-wtf-'), 'side');
  r.run(['worktree', 'add', '-q', '-b', 'side', wt]);
  return { r, wt };
}

test.each(['gitdir', 'HEAD'])('a FIFO at worktrees/side/%s: --all stops at once (exit 2, one line)', async (name) => {
  const { r } = withWorktree();
  const file = join(r.dir, '.git', 'worktrees', 'side', name);
  rmSync(file);
  execFileSync('mkfifo', [file]);
  const res = await runMain(['audit', '-C', r.dir, '--all', '--no-cache', '--rule', 'commits-signed'], {
    env: r.env,
  });
  expect(res.code).toBe(2);
  const lines = res.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(`worktrees/side/${name}: not a regular file`);
});

test('twin: a worktree whose folder was deleted still lets --all run', async () => {
  const { r, wt } = withWorktree();
  rmSync(wt, { recursive: true, force: true });
  const res = await runMain(['audit', '-C', r.dir, '--all', '--no-cache', '--rule', 'commits-signed'], {
    env: r.env,
  });
  expect(res.code).toBe(1);
  expect(res.stderr).not.toContain('not a regular file');
});
