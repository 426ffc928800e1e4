// The worktrees git lists for a repository (`git worktree list --porcelain`): the HEADs `--all` walks
// beside the refs, and whether a bare repository is the common dir of linked worktrees people commit
// in (the bare-repository-and-worktrees layout), which makes it a clone, not a server.
import { existsSync, readdirSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { RepositoryInfo } from '../domain/model.js';
import { gitText } from './git.js';
import { UnsafeFileError } from './safe-fs.js';
import { fsReason } from '../errors.js';

export interface Worktree {
  /** The commit checked out; undefined for the bare main entry or an unborn branch. */
  head?: string;
  bare: boolean;
  /** git would prune it: its folder is gone (a worktree moved or deleted by hand). */
  prunable: boolean;
}

// What `git worktree list` opens in each worktrees/<id>/: a FIFO or device there would hold git until
// its timeout, so each that exists must be a regular file before git is asked.
const ENTRY_FILES = ['gitdir', 'HEAD', 'commondir', 'locked'];

// What git finds at a path: it follows symbolic links (worktrees/, worktrees/<id>, each file), so the
// check does too; a link git cannot follow (a loop) is refused like a FIFO.
function statAsGit(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (e) {
    throw new UnsafeFileError(path, 'unreadable', `cannot be read (${fsReason(e)})`, 'remove it, then run again');
  }
}

function assertEntriesAreFiles(dir: string): void {
  let ids: string[];
  try {
    ids = readdirSync(dir);
  } catch (e) {
    throw new UnsafeFileError(dir, 'unreadable', `cannot be read (${fsReason(e)})`, 'make it readable, then run again');
  }
  for (const id of ids) {
    const entry = join(dir, id);
    if (!statAsGit(entry)?.isDirectory()) continue;
    for (const name of ENTRY_FILES) {
      const path = join(entry, name);
      const st = statAsGit(path);
      if (st && !st.isFile())
        throw new UnsafeFileError(
          path,
          'not-a-file',
          'not a regular file, so git cannot be asked for the worktrees',
          `remove it (git worktree prune drops a worktree whose folder is gone), then run again`,
        );
    }
  }
}

/**
 * git's list; undefined when there are no linked worktrees (no git started then). A worktree file git
 * would block on stops the run (UnsafeFileError) rather than leave a checked-out commit unlisted.
 */
export async function listWorktrees(
  repo: Pick<RepositoryInfo, 'gitDir' | 'commonDir'>,
): Promise<Worktree[] | undefined> {
  const dir = join(repo.commonDir, 'worktrees');
  if (!existsSync(dir)) return undefined;
  if (statAsGit(dir)?.isDirectory()) assertEntriesAreFiles(dir);
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
 * How many linked worktrees of a bare repository are live. A worktree file git would block on, or
 * none git can list, counts none, which leaves the repository a server, the strict side.
 */
export async function liveLinkedWorktrees(repo: Pick<RepositoryInfo, 'gitDir' | 'commonDir'>): Promise<number> {
  let list: Worktree[] | undefined;
  try {
    list = await listWorktrees(repo);
  } catch (e) {
    if (e instanceof UnsafeFileError) return 0;
    throw e;
  }
  return (list ?? []).filter((w) => !w.bare && !w.prunable).length;
}
