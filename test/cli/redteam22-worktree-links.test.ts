// Red team 22: the FIFO check on worktrees/<id>/ files (cleanpass15/16) used lstat, so it skipped
// worktrees/<id> or worktrees/ itself when it is a symbolic link to a folder; git follows both
// (git 2.39: `git worktree list` through either link to a folder holding a FIFO gitdir waited until
// killed). A repository shipped with such a link held --all for the 60 s git timeout, and the
// bare-layout check of every audit of a bare repository likewise. Now refused at once, as a FIFO in a
// real folder is. Twin: worktree files that are links to regular files still list.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemp, makeRepo, tempDir, type TestRepo } from '../helpers/repo.js';
import { runMain } from '../helpers/cli.js';

afterAll(() => cleanupTemp());

function withWorktree(): { r: TestRepo; wt: string } {
  const r = makeRepo();
  r.commit('one', { 'a.txt': 'a\n' });
  const wt = join(tempDir('gg-wtl-'), 'side');
  r.run(['worktree', 'add', '-q', '-b', 'side', wt]);
  return { r, wt };
}

async function auditAll(r: TestRepo): Promise<{ code: number; lines: string[] }> {
  const res = await runMain(['audit', '-C', r.dir, '--all', '--no-cache', '--rule', 'commits-signed'], {
    env: r.env,
  });
  return { code: res.code, lines: res.stderr.trim().split('\n') };
}

/** Moves `path` to a folder outside the repository and leaves a symbolic link to it in its place. */
function linkOut(path: string): string {
  const outside = join(tempDir('gg-wtl-out-'), 'moved');
  renameSync(path, outside);
  symlinkSync(outside, path);
  return outside;
}

test('worktrees/<id> a link to a folder with a FIFO gitdir: --all stops at once (exit 2, one line)', async () => {
  const { r } = withWorktree();
  const outside = linkOut(join(r.dir, '.git', 'worktrees', 'side'));
  rmSync(join(outside, 'gitdir'));
  execFileSync('mkfifo', [join(outside, 'gitdir')]);
  const got = await auditAll(r);
  expect(got.code).toBe(2);
  expect(got.lines).toHaveLength(1);
  expect(got.lines[0]).toContain('worktrees/side/gitdir: not a regular file');
});

test('worktrees/ a link to a folder with a FIFO HEAD: --all stops at once (exit 2, one line)', async () => {
  const { r } = withWorktree();
  const outside = linkOut(join(r.dir, '.git', 'worktrees'));
  rmSync(join(outside, 'side', 'HEAD'));
  execFileSync('mkfifo', [join(outside, 'side', 'HEAD')]);
  const got = await auditAll(r);
  expect(got.code).toBe(2);
  expect(got.lines).toHaveLength(1);
  expect(got.lines[0]).toContain('worktrees/side/HEAD: not a regular file');
});

test('twin: worktree folders and files that are links to regular ones still let --all run', async () => {
  const { r } = withWorktree();
  const outside = linkOut(join(r.dir, '.git', 'worktrees', 'side'));
  const kept = join(tempDir('gg-wtl-files-'), 'gitdir');
  mkdirSync(join(kept, '..'), { recursive: true });
  cpSync(join(outside, 'gitdir'), kept);
  rmSync(join(outside, 'gitdir'));
  symlinkSync(kept, join(outside, 'gitdir'));
  expect(r.run(['worktree', 'list', '--porcelain'])).toContain('branch refs/heads/side');
  const got = await auditAll(r);
  expect(got.code).toBe(1);
  expect(got.lines.join('\n')).not.toContain('not a regular file');
});
