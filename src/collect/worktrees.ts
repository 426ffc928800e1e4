// The worktrees git lists for a repository (`git worktree list --porcelain`): the HEADs `--all` walks
// beside the refs, and whether a bare repository is the common dir of linked worktrees people commit
// in (the bare-repository-and-worktrees layout), which makes it a clone, not a server.
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RepositoryInfo } from '../domain/model.js';
import { gitText } from './git.js';

export interface Worktree {
  /** The commit checked out; undefined for the bare main entry or an unborn branch. */
  head?: string;
  bare: boolean;
  /** git would prune it: its folder is gone (a worktree moved or deleted by hand). */
  prunable: boolean;
}

/** git's list; undefined when there are no linked worktrees (no git started then). */
export async function listWorktrees(
  repo: Pick<RepositoryInfo, 'gitDir' | 'commonDir'>,
): Promise<Worktree[] | undefined> {
  if (!existsSync(join(repo.commonDir, 'worktrees'))) return undefined;
  const out = await gitText(['worktree', 'list', '--porcelain'], { gitDir: repo.gitDir, timeoutMs: 60_000 });
  return out.split(/\n\n+/).map((entry) => {
    const head = /^HEAD ([0-9a-f]{40}(?:[0-9a-f]{24})?)$/m.exec(entry)?.[1];
    return {
      ...(head && !/^0+$/.test(head) ? { head } : {}),
      bare: /^bare$/m.test(entry),
      prunable: /^prunable\b/m.test(entry),
    };
  });
}

/**
 * How many linked worktrees of a bare repository are live. Each `worktrees/<id>/gitdir` must be a
 * regular file before git is asked (a FIFO there would hold git until its timeout); anything else
 * counts none, which leaves the repository a server, the strict side.
 */
export async function liveLinkedWorktrees(repo: Pick<RepositoryInfo, 'gitDir' | 'commonDir'>): Promise<number> {
  const dir = join(repo.commonDir, 'worktrees');
  try {
    if (!lstatSync(dir).isDirectory()) return 0;
    for (const id of readdirSync(dir)) if (!lstatSync(join(dir, id, 'gitdir')).isFile()) return 0;
  } catch {
    return 0;
  }
  const list = await listWorktrees(repo);
  return (list ?? []).filter((w) => !w.bare && !w.prunable).length;
}
